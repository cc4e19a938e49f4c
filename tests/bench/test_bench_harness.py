"""The benchmark harness's parts that are not timings: seeding, tokens, the table's ratios."""

from __future__ import annotations

import pytest

from bench import cases, seed, stack, table
from bench.table import CEILINGS, PEER, Row
from bench.wrk import Timing, request_line
from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_READ_SENSITIVE
from tests.support.settings import POSTGRES_URL

BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def seeded(request, tmp_path):
    """A database of its own, migrated, with 3 seeded integrations; its URL and keys."""
    keys = stack.Keys(tmp_path)
    postgres = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bench.db'}"
    else:
        postgres = stack.Postgres().create()
        url = postgres.url
    try:
        stack.migrate(url, keys, tmp_path)
        seed.seed(url, keys.keyring, 0, 2)
        seed.seed(url, keys.keyring, 2, 3)  # a second stage adds to the first
        yield url, keys
    finally:
        if postgres is not None:
            postgres.drop()


def test_seeded_integrations_answer_the_lookup_with_20_configs(seeded, tmp_path):
    url, keys = seeded
    app = create_app(stack.settings(url, keys, tmp_path))
    client = app.test_client()
    targets = seed.targets(url, 10)
    assert len(cases.by_integration(targets)) == 3
    assert len(targets) == 3 * (seed.CONFIGS - seed.SENSITIVE)
    tokens = cases.Tokens(keys)
    for target in cases.by_integration(targets):
        answer = client.get(
            cases.lookup_path(target), headers={"Authorization": f"Bearer {tokens.reader(target)}"}
        )
        assert answer.status_code == 200, answer.get_json()
        assert answer.headers["ETag"]
        configs = answer.get_json()["content"]
        assert len(configs) == seed.CONFIGS
        assert sum(config["sensitive"] for config in configs) == seed.SENSITIVE
    with app.app_context():
        db.engine.dispose()


def test_seeded_secrets_decrypt_as_the_service_stored_them(seeded, tmp_path):
    url, keys = seeded
    app = create_app(stack.settings(url, keys, tmp_path))
    target = seed.targets(url, 1)[0]
    token = keys.token(
        "reader",
        [CONFIG_READ, CONFIG_READ_SENSITIVE],
        partner_tenants=[f"{seed.CONNECTOR}:{target.partner_tenant}"],
    )
    answer = app.test_client().get(
        cases.lookup_path(target, "pageSize=100"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.get_json()
    index = int(target.partner_tenant.removeprefix("pt-"))
    secrets = {c["name"]: c["value"] for c in answer.get_json()["content"] if c["sensitive"]}
    expected = {f"param{k:02d}": f"value-{index}-{k}-" + "x" * (k * 3) for k in (17, 18, 19)}
    assert secrets == expected
    with app.app_context():
        db.engine.dispose()


def _timing(rps: float, p99: float = 2.0) -> Timing:
    return Timing(rps=rps, p50=1.0, p99=p99, requests=int(rps * 10), failed=0)


def test_the_table_divides_by_the_best_ceiling_and_by_etcd():
    rows = [
        Row("lookup @1k configs", "postgresql", _timing(500, p99=4.0)),
        Row("lookup @1M configs", "postgresql", _timing(400, p99=5.0)),
        Row(CEILINGS[0], "none", _timing(1000)),
        Row(CEILINGS[1], "none", _timing(2000)),
        Row(PEER, "etcd", _timing(1250)),
    ]
    lookup = table.lines(rows)[2]
    assert "| 500 |" in lookup
    assert "| 0.25x | 0.40x |" in lookup
    assert table.best_ceiling(rows) == 2000
    assert "1.25" in table.scale_ratio(rows, "lookup @1k configs", "lookup @1M configs")
    assert table.scale_ratio(rows, "lookup @1k configs", "lookup @100k configs") is None


def test_request_lines_refuse_what_would_break_the_file():
    line = request_line("GET", "/x", None, Authorization="Bearer t", If_None_Match='"e"')
    assert line.split("\t") == ["GET", "/x", "-", "Authorization: Bearer t", 'If-None-Match: "e"']
    with pytest.raises(ValueError, match="tab or a newline"):
        request_line("GET", "/x\n", None)
