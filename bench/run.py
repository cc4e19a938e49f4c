"""`make bench`: seed, serve, measure every case side by side, print the table, write RESULTS.md."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import cases, seed, stack, table, tools, ui, wrk
from bench.cases import Tokens
from bench.ceilings import ceilings_and_peer
from bench.table import Row
from bench.waits import HeldWaits, change_latency

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# Two limits as the default (50/second;2000/minute), so checked at the same cost on every
# request, but high enough that wrk never trips them.
RATELIMIT = "1000000/second;60000000/minute"
WAITS = 1000
NOT_MEASURED = (
    "not measured here, tested instead (make test): slow-header clients "
    "(tests/operations/test_slow_clients.py), 2 instances on one database "
    "(tests/connectors/test_answer_cache_servers.py)"
)
TARGETS = 500


@dataclasses.dataclass
class Bench:
    """One run's temporary directory, keys, processes and the rows measured so far."""

    tmp: Path
    keys: stack.Keys
    processes: tools.Processes
    durations: wrk.Durations
    tokens: Tokens
    rows: list[Row]
    notes: list[str]

    def serve(self, name: str, database_url: str, app: str = "wsgi:app", **overrides):
        """Start the project's gunicorn on a free port; return the process and its base URL."""
        port = tools.free_port()
        env = stack.service_env(
            database_url, self.keys, self.tmp, bind=f"127.0.0.1:{port}", **overrides
        )
        env |= {"BENCH_BODY": str(self.tmp / "body.json")}
        argv = [GUNICORN, "-c", "gunicorn.conf.py", app]
        process = self.processes.start(name, argv, env)
        self.processes.wait_ready(process, f"http://127.0.0.1:{port}/health/live")
        return process, f"http://127.0.0.1:{port}"

    def measure(self, case, backend, base_url, lines, *, note="", warmup=True, **options):
        durations = self.durations if warmup else wrk.Durations(self.durations.measure, 0)
        timing = wrk.run(base_url, lines, self.tmp / "requests.txt", durations, **options)
        row = Row(case, backend, timing, note)
        self.rows.append(row)
        print("  " + table.lines([row])[2], flush=True)
        return timing


def gunicorn_settings(env: dict[str, str], tmp: Path) -> str:
    """Workers, their connections or threads, and the worker class gunicorn.conf.py gives here."""
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); k = c['worker_class'];"
        "each = ', '.join(f'{c[n]} {n}' for n in ('threads', 'worker_connections') if n in c);"
        "print(f\"{c['workers']} workers ({each}), {k.__module__}.{k.__name__}\")"
    )
    env = env | {"PROMETHEUS_MULTIPROC_DIR": str(tmp)}
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=tools.REPO, env=env, capture_output=True, text=True
    )
    return found.stdout.strip() or found.stderr.strip()[-300:]


def postgres_cases(bench: Bench, database_url: str, scales: list[tuple[int, str]]) -> None:
    pg, tokens = "postgresql", bench.tokens
    seeded = 0
    main, base = bench.serve("service", database_url, ratelimit=RATELIMIT)
    for integrations, label in scales:
        started = time.monotonic()
        seed.seed(database_url, bench.keys.keyring, seeded, integrations)
        seeded = integrations
        print(
            f"seeded {integrations * seed.CONFIGS:,} configs in {time.monotonic() - started:.0f} s"
        )
        targets = seed.targets(database_url, TARGETS)
        lookups = cases.by_integration(targets)
        etags = cases.lookup_etags(base, tokens, lookups)  # also checks 200 with 20 configs
        if label == scales[0][1]:
            body = cases.fetch(base, cases.lookup_path(lookups[0]), tokens.reader(lookups[0]))
            (bench.tmp / "body.json").write_bytes(body.content)
            bench.notes.append(f"lookup answer: {len(body.content):,} bytes, 20 configs")
        bench.measure(f"lookup @{label} configs", pg, base, cases.lookup_lines(tokens, lookups))
        if label != "100k":
            continue
        lines = cases.revalidate_lines(tokens, lookups, etags)
        bench.measure("lookup If-None-Match (304)", pg, base, lines, note="@100k")
        lines = cases.lookup_lines(tokens, lookups, "effective=true&format=map")
        bench.measure("lookup effective=true&format=map", pg, base, lines, note="@100k")
        bench.measure("config by id", pg, base, cases.by_id_lines(tokens, lookups), note="@100k")
        bench.measure("list page of 20", pg, base, cases.list_lines(tokens, lookups), note="@100k")
        history = seed.count(database_url, "tenant_config_versions")
        updates = bench.measure(
            "updates If-Match (writes/s)",
            pg,
            base,
            cases.update_lines(tokens, targets),
            script="updates.lua",
            warmup=False,  # a warm-up would move the versions on: the server is warm by now
            note=f"@100k, {len(targets):,} distinct configs, history rows written",
        )
        written = seed.count(database_url, "tenant_config_versions") - history
        bench.notes.append(
            f"updates: {updates.requests - updates.failed:,} answered 2xx, {written:,} history "
            "rows written meanwhile (wrk counts only the answers read before it stopped)"
        )
        side_cases(bench, database_url, lookups, etags)
        ceilings_and_peer(bench, GUNICORN)
    bench.processes.stop(main)


