"""Where the repository and its committed files are."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMMITTED_OPENAPI = REPO / "openapi" / "openapi.json"
