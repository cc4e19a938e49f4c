"""The integrations pages: the list with search, filters and paging; one integration; its forms."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, flash, redirect, request, url_for
from marshmallow import ValidationError, validate

from tenant_config.configs import validation
from tenant_config.connectors import service as connectors
from tenant_config.integrations import service
from tenant_config.integrations.schemas import IntegrationListArgsSchema, IntegrationWriteSchema
from tenant_config.platform.errors import DomainError, VersionConflict
from tenant_config.platform.schemas import Text
from tenant_config.platform.scopes import (
    CONFIG_READ,
    CONFIG_WRITE,
    INTEGRATION_READ,
    INTEGRATION_WRITE,
)
from tenant_config.platform.tenancy import Principal
from tenant_config.ui.access import signed_in
from tenant_config.ui.forms import (
    FormRefused,
    based_on,
    load,
    posted,
    query_args,
    reason,
    refused,
)
from tenant_config.ui.grouped import all_configs, count_configs, groups, masked_view
from tenant_config.ui.pages import page

bp = Blueprint("integrations", __name__)
LISTED_ARGS = (
    "search",
    "connector",
    "tenant",
    "partnerTenant",
    "pageNumber",
    "pageSize",
    "pageSort",
)
# The form's fields, as the API names them; the fixed ones cannot change once created.
FIXED = ("client", "tenant", "partnerTenant", "connector")
NAMES = ("name", "clientName", "tenantName", "partnerTenantName")
LABELS = {
    "name": "Name",
    "client": "Client id",
    "clientName": "Client name",
    "tenant": "Tenant id",
    "tenantName": "Tenant name",
    "partnerTenant": "Partner tenant",
    "partnerTenantName": "Partner tenant name",
    "connector": "Connector",
}
ATTRIBUTES = {field: IntegrationWriteSchema().fields[field].attribute or field for field in LABELS}


class ListArgsSchema(IntegrationListArgsSchema):
    """The API's list arguments, and a search over names and keys."""

    search = Text(validate=validate.Length(max=200))


@bp.route("/integrations")
def index() -> tuple[str, int]:
    """List the integrations the user may see, searched and filtered."""
    principal = signed_in(INTEGRATION_READ)
    raw = query_args()
    errors: dict = {}
    try:
        args = ListArgsSchema().load(raw)
    except ValidationError as error:
        errors, args = error.messages, None
    found = service.list_integrations(principal=principal, args=args) if args else None
    catalog = connectors.list_connectors(
        args={"pageSize": 100, "pageNumber": 0, "pageSort": ["code,ASC"]}
    )
    return page(
        "integrations/index.html",
        block="results",
        found=found,
        errors=errors,
        query={k: v for k, v in raw.items() if k in LISTED_ARGS},
        connectors=[connector.code for connector in catalog.content],
        may_create=INTEGRATION_WRITE in principal.scopes,
    ), (400 if errors else 200)


@bp.route("/integrations/<uuid:integration_id>")
def show(integration_id: uuid.UUID) -> str:
    """Show an integration and its configs, grouped by `group`."""
    principal = signed_in(INTEGRATION_READ)
    integration = service.get_integration(principal=principal, integration_id=integration_id)
    grouped = report = None
    if CONFIG_READ in principal.scopes:
        grouped = groups(all_configs(masked_view(principal), integration_id))
        report = validation.validation_report(principal=principal, integration_id=integration_id)
    return page(
        "integrations/show.html",
        integration=integration,
        groups=grouped,
        report=report,
        may_edit=INTEGRATION_WRITE in principal.scopes,
        may_edit_configs=CONFIG_WRITE in principal.scopes,
        may_reveal=principal.may_read_sensitive(),
    )


