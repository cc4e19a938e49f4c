"""gunicorn settings from TENANT_CONFIG_* environment variables (see README.md)."""

import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"TENANT_CONFIG_{name}", default)


bind = _env("BIND", "127.0.0.1:8080")
workers = int(_env("WORKERS", "2"))
threads = int(_env("THREADS", "4"))
worker_class = "gthread"
timeout = int(_env("TIMEOUT", "30"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("KEEPALIVE", "5"))
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
