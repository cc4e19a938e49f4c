"""Rendering the UI's pages: a whole page, or one block of it for an htmx request."""

from __future__ import annotations

from flask import render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """Tell whether htmx sent this request (and is not restoring history)."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in (
        request.headers
    )


def page(template: str, *, block: str | None = None, **context) -> str:
    """Render `template`; only its `block` when htmx asked for a part of the page (HX-Target)."""
    if block is not None and is_htmx() and request.headers.get("HX-Target") == block:
        return render_block(template, block, **context)
    return render_template(template, **context)
