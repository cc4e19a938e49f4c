"""The admin web UI under /ui/: server-rendered pages made interactive with htmx."""
