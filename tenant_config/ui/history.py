"""History pages: a config's timeline, diffs, restore and undelete, an integration as it was."""

from __future__ import annotations

import uuid
from datetime import UTC

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError, fields, validate

from tenant_config.config_versions import service as versions
from tenant_config.config_versions.as_of import deleted_configs
from tenant_config.config_versions.queries import MAX_VERSION
from tenant_config.config_versions.schemas import DiffArgsSchema, OneConfigVersionListArgsSchema
from tenant_config.configs import restore as restoring
from tenant_config.configs.schemas import ConfigListArgsSchema, RestoreSchema
from tenant_config.platform.clock import utcnow
from tenant_config.platform.errors import DomainError, InvalidQuery, NotFound
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_WRITE, VERSION_READ
from tenant_config.platform.tenancy import Principal
from tenant_config.ui.access import signed_in
from tenant_config.ui.forms import refused
from tenant_config.ui.grouped import all_configs, groups
from tenant_config.ui.pages import page

bp = Blueprint("history", __name__)
TIMELINE_PAGE_SIZE = 50
CONFIG_PATH = "/integrations/<uuid:integration_id>/configs/<uuid:config_id>"


class RestoreFormSchema(RestoreSchema):
    """The API's restore body, read from a form (numbers arrive as text)."""

    version = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_VERSION))
    expectedVersion = fields.Integer(
        attribute="expected_version",
        required=True,
        validate=validate.Range(min=0, max=MAX_VERSION),
    )


class InstantArgsSchema(ConfigListArgsSchema):
    """The API's `asOf`, where an instant without an offset is read as UTC."""

    asOf = fields.AwareDateTime(default_timezone=UTC, required=True)


def form_fields(*names: str) -> dict:
    """Return the named fields the form sent, an empty one left out (as if not sent)."""
    return {name: request.form[name] for name in names if request.form.get(name, "") != ""}


@bp.route(f"{CONFIG_PATH}/history")
def timeline(integration_id: uuid.UUID, config_id: uuid.UUID) -> tuple[str, int]:
    """Show a config's versions, newest first, a diff of two of them and restore buttons."""
    principal = signed_in(VERSION_READ)
    return timeline_page(principal, integration_id, config_id)


def timeline_page(
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    *,
    problem: dict | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the timeline, with the problem a failed restore met, if any."""
    where = {"principal": principal, "integration_id": integration_id, "config_id": config_id}
    newest = versions.list_config_versions(**where, args=_timeline_args(0, 1)).content[0]
    try:
        args = OneConfigVersionListArgsSchema().load(
            _timeline_args(request.args.get("pageNumber", ""), TIMELINE_PAGE_SIZE)
        )
    except ValidationError as error:
        raise InvalidQuery(
            "There is no such page of this history.", errors=error.messages
        ) from None
    history = versions.list_config_versions(**where, args=args)
    diff, diff_problem, diff_status = diff_of(where)
    return page(
        "history/timeline.html",
        block="diff",
        integration_id=integration_id,
        config_id=config_id,
        newest=newest,
        history=history,
        diff=diff,
        diff_problem=diff_problem,
        query={key: request.args[key] for key in ("from", "to") if key in request.args},
        problem=problem,
        may_restore=CONFIG_WRITE in principal.scopes,
    ), max(status, diff_status)


def _timeline_args(number, size: int) -> dict:
    return {"pageNumber": number, "pageSize": size, "pageSort": ["version,DESC"]}


def diff_of(where: dict) -> tuple[dict | None, dict | None, int]:
    """Return the diff the query asks for (`from`, `to`), or the problem with the query."""
    if "from" not in request.args:
        return None, None, 200
    raw = {key: request.args[key] for key in ("from", "to") if request.args.get(key, "") != ""}
    try:
        args = DiffArgsSchema().load(raw)
        return versions.diff_versions(**where, **args), None, 200
    except ValidationError as error:
        fields_named = {"from": "From version", "to": "To version"}
        problem = {
            "title": "These versions cannot be compared",
            "detail": "Give two version numbers of this config (To may stay empty: the latest).",
            "errors": {fields_named.get(k, k): v for k, v in error.messages.items()},
        }
        return None, problem, 400
    except NotFound as error:
        refusal = refused(error)
        return None, refusal.problem, refusal.status


@bp.route(f"{CONFIG_PATH}/restore", methods=["POST"])
def restore(integration_id: uuid.UUID, config_id: uuid.UUID) -> Response | tuple[str, int]:
    """Make an older version the config's latest (undelete a deleted config), with a reason."""
    principal = signed_in(CONFIG_WRITE)
    try:
        data = RestoreFormSchema().load(form_fields("version", "expectedVersion", "reason"))
        config = restoring.restore_config(
            principal=principal,
            integration_id=integration_id,
            config_id=config_id,
            version=data["version"],
            expect=Expectation(if_match=None, version=data["expected_version"], required=True),
            reason=data["reason"],
        )
    except ValidationError as error:
        problem = {
            "title": "The restore was not made",
            "detail": "The form holds values the service does not accept; nothing was changed.",
            "errors": error.messages,
        }
        return restore_failed(principal, integration_id, config_id, problem, 422)
    except DomainError as error:
        refusal = refused(error)
        return restore_failed(principal, integration_id, config_id, refusal.problem, refusal.status)
    flash(
        f"Version {data['version']} of {config.name} is now its latest, as version "
        f"{config.version}.",
        "success",
    )
    return redirect(
        url_for("ui.history.timeline", integration_id=integration_id, config_id=config_id),
        code=303,
    )


def restore_failed(
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    problem: dict,
    status: int,
) -> tuple[str, int]:
    """Say why a restore failed: on the timeline, or alone when the token may not read it."""
    if VERSION_READ not in principal.scopes:
        return render_template("error.html", problem=problem), status
    try:
        return timeline_page(principal, integration_id, config_id, problem=problem, status=status)
    except NotFound:
        return render_template("error.html", problem=problem), status


@bp.route("/integrations/<uuid:integration_id>/deleted")
def deleted(integration_id: uuid.UUID) -> str:
    """List the integration's deleted configs (their history's last row is a DELETE)."""
    principal = signed_in(VERSION_READ)
    rows = deleted_configs(principal=principal, integration_id=integration_id)
    return page(
        "history/deleted.html",
        integration_id=integration_id,
        integration_name=rows[0].integration_name if rows else None,
        rows=rows,
        may_restore=CONFIG_WRITE in principal.scopes,
    )


@bp.route("/integrations/<uuid:integration_id>/as-of")
def as_of(integration_id: uuid.UUID) -> tuple[str, int]:
    """Show an integration's configs as they stood at an instant (UTC), grouped by group."""
    principal = signed_in(CONFIG_READ)
    raw = request.args.get("asOf", "").strip()
    try:
        instant = InstantArgsSchema().load({"asOf": raw or utcnow().isoformat()})["asOf"]
    except ValidationError as error:
        return page(
            "history/as_of.html",
            integration_id=integration_id,
            raw=raw,
            errors={"asOf": error.messages.get("asOf", ["Not a valid instant."])},
            groups=None,
        ), 400
    rows = all_configs(principal, integration_id, instant)
    return page(
        "history/as_of.html",
        integration_id=integration_id,
        raw=raw or instant.strftime("%Y-%m-%dT%H:%M:%S"),
        instant=instant,
        integration_name=rows[0].integration_name if rows else None,
        errors={},
        groups=groups(rows),
    ), 200
