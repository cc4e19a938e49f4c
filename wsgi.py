"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import sys

import click
from werkzeug.middleware.proxy_fix import ProxyFix

from tenant_config.app import create_app
from tenant_config.platform.settings import ConfigurationError, Settings


def _migrating() -> bool:
    """Tell whether `flask ... db <command>` loads the app: migrations need only their settings."""
    context = click.get_current_context(silent=True)
    names = []
    while context is not None:
        names.append(context.info_name)
        context = context.parent
    return len(names) >= 2 and names[-2] == "db"


try:
    app = create_app(Settings.from_env(migrations_only=_migrating()))
except ConfigurationError as error:
    sys.stderr.write(f"tenant-config: configuration error: {error}\n")
    raise SystemExit(1) from None

_hops = app.config["TENANT_CONFIG"].proxy_hops
if _hops:
    # Trust exactly this many proxies' X-Forwarded-* headers: more would let callers spoof them.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=_hops, x_proto=_hops, x_host=_hops, x_port=_hops)
