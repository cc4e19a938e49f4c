"""Promoting configs: compare two integrations, and copy what is missing or differs."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, current_app, request
from marshmallow import ValidationError, fields, pre_load, validate

from tenant_config.configs import batch, compare, export
from tenant_config.configs.batch_schemas import (
    CONFLICT_POLICIES,
    MAX_OPERATIONS,
    BatchArgsSchema,
    BatchSchema,
    CompareArgsSchema,
)
from tenant_config.integrations import service as integrations
from tenant_config.platform.errors import InsufficientScope
from tenant_config.platform.schemas import ChangeReason, Text
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_WRITE, INTEGRATION_READ
from tenant_config.platform.tenancy import Principal
from tenant_config.ui.access import signed_in
from tenant_config.ui.integrations import ListArgsSchema
from tenant_config.ui.pages import page

bp = Blueprint("promote", __name__)
DIRECTIONS = ("here", "there")  # where the selected configs are copied to
PICKER_SIZE = 100
OUTCOMES = ("created", "updated", "unchanged", "skipped")


class CopyFormSchema(CompareArgsSchema, BatchArgsSchema):
    """The copy form: the other integration, the direction, the names, the policy, a reason."""

    direction = Text(required=True, validate=validate.OneOf(DIRECTIONS))
    names = fields.List(Text(), load_default=list, validate=validate.Length(max=MAX_OPERATIONS))
    reason = ChangeReason()

    @pre_load
    def drop_empty_reason(self, data: dict, **_kwargs) -> dict:
        """Treat an empty reason as none given."""
        return {key: value for key, value in data.items() if key != "reason" or value}


@bp.route("/integrations/<uuid:integration_id>/compare")
def compare_page(integration_id: uuid.UUID) -> tuple[str, int]:
    """Show the picker, and the comparison with the integration chosen."""
    principal = signed_in(CONFIG_READ)
    errors: dict = {}
    other_id = None
    if request.args.get("with"):
        try:
            other_id = CompareArgsSchema().load({"with": request.args["with"]})["with_"]
        except ValidationError as error:
            errors = error.messages
    return _render(
        principal, integration_id, other_id, errors=errors, status=400 if errors else 200
    )


@bp.post("/integrations/<uuid:integration_id>/compare/copy")
def copy(integration_id: uuid.UUID) -> tuple[str, int]:
    """Copy the selected configs between the two integrations, with the conflict policy chosen."""
    principal = signed_in(CONFIG_WRITE)
    if CONFIG_READ not in principal.scopes:  # reading the source is an export
        raise InsufficientScope(f"This operation requires the scope {CONFIG_READ}.")
    posted = {
        "with": request.form.get("with", ""),
        "direction": request.form.get("direction", ""),
        "onConflict": request.form.get("onConflict", ""),
        "reason": request.form.get("reason", ""),
        "names": request.form.getlist("names"),
    }
    try:
        form = CopyFormSchema().load(posted)
    except ValidationError as error:
        other_id = _uuid(posted["with"])
        return _render(
            principal, integration_id, other_id, errors=_flat(error.messages), form=posted
        )
    other_id = form["with_"]
    source, target = (other_id, integration_id)
    if form["direction"] == "there":
        source, target = target, source
    exported = export.export_configs(principal=principal, integration_id=source)
    operations, left_out = _chosen(exported.document["operations"], form["names"])
    if not operations:
        problem = {
            "title": "Nothing was copied",
            "detail": "Tick at least one config that exists where it is copied from."
            if not left_out
            else "None of the configs ticked could be copied; nothing was changed.",
        }
        return _render(
            principal, integration_id, other_id, problem=problem, form=posted, left_out=left_out
        )
    try:
        loaded = BatchSchema().load({"operations": operations, "reason": form["reason"]})
        done = batch.apply_batch(
            principal=principal,
            integration_id=target,
            operations=loaded["operations"],
            on_conflict=form["onConflict"],
            preconditions_required=current_app.config["TENANT_CONFIG"].require_precondition,
            reason=loaded["reason"],
        )
    except ValidationError as error:
        problem = {"title": "Nothing was copied", "detail": "The copy is not valid."}
        problem["errors"] = error.messages
        return _render(principal, integration_id, other_id, problem=problem, form=posted)
    except batch.BatchFailed as error:
        return _render(
            principal,
            integration_id,
            other_id,
            problem=_refusal(error, operations),
            form=posted,
            status=error.problem.status,
        )
    results = {outcome: [] for outcome in OUTCOMES}
    for result in done.results:
        results[result["outcome"]].append(result["config"])
    return page(
        "promote/copied.html",
        source=integrations.get_integration(principal=principal, integration_id=source),
        target=integrations.get_integration(principal=principal, integration_id=target),
        here_id=integration_id,
        other_id=other_id,
        results=results,
        left_out=left_out,
        on_conflict=form["onConflict"],
    ), 200


def _chosen(
    operations: list[dict[str, Any]], names: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Return the exported creates of the names ticked, and those left out with the reason why."""
    exported = {operation["body"]["name"]: operation for operation in operations}
    chosen, left_out = [], []
    for name in sorted(set(names)):
        operation = exported.get(name)
        if operation is None:
            left_out.append({"name": name, "why": "it does not exist where it is copied from"})
        elif operation["body"].get("valueOmitted"):
            left_out.append(
                {
                    "name": name,
                    "why": "it is a secret your access token cannot read "
                    "(ConnTenantConfigApi:TenantConfig:ReadSensitive), so its value cannot be "
                    "copied; set it by hand",
                }
            )
        else:
            chosen.append(operation)
    return chosen, left_out


