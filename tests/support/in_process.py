"""A WSGI app served over real HTTP from a thread of the test process (werkzeug's server)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from werkzeug.serving import make_server


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """Serve `app` on a free loopback port, one thread per request; yield its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    # Polled every 50 ms for shutdown (werkzeug's default 0.5 s slowed every test's end).
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
