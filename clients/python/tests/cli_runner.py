"""`tcfg` run in-process by Click's CliRunner against the real service, as one tenant's admin."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner, Result
from partners import Partner

from tenant_config_client.cli import tcfg
from tests.support.bodies import integration_body
from tests.support.servers import Gunicorn


class Tcfg:
    """Run `tcfg` with the service's URL and a token in the environment, without retries."""

    def __init__(self, service: Gunicorn, token: str):
        self.env = {"TCFG_URL": service.url(""), "TCFG_TOKEN": token}

    def __call__(self, *args: str, input: str | None = None, **env: str) -> Result:
        """The result of `tcfg --retries 0 ARGS` (stdout and stderr apart)."""
        return CliRunner().invoke(tcfg, ["--retries", "0", *args], env=self.env | env, input=input)

    def ok(self, *args: str, input: str | None = None) -> Result:
        """Run a command that must succeed."""
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str) -> Any:
        """Run a command with `--output json` and parse what it printed."""
        return json.loads(self.ok("--output", "json", *args).stdout)


def add_integration(partner: Partner, name: str) -> dict:
    """Another integration of the partner's tenant, named `name`."""
    body = integration_body(partner.admin.tenant, name=name)
    response = partner.admin.call("POST", "/tenantintegrations", json=body)
    assert response.status_code == 201, response.text
    return response.json()
