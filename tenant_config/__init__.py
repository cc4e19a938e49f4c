"""tenant-config: per-tenant configuration for enterprise integration connectors."""
