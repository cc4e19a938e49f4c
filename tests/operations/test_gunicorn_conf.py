"""gunicorn.conf.py and wsgi.py read their settings from the environment."""

from __future__ import annotations

import importlib
import os
import runpy
import shutil
import subprocess
import sys

import pytest
from flask import request
from gunicorn.workers.ggevent import GeventWorker
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.support.paths import REPO
from tests.support.tokens import AUDIENCE, ISSUER


@pytest.fixture
def load_conf(monkeypatch):
    """Run gunicorn.conf.py with TENANT_CONFIG_* set as given; undo what it did to the env."""
    made = []
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # so that monkeypatch removes it again

    def load(**env) -> dict:
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
        for name, value in env.items():
            monkeypatch.setenv(f"TENANT_CONFIG_{name}", value)
        conf = runpy.run_path(str(REPO / "gunicorn.conf.py"))
        made.append(conf["os"].environ["PROMETHEUS_MULTIPROC_DIR"])
        return conf

    yield load
    for directory in made:
        shutil.rmtree(directory, ignore_errors=True)


def test_defaults_suit_a_small_machine(load_conf):
    conf = load_conf()
    assert 2 <= conf["workers"] <= 8
    assert issubclass(conf["worker_class"], GeventWorker)
    assert conf["worker_connections"] == 2000  # 1,000 waiting connectors and room to spare
    assert conf["bind"] == ["127.0.0.1:8080"]
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"]) == (30, 30, 5)
    assert conf["forwarded_allow_ips"] == "127.0.0.1"
    assert conf["accesslog"] is None
    assert conf["control_socket_disable"] is True
    assert conf["limit_request_field_size"] == 20 * 1024


def test_every_setting_comes_from_the_environment(load_conf):
    conf = load_conf(
        BIND="0.0.0.0:9000,[::]:9000",
        WORKERS="3",
        WORKER_CONNECTIONS="500",
        TIMEOUT="60",
        GRACEFUL_TIMEOUT="20",
        KEEPALIVE="75",
        FORWARDED_ALLOW_IPS="10.0.0.1,10.0.0.2",
        MAX_REQUESTS="1000",
        MAX_REQUESTS_JITTER="100",
        LIMIT_REQUEST_FIELD_SIZE="32768",
    )
    assert conf["bind"] == ["0.0.0.0:9000", "[::]:9000"]
    assert (conf["workers"], conf["worker_connections"]) == (3, 500)
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"]) == (60, 20, 75)
    assert conf["forwarded_allow_ips"] == "10.0.0.1,10.0.0.2"
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (1000, 100)
    assert conf["limit_request_field_size"] == 32768


def test_the_master_imports_no_database_driver_before_the_workers_patch():
    """psycopg imported before gevent patches would block a whole worker on each query."""
    script = "import runpy, sys; runpy.run_path('gunicorn.conf.py'); print(sorted(sys.modules))"
    env = {"PATH": os.environ["PATH"], "PROMETHEUS_MULTIPROC_DIR": "/nonexistent"}
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert "psycopg" not in ran.stdout


def test_metrics_directory_is_set_before_the_fork(load_conf):
    conf = load_conf()
    directory = conf["os"].environ["PROMETHEUS_MULTIPROC_DIR"]
    assert "tenant-config-metrics-" in directory


@pytest.fixture
def load_wsgi(monkeypatch, jwks_file, fernet_key, tmp_path):
    """Import wsgi.py afresh under a production environment."""

    def load(**env):
        values = {
            "ENV": "production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}",
            "JWKS_FILE": str(jwks_file),
            "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": AUDIENCE,
            "INSTANCE_PATH": str(tmp_path),
            "FERNET_KEYS": fernet_key,
        } | env
        for name, value in values.items():
            monkeypatch.setenv(f"TENANT_CONFIG_{name}", value)
        sys.modules.pop("wsgi", None)
        return importlib.import_module("wsgi").app

    yield load
    sys.modules.pop("wsgi", None)


def test_proxy_fix_is_off_by_default(load_wsgi):
    assert not isinstance(load_wsgi().wsgi_app, ProxyFix)


def test_proxy_fix_trusts_the_configured_hops(load_wsgi):
    app = load_wsgi(PROXY_HOPS="2")
    assert isinstance(app.wsgi_app, ProxyFix)
    assert (app.wsgi_app.x_for, app.wsgi_app.x_proto, app.wsgi_app.x_host) == (2, 2, 2)
    seen = {}
    app.before_request(lambda: seen.update(addr=request.remote_addr))
    app.test_client().get(
        "/health/live",
        headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7, 10.0.0.1"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert seen["addr"] == "198.51.100.7"  # the caller made up 203.0.113.9; two hops are trusted


def test_bad_settings_refuse_to_start(load_wsgi):
    with pytest.raises(SystemExit):
        load_wsgi(LOG_LEVEL="LOUD")
