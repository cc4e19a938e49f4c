"""The `tcfg` command: global options, the login, and errors turned into stable exit codes."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from tenant_config_client.cli.exits import INPUT, exit_code, report
from tenant_config_client.cli.output import FORMATS
from tenant_config_client.cli.session import Login, Session
from tenant_config_client.errors import TenantConfigError


@dataclass
class State:
    """The global options, and the session the first command that needs one opens."""

    url: str | None
    login: Login
    output: str
    retries: int
    timeout: float
    opened: list[Session] = field(default_factory=list)

    @property
    def session(self) -> Session:
        """The session to the service (opened on first use, closed when the command ends)."""
        if not self.opened:
            if not self.url:
                raise click.UsageError("no service: give --url or set TCFG_URL")
            self.opened.append(
                Session(self.url, self.login, retries=self.retries, timeout=self.timeout)
            )
        return self.opened[0]

    def close(self) -> None:
        """Close the session, if one was opened."""
        for session in self.opened:
            session.close()


pass_state = click.make_pass_decorator(State)


class Tcfg(click.Group):
    """A group whose every failure ends with a documented exit code (see exits.py)."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command; turn usage errors and service problems into exit codes."""
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            error.show()
            sys.exit(INPUT)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(INPUT)
        except TenantConfigError as error:
            report(error)
            sys.exit(exit_code(error))
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=Tcfg, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", envvar="TCFG_URL", help="The service's base URL (env TCFG_URL).")
@click.option(
    "--token-env",
    default="TCFG_TOKEN",
    show_default=True,
    metavar="NAME",
    help="The environment variable holding the access token.",
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding the access token (read at each request).",
)
@click.option(
    "--token-url", envvar="TCFG_TOKEN_URL", help="OAuth2 token endpoint (client credentials)."
)
@click.option("--client-id", envvar="TCFG_CLIENT_ID", help="Client id for --token-url.")
@click.option(
    "--client-secret-env",
    default="TCFG_CLIENT_SECRET",
    show_default=True,
    metavar="NAME",
    help="The environment variable holding the client secret.",
)
@click.option("--scope", envvar="TCFG_SCOPE", help="Scopes to ask the token endpoint for.")
@click.option(
    "--output", "-o", type=click.Choice(FORMATS), default="table", show_default=True,
    envvar="TCFG_OUTPUT", help="How to print answers.",
)  # fmt: skip
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Tries again on 429, 502-504 and connection errors.")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(0.1), default=10.0, show_default=True,
              help="Seconds to wait for each answer.")  # fmt: skip
@click.pass_context
def tcfg(
    ctx: click.Context,
    url: str | None,
    token_env: str,
    token_file: Path | None,
    token_url: str | None,
    client_id: str | None,
    client_secret_env: str,
    scope: str | None,
    output: str,
    retries: int,
    timeout: float,
) -> None:
    """Administer tenant-config: integrations, configs, their history, export and import.

    Exit codes: 0 ok, 1 usage or input error, 2 not found, 3 conflict or failed
    precondition, 4 not authenticated or not allowed, 5 service unavailable or other failure.
    """
    login = Login(
        token=os.environ.get(token_env),
        token_file=token_file,
        token_url=token_url,
        client_id=client_id,
        client_secret=os.environ.get(client_secret_env),
        scope=scope,
    )
    state = State(url, login, output, retries, timeout)
    ctx.obj = state
    ctx.call_on_close(state.close)
