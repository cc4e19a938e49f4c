"""Settings read once from TENANT_CONFIG_* environment variables (documented in README.md)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from limits import parse_many

DEFAULT_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
ASYMMETRIC_ALGORITHMS = frozenset((*DEFAULT_ALGORITHMS, "ES512", "EdDSA"))
DEFAULT_CONNECTORS = ("BIGCOMMERCE_OSERIES", "SAPTAX_OSERIES", "ARIBA2_OSERIES")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEV_ISSUER = "tenant-config-development"
DEV_AUDIENCE = "tenant-config"
DEFAULT_RATELIMIT = "50/second;2000/minute"
RATELIMIT_STORAGE_SCHEMES = {"memory", "redis", "rediss", "redis+sentinel", "redis+cluster"}
_ORIGIN = re.compile(r"^https?://([a-z0-9.-]+|\[[0-9a-f:]+\])(:[0-9]{1,5})?$")


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def _check_ratelimit(limit: str, storage_url: str) -> None:
    """Refuse a limit or storage URL that Flask-Limiter cannot use."""
    try:
        parse_many(limit)
    except ValueError:
        raise ConfigurationError(
            "TENANT_CONFIG_RATELIMIT must be in the `limits` notation, e.g. 50/second;2000/minute"
        ) from None
    if storage_url and urlsplit(storage_url).scheme not in RATELIMIT_STORAGE_SCHEMES:
        raise ConfigurationError(
            "TENANT_CONFIG_RATELIMIT_STORAGE_URL must be a redis:// (or rediss://) URL"
        )


def _check_origins(origins: tuple[str, ...]) -> None:
    """Refuse an origin that is not exactly `scheme://host[:port]`."""
    for origin in origins:
        # Exact origins only: flask-cors would take `*` or other regex characters as a pattern.
        if not _ORIGIN.match(origin.lower()):
            raise ConfigurationError(
                "TENANT_CONFIG_CORS_ORIGINS takes comma-separated origins such as "
                f"https://admin.example.com (no path, no wildcard), not {origin!r}"
            )


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def _number(name: str, raw: str, kind: type[int] | type[float]) -> int | float:
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative")
    return value


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; `from_env` is the only place that reads the environment."""

    env: str = "production"
    instance_path: Path = Path("instance")
    database_url: str = ""
    db_connect_timeout: int = 5
    db_statement_timeout_ms: int = 5000
    jwks_file: str = ""
    jwks_url: str = ""
    jwks_cache_seconds: int = 300
    jwks_refresh_cooldown_seconds: int = 10
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwt_algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    jwt_leeway_seconds: int = 30
    require_precondition: bool = True
    connectors: tuple[str, ...] = DEFAULT_CONNECTORS
    log_level: str = "INFO"
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: int = 5
    proxy_hops: int = 0
    metrics_require_token: bool = False
    fernet_keys: tuple[str, ...] = field(default=(), repr=False)
    ratelimit: str = DEFAULT_RATELIMIT
    ratelimit_enabled: bool = True
    ratelimit_storage_url: str = ""
    ratelimit_key_prefix: str = "tenant-config"
    cors_origins: tuple[str, ...] = ()

    @property
    def development(self) -> bool:
        return self.env == "development"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, instance_path: Path | None = None
    ) -> Settings:
        """Read and validate the settings from `environ` (default: the process environment)."""
        env = dict(os.environ if environ is None else environ)

        def get(name: str, default: str = "") -> str:
            return env.get(f"TENANT_CONFIG_{name}", default).strip()

        mode = get("ENV", "production").lower()
        if mode not in {"production", "development"}:
            raise ConfigurationError("TENANT_CONFIG_ENV must be production or development")
        instance = Path(get("INSTANCE_PATH") or instance_path or Path.cwd() / "instance")
        settings = cls(
            env=mode,
            instance_path=instance,
            database_url=get("DATABASE_URL") or f"sqlite:///{instance / 'tenant_config.db'}",
            db_connect_timeout=int(
                _number("DB_CONNECT_TIMEOUT", get("DB_CONNECT_TIMEOUT", "5"), int)
            ),
            db_statement_timeout_ms=int(
                _number("DB_STATEMENT_TIMEOUT_MS", get("DB_STATEMENT_TIMEOUT_MS", "5000"), int)
            ),
            jwks_file=get("JWKS_FILE"),
            jwks_url=get("JWKS_URL"),
            jwks_cache_seconds=int(
                _number("JWKS_CACHE_SECONDS", get("JWKS_CACHE_SECONDS", "300"), int)
            ),
            jwks_refresh_cooldown_seconds=int(
                _number(
                    "JWKS_REFRESH_COOLDOWN_SECONDS", get("JWKS_REFRESH_COOLDOWN_SECONDS", "10"), int
                )
            ),
            jwt_issuer=get("JWT_ISSUER"),
            jwt_audience=get("JWT_AUDIENCE"),
            jwt_algorithms=_list(get("JWT_ALGORITHMS")) or DEFAULT_ALGORITHMS,
            jwt_leeway_seconds=int(
                _number("JWT_LEEWAY_SECONDS", get("JWT_LEEWAY_SECONDS", "30"), int)
            ),
            require_precondition=_bool(
                "TENANT_CONFIG_REQUIRE_PRECONDITION", get("REQUIRE_PRECONDITION", "true")
            ),
            connectors=_list(get("CONNECTORS")) or DEFAULT_CONNECTORS,
            log_level=get("LOG_LEVEL", "INFO").upper(),
            db_pool_size=int(_number("DB_POOL_SIZE", get("DB_POOL_SIZE", "5"), int)),
            db_max_overflow=int(_number("DB_MAX_OVERFLOW", get("DB_MAX_OVERFLOW", "10"), int)),
            db_pool_timeout=int(_number("DB_POOL_TIMEOUT", get("DB_POOL_TIMEOUT", "5"), int)),
            proxy_hops=int(_number("PROXY_HOPS", get("PROXY_HOPS", "0"), int)),
            metrics_require_token=_bool(
                "TENANT_CONFIG_METRICS_REQUIRE_TOKEN", get("METRICS_REQUIRE_TOKEN", "false")
            ),
            fernet_keys=_list(get("FERNET_KEYS")),
            ratelimit=get("RATELIMIT") or DEFAULT_RATELIMIT,
            ratelimit_enabled=_bool(
                "TENANT_CONFIG_RATELIMIT_ENABLED", get("RATELIMIT_ENABLED", "true")
            ),
            ratelimit_storage_url=get("RATELIMIT_STORAGE_URL"),
            ratelimit_key_prefix=get("RATELIMIT_KEY_PREFIX", "tenant-config"),
            cors_origins=_list(get("CORS_ORIGINS")),
        )
        if settings.development:
            settings = settings.with_development_defaults()
        settings.validate()
        return settings

    def with_development_defaults(self) -> Settings:
        """Fill what development leaves unset with the keys `make run` generates."""
        return replace(
            self,
            jwks_file=self.jwks_file or ("" if self.jwks_url else str(self.dev_jwks_path)),
            jwt_issuer=self.jwt_issuer or DEV_ISSUER,
            jwt_audience=self.jwt_audience or DEV_AUDIENCE,
        )

    @property
    def dev_signing_key_path(self) -> Path:
        return self.instance_path / "dev-signing-key.pem"

    @property
    def dev_jwks_path(self) -> Path:
        return self.instance_path / "dev-jwks.json"

    @property
    def dev_fernet_key_path(self) -> Path:
        return self.instance_path / "dev-fernet.key"

    def validate(self) -> None:
        """Raise ConfigurationError naming the first variable that is missing or wrong."""
        if not (self.jwks_file or self.jwks_url):
            raise ConfigurationError(
                "TENANT_CONFIG_JWKS_FILE or TENANT_CONFIG_JWKS_URL is required outside development"
            )
        if self.jwks_file and self.jwks_url:
            raise ConfigurationError(
                "set only one of TENANT_CONFIG_JWKS_FILE and TENANT_CONFIG_JWKS_URL"
            )
        if not self.jwt_issuer:
            raise ConfigurationError("TENANT_CONFIG_JWT_ISSUER is required outside development")
        if not self.jwt_audience:
            raise ConfigurationError("TENANT_CONFIG_JWT_AUDIENCE is required outside development")
        unsafe = set(self.jwt_algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ConfigurationError(
                f"TENANT_CONFIG_JWT_ALGORITHMS takes asymmetric ones only, not {sorted(unsafe)}"
            )
        if self.log_level not in LOG_LEVELS:
            raise ConfigurationError(
                f"TENANT_CONFIG_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}"
            )
        if self.db_pool_size < 1:
            raise ConfigurationError("TENANT_CONFIG_DB_POOL_SIZE must be at least 1")
        if self.jwt_leeway_seconds > 300:
            raise ConfigurationError("TENANT_CONFIG_JWT_LEEWAY_SECONDS must be at most 300")
        _check_fernet_keys(self.fernet_keys, required=not self.development)
        _check_ratelimit(self.ratelimit, self.ratelimit_storage_url)
        _check_origins(self.cors_origins)


def _check_fernet_keys(keys: tuple[str, ...], *, required: bool) -> None:
    """Refuse a missing or malformed key list without ever echoing a key."""
    if required and not keys:
        raise ConfigurationError(
            "TENANT_CONFIG_FERNET_KEYS is required outside development: comma-separated Fernet "
            "keys, the first encrypts (make one: python -c 'from cryptography.fernet import "
            "Fernet; print(Fernet.generate_key().decode())')"
        )
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigurationError(
                f"TENANT_CONFIG_FERNET_KEYS: key {number} of {len(keys)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
