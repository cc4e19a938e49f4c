"""The Python client of tenant-config, for connectors (README.md beside this package)."""

from tenant_config_client.auth import BearerAuth, ClientCredentials, TokenProvider
from tenant_config_client.backoff import Backoff
from tenant_config_client.client import TenantConfigClient
from tenant_config_client.errors import (
    AuthenticationError,
    ProblemError,
    TenantConfigError,
    UnavailableError,
)
from tenant_config_client.result import ConfigResult
from tenant_config_client.stats import Stats
from tenant_config_client.store import LastKnownGood
from tenant_config_client.watch import Watcher

__all__ = [
    "AuthenticationError",
    "Backoff",
    "BearerAuth",
    "ClientCredentials",
    "ConfigResult",
    "LastKnownGood",
    "ProblemError",
    "Stats",
    "TenantConfigClient",
    "TenantConfigError",
    "TokenProvider",
    "UnavailableError",
    "Watcher",
]
