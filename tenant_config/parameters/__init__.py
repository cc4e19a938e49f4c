"""Parameter definitions of connectors: /connectors/{connector}/parameters."""
