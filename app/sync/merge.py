"""The merge: last writer wins per row by version, concurrent losers kept, set-based upserts.

Every incoming row is compared with the local row of the same id:

* no local row: inserted;
* same version: the same edit (the node id is part of the version), nothing to do;
* incoming newer: it replaces the local row (a tombstone is a row like any other, so a
  delete beats an earlier edit and loses to a later one);
* incoming older: the local row stays.

When the two states differ in content and the winner's writer had not seen the loser, the
loser is a concurrent edit and is kept in the conflicts table for a person to decide. "Had
seen" uses each row's `seen_version`: the newest version that writer had received from
elsewhere for the row when it exported it (sent along as the row's base). Rows are written
with one INSERT … ON CONFLICT (id) DO UPDATE … WHERE excluded.version > version per batch,
the same statement on SQLite and PostgreSQL, so a stale row can never overwrite a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, select, update
from sqlalchemy.orm import Session

from app.storage.database import Database, next_sequence
from app.sync.rows import BASE_KEY, TABLES, content_columns, loser_json, version_node
from db.models import Conflict

MAX_PARAMETERS = 30_000  # under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
MAX_BATCH = 500


@dataclass
class MergeResult:
    """What one merge did, per table and in total."""

    applied: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    older: int = 0
    conflicts: int = 0
    newest_version: str = ""

    @property
    def applied_total(self) -> int:
        """Rows written (inserted or replaced)."""
        return sum(self.applied.values())


def batch_size(table: Table) -> int:
    """Rows per statement, so one statement stays within every driver's parameter limit."""
    return max(1, min(MAX_BATCH, MAX_PARAMETERS // len(table.columns)))


_STATEMENTS: dict[tuple[str, str], Any] = {}


def upsert_statement(conn: Connection, table: Table) -> Any:
    """INSERT … ON CONFLICT (id) DO UPDATE … WHERE excluded.version > version, for `table`.

    Built with the dialect's own insert construct (SQLite or PostgreSQL): both spell the
    statement the same way, so this is the one code path for both. Executed with a batch of
    rows as parameters, the statement is compiled once and the driver sends the batch.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    name = conn.dialect.name
    key = (name, table.name)
    cached = _STATEMENTS.get(key)
    if cached is not None:
        return cached
    stmt: Any
    if name == "sqlite":
        stmt = sqlite.insert(table)
    elif name == "postgresql":
        stmt = postgresql.insert(table)
    else:  # pragma: no cover - Tsunagu supports these two
        raise RuntimeError(f"sync merge does not support {name}")
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={c.name: excluded[c.name] for c in table.columns if c.name != "id"},
        where=excluded.version > table.c.version,
    )
    _STATEMENTS[key] = stmt
    return stmt


def _concurrent(loser_version: str, winner_version: str, winner_base: str) -> bool:
    """True when the winner's writer may not have seen the loser: neither edit knew the other.

    The base is the newest version the winner's writer had received for the row. A loser from
    the base's own writer and no newer than it was seen (one writer's edits arrive in order).
    A loser from a third writer cannot be judged from one base: a shared row that several
    chapters and headquarters edit may have a base newer than a loser its writer never
    received, so such a loser is kept as a conflict rather than dropped unseen (at worst the
    window shows an old version once; a member's row has only two writers and stays exact).
    """
    loser_node = version_node(loser_version)
    if loser_node == version_node(winner_version):
        return False  # one writer's edits are in order
    if winner_base and loser_node == version_node(winner_base):
        return loser_version > winner_base
    return True


def merge_rows(
    session: Session, db: Database, tables: Mapping[str, Iterable[dict[str, Any]]]
) -> MergeResult:
    """Merge incoming rows (per table name) in the caller's transaction.

    Each row holds every travelling column, plus BASE_KEY: the newest version its writer had
    received from elsewhere (empty when unknown). Incoming rows that win get a fresh local_seq
    here (so headquarters can pass them on) and keep their version. The clock observes the
    newest incoming version.
    """
    result = MergeResult()
    conn = session.connection()
    now = datetime.now().replace(microsecond=0)
    for name in TABLES:
        incoming = tables.get(name)
        if incoming is None:
            continue
        newest: dict[str, dict[str, Any]] = {}
        for row in incoming:
            held = newest.get(row["id"])
            if held is None or row["version"] > held["version"]:
                newest[row["id"]] = row
        if newest:
            _merge_table(conn, session, db, TABLES[name], list(newest.values()), now, result)
    if result.newest_version:
        db.clock.observe(result.newest_version)
    return result


def _merge_table(
    conn: Connection,
    session: Session,
    db: Database,
    table: Table,
    rows: list[dict[str, Any]],
    now: datetime,
    result: MergeResult,
) -> None:
    content = content_columns(table)
    size = batch_size(table)
    own_node = db.clock.node
    applied = 0
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        ids = [r["id"] for r in batch]
        local: dict[str, Mapping[str, Any]] = {
            r["id"]: dict(r)
            for r in conn.execute(select(table).where(table.c.id.in_(ids))).mappings().all()
        }
        winners: list[dict[str, Any]] = []
        seen_updates: list[dict[str, Any]] = []
        conflicts: list[dict[str, Any]] = []
        for row in batch:
            version = row["version"]
            if version > result.newest_version:
                result.newest_version = version
            mine = local.get(row["id"])
            if mine is None:
                winners.append(row)
                continue
            if version == mine["version"]:
                result.unchanged += 1
                continue
            differs = any(row[c] != mine[c] for c in content)
            if version > mine["version"]:
                winners.append(row)
                if differs and _concurrent(mine["version"], version, row[BASE_KEY]):
                    conflicts.append(_conflict(table, mine, version, mine["version"], now))
            else:
                result.older += 1
                if version > mine["seen_version"]:
                    seen_updates.append({"row_id": row["id"], "seen": version})
                local_base = (
                    mine["seen_version"] if version_node(mine["version"]) == own_node else ""
                )
                if differs and _concurrent(version, mine["version"], local_base):
                    conflicts.append(_conflict(table, row, mine["version"], version, now))
        if winners:
            first = next_sequence(session, len(winners))
            values = []
            for offset, row in enumerate(winners):
                value = {k: v for k, v in row.items() if k != BASE_KEY}
                value["local_seq"] = first + offset
                value["seen_version"] = row["version"]
                values.append(value)
            conn.execute(upsert_statement(conn, table), values)
            applied += len(values)
        if seen_updates:
            conn.execute(
                update(table)
                .where(
                    and_(
                        table.c.id == bindparam("row_id"),
                        table.c.seen_version < bindparam("seen"),
                    )
                )
                .values(seen_version=bindparam("seen")),
                seen_updates,
            )
        if conflicts:
            result.conflicts += _record_conflicts(conn, conflicts)
    if applied:
        result.applied[table.name] = result.applied.get(table.name, 0) + applied


def _conflict(
    table: Table,
    loser: Mapping[str, Any],
    winner_version: str,
    loser_version: str,
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "table_name": table.name,
        "row_id": loser["id"],
        "winner_version": winner_version,
        "loser_version": loser_version,
        "loser_data": loser_json(loser),
        "detected_at": now,
        "resolved_at": None,
        "resolution": "",
    }


def _record_conflicts(conn: Connection, conflicts: list[dict[str, Any]]) -> int:
    """Insert conflicts not already kept (a package applied twice records nothing twice)."""
    table = Conflict.__table__
    known = set(
        conn.execute(
            select(table.c.row_id, table.c.loser_version).where(
                table.c.row_id.in_([c["row_id"] for c in conflicts])
            )
        ).all()
    )
    fresh = [c for c in conflicts if (c["row_id"], c["loser_version"]) not in known]
    if fresh:
        conn.execute(table.insert(), fresh)  # type: ignore[attr-defined]
    return len(fresh)
