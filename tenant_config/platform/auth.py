"""Bearer JWT validation (Authlib resource protector), scopes and the caller's tenant claims."""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import MissingAuthorizationError, UnsupportedTokenTypeError
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from flask import Flask, Response, after_this_request, current_app, g, request
from flask_smorest import Blueprint
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    MissingAlgorithmError,
    MissingClaimError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from tenant_config.platform.claims import MalformedClaim, principal_from_claims
from tenant_config.platform.errors import DomainError, InsufficientScope, InvalidToken, Unauthorized
from tenant_config.platform.jwks import KeySetCache
from tenant_config.platform.problems import BAD_REQUEST
from tenant_config.platform.settings import Settings
from tenant_config.platform.tenancy import Principal

VALIDATOR = "tenant_config.platform.auth.validator"
REALM = "tenant-config"
MAX_TOKEN_LENGTH = 16 * 1024
# RFC 7515 4.1.9: "application/" may be left out of a media type in `typ`.
ACCEPTED_TYPES = {"jwt", "application/jwt", "at+jwt", "application/at+jwt"}
AFTER_AUTHENTICATION = "tenant_config.after_authentication"
log = logging.getLogger(__name__)


class InvalidRequest(DomainError):
    """RFC 6750's invalid_request: the token came in more than one way."""

    problem = BAD_REQUEST


class Refused(ValueError):
    """A token fails a check of this module; the reason names the check, never a value."""


def refusal_reason(error: BaseException) -> str:
    """Say why a token was refused, naming a claim where one is at fault but never its value."""
    if isinstance(error, Refused):
        return str(error)
    if isinstance(error, MalformedClaim):
        return f"malformed claim {error.args[0]!r}"
    if isinstance(error, InvalidToken):
        return "unknown signing key (kid not in the JWKS)"
    if isinstance(error, ExpiredTokenError):
        return "expired"
    if isinstance(error, ClaimError):
        names = {"iss": "issuer (iss)", "aud": "audience (aud)"}
        if error.claim in {"nbf", "iat"}:
            return f"not valid yet ({error.claim} in the future)"
        missing = isinstance(error, MissingClaimError)
        return f"{'missing' if missing else 'wrong'} {names.get(error.claim, repr(error.claim))}"
    if isinstance(error, BadSignatureError):
        return "bad signature"
    if isinstance(error, UnsupportedAlgorithmError | MissingAlgorithmError):
        return "algorithm not allowed"
    return f"malformed token ({type(error).__name__})"


def log_refusal(error: BaseException) -> None:
    """Log a refused token's reason at WARNING: an operator must see a wrong issuer or audience."""
    reason = refusal_reason(error)
    log.warning("access token refused: %s", reason, extra={"reason": reason})


