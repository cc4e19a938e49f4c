"""A small OpenID Connect provider the tests serve on 127.0.0.1 (Authlib's authorization server).

Authorization code grant with PKCE required (S256), the OpenID Connect code flow (an ID token
with the nonce), the refresh token grant (rotating), a discovery document and a JWKS. Access
tokens are JWTs in the RFC 9068 shape, signed with a key the app under test trusts, carrying
`scope` and `tenants` for the one user it knows; it approves that user at once (no login page).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc import jwt
from werkzeug.serving import make_server

from tests.support.tokens import ALL_SCOPES, AUDIENCE, SigningKey

CLIENT_ID = "tenant-config-ui"
CLIENT_SECRET = "ui-client-secret-for-the-tests"
REDIRECT_URI = "http://localhost/ui/login/callback"  # where the Flask test client's app lives
OAUTH_SCOPES = "openid profile email"


@dataclass
class User:
    """The one user the provider signs in, and what its access tokens grant."""

    subject: str = "7d0c5b7e-provider-user-ada"
    email: str = "ada@example.com"
    scopes: tuple[str, ...] = ALL_SCOPES
    tenants: tuple[str, ...] = ()


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: User
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class Client(ClientMixin):
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in OAUTH_SCOPES.split())

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class RefreshToken:
    """A refresh token the provider issued, and whom it renews access for."""

    client_id: str
    scope: str
    user: User

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope


class _CodeGrant(AuthorizationCodeGrant):
    def save_authorization_code(self, code: str, request) -> None:
        payload = request.payload
        self.server.provider.codes[code] = Code(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=payload.redirect_uri,
            scope=request.scope,
            nonce=payload.data.get("nonce"),
            code_challenge=payload.data.get("code_challenge"),
            code_challenge_method=payload.data.get("code_challenge_method"),
            user=request.user,
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.server.provider.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> User:
        return authorization_code.user


class _RefreshGrant(RefreshTokenGrant):
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: each refresh token is used once

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshToken | None:
        provider = self.server.provider
        provider.refreshes += 1
        return None if provider.refuse_refresh else provider.refresh_tokens.get(refresh_token)

    def authenticate_user(self, refresh_token: RefreshToken) -> User:
        return refresh_token.user

    def revoke_old_credential(self, refresh_token: RefreshToken) -> None:
        provider = self.server.provider
        provider.refresh_tokens = {
            key: kept for key, kept in provider.refresh_tokens.items() if kept is not refresh_token
        }


class _OpenIDCode(OpenIDCode):
    def __init__(self, provider: Provider):
        super().__init__(require_nonce=True)
        self.provider = provider

    def resolve_client_private_key(self, client: Client):
        return self.provider.key.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict:
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def get_client_claims(self, client: Client) -> dict:
        return {"iss": self.provider.issuer, "aud": [client.client_id]}

    def exists_nonce(self, nonce: str, request) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return UserInfo(sub=user.subject, name="Ada Lovelace", email=user.email)


class Provider:
    """The provider; a test may change any of the attributes `__init__` sets before `codes`."""

    def __init__(self, key: SigningKey):
        self.key = key
        self.user = User()
        self.audience = AUDIENCE
        self.deny = False  # answer the authorization request with error=access_denied
        self.redirect_uris = (REDIRECT_URI,)
        self.token_seconds = 600  # the access tokens' lifetime
        self.issue_refresh_tokens = True
        self.refuse_refresh = False  # answer every refresh with invalid_grant
        self.token_padding = 0  # random characters of a claim that make access tokens huge
        self.codes: dict[str, Code] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.refreshes = 0  # refresh requests received
        self._httpd = make_server("127.0.0.1", 0, self._build(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self._httpd.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._thread.join(timeout=5)

    def access_token(self, client: Client, user: User) -> str:
        """An RFC 9068 access token for `user`, as the API reads one."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user.subject,
            "email": user.email,  # the API names its caller by it (as Keycloak's tokens carry)
            "client_id": client.client_id,
            "iat": now,
            "exp": now + self.token_seconds,
            "jti": uuid.uuid4().hex,
            "scope": " ".join(user.scopes),
            "tenants": list(user.tenants),
        }
        if self.token_padding:
            claims["groups"] = secrets.token_urlsafe(self.token_padding)[: self.token_padding]
        header = {"alg": "RS256", "kid": self.key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self.key.key, algorithms=["RS256"])

    def _build(self) -> Flask:
        app = Flask(__name__)
        server = AuthorizationServer(app, query_client=self._client, save_token=self._save)
        server.provider = self
        server.register_token_generator("default", self._token)
        server.register_grant(_CodeGrant, [_OpenIDCode(self), CodeChallenge(required=True)])
        server.register_grant(_RefreshGrant)

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                scopes_supported=OAUTH_SCOPES.split(),
                token_endpoint_auth_methods_supported=["client_secret_basic"],
                grant_types_supported=["authorization_code", "refresh_token"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.public_jwk])

        @app.get("/authorize")
        def authorize():
            try:
                grant = server.get_consent_grant(end_user=self.user)
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            user = None if self.deny else self.user
            return server.create_authorization_response(grant_user=user, grant=grant)

        @app.post("/token")
        def token():
            return server.create_token_response()

        return app

    def _client(self, client_id: str) -> Client | None:
        return Client(redirect_uris=self.redirect_uris) if client_id == CLIENT_ID else None

    def _token(
        self, grant_type, client, user=None, scope=None, include_refresh_token=True, **_options
    ) -> dict:
        token = {
            "token_type": "Bearer",
            "access_token": self.access_token(client, user),
            "expires_in": self.token_seconds,
            "scope": scope,
        }
        if include_refresh_token and self.issue_refresh_tokens:
            token["refresh_token"] = uuid.uuid4().hex
        return token

    def _save(self, token: dict, request) -> None:
        if "refresh_token" in token:
            self.refresh_tokens[token["refresh_token"]] = RefreshToken(
                client_id=request.client.client_id, scope=token["scope"], user=request.user
            )
