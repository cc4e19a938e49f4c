"""`make bench-ui`: time each admin UI action on a seeded development database (issue 19).

Serves a development app with the project's gunicorn on SQLite (the embedded default, in a
temporary instance folder) and, when TENANT_CONFIG_TEST_POSTGRES_URL names a server, on a fresh
database there too; signs in through the development login and times every action, one request
after another, as one user clicking. Prints the table and writes it as the last section of
bench/RESULTS.md ("Admin UI"), in place of the one an earlier run wrote.
"""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import requests

from bench import tools, ui_seed
from bench.ui_seed import Seeded
from tenant_config.platform.scopes import ADMIN
from tenant_config.ui.login import DEV_SCOPES

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "\n## Admin UI\n"  # the last section of RESULTS.md, rewritten by each run
SLOW_MS = 300
# Above what one user clicking ever sends, so the limits never answer 429 mid-run.
RATELIMIT = "1000/second;60000/minute"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
NEWEST = re.compile(r'id="field-from" name="from" type="number" min="0" max="(\d+)"')


@dataclass(frozen=True)
class Action:
    """One thing a user does: `prepare` (untimed) returns the request to time, and its status."""

    name: str
    prepare: Callable[[], tuple[str, str, dict]]
    status: int = 200


def actions(session: UserSession, seeded: Seeded) -> list[Action]:
    """Return the actions the issue lists, in the order a user might take them."""
    main = f"/ui/integrations/{seeded.main}"
    edit = f"{main}/configs/{seeded.edited}/edit"
    timeline = f"{main}/configs/{seeded.long_history}/history"
    tenant = ui_seed.TENANTS[1]
    results = {"HX-Request": "true", "HX-Target": "results"}  # as the list's search form asks

    def get(path: str, **headers) -> Callable[[], tuple[str, str, dict]]:
        return lambda: ("GET", path, {"headers": headers})

    def save() -> tuple[str, str, dict]:
        version = session.scrape(edit, VERSION)
        return "POST", edit, {"data": session.edit_form("param-g1-001", version, "saved")}

    def conflict() -> tuple[str, str, dict]:
        stale = str(int(session.scrape(edit, VERSION)) - 1)
        return "POST", edit, {"data": session.edit_form("param-g1-001", stale, "stale edit")}

    def restore() -> tuple[str, str, dict]:
        newest = session.scrape(timeline, NEWEST)
        form = {"version": "17", "expectedVersion": newest, "reason": "bench restore"}
        return "POST", timeline.replace("/history", "/restore"), {"data": session.signed(form)}

    def copy() -> tuple[str, str, dict]:
        for name, config_id in seeded.copied.items():  # so that the copy updates all five
            path = f"{main}/configs/{config_id}/edit"
            form = session.edit_form(name, session.scrape(path, VERSION), "changed")
            session.http.post(session.base + path, data=form, allow_redirects=False, timeout=30)
        form = {"with": seeded.peer, "direction": "there", "onConflict": "overwrite"}
        form |= {"names": list(seeded.copied), "reason": "bench copy"}
        return "POST", f"{main}/compare/copy", {"data": session.signed(form)}

    midway = seeded.midway.strftime("%Y-%m-%dT%H:%M:%S")
    return [
        Action("list page", get("/ui/integrations")),
        Action("search", get("/ui/integrations?search=globex", **results)),
        Action(
            "filter", get(f"/ui/integrations?connector=SAPTAX_OSERIES&tenant={tenant}", **results)
        ),
        Action("page 10", get("/ui/integrations?pageNumber=9")),
        Action("integration page (300 configs)", get(main)),
        Action("config edit form", get(edit)),
        Action("save an edit", save, 303),
        Action("conflict answer", conflict, 409),
        Action("history page (200 versions)", get(timeline)),
        Action(
            "diff",
            get(f"{timeline}?from=10&to=150", **{"HX-Request": "true", "HX-Target": "diff"}),
        ),
        Action("restore", restore, 303),
        Action("point in time", get(f"{main}/as-of?asOf={midway}")),
        Action("deleted configs page (500+ history rows)", get(f"{main}/deleted")),
        Action("compare", get(f"{main}/compare?with={seeded.peer}")),
        Action("copy of 5 configs", copy),
        Action("instances page", get(f"{main}/instances")),
        Action("reveal", get(f"{main}/configs/{seeded.secret}/reveal", **{"HX-Request": "true"})),
    ]