def _refusal(error: batch.BatchFailed, operations: list[dict[str, Any]]) -> dict[str, Any]:
    """Say which configs refused the copy, by name."""
    failures = error.errors["operations"]
    return {
        "title": "Nothing was copied",
        "detail": error.detail,
        "errors": {
            operations[int(index)]["body"]["name"]: [failure["detail"]]
            for index, failure in failures.items()
        },
    }


def _flat(messages: dict) -> dict:
    """Return `messages` with the per-name messages of `names` said once, for the whole list."""
    names = messages.get("names")
    if isinstance(names, dict):
        said = sorted({text for texts in names.values() for text in texts})
        messages = {
            **messages,
            "names": [f"A config ticked is not a config name: {' '.join(said)}"],
        }
    return messages


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _render(
    principal: Principal,
    integration_id: uuid.UUID,
    other_id: uuid.UUID | None,
    *,
    errors: dict | None = None,
    problem: dict | None = None,
    form: dict | None = None,
    left_out: list | None = None,
    status: int | None = None,
) -> tuple[str, int]:
    """Render the compare page; a problem or errors answer 422 unless `status` says otherwise."""
    here = integrations.get_integration(principal=principal, integration_id=integration_id)
    there = comparison = None
    if other_id is not None:
        comparison = compare.compare_configs(
            principal=principal, integration_id=integration_id, other_id=other_id
        ).document
        there = integrations.get_integration(principal=principal, integration_id=other_id)
    search = request.args.get("search", "")
    picker_errors, options, total = _picker(principal, here.id, search)
    return page(
        "promote/compare.html",
        block="picker",
        here=here,
        there=there,
        comparison=comparison,
        search=search,
        options=options,
        total=total,
        may_list=INTEGRATION_READ in principal.scopes,
        may_write=CONFIG_WRITE in principal.scopes,
        errors={**(errors or {}), **picker_errors},
        problem=problem,
        form=form or {},
        left_out=left_out or [],
        policies=CONFLICT_POLICIES,
    ), status or (422 if errors or problem else 200)


def _picker(principal: Principal, here_id: uuid.UUID, search: str) -> tuple[dict, list, int]:
    """Return the integrations to pick from (when the token may list them), searched."""
    if INTEGRATION_READ not in principal.scopes:
        return {}, [], 0
    raw = {"pageSize": PICKER_SIZE, "pageSort": ["name,ASC"], "search": search}
    try:
        args = ListArgsSchema().load({key: value for key, value in raw.items() if value})
    except ValidationError as error:
        return error.messages, [], 0
    found = integrations.list_integrations(principal=principal, args=args)
    return {}, [item for item in found.content if item.id != here_id], found.total
