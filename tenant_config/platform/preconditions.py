"""Optimistic locking: strong ETags from (id, version) and the expectation a change carries.

Lists carry a strong ETag of the answer itself, so that If-None-Match can answer 304.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, current_app, request
from werkzeug.datastructures import ETags

from tenant_config.platform.errors import PreconditionFailed, PreconditionRequired, VersionConflict


def etag_for(resource_id: uuid.UUID, version: int, *, revealed: bool = False) -> str:
    """Return the strong ETag (unquoted) of a resource at a version, masked or revealed."""
    # A revealed secret and its mask are two representations of one version: two ETags.
    text = f"{resource_id}:{version}" + (":revealed" if revealed else "")
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _etag_of(resource) -> str:
    return etag_for(resource.id, resource.version, revealed=getattr(resource, "revealed", False))


def not_modified(resource) -> bool:
    """Tell whether the request's If-None-Match already names this representation."""
    return request.if_none_match.contains_weak(_etag_of(resource))


@dataclass(frozen=True)
class Expectation:
    """What a change expects of the stored resource: an If-Match header or a body `version`."""

    if_match: ETags | None
    version: int | None
    required: bool

    @classmethod
    def from_request(cls, body_version: int | None, *, required: bool) -> Expectation:
        """Read the expectation of the current request."""
        if_match = request.if_match if "If-Match" in request.headers else None
        return cls(
            if_match=if_match,
            version=body_version,
            required=required and current_app.config["TENANT_CONFIG"].require_precondition,
        )

    def check(self, resource_id: uuid.UUID, current: int) -> None:
        """Raise unless the resource at version `current` is what the caller expects."""
        if self.if_match is not None and not any(
            self.if_match.contains(etag_for(resource_id, current, revealed=revealed))
            for revealed in (False, True)
        ):
            raise PreconditionFailed(
                "The resource has changed since the ETag in If-Match was issued.",
                extensions={"currentVersion": current},
            )
        if self.version is not None and self.version != current:
            raise VersionConflict(
                f"The resource is at version {current}, not {self.version}.",
                extensions={"currentVersion": current},
            )
        if self.if_match is None and self.version is None and self.required:
            raise PreconditionRequired(
                "Send If-Match with the resource's ETag, or its `version` in the body."
            )


def etag_header(resource) -> dict[str, str]:
    """Return the ETag response header of a versioned resource."""
    return {"ETag": f'"{_etag_of(resource)}"'}


ETAG_HEADER_DOC = {
    "ETag": {"description": "Strong ETag of this version.", "schema": {"type": "string"}}
}
PAGE_ETAG_HEADER_DOC = {
    "ETag": {
        "description": "Strong ETag of this answer: it changes whenever the answer would.",
        "schema": {"type": "string"},
    }
}
PAGE_NOT_MODIFIED = "Not Modified: If-None-Match names the ETag this answer would carry."
# A 304 repeats the headers a 200 would carry about caching (RFC 9110, 15.4.5).
_KEPT_BY_304 = ("ETag", "Cache-Control", "Vary", "Expires", "Content-Location")


def answer_etag(response: Response) -> str:
    """Return the strong ETag (unquoted) of an answer: a hash of its body as sent.

    Its Cache-Control is hashed too: a revealed answer (`no-store`) and a masked one are
    different representations, and never share an ETag even where their bytes agree.
    """
    digest = hashlib.sha256(response.headers.get("Cache-Control", "").encode())
    digest.update(b"\n")
    digest.update(response.get_data())
    return digest.hexdigest()


def conditional_page(view: Callable) -> Callable:
    """Give a list view's 200 answer its ETag, and answer 304 when If-None-Match names it."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs) -> Response:
        response = view(*args, **kwargs)
        if response.status_code != 200:
            return response
        tag = answer_etag(response)
        response.set_etag(tag)
        if not request.if_none_match.contains_weak(tag):
            return response
        kept = {name: response.headers[name] for name in _KEPT_BY_304 if name in response.headers}
        return Response(status=304, headers=kept)

    return wrapper
