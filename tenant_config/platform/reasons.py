"""The change reason of a write: a body `reason`, or the `Change-Reason` header of a DELETE."""

from __future__ import annotations

from flask import request

from tenant_config.platform.errors import DomainError
from tenant_config.platform.sizes import REASON_MAX_LENGTH

HEADER = "Change-Reason"
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        f"Why this change is made (UTF-8, at most {REASON_MAX_LENGTH} characters), kept in its "
        "history row; or `reason` in the body, not both."
    ),
    "schema": {"type": "string", "maxLength": REASON_MAX_LENGTH},
}


def change_reason(body_reason: str | None) -> str | None:
    """Return the request's change reason: the body's, or the header's (400 when bad or both)."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return body_reason
    header = _header_text(raw)
    if body_reason is not None:
        raise _bad(f"Send the change reason once: in {HEADER} or in the body, not both.")
    return header


def _header_text(raw: str) -> str:
    """Read a header value as the UTF-8 text its bytes are (WSGI hands them over as Latin-1)."""
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise _bad(f"{HEADER} must be UTF-8 text.") from None
    if len(text) > REASON_MAX_LENGTH:
        raise _bad(f"{HEADER} is longer than {REASON_MAX_LENGTH} characters.")
    if any(ord(character) < 0x20 and character != "\t" for character in text):
        raise _bad(f"{HEADER} must not contain control characters.")
    return text


def _bad(detail: str) -> DomainError:
    return DomainError(detail, errors={HEADER: [detail]})
