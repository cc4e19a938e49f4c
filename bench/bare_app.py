"""The ceiling: a bare Flask app answering every GET with the lookup's bytes (no auth, no DB).

`BENCH_BODY` names the file of the bytes (fetched once from the real service).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

BODY = Path(os.environ["BENCH_BODY"]).read_bytes()
app = Flask(__name__)


@app.get("/<path:anything>")
def answer(anything: str) -> Response:
    """Return the lookup's bytes."""
    return Response(BODY, mimetype="application/json")
