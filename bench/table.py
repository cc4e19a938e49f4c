"""The table of figures, its ratios to the best ceiling and to etcd, and bench/RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass

from bench.wrk import Timing

CEILINGS = (
    "bare Flask, project gunicorn",
    "bare Flask, 2 sync workers",
    "bare Flask, 2 gthread workers x 4 threads",
    "bare Flask, 2 gevent workers",
)
PEER = "etcd 3.4 range (JSON gateway)"


@dataclass(frozen=True)
class Row:
    case: str
    backend: str
    timing: Timing
    note: str = ""


def best_ceiling(rows: list[Row]) -> float | None:
    found = [row.timing.rps for row in rows if row.case in CEILINGS]
    return max(found) if found else None


def peer(rows: list[Row]) -> float | None:
    found = [row.timing.rps for row in rows if row.case == PEER]
    return found[0] if found else None


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "-"


def lines(rows: list[Row]) -> list[str]:
    """The table as Markdown lines (readable on a terminal as well)."""
    ceiling, etcd = best_ceiling(rows), peer(rows)
    out = [
        "| case | backend | requests/s | p50 ms | p99 ms | / best ceiling | / etcd | failed "
        "| note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        t = row.timing
        out.append(
            f"| {row.case} | {row.backend} | {t.rps:,.0f} | {t.p50:.2f} | {t.p99:.2f} "
            f"| {_ratio(t.rps, ceiling)} | {_ratio(t.rps, etcd)} | {t.failed} | {row.note} |"
        )
    return out


def scale_ratio(rows: list[Row], smallest: str, largest: str) -> str | None:
    """p99 at the largest scale over p99 at the smallest, as a sentence."""
    found = {row.case: row.timing for row in rows if row.backend == "postgresql"}
    if smallest not in found or largest not in found:
        return None
    ratio = found[largest].p99 / found[smallest].p99
    return f"p99 ratio {largest} / {smallest}: {ratio:.2f} (target <= 1.25)"


def document(rows: list[Row], notes: list[str], machine: dict[str, str], header: dict) -> str:
    """The whole of bench/RESULTS.md."""
    parts = [
        "# Benchmark results (`make bench`)",
        "",
        "Written by the last `make bench` run (issue 17): the service as on its branch, side by "
        "side with a bare Flask app (the ceiling) and etcd 3.4's JSON gateway (the peer), "
        "measured in one run with wrk.",
        "",
        *(f"- {key}: {value}" for key, value in header.items()),
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        "## Figures",
        "",
        *lines(rows),
        "",
        *(f"- {note}" for note in notes),
        "",
    ]
    return "\n".join(parts)
