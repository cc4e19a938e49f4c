"""/tenantintegrations/{ti}/configs/batch, /export and /compare: many configs at once."""

from __future__ import annotations

import uuid

from flask import current_app
from flask.views import MethodView

from tenant_config.configs import batch, compare, export
from tenant_config.configs.batch_schemas import (
    BatchArgsSchema,
    BatchResultSchema,
    BatchSchema,
    CompareArgsSchema,
    ComparisonSchema,
    ExportSchema,
)
from tenant_config.platform.api import Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_WRITE

blp = Blueprint(
    "config_batches",
    __name__,
    url_prefix="/tenantintegrations/<uuid:integration_id>/configs",
    description="Many configs of an integration at once: atomic batches, export and compare.",
)

NO_STORE = {"Cache-Control": "no-store"}
BATCH_EXAMPLE = {
    "operations": [
        {"op": "create", "body": {"group": "g", "name": "timeout", "value": "30"}},
        {
            "op": "update",
            "id": "9fe70c57-4815-4247-8ec8-0d886277e93a",
            "expectedVersion": 2,
            "body": {"group": "g", "name": "retries", "value": "5"},
        },
        {"op": "delete", "id": "0c3f8a52-7a36-4a4e-9f5e-3c2d3b1e0f11", "expectedVersion": 0},
    ],
    "reason": "Ticket OPS-1234: new HTTP settings",
}


@blp.route("/batch")
class Batch(MethodView):
    @protected(blp, CONFIG_WRITE)
    @blp.arguments(BatchArgsSchema, location="query", error_status_code=400)
    @blp.arguments(BatchSchema, example=BATCH_EXAMPLE)
    @blp.response(200, BatchResultSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def post(self, args: dict, body: dict, integration_id: uuid.UUID):
        """Apply up to 500 creates, updates and deletes in order: all of them, or none.

        On failure nothing changes and one problem answers: its status and type are those of
        the first failing operation (by index), and `errors.operations` names every failing
        operation by index with its own `type`, `status` and `detail`. An export document is
        a batch of creates; `onConflict` says what to do with names that exist. Each history
        row keeps the most specific `reason`: the body's, the operation's, else the batch's.
        """
        result = batch.apply_batch(
            principal=current_principal(),
            integration_id=integration_id,
            operations=body["operations"],
            on_conflict=args["onConflict"],
            preconditions_required=current_app.config["TENANT_CONFIG"].require_precondition,
            reason=body["reason"],
        )
        return {"results": result.results}, NO_STORE if result.revealed else {}


@blp.route("/export")
class Export(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.response(200, ExportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: uuid.UUID):
        """Export every config of an integration as a batch of creates (not paged).

        POST it to another integration's `/configs/batch` to copy the configs there. A
        sensitive value is exported only to a caller with `ReadSensitive` (the answer is then
        `no-store`); for anyone else it is left out and marked `valueOmitted`, and the batch
        refuses such a create until the value is filled in.
        """
        exported = export.export_configs(
            principal=current_principal(), integration_id=integration_id
        )
        return exported.document, NO_STORE if exported.revealed else {}


@blp.route("/compare")
class Compare(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.arguments(CompareArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ComparisonSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, integration_id: uuid.UUID):
        """Compare the configs of this integration (`here`) with another's (`there`) by name.

        Lists the names only here, only there, those that differ (field by field) and those
        that agree. Secrets are compared, and shown, only to a caller with `ReadSensitive`
        (the answer is then `no-store`); for anyone else a config sensitive on either side
        lists `{"field": "value", "compared": false}`. Copy with an export and a batch.
        """
        comparison = compare.compare_configs(
            principal=current_principal(), integration_id=integration_id, other_id=args["with_"]
        )
        return comparison.document, NO_STORE if comparison.revealed else {}
