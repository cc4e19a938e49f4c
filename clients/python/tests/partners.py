"""The partner tenant the client's tests read: an integration of CONNECTOR and its administrator."""

from __future__ import annotations

from tenant_config_client import Backoff
from tests.support.servers import Client, Gunicorn
from tests.support.tokens import TokenFactory

CONNECTOR = "BIGCOMMERCE_OSERIES"
# Short waits, so that an outage costs the tests a fraction of a second.
FAST = Backoff(attempts=3, base=0.05, cap=0.2, max_retry_after=5)


class Partner:
    """A partner tenant's integration of CONNECTOR, and its administrator writing configs."""

    def __init__(self, service: Gunicorn, make_token: TokenFactory):
        self.admin = Client(service, make_token)
        self.id = self.admin.partner
        self.integration = self.admin.integration()
        self.configs: dict[str, dict] = {}

    def set(self, name: str, value: str) -> None:
        """Create or change the config `name` of the integration."""
        url = f"/tenantintegrations/{self.integration['id']}/configs"
        held = self.configs.get(name)
        if held is None:
            response = self.admin.call("POST", url, json={"name": name, "value": value})
        else:
            body = {"name": name, "value": value, "version": held["version"]}
            response = self.admin.call("PUT", f"{url}/{held['id']}", json=body)
        assert response.status_code in (200, 201), response.text
        self.configs[name] = response.json()
