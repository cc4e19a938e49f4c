"""`make bench`: the service side by side with a bare Flask app and etcd 3.4, driven by wrk."""
