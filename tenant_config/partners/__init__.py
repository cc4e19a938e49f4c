"""The machine-to-machine lookup: a connector's configs for one partner tenant."""
