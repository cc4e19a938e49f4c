"""List arguments (`pageSort`, `pageSize`, `pageNumber`) and the paged answer envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from tenant_config.platform.database import db

DEFAULT_SORT = "updatedAt,DESC"
MAX_PAGE_NUMBER = 1_000_000


class PageArgsSchema(Schema):
    """Paging and sorting; subclasses name their sortable fields and filters."""

    SORTABLE: tuple[str, ...] = ()

    pageSort = fields.List(
        fields.String(validate=validate.Length(max=100)),
        load_default=lambda: [DEFAULT_SORT],
        metadata={"description": "`field,ASC|DESC`, repeatable; ASC when the order is left out."},
    )
    pageSize = fields.Integer(
        load_default=20, validate=validate.Range(min=1, max=100), metadata={"example": 20}
    )
    pageNumber = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=MAX_PAGE_NUMBER), metadata={"example": 0}
    )

    @pre_load
    def drop_empty(self, data: Mapping, **_kwargs) -> dict:
        """Treat `?pageSize=` like an absent parameter (the spec allows empty values)."""
        cleaned = {}
        for key in data:
            value = data[key]
            if isinstance(value, list):
                value = [item for item in value if item != ""]
            if value not in ("", []):
                cleaned[key] = value
        return cleaned

    @validates("pageSort")
    def validate_sort(self, value: list[str], **_kwargs) -> None:
        for item in value:
            field, _, order = item.partition(",")
            if field.strip() not in self.SORTABLE:
                raise ValidationError(
                    f"Unknown sort field {field.strip()!r}; one of: {', '.join(self.SORTABLE)}."
                )
            if order.strip().upper() not in {"", "ASC", "DESC"}:
                raise ValidationError(f"Sort order must be ASC or DESC, not {order.strip()!r}.")


class PageInfoSchema(Schema):
    number = fields.Integer(metadata={"example": 0})
    size = fields.Integer(metadata={"example": 20})
    totalElements = fields.Integer(metadata={"example": 1})
    totalPages = fields.Integer(metadata={"example": 1})


def page_schema(item_schema: type[Schema], name: str, **extra: fields.Field) -> type[Schema]:
    """Return the `{"content": [...], "page": {...}}` schema for a list of `item_schema`."""
    return Schema.from_dict(
        {
            "content": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Nested(PageInfoSchema, required=True),
            **extra,
        },
        name=name,
    )


@dataclass(frozen=True)
class Page:
    """One page of rows and the paging facts the answer reports."""

    content: list[Any]
    number: int
    size: int
    total: int

    def map(self, shape: Callable[[Any], Any]) -> Page:
        """Return the same page with each row passed through `shape`."""
        return replace(self, content=[shape(row) for row in self.content])

    def to_dict(self, *, as_of: datetime | None = None) -> dict:
        """Return the answer envelope; a point-in-time answer echoes its instant."""
        pages = (self.total + self.size - 1) // self.size
        answer = {
            "content": self.content,
            "page": {
                "number": self.number,
                "size": self.size,
                "totalElements": self.total,
                "totalPages": pages,
            },
        }
        return answer if as_of is None else answer | {"asOf": as_of}


def paginate(
    query: Select,
    *,
    args: Mapping[str, Any],
    columns: Mapping[str, InstrumentedAttribute],
    tiebreak: InstrumentedAttribute,
) -> Page:
    """Run `query` sorted as `args` asks (ties broken by `tiebreak`) and return one page."""
    order = []
    for item in args["pageSort"]:
        field, _, direction = item.partition(",")
        column = columns[field.strip()]
        descending = direction.strip().upper() == "DESC"
        # NULLs sort the same on SQLite and PostgreSQL: first ascending, last descending.
        order.append(column.desc().nulls_last() if descending else column.asc().nulls_first())
    order.append(tiebreak.asc())
    size, number = args["pageSize"], args["pageNumber"]
    # One row more than the page tells whether more follow: the last page (most answers, a
    # lookup always) knows its total without a count, one round trip fewer.
    rows = db.session.scalars(query.order_by(*order).limit(size + 1).offset(number * size)).all()
    if len(rows) > size or (not rows and number > 0):
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    else:
        total = number * size + len(rows)
    return Page(content=list(rows[:size]), number=number, size=size, total=total or 0)
