"""Optimistic locking: strong ETags from (id, version) and the expectation a change carries."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from flask import current_app, request
from werkzeug.datastructures import ETags

from tenant_config.platform.errors import PreconditionFailed, PreconditionRequired, VersionConflict


def etag_for(resource_id: uuid.UUID, version: int) -> str:
    """Return the strong ETag (unquoted) of a resource at a version."""
    return hashlib.sha1(f"{resource_id}:{version}".encode(), usedforsecurity=False).hexdigest()


def not_modified(resource_id: uuid.UUID, version: int) -> bool:
    """Tell whether the request's If-None-Match already names this version."""
    return request.if_none_match.contains_weak(etag_for(resource_id, version))


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
        if self.if_match is not None and not self.if_match.contains(etag_for(resource_id, current)):
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
    return {"ETag": f'"{etag_for(resource.id, resource.version)}"'}


ETAG_HEADER_DOC = {
    "ETag": {"description": "Strong ETag of this version.", "schema": {"type": "string"}}
}
