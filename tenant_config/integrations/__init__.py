"""Tenant integrations: a client's tenant connected to a partner system through a connector."""
