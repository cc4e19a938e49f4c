"""Config versions: the append-only history of every change to a config."""