@bp.route("/integrations/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    """Create an integration within the user's tenants."""
    principal = signed_in(INTEGRATION_WRITE)
    if request.method == "GET":
        tenants = sorted(principal.tenants)
        return _form({"tenant": tenants[0] if len(tenants) == 1 else ""}, principal=principal)
    values = posted(FIXED + NAMES, blank_is_none=NAMES[1:])
    try:
        data = load(IntegrationWriteSchema(), values)
        integration = service.create_integration(principal=principal, data=data)
    except FormRefused as refusal:
        return _form(values, principal=principal, refusal=refusal)
    except DomainError as error:
        return _form(values, principal=principal, refusal=refused(error))
    flash(f"Created {integration.name}.", "success")
    return redirect(url_for(".show", integration_id=integration.id), code=303)


@bp.route("/integrations/<uuid:integration_id>/edit", methods=["GET", "POST"])
def edit(integration_id: uuid.UUID) -> Response | tuple[str, int]:
    """Rename an integration, based on the version the form shows; a conflict shows both sides."""
    principal = signed_in(INTEGRATION_WRITE)
    stored = service.get_integration(principal=principal, integration_id=integration_id)
    values = {field: getattr(stored, attribute) for field, attribute in ATTRIBUTES.items()}
    if request.method == "GET":
        return _form(values, principal=principal, integration=stored, version=stored.version)
    # The fixed fields are the stored ones: the form shows them and cannot change them.
    values |= posted(NAMES, blank_is_none=NAMES[1:])
    version = request.form.get("version")
    try:
        expect = based_on()
        data = load(IntegrationWriteSchema(), values)
        service.update_integration(
            principal=principal, integration_id=integration_id, data=data, expect=expect
        )
    except FormRefused as refusal:
        return _form(
            values, principal=principal, integration=stored, version=version, refusal=refusal
        )
    except VersionConflict:
        current = service.get_integration(principal=principal, integration_id=integration_id)
        rows = [
            (LABELS[field], getattr(current, ATTRIBUTES[field]), values[field]) for field in NAMES
        ]
        return _form(
            values,
            principal=principal,
            integration=current,
            version=current.version,
            conflict=rows,
            status=409,
        )
    except DomainError as error:
        refusal = refused(error)
        return _form(
            values, principal=principal, integration=stored, version=version, refusal=refusal
        )
    flash(f"Saved {data['name']}.", "success")
    return redirect(url_for(".show", integration_id=integration_id), code=303)


@bp.route("/integrations/<uuid:integration_id>/delete", methods=["GET", "POST"])
def delete(integration_id: uuid.UUID) -> Response | tuple[str, int]:
    """Ask to confirm an integration's deletion with its configs; delete it if still as shown."""
    principal = signed_in(INTEGRATION_WRITE)
    integration = service.get_integration(principal=principal, integration_id=integration_id)
    context = {"integration": integration, "version": integration.version, "problem": None}
    if CONFIG_READ in principal.scopes:
        context["configs"] = count_configs(principal, integration_id)
    if request.method == "GET":
        return page("integrations/delete.html", **context), 200
    context["reason"] = request.form.get("reason", "")
    try:
        service.delete_integration(
            principal=principal,
            integration_id=integration_id,
            expect=based_on(),
            cascade=True,  # the page said the configs go too, and the user confirmed
            reason=reason(),
        )
    except FormRefused as refusal:
        context |= {"problem": refusal.problem, "version": request.form.get("version")}
        return page("integrations/delete.html", **context), refusal.status
    except VersionConflict:
        current = service.get_integration(principal=principal, integration_id=integration_id)
        context |= {"integration": current, "version": current.version, "changed": True}
        return page("integrations/delete.html", **context), 409
    flash(f"Deleted {integration.name} and its configs; their history is kept.", "success")
    return redirect(url_for(".index"), code=303)


def _form(
    values: dict,
    *,
    principal: Principal,
    integration=None,
    version: int | str | None = None,
    refusal: FormRefused | None = None,
    conflict: list | None = None,
    status: int | None = None,
) -> tuple[str, int]:
    """Render the integration form for `values`, with the refusal or the conflict it met."""
    catalog = connectors.list_connectors(
        args={"pageSize": 100, "pageNumber": 0, "pageSort": ["code,ASC"]}
    )
    html = page(
        "integrations/form.html",
        values=values,
        integration=integration,
        version=version,
        problem=refusal.problem if refusal else None,
        errors=refusal.errors if refusal else {},
        conflict=conflict,
        connectors=[connector.code for connector in catalog.content],
        tenants=sorted(principal.tenants),
        labels=LABELS,
    )
    return html, status or (refusal.status if refusal else 200)
