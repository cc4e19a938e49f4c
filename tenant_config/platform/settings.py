"""Settings read once from TENANT_CONFIG_* environment variables (documented in README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tenant_config.platform.claims import DEFAULT_SCOPE_CLAIMS, ClaimNames
from tenant_config.platform.settings_checks import (
    ConfigurationError,
    EnvReader,
    claim_name_problems,
    fernet_problems,
    origin_problems,
    ratelimit_problems,
    ui_login_problems,
)

__all__ = ["ConfigurationError", "Settings"]
DEFAULT_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
ASYMMETRIC_ALGORITHMS = frozenset((*DEFAULT_ALGORITHMS, "ES512", "EdDSA"))
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEV_ISSUER = "tenant-config-development"
DEV_AUDIENCE = "tenant-config"
DEFAULT_RATELIMIT = "50/second;2000/minute"
DEFAULT_OIDC_SCOPES = "openid profile"


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
    answer_cache_mb: int = 64
    instance_report_ttl_hours: int = 24
    jwt_scope_claims: tuple[str, ...] = DEFAULT_SCOPE_CLAIMS
    jwt_tenants_claim: str = "tenants"
    jwt_clients_claim: str = "clients"
    jwt_partner_tenants_claim: str = "partner_tenants"
    # The admin UI (README "Admin UI"): its session secret and its OpenID Connect login.
    secret_key: str = field(default="", repr=False)
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    oidc_redirect_uri: str = ""
    oidc_scopes: str = ""
    # `flask db ...`: only what a migration uses is read and required (README "Settings").
    migrations_only: bool = False

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def claim_names(self) -> ClaimNames:
        return ClaimNames(
            scopes=self.jwt_scope_claims,
            tenants=self.jwt_tenants_claim,
            clients=self.jwt_clients_claim,
            partner_tenants=self.jwt_partner_tenants_claim,
        )

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        instance_path: Path | None = None,
        *,
        migrations_only: bool = False,
    ) -> Settings:
        """Read and validate the settings; raise ConfigurationError naming every problem."""
        read = EnvReader(os.environ if environ is None else environ)
        mode = read.text("ENV", "production").lower()
        if mode not in {"production", "development"}:
            read.problems.append("TENANT_CONFIG_ENV must be production or development")
            mode = "production"
        instance = Path(read.text("INSTANCE_PATH") or instance_path or Path.cwd() / "instance")
        values = {
            "env": mode,
            "instance_path": instance,
            "migrations_only": migrations_only,
            "database_url": read.text("DATABASE_URL")
            or f"sqlite:///{instance / 'tenant_config.db'}",
            "db_connect_timeout": read.integer("DB_CONNECT_TIMEOUT", 5),
            "db_statement_timeout_ms": read.integer("DB_STATEMENT_TIMEOUT_MS", 5000),
            "db_pool_size": read.integer("DB_POOL_SIZE", 5),
            "db_max_overflow": read.integer("DB_MAX_OVERFLOW", 10),
            "db_pool_timeout": read.integer("DB_POOL_TIMEOUT", 5),
            "log_level": read.text("LOG_LEVEL", "INFO").upper(),
            "fernet_keys": read.items("FERNET_KEYS"),
        }
        if not migrations_only:
            values |= cls._service_values(read)
        settings = cls(**values)
        if settings.development:
            settings = settings.with_development_defaults()
        problems = read.problems + settings.problems()
        if problems:
            raise ConfigurationError(*problems)
        return settings

    @staticmethod
    def _service_values(read: EnvReader) -> dict:
        """The settings that serving requests needs beyond what a migration does."""
        return {
            "jwks_file": read.text("JWKS_FILE"),
            "jwks_url": read.text("JWKS_URL"),
            "jwks_cache_seconds": read.integer("JWKS_CACHE_SECONDS", 300),
            "jwks_refresh_cooldown_seconds": read.integer("JWKS_REFRESH_COOLDOWN_SECONDS", 10),
            "jwt_issuer": read.text("JWT_ISSUER"),
            "jwt_audience": read.text("JWT_AUDIENCE"),
            "jwt_algorithms": read.items("JWT_ALGORITHMS") or DEFAULT_ALGORITHMS,
            "jwt_leeway_seconds": read.integer("JWT_LEEWAY_SECONDS", 30),
            "jwt_scope_claims": read.items("JWT_SCOPE_CLAIMS") or DEFAULT_SCOPE_CLAIMS,
            "jwt_tenants_claim": read.text("JWT_TENANTS_CLAIM", "tenants"),
            "jwt_clients_claim": read.text("JWT_CLIENTS_CLAIM", "clients"),
            "jwt_partner_tenants_claim": read.text("JWT_PARTNER_TENANTS_CLAIM", "partner_tenants"),
            "require_precondition": read.boolean("REQUIRE_PRECONDITION", True),
            "proxy_hops": read.integer("PROXY_HOPS", 0),
            "metrics_require_token": read.boolean("METRICS_REQUIRE_TOKEN", False),
            "ratelimit": read.text("RATELIMIT", DEFAULT_RATELIMIT),
            "ratelimit_enabled": read.boolean("RATELIMIT_ENABLED", True),
            "ratelimit_storage_url": read.text("RATELIMIT_STORAGE_URL"),
            "ratelimit_key_prefix": read.text("RATELIMIT_KEY_PREFIX", "tenant-config"),
            "cors_origins": read.items("CORS_ORIGINS"),
            "answer_cache_mb": read.integer("ANSWER_CACHE_MB", 64),
            "instance_report_ttl_hours": read.integer("INSTANCE_REPORT_TTL_HOURS", 24),
            "secret_key": read.text("SECRET_KEY"),
            "oidc_issuer": read.text("OIDC_ISSUER").rstrip("/"),
            "oidc_client_id": read.text("OIDC_CLIENT_ID"),
            "oidc_client_secret": read.text("OIDC_CLIENT_SECRET"),
            "oidc_redirect_uri": read.text("OIDC_REDIRECT_URI"),
            "oidc_scopes": read.text("OIDC_SCOPES", DEFAULT_OIDC_SCOPES),
        }

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

    @property
    def dev_secret_key_path(self) -> Path:
        return self.instance_path / "dev-secret.key"

    @property
    def oidc_login(self) -> bool:
        """Tell whether the admin UI signs users in through an OpenID Connect provider."""
        return bool(self.oidc_issuer)

    @property
    def dev_login(self) -> bool:
        """Tell whether the admin UI offers the development login (the dev key signs tokens)."""
        return (
            self.development
            and self.dev_signing_key_path.exists()
            and self.jwks_file == str(self.dev_jwks_path)
        )

    def validate(self) -> None:
        """Raise ConfigurationError naming every variable that is missing or wrong."""
        problems = self.problems()
        if problems:
            raise ConfigurationError(*problems)

    def problems(self) -> list[str]:
        """Describe each missing or malformed setting, one line per variable."""
        problems = []
        serving = not self.migrations_only
        if serving and not (self.jwks_file or self.jwks_url):
            problems.append(
                "TENANT_CONFIG_JWKS_FILE or TENANT_CONFIG_JWKS_URL is required outside development"
            )
        if self.jwks_file and self.jwks_url:
            problems.append("set only one of TENANT_CONFIG_JWKS_FILE and TENANT_CONFIG_JWKS_URL")
        if serving and not self.jwt_issuer:
            problems.append("TENANT_CONFIG_JWT_ISSUER is required outside development")
        if serving and not self.jwt_audience:
            problems.append("TENANT_CONFIG_JWT_AUDIENCE is required outside development")
        unsafe = set(self.jwt_algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            problems.append(
                f"TENANT_CONFIG_JWT_ALGORITHMS takes asymmetric ones only, not {sorted(unsafe)}"
            )
        if self.log_level not in LOG_LEVELS:
            problems.append(f"TENANT_CONFIG_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        if self.db_pool_size < 1:
            problems.append("TENANT_CONFIG_DB_POOL_SIZE must be at least 1")
        if self.answer_cache_mb < 0:
            problems.append("TENANT_CONFIG_ANSWER_CACHE_MB must be 0 (off) or more")
        if self.instance_report_ttl_hours < 1:
            problems.append("TENANT_CONFIG_INSTANCE_REPORT_TTL_HOURS must be at least 1")
        if self.jwt_leeway_seconds > 300:
            problems.append("TENANT_CONFIG_JWT_LEEWAY_SECONDS must be at most 300")
        for variable, names in (
            ("JWT_SCOPE_CLAIMS", self.jwt_scope_claims),
            ("JWT_TENANTS_CLAIM", (self.jwt_tenants_claim,)),
            ("JWT_CLIENTS_CLAIM", (self.jwt_clients_claim,)),
            ("JWT_PARTNER_TENANTS_CLAIM", (self.jwt_partner_tenants_claim,)),
        ):
            problems += claim_name_problems(variable, names)
        required = not (self.development or self.migrations_only)
        problems += fernet_problems(self.fernet_keys, required=required)
        problems += ratelimit_problems(self.ratelimit, self.ratelimit_storage_url)
        problems += origin_problems(self.cors_origins)
        if serving and self.oidc_login:
            problems += ui_login_problems(
                issuer=self.oidc_issuer,
                client_id=self.oidc_client_id,
                secret_key=self.secret_key,
                development=self.development,
            )
        return problems
