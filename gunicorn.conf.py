"""gunicorn settings from TENANT_CONFIG_* environment variables (see README.md)."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# The master imports this file before forking; each gevent worker patches the standard library
# after. psycopg picks a wait that lets other greenlets run only if it is imported after the
# patching, so nothing imported here may import it (nor the app: preload_app stays off).
from tenant_config.operations import serving
from tenant_config.platform.settings import ConfigurationError, Settings

# prometheus_client reads PROMETHEUS_MULTIPROC_DIR when imported, so it is set before the fork.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tenant-config-metrics-")

serving.install()


def _env(name: str, default: str) -> str:
    return os.environ.get(f"TENANT_CONFIG_{name}", default).strip() or default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = serving.bind_setting(os.environ).split(",")
# A worker per core (the GIL caps a worker at one); gevent: a greenlet per connection, so
# slow clients and change waits cost a socket each, not a thread (README "Serving").
workers = int(_env("WORKERS", str(min(8, max(2, _cpus())))))
worker_class = serving.Worker
worker_connections = int(_env("WORKER_CONNECTIONS", "2000"))
timeout = int(_env("TIMEOUT", "30"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("KEEPALIVE", "5"))
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")
max_requests = int(_env("MAX_REQUESTS", "0"))
max_requests_jitter = int(_env("MAX_REQUESTS_JITTER", "0"))
# A header line of up to 20 KiB: `Authorization: Bearer ` and a token of 16 KiB (what the
# service accepts, platform/auth.py MAX_TOKEN_LENGTH) fit; gunicorn's default 8190 did not.
limit_request_field_size = int(_env("LIMIT_REQUEST_FIELD_SIZE", str(20 * 1024)))
# gunicorn 27's runtime control socket stays off: one less way in, no clash between instances.
control_socket_disable = True
SHM = "/dev/shm"  # noqa: S108 (gunicorn makes its own unique files there)
if Path(SHM).is_dir():
    worker_tmp_dir = SHM  # heartbeat files on a disk-backed /tmp can stall workers

# The application logs each request itself (JSON, with route template and trace id).
accesslog = None
logger_class = serving.Logger
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
}


def on_starting(server) -> None:
    """Stop on bad settings before any worker starts; drop the samples a previous run left."""
    try:
        # In the master: a worker that failed on its settings would only be started again.
        Settings.from_env()
    except ConfigurationError as error:
        on_exit(server)
        sys.stderr.write(f"tenant-config: configuration error: {error}\n")
        raise SystemExit(1) from None
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    for kind in ("counter", "gauge_*", "histogram", "summary"):
        for stale in directory.glob(f"{kind}_*.db"):
            stale.unlink(missing_ok=True)


def child_exit(server, worker) -> None:
    """Stop counting a dead worker's live gauges (its counters stay in the sums)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
