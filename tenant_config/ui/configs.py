"""The config pages of an integration: add, edit (with its conflicts), delete, reveal a secret."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from tenant_config.configs import service
from tenant_config.configs.schemas import ConfigWriteSchema
from tenant_config.integrations import service as integrations
from tenant_config.parameters.models import Parameter
from tenant_config.parameters.queries import definitions_of
from tenant_config.platform.encryption.masking import MASK
from tenant_config.platform.errors import (
    DomainError,
    InsufficientScope,
    NotFound,
    VersionConflict,
)
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_READ_SENSITIVE, CONFIG_WRITE
from tenant_config.platform.tenancy import Principal
from tenant_config.ui.access import signed_in
from tenant_config.ui.forms import FormRefused, based_on, load, posted, reason, refused
from tenant_config.ui.pages import page

bp = Blueprint("configs", __name__, url_prefix="/integrations/<uuid:integration_id>/configs")
FIELDS = ("group", "name", "label", "description", "value", "sensitive", "reason")
# Blank, these take the definition's (group, label, description) or say nothing (reason).
BLANK_IS_NONE = ("group", "label", "description", "reason")
COMPARED = (
    ("Group", "group"),
    ("Name", "name"),
    ("Label", "label"),
    ("Description", "description"),
    ("Value", "value"),
    ("Sensitive", "sensitive"),
)


def definitions(connector: str) -> dict[str, Parameter]:
    """Return the connector's parameter definitions by name, in group and name order."""
    found = definitions_of(connector)
    return dict(sorted(found.items(), key=lambda item: (item[1].group, item[0])))


@bp.route("/new", methods=["GET", "POST"])
def new(integration_id: uuid.UUID) -> Response | tuple[str, int]:
    """Add a config; a defined name (?name=) gets the form of its definition."""
    principal = signed_in(CONFIG_WRITE)
    integration = integrations.get_integration(principal=principal, integration_id=integration_id)
    defined = definitions(integration.connector)
    if request.method == "GET":
        name = request.args.get("name", "")
        definition = defined.get(name)
        values = {"name": name, "group": definition.group if definition else None}
        if definition is not None and definition.default is not None:
            values["value"] = definition.default
        return _form(integration, defined, values, principal=principal)
    values = posted(FIELDS, blank_is_none=BLANK_IS_NONE)
    try:
        data = load(ConfigWriteSchema(), values)
        config = service.create_config(
            principal=principal, integration_id=integration_id, data=data
        )
    except FormRefused as refusal:
        return _form(integration, defined, values, principal=principal, refusal=refusal)
    except DomainError as error:
        return _form(integration, defined, values, principal=principal, refusal=refused(error))
    flash(f"Added {config.name}.", "success")
    return _to_integration(integration_id, config.id)


@bp.route("/<uuid:config_id>/edit", methods=["GET", "POST"])
def edit(integration_id: uuid.UUID, config_id: uuid.UUID) -> Response | tuple[str, int]:
    """Edit a config, based on the version the form shows; a conflict shows both sides."""
    principal = signed_in(CONFIG_WRITE)
    try:
        stored = service.get_config(
            principal=principal, integration_id=integration_id, config_id=config_id
        )
    except NotFound as error:
        if request.method == "GET":
            raise
        return _deleted_meanwhile(principal, integration_id, error)
    integration = stored.integration
    defined = definitions(integration.connector)
    context = {"principal": principal, "config": stored}
    if request.method == "GET":
        values = {key: getattr(stored, key) for key in FIELDS if key != "reason"}
        if stored.sensitive:
            values["value"] = MASK  # revealed on demand only; the mask keeps it
        return _form(integration, defined, values, version=stored.version, **context)
    values = posted(FIELDS, blank_is_none=BLANK_IS_NONE)
    version = request.form.get("version")
    try:
        expect = based_on()
        data = load(ConfigWriteSchema(), values)
        config = service.update_config(
            principal=principal,
            integration_id=integration_id,
            config_id=config_id,
            data=data,
            expect=expect,
        )
    except FormRefused as refusal:
        return _form(integration, defined, values, version=version, refusal=refusal, **context)
    except VersionConflict:
        current = service.get_config(
            principal=principal, integration_id=integration_id, config_id=config_id
        )
        rows = _compared(current, values, principal)
        context |= {"config": current, "conflict": rows}
        return _form(integration, defined, values, version=current.version, status=409, **context)
    except NotFound as error:
        return _deleted_meanwhile(principal, integration_id, error)
    except DomainError as error:
        return _form(
            integration, defined, values, version=version, refusal=refused(error), **context
        )
    flash(f"Saved {config.name} (version {config.version}).", "success")
    return _to_integration(integration_id, config.id)


