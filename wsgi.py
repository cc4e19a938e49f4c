"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import sys

from tenant_config import create_app
from tenant_config.settings import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    sys.stderr.write(f"tenant-config: configuration error: {error}\n")
    raise SystemExit(1) from None