class UserSession:
    """A browser's session: signed in through the development login, with its CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        login = self.http.get(f"{base}/ui/login", timeout=30)
        form = {
            "csrf_token": self._csrf(login.text),
            "subject": "bench@example.com",
            "tenants": " ".join(ui_seed.TENANTS),
            # Every scope but Admin (ReadSensitive too, for the reveal): the tenants' sight.
            "scope": [scope for scope, _ in DEV_SCOPES if scope != ADMIN],
            "next": "/ui/integrations",
        }
        signed = self.http.post(f"{base}/ui/login/dev", data=form, timeout=30)
        if signed.status_code != 200 or "Signed in" not in signed.text:
            raise RuntimeError(f"the development login failed: {signed.status_code}")
        self.csrf = self._csrf(signed.text)

    @staticmethod
    def _csrf(html: str) -> str:
        found = CSRF.search(html)
        if not found:
            raise RuntimeError("no CSRF token on the page")
        return unescape(found.group(1))

    def scrape(self, path: str, pattern: re.Pattern) -> str:
        """Return what `pattern` captures on the page at `path` (untimed)."""
        found = pattern.search(self.http.get(self.base + path, timeout=30).text)
        if not found:
            raise RuntimeError(f"{path}: {pattern.pattern} not found")
        return found.group(1)

    def signed(self, form: dict) -> dict:
        return form | {"csrf_token": self.csrf}

    def edit_form(self, name: str, version: str, value: str) -> dict:
        """Return the edit form of a seeded config `param-g<group>-<k>`, with a new value."""
        group, k = name.split("-")[1][1:], int(name.split("-")[2])
        form = {"version": version, "group": f"group{int(group):02d}", "name": name}
        form |= {"label": f"Parameter {k}", "description": "", "value": f"{value} {time.time_ns()}"}
        return self.signed(form | {"sensitive": "false", "reason": ""})

    def time(self, action: Action) -> float:
        """Send the action's request; return how long its answer took, in ms."""
        method, path, options = action.prepare()
        started = time.perf_counter()
        answer = self.http.request(
            method, self.base + path, allow_redirects=False, timeout=30, **options
        )
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != action.status:
            raise RuntimeError(f"{action.name}: {answer.status_code}, not {action.status}")
        return elapsed


@contextlib.contextmanager
def served(environ: dict[str, str], processes: tools.Processes, name: str) -> Iterator[str]:
    """Serve the app with the project's gunicorn; yield its base URL."""
    port = tools.free_port()
    env = environ | {"TENANT_CONFIG_BIND": f"127.0.0.1:{port}"}
    process = processes.start(name, [GUNICORN, "-c", "gunicorn.conf.py", "wsgi:app"], env)
    try:
        processes.wait_ready(process, f"http://127.0.0.1:{port}/health/live")
        yield f"http://127.0.0.1:{port}"
    finally:
        processes.stop(process)


def measure(backend: str, database_url: str | None, tmp: Path, repeats: int) -> list[tuple]:
    """Seed, serve and time every action on one database; return the table's rows."""
    instance = tmp / backend
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TENANT_CONFIG_ENV": "development",
        "TENANT_CONFIG_INSTANCE_PATH": str(instance),
        "TENANT_CONFIG_RATELIMIT": RATELIMIT,
    } | ({"TENANT_CONFIG_DATABASE_URL": database_url} if database_url else {})
    started = time.monotonic()
    seeded = ui_seed.seed(ui_seed.development_settings(environ))
    print(f"{backend}: seeded in {time.monotonic() - started:.0f} s", flush=True)
    rows = []
    with served(environ, tools.Processes(tmp), f"ui-{backend}") as base:
        session = UserSession(base)
        for action in actions(session, seeded):
            for _ in range(2):  # warm-up: each worker's first render compiles the templates
                session.time(action)
            times = sorted(session.time(action) for _ in range(repeats))
            median, p95 = statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]
            rows.append((action.name, backend, median, p95))
            print(f"  {line(rows[-1])}", flush=True)
    return rows


def line(row: tuple) -> str:
    name, backend, median, p95 = row
    mark = f"over {SLOW_MS} ms" if median > SLOW_MS or p95 > SLOW_MS else ""
    return f"| {name} | {backend} | {median:,.1f} | {p95:,.1f} | {mark} |"


def main() -> None:
    repeats = 5 if os.environ.get("BENCH_QUICK") == "1" else 20
    server = os.environ.get("TENANT_CONFIG_TEST_POSTGRES_URL", "")
    when, started = datetime.now(UTC), time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory(prefix="tenant-config-bench-ui-") as directory:
        tmp = Path(directory)
        rows += measure("sqlite", None, tmp, repeats)
        if server:
            with ui_seed.postgres_database(server) as database_url:
                rows += measure("postgresql", database_url, tmp, repeats)
    header = [
        "| action | backend | median ms | p95 ms | mark |",
        "|---|---|---:|---:|---|",
    ]
    table = [*header, *(line(row) for row in rows)]
    print("\n".join(["", *table]))
    document = [
        "",
        SECTION.strip(),
        "",
        f"Written by `make bench-ui` (issue 19): {when:%Y-%m-%d %H:%M} UTC, commit "
        f"{tools.commit()}, {time.monotonic() - started:.0f} s.",
        "",
        f"- {repeats} timed requests per action after 2 warm-up ones, one after another "
        "(one user), through the development login, with the project's gunicorn.conf.py",
        f"- seeded through the API: {ui_seed.INTEGRATIONS} integrations over "
        f"{len(ui_seed.TENANTS)} tenants; one with {ui_seed.CONFIGS} configs in "
        f"{ui_seed.GROUPS} groups (1 in {ui_seed.SENSITIVE_EVERY} a secret, "
        f"{len(ui_seed.DEFINED)} following definitions); one config with "
        f"{ui_seed.VERSIONS + 1} versions; a peer to compare with; {ui_seed.INSTANCES} "
        "instance reports",
        "- a form post is timed to its answer (the redirect it answers is not followed); "
        f"marked: median or p95 over {SLOW_MS} ms",
        f"- {os.cpu_count()} cores; load average at the end: "
        + " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "",
        *table,
    ]
    RESULTS.write_text(without_ui_section(RESULTS.read_text()) + "\n".join(document) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(tools.REPO)} under {SECTION.strip()!r}")


def without_ui_section(text: str) -> str:
    """Return RESULTS.md without the section an earlier run of this benchmark wrote (its end)."""
    return text.split(SECTION, 1)[0].rstrip("\n") + "\n"


if __name__ == "__main__":
    main()
