"""The OAuth2 scopes the API checks (README.md lists them)."""

from __future__ import annotations

INTEGRATION_READ = "ConnTenantConfigApi:TenantIntegration:Read"
INTEGRATION_WRITE = "ConnTenantConfigApi:TenantIntegration:Write"
CONFIG_READ = "ConnTenantConfigApi:TenantConfig:Read"
CONFIG_WRITE = "ConnTenantConfigApi:TenantConfig:Write"
CONFIG_READ_SENSITIVE = "ConnTenantConfigApi:TenantConfig:ReadSensitive"
VERSION_READ = "ConnTenantConfigApi:TenantConfigVersion:Read"
ADMIN = "ConnTenantConfigApi:Admin"
METRICS_READ = "ConnTenantConfigApi:Metrics:Read"
