"""`tcfg`, the administrators' command line of tenant-config (install the `[cli]` extra)."""

from tenant_config_client.cli import configs, transfer  # noqa: F401 (they add their commands)
from tenant_config_client.cli.app import tcfg


def main() -> None:
    """The console script `tcfg`."""
    tcfg(prog_name="tcfg")


__all__ = ["main", "tcfg"]