@bp.route("/<uuid:config_id>/delete", methods=["GET", "POST"])
def delete(integration_id: uuid.UUID, config_id: uuid.UUID) -> Response | tuple[str, int]:
    """Ask to confirm a config's deletion; delete it if it is still at the version shown."""
    principal = signed_in(CONFIG_WRITE)
    config = service.get_config(
        principal=principal, integration_id=integration_id, config_id=config_id
    )
    context = {"target": config, "version": config.version, "problem": None, "changed": False}
    if request.method == "GET":
        return render_template("configs/delete.html", **context), 200
    context["reason"] = request.form.get("reason", "")
    try:
        service.delete_config(
            principal=principal,
            integration_id=integration_id,
            config_id=config_id,
            expect=based_on(),
            reason=reason(),
        )
    except FormRefused as refusal:
        context |= {"problem": refusal.problem, "version": request.form.get("version")}
        return render_template("configs/delete.html", **context), refusal.status
    except VersionConflict:
        current = service.get_config(
            principal=principal, integration_id=integration_id, config_id=config_id
        )
        context |= {"target": current, "version": current.version, "changed": True}
        return render_template("configs/delete.html", **context), 409
    flash(f"Deleted {config.name}; its history is kept.", "success")
    return redirect(url_for("ui.integrations.show", integration_id=integration_id), code=303)


@bp.route("/<uuid:config_id>/reveal")
def reveal(integration_id: uuid.UUID, config_id: uuid.UUID) -> tuple[str, int, dict]:
    """Return a secret's value in a small fragment, for a token that may read it."""
    principal = signed_in(CONFIG_READ)
    config = service.get_config(
        principal=principal, integration_id=integration_id, config_id=config_id
    )
    if config.sensitive and not config.revealed:
        raise InsufficientScope(f"Revealing a secret needs the scope {CONFIG_READ_SENSITIVE}.")
    return (
        render_template("configs/_revealed.html", shown=config),
        200,
        {"Cache-Control": "no-store"},
    )


def _form(
    integration,
    defined: dict[str, Parameter],
    values: dict[str, Any],
    *,
    principal: Principal,
    config=None,
    version: int | str | None = None,
    refusal: FormRefused | None = None,
    conflict: list | None = None,
    action: str | None = None,
    status: int | None = None,
) -> tuple[str, int]:
    """Render the config form for `values`, with the refusal or the conflict it met."""
    definition = defined.get(values.get("name") or "")
    secret = bool(
        (definition is not None and definition.type == "secret")
        or (config is not None and config.sensitive)
        or values.get("sensitive") in (True, "true")
    )
    html = page(
        "configs/form.html",
        integration=integration,
        existing=config,
        definition=definition,
        defined=defined,
        values=values,
        secret=secret,
        version=version,
        problem=refusal.problem if refusal else None,
        errors=refusal.errors if refusal else {},
        conflict=conflict,
        may_reveal=principal.may_read_sensitive(),
        action=action or request.path,
    )
    return html, status or (refusal.status if refusal else 200)


def _deleted_meanwhile(
    principal: Principal, integration_id: uuid.UUID, error: NotFound
) -> tuple[str, int]:
    """Keep an edit of a config that is gone from a visible integration: Save adds it again."""
    integration = integrations.get_integration(principal=principal, integration_id=integration_id)
    refusal = refused(error)
    refusal.problem["detail"] = (
        "This config was deleted meanwhile. Your input is kept below: Save adds it again."
    )
    values = posted(FIELDS, blank_is_none=BLANK_IS_NONE)
    action = url_for(".new", integration_id=integration_id)
    defined = definitions(integration.connector)
    return _form(integration, defined, values, principal=principal, refusal=refusal, action=action)


def _compared(current, values: dict[str, Any], principal: Principal) -> list[tuple]:
    """Return (field, theirs, yours) rows; a secret the user may not read stays masked."""
    secret = current.sensitive or values.get("sensitive") == "true"
    hidden = secret and not principal.may_read_sensitive()
    rows = []
    for label, key in COMPARED:
        theirs, yours = getattr(current, key), values.get(key)
        if key == "sensitive":
            theirs, yours = bool(theirs), yours == "true"
        if key == "value" and hidden:
            yours = MASK  # a secret is shown in plain text only to ReadSensitive
        rows.append((label, theirs, yours))
    return rows


def _to_integration(integration_id: uuid.UUID, config_id: uuid.UUID) -> Response:
    target = url_for("ui.integrations.show", integration_id=integration_id)
    return redirect(f"{target}#config-{config_id}", code=303)
