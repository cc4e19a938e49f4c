"""Connectors: the machine-to-machine lookup of a connector's configs, and the known connectors."""