def side_cases(bench: Bench, database_url: str, lookups, etags) -> None:
    """Limits and logs off; change waits held open (each on a server of its own)."""
    pg, tokens, lines = "postgresql", bench.tokens, cases.lookup_lines(bench.tokens, lookups)
    quiet, base = bench.serve(
        "service-quiet", database_url, ratelimit_enabled="false", log_level="WARNING"
    )
    bench.measure("lookup, rate limits off, logs quiet", pg, base, lines, note="@100k")
    bench.processes.stop(quiet)
    waiting, base = bench.serve("service-waits", database_url, ratelimit=RATELIMIT)
    etags = cases.lookup_etags(base, tokens, lookups)  # the updates have moved them on
    bench.measure("lookup, 0 change waits held", pg, base, lines, note="@100k")
    held = HeldWaits(int(base.rsplit(":", 1)[1]), tokens, lookups, etags, WAITS)
    try:
        case = f"lookup, {WAITS} change waits held"
        bench.measure(case, pg, base, lines, note="@100k")
        bench.notes.append(f"{case}: {held.still_waiting()} of {WAITS} still waiting at the end")
        bench.notes.append(change_latency(held, base, tokens, lookups))
    finally:
        held.close()
    bench.processes.stop(waiting, timeout=5)


def sqlite_cases(bench: Bench, database_url: str) -> None:
    seed.seed(database_url, bench.keys.keyring, 0, 50)
    server, base = bench.serve("service-sqlite", database_url, ratelimit=RATELIMIT)
    lookups = cases.by_integration(seed.targets(database_url, TARGETS))
    etags = cases.lookup_etags(base, bench.tokens, lookups)
    lines = cases.lookup_lines(bench.tokens, lookups)
    bench.measure("lookup @1k configs", "sqlite", base, lines)
    lines = cases.revalidate_lines(bench.tokens, lookups, etags)
    bench.measure("lookup If-None-Match (304)", "sqlite", base, lines, note="@1k")
    bench.processes.stop(server)


def _stop_on_sigterm(_signum, _frame) -> None:
    raise SystemExit(143)  # through every finally: servers stopped, database dropped


def main() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    durations = wrk.Durations(measure=3, warmup=1) if quick else wrk.Durations(10, 3)
    scales = [(50, "1k"), (5_000, "100k")] + ([] if quick else [(50_000, "1M")])
    tools.ensure_tools()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started, when = time.monotonic(), datetime.now(UTC)
    postgres = stack.Postgres()
    machine, others = tools.machine(stack.Postgres.version()), tools.busiest()
    with tempfile.TemporaryDirectory(prefix="tenant-config-bench-") as directory:
        tmp = Path(directory)
        keys = stack.Keys(tmp)
        settings = gunicorn_settings(stack.service_env("sqlite://", keys, tmp), tmp)
        bench = Bench(tmp, keys, tools.Processes(tmp), durations, Tokens(keys), [], [])
        print(f"gunicorn.conf.py here: {settings}", flush=True)
        try:
            postgres.create()
            stack.migrate(postgres.url, keys, tmp)
            sqlite_url = f"sqlite:///{tmp / 'bench.db'}"
            stack.migrate(sqlite_url, keys, tmp)
            postgres_cases(bench, postgres.url, scales)
            sqlite_cases(bench, sqlite_url)
        finally:
            bench.processes.stop_all()
            postgres.drop()
    smallest, largest = f"lookup @{scales[0][1]} configs", f"lookup @{scales[-1][1]} configs"
    ratio = table.scale_ratio(bench.rows, smallest, largest)
    notes = [*([ratio] if ratio else []), *bench.notes, NOT_MEASURED]
    header = {
        "date": f"{when:%Y-%m-%d %H:%M} UTC",
        "command": "BENCH_QUICK=1 make bench" if quick else "make bench",
        "commit": tools.commit(),
        "run took": f"{time.monotonic() - started:.0f} s",
        "gunicorn.conf.py": settings,
        "wrk": f"{wrk.THREADS} threads, {wrk.CONNECTIONS} connections, "
        f"{durations.warmup} s warm-up then {durations.measure} s measured per case",
        "rate limits": f"on at {RATELIMIT} (checked at full cost, never tripped) unless stated",
        "logs, metrics": "on (INFO request log lines to a file), unless stated",
        "load average at the end": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "other busy processes at the start": others,
    }
    print("\n".join(["", *table.lines(bench.rows), "", *notes]))
    admin_ui = RESULTS.read_text().partition(ui.SECTION)[2] if RESULTS.exists() else ""
    kept = ui.SECTION + admin_ui if admin_ui else ""  # `make bench-ui`'s section stays
    RESULTS.write_text(table.document(bench.rows, notes, machine, header) + kept)
    print(f"\nwritten to {RESULTS.relative_to(tools.REPO)} in {header['run took']}")
