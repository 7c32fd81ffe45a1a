"""Synced tables as sync sees them: which columns travel, who owns what, rows to and from JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Table, Text

from db.models import (
    SYNCED_MODELS,
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    Lecturer,
    Organisation,
)

# Never travel: the feed position and the merge's memory are this database's own.
LOCAL_COLUMNS = frozenset({"local_seq", "seen_version"})
# Not part of what a person edited; two states that differ only here are the same edit.
NOT_CONTENT = frozenset({"id", "version", "local_seq", "seen_version"})
BASE_KEY = "_base"

TABLES: dict[str, Table] = {
    m.__table__.name: m.__table__  # type: ignore[attr-defined]
    for m in SYNCED_MODELS
}
# Parents before children, so a reader sees a whole package in a sensible order.
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)

# Headquarters' shared directories: every chapter receives these rows (chapter_id NULL).
SHARED_TABLES: frozenset[str] = frozenset(
    m.__table__.name  # type: ignore[attr-defined]
    for m in (Organisation, Lecturer, Event, EventOccurrence, EventPartner, EventLecturer)
)
# Special-care personal information (要配慮個人情報) lives in these tables.
WATCH_TABLES = frozenset({"watched_persons", "watch_assignments", "visits", "follow_ups"})


def travelling_columns(table: Table) -> list[str]:
    """The columns a package carries for `table`, in table order."""
    return [c.name for c in table.columns if c.name not in LOCAL_COLUMNS]


def content_columns(table: Table) -> list[str]:
    """The columns whose values make up what a person edited (deleted included)."""
    return [c.name for c in table.columns if c.name not in NOT_CONTENT]


def version_node(version: str) -> str:
    """The node id at the end of a version stamp ("" for an empty version)."""
    parts = version.split(".", 2)
    return parts[2] if len(parts) == 3 else ""


def to_json_value(value: Any) -> Any:
    """A column value as JSON: dates and times as ISO text, everything else unchanged."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    return float(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _date(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _datetime(value: Any) -> datetime:
    return datetime.fromisoformat(_text(value))


def _json(value: Any) -> Any:
    return value


def _converter(table: Table, name: str) -> Callable[[Any], Any]:
    column = table.columns[name]
    kind = column.type
    if isinstance(kind, DateTime):
        base: Callable[[Any], Any] = _datetime
    elif isinstance(kind, Date):
        base = _date
    elif isinstance(kind, Boolean):
        base = _bool
    elif isinstance(kind, Integer):
        base = _int
    elif isinstance(kind, Float):
        base = _float
    elif isinstance(kind, JSON):
        base = _json
    elif isinstance(kind, String | Text):
        length = getattr(kind, "length", None)

        def base(value: Any, _length: int | None = length) -> str:
            text = _text(value)
            # PostgreSQL enforces VARCHAR lengths; refuse here with the package, not mid-merge.
            if _length is not None and len(text) > _length:
                raise ValueError(f"longer than {_length} characters")
            return text

    else:  # pragma: no cover - every column type in db/models.py is handled above
        raise ValueError(f"column type {kind!r}")
    if not column.nullable:
        return base

    def nullable(value: Any) -> Any:
        return None if value is None else base(value)

    return nullable


_CONVERTERS: dict[str, dict[str, Callable[[Any], Any]]] = {
    name: {c: _converter(table, c) for c in travelling_columns(table)}
    for name, table in TABLES.items()
}


def row_from_json(table_name: str, columns: list[str], values: list[Any]) -> dict[str, Any]:
    """One package row back to column values; raises ValueError on anything malformed."""
    if len(values) != len(columns) + 1:
        raise ValueError(f"{table_name}: a row has {len(values)} values")
    converters = _CONVERTERS[table_name]
    row: dict[str, Any] = {}
    for name, value in zip(columns, values, strict=False):
        try:
            row[name] = converters[name](value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{table_name}.{name}: {exc}") from exc
    base = values[-1]
    if not isinstance(base, str):
        raise ValueError(f"{table_name}: base version is not text")
    row[BASE_KEY] = base
    return row


def check_columns(table_name: str, columns: object) -> list[str]:
    """The package's column list for a table, refused unless it is exactly this schema's."""
    if table_name not in TABLES:
        raise ValueError(f"unknown table {table_name!r}")
    expected = travelling_columns(TABLES[table_name])
    if not isinstance(columns, list) or sorted(map(str, columns)) != sorted(expected):
        raise ValueError(f"{table_name}: columns differ from this version's")
    if len(set(columns)) != len(columns):
        raise ValueError(f"{table_name}: repeated column")
    return [str(c) for c in columns]


def loser_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's travelling values as JSON, for the conflicts table."""
    return {k: to_json_value(v) for k, v in row.items() if k not in LOCAL_COLUMNS and k != BASE_KEY}
