"""Sensitive values encrypted at rest with Fernet keys from TENANT_CONFIG_FERNET_KEYS."""
