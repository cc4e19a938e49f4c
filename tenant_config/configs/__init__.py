"""Tenant configs: the named, versioned parameters of one integration."""