class VerifiedTokens:
    """The principals of tokens verified already, by the token's digest, until they expire.

    An entry stands only while the key set that verified it is the one loaded (a refresh that
    drops a key drops what it verified) and until the token's `exp` plus the leeway, so a
    cached token is refused exactly when verifying it again would refuse it. Refusals are never
    cached. Verifying an RS256 token costs a signature check per request otherwise.
    """

    def __init__(self, size: int = 10_000):
        self.size = size
        self._entries: dict[bytes, tuple[Principal, KeySet]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def digest(token: str) -> bytes:
        """Return the cache key of a token (never the token itself)."""
        return hashlib.sha256(token.encode("ascii")).digest()

    def get(self, digest: bytes, keyset: KeySet, *, until: float) -> Principal | None:
        """Return the principal `keyset` verified for `digest`, unless expired by `until`."""
        entry = self._entries.get(digest)
        if entry is None or entry[1] is not keyset or entry[0].expires_at < until:
            return None
        return entry[0]

    def put(self, digest: bytes, principal: Principal, keyset: KeySet) -> None:
        """Remember a verified token's principal."""
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()  # a burst of distinct tokens: start again, never grow
            self._entries[digest] = (principal, keyset)


class JWTValidator(BearerTokenValidator):
    """Validate signature, algorithm, type and registered claims of an access token."""

    def __init__(self, settings: Settings, keys: KeySetCache):
        super().__init__(realm=REALM)
        self.settings = settings
        self.keys = keys
        self.claims = JWTClaimsRegistry(
            leeway=settings.jwt_leeway_seconds,
            iss={"essential": True, "value": settings.jwt_issuer},
            aud={"essential": True, "value": settings.jwt_audience},
            exp={"essential": True},
        )
        self.verified = VerifiedTokens()

    def authenticate_token(self, token_string: str) -> Principal:
        """Return the principal of a valid token; raise InvalidTokenError for any fault."""
        if len(token_string) > MAX_TOKEN_LENGTH:
            log_refusal(Refused(f"larger than {MAX_TOKEN_LENGTH} characters"))
            raise InvalidTokenError(realm=REALM)
        if (principal := self.cached_principal(token_string)) is not None:
            return principal
        try:
            header = jws.extract_compact(token_string.encode("ascii")).headers()
            if "crit" in header:
                # No extension is understood here, and joserfc lets an empty list through.
                raise Refused("a crit header (no extension is supported)")
            typ = header.get("typ")
            if typ is not None and (not isinstance(typ, str) or typ.lower() not in ACCEPTED_TYPES):
                raise Refused("header typ is not a JWT type")
            kid = header.get("kid")
            keyset = self.keys.get(kid if isinstance(kid, str) else None)
            token = jwt.decode(token_string, keyset, algorithms=list(self.settings.jwt_algorithms))
            self.claims.validate(token.claims)
            iat = token.claims.get("iat")
            if iat is not None and iat > time.time() + self.settings.jwt_leeway_seconds:
                raise Refused("not valid yet (iat in the future)")
            principal = principal_from_claims(token.claims, self.settings.claim_names)
            self.verified.put(self.verified.digest(token_string), principal, keyset)
            return principal
        except InvalidToken as exc:
            log_refusal(exc)
            raise
        except DomainError:
            raise
        except Exception as exc:  # joserfc raises JoseError, ValueError, KeyError, TypeError...
            log_refusal(exc)
            raise InvalidTokenError(realm=REALM) from exc

    def cached_principal(self, token_string: str) -> Principal | None:
        """Return the principal of a token verified already and still valid, else None."""
        # Stale keys are no answer: the full path refreshes them as it always did.
        if len(token_string) > MAX_TOKEN_LENGTH or not token_string.isascii():
            return None
        if (keyset := self.keys.fresh()) is None:
            return None
        until = time.time() - self.settings.jwt_leeway_seconds
        return self.verified.get(self.verified.digest(token_string), keyset, until=until)

    def validate_token(self, token: Principal, scopes, request) -> None:
        """Require every scope in `scopes`."""
        missing = [s for s in scopes or () if s not in token.scopes]
        if missing:
            g.identity = token.identity
            raise InsufficientScope(
                f"This operation requires the scope {missing[0]}.",
                headers={
                    "WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", '
                    f'scope="{" ".join(scopes)}"'
                },
            )


class ProblemResourceProtector(ResourceProtector):
    """Authlib's protector whose failures become problem documents with RFC 6750 headers."""

    def raise_error_response(self, error: OAuth2Error):
        if isinstance(error, MissingAuthorizationError | UnsupportedTokenTypeError):
            raise Unauthorized(
                "This operation needs a bearer token in the Authorization header.",
                headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'},
            )
        raise InvalidToken(
            "The access token is expired, malformed or otherwise invalid.",
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
        )


def init_auth(app: Flask, settings: Settings) -> None:
    """Register the token validator for this app."""
    protector = ProblemResourceProtector()
    validator = JWTValidator(settings, KeySetCache(settings))
    protector.register_token_validator(validator)
    app.extensions["tenant_config.platform.auth"] = protector
    app.extensions[VALIDATOR] = validator


def known_caller(app: Flask, authorization: str, scope: str) -> Principal | None:
    """Return the caller of an `Authorization` header verified already, if it holds `scope`.

    None means "verify it the full way": unknown, expired, stale keys or another scheme. It
    never refuses anyone by itself.
    """
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    principal = app.extensions[VALIDATOR].cached_principal(token)
    return principal if principal is not None and scope in principal.scopes else None


def authenticate(scope: str) -> Principal:
    """Validate the request's bearer token and require `scope`; return the caller."""
    if "access_token" in request.args:
        # RFC 6750 section 5.3: a token in a URL leaks into logs, so the query is never read.
        if "Authorization" in request.headers:
            raise InvalidRequest(
                "Send the access token in the Authorization header only, not in the query too.",
                headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_request"'},
            )
        raise Unauthorized(
            "Access tokens are accepted only in the Authorization header.",
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'},
        )
    protector: ProblemResourceProtector = current_app.extensions["tenant_config.platform.auth"]
    try:
        principal = protector.acquire_token([scope])
    except OAuth2Error as error:
        protector.raise_error_response(error)
    g.principal = principal
    g.identity = principal.identity
    return principal


def after_authentication(app: Flask, check: Callable[[], None]) -> None:
    """Run `check` once a protected view has checked its token, whatever the outcome."""
    app.extensions.setdefault(AFTER_AUTHENTICATION, []).append(check)


def current_principal() -> Principal:
    """Return the caller authenticated for this request."""
    return g.principal


def _vary_on_authorization(response: Response) -> Response:
    # The token decides what an answer holds (rows, masking), so no cache may reuse it for another.
    response.vary.add("Authorization")
    return response


def protected(blp: Blueprint, scope: str) -> Callable:
    """Require a bearer token with `scope` before the view runs, and document it."""

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            after_this_request(_vary_on_authorization)
            try:
                authenticate(scope)
            finally:
                # After validation, so that a check such as the rate limit knows the proven caller.
                for check in current_app.extensions.get(AFTER_AUTHENTICATION, ()):
                    check()
            return func(*args, **kwargs)

        wrapper = blp.alt_response(400, response="BAD_REQUEST")(wrapper)
        wrapper = blp.alt_response(401, response="UNAUTHORIZED")(wrapper)
        wrapper = blp.alt_response(403, response="FORBIDDEN")(wrapper)
        wrapper = blp.alt_response(503, response="SERVICE_UNAVAILABLE")(wrapper)
        wrapper = blp.alt_response(429, response="TOO_MANY_REQUESTS")(wrapper)
        return Blueprint.doc(security=[{"bearerAuth": [scope]}])(wrapper)

    return decorator
