"""Atomic batches: many creates, updates and deletes of an integration's configs, all or none.

Each operation runs through the service's own create, update and delete (so through the
recorder) inside one transaction, each in a savepoint: a failed operation is undone alone so
that the ones after it are still checked, and any failure rolls the whole batch back.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.http import parse_etags

from tenant_config.configs import queries, service
from tenant_config.configs.models import Config
from tenant_config.configs.schemas import ConfigSchema
from tenant_config.integrations.models import Integration
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import LostRace, retried, transaction
from tenant_config.platform.encryption.masking import MASK, Shown, shown_to
from tenant_config.platform.errors import DomainError, Duplicate, ValidationFailed
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal

# What an answer shows of a config: a result keeps these as they were after its operation.
_SHOWN = [f.attribute or name for name, f in ConfigSchema().dump_fields.items() if name != "value"]


class BatchFailed(DomainError):
    """Some operations of a batch failed, so none was applied; the first failure sets the kind."""

    def __init__(self, failures: dict[int, DomainError], total: int):
        first = min(failures)
        super().__init__(
            f"{len(failures)} of {total} operations failed, the first at index {first}; "
            "nothing was changed.",
            errors={"operations": {str(i): _failure(e) for i, e in sorted(failures.items())}},
        )
        self.problem = failures[first].problem


@dataclass
class BatchResult:
    """The result of each operation, in order, and whether any reveals a secret."""

    results: list[dict[str, Any]]
    revealed: bool


@retried
def apply_batch(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    operations: Sequence[Mapping[str, Any]],
    on_conflict: str = "abort",
    preconditions_required: bool = True,
    reason: str | None = None,
) -> BatchResult:
    """Apply every operation in order in one transaction, or raise BatchFailed and apply none."""
    results: list[dict[str, Any]] = []
    failures: dict[int, DomainError] = {}
    revealed = False
    with transaction() as session:
        integration = get_integration(
            principal=principal, integration_id=integration_id, lock="share"
        )
        _lock_configs(session, integration, operations)
        run = _Run(principal, integration, session, on_conflict, preconditions_required, reason)
        for index, operation in enumerate(operations):
            try:
                with session.begin_nested():
                    result, shown = run.apply(operation)
            except DomainError as error:
                if error.problem.status >= 500:
                    raise
                failures[index] = error
                continue
            revealed = revealed or (shown is not None and shown.revealed)
            results.append({"index": index, "op": operation["op"], **result})
        if failures:
            raise BatchFailed(failures, len(operations))
    return BatchResult(results, revealed)


def _lock_configs(
    session: Session, integration: Integration, operations: Sequence[Mapping[str, Any]]
) -> None:
    """Lock the configs the batch names in id order: batches that share some never deadlock."""
    ids = sorted({op["id"] for op in operations if "id" in op})
    if ids:
        session.scalars(
            select(Config.id)
            .where(Config.integration_id == integration.id, Config.id.in_(ids))
            .order_by(Config.id)
            .with_for_update()
        ).all()


def _failure(error: DomainError) -> dict[str, Any]:
    """One failed operation as a small problem: its kind, status and why."""
    entry = {"type": error.problem.uri, "status": error.problem.status, "detail": error.detail}
    if error.errors:
        entry["errors"] = error.errors
    return entry | error.extensions


@dataclass
class _Run:
    principal: Principal
    integration: Integration
    session: Session
    on_conflict: str
    preconditions_required: bool
    reason: str | None

    def apply(self, operation: Mapping[str, Any]) -> tuple[dict[str, Any], Shown | None]:
        """Apply one operation; return its result and the config as shown."""
        # The most specific reason given: the body's, the operation's, else the batch's.
        reason = operation.get("reason") or self.reason
        if operation["op"] == "delete":
            config = self._get(operation["id"])
            deleted = {"id": config.id, "version": config.version + 1}
            service.delete_config(
                principal=self.principal,
                integration_id=self.integration.id,
                config_id=config.id,
                expect=self._expectation(operation),
                reason=reason,
            )
            return {"outcome": "deleted", **deleted}, None
        body = {**operation["body"], "reason": operation["body"].get("reason") or reason}
        _check_value(body, create=operation["op"] == "create")
        if operation["op"] == "update":
            return self._update(self._get(operation["id"]), body, self._expectation(operation))
        existing = self._named(body["name"])
        if existing is not None and self.on_conflict == "skip":
            return self._shown("skipped", shown_to(self.principal, existing))
        if existing is not None and self.on_conflict == "overwrite":
            return self._update(existing, body, Expectation(None, None, required=False))
        try:
            created = service.create_config(
                principal=self.principal, integration_id=self.integration.id, data=body
            )
        except Duplicate:
            if self.on_conflict == "abort":
                raise
            raise LostRace() from None  # created meanwhile: run again, and skip or overwrite it
        return self._shown("created", created)

    def _update(
        self, config: Config, body: Mapping[str, Any], expect: Expectation
    ) -> tuple[dict[str, Any], Shown]:
        before = config.version
        updated = service.update_config(
            principal=self.principal,
            integration_id=self.integration.id,
            config_id=config.id,
            data=body,
            expect=expect,
        )
        return self._shown("updated" if updated.version != before else "unchanged", updated)

    @staticmethod
    def _shown(outcome: str, shown: Shown) -> tuple[dict[str, Any], Shown]:
        # Copied now: a later operation of the batch may change or delete the same row.
        row = SimpleNamespace(**{name: getattr(shown, name) for name in _SHOWN})
        return {
            "outcome": outcome,
            "config": Shown(row, shown.value, revealed=shown.revealed),
        }, shown

    def _get(self, config_id: uuid.UUID) -> Config:
        return queries.get_config(
            principal=self.principal,
            integration_id=self.integration.id,
            config_id=config_id,
            for_write=True,
        )

    def _named(self, name: str) -> Config | None:
        if self.on_conflict == "abort":
            return None  # the unique name refuses it: 409
        return self.session.scalar(
            select(Config)
            .where(Config.integration_id == self.integration.id, Config.name == name)
            .with_for_update()
        )

    def _expectation(self, operation: Mapping[str, Any]) -> Expectation:
        if_match = operation.get("if_match")
        return Expectation(
            if_match=parse_etags(if_match) if if_match is not None else None,
            version=operation.get("expected_version"),
            required=self.preconditions_required and operation["op"] == "update",
        )


def _check_value(body: Mapping[str, Any], *, create: bool) -> None:
    """Refuse a secret left out of an export, or a new one masked (an update keeps it, as PUT)."""
    if body.get("value_omitted"):
        raise ValidationFailed(
            "The export left this sensitive value out; put the value in and drop valueOmitted.",
            errors={"valueOmitted": ["Send the secret in `value` instead."]},
        )
    if create and body["sensitive"] and body["value"] in (None, MASK):
        raise ValidationFailed(
            "A sensitive value in a batch must be sent in plain text.",
            errors={"value": [f"Required for a sensitive config, and not {MASK!r}."]},
        )
