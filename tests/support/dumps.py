"""Everything a database holds, as bytes: to search it for a plaintext that must not be there."""

from __future__ import annotations

import subprocess
from pathlib import Path


def database_bytes(database_url: str) -> bytes:
    """The raw SQLite file with its WAL, or a pg_dump of the PostgreSQL database."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    uri = database_url.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run(
        ["pg_dump", "--no-owner", uri], capture_output=True, check=True, timeout=120
    ).stdout
