"""Packages between a chapter and headquarters: outbox, receipts, import, status and conflicts.

Each database has a node id (LocalMeta "node") and a change counter (LocalMeta "seq"); every
row carries its place in that feed (local_seq). A package holds every row whose local_seq is
in (since, upto]: `since` is what the receiver has confirmed from this node (0 for a full
package), so the outbox is computed from the rows themselves, never kept as a list.

A package also carries the sender's receipt: {node, seq, package}, the receiver's feed position
up to which the sender has applied everything, and the id of the package that brought it
there. A receipt moves the receiver's "acknowledged" mark only when it comes in the sender's
newest package (so replays and late packages change nothing) and only when the receiver
recognises the package id as one it wrote. A receipt naming a package this database never
wrote means this file was restored from a backup after that package left: the database takes
a new node id and sends everything again, so nothing made since the backup is skipped.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from app.backups import backup_before_change
from app.core.clock import Stamp
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.database import Database
from app.storage.fileio import read_file, write_atomically
from app.storage.takeout import export_transaction, record_take_out
from app.sync.crypto import PartyKeys, PartyPublic
from app.sync.merge import MergeResult, merge_rows
from app.sync.package import (
    MAX_PACKAGE_BYTES,
    OpenedPackage,
    PackageDamaged,
    PackageError,
    open_package,
    peek_header,
    seal,
)
from app.sync.rows import (
    BASE_KEY,
    SHARED_TABLES,
    TABLES,
    WATCH_TABLES,
    check_columns,
    content_columns,
    row_from_json,
    to_json_value,
    travelling_columns,
    version_node,
)
from db import migrate
from db.models import SYNCED_MODELS, Chapter, Conflict, LocalMeta, Setting, SyncPeer

SCHEMA_VERSION = len(migrate.KNOWN_REVISIONS)
PAYLOAD_FORMAT = 1
KIND_FROM_CHAPTER = "chapter-changes"
KIND_FROM_HQ = "hq-changes"
PARTY_SETTING = "sync.party"
STATE_SETTING = "sync.state."
# This copy of the chapter: made at join, carried in every package to headquarters, which
# takes packages for one chapter from one copy only (two databases joined with one setup
# file would otherwise both claim to be the chapter and overwrite each other's rows).
REPLICA_SETTING = "sync.replica"
SENT_LOG_SIZE = 1000
APPLIED_LOG_SIZE = 200
PACKAGE_SUFFIX = ".tsync"
MODELS = {m.__table__.name: m for m in SYNCED_MODELS}  # type: ignore[attr-defined]


class PackageRefused(PackageError):
    """A package that opened but cannot be applied here (wrong kind, newer schema, …)."""


class PackageRepeated(PackageRefused):
    """A package this database has already applied, presented again (a replay)."""

    def __init__(self) -> None:
        super().__init__(
            _("This sync package has already been imported here; nothing was changed.")
        )


# --- identity ------------------------------------------------------------------------------


def own_keys(s: Session) -> PartyKeys | None:
    """This database's private keys (set by `hq init` or `join`), or None."""
    row = s.get(Setting, PARTY_SETTING)
    return None if row is None or not row.value else PartyKeys.from_dict(row.value)


def set_setting(s: Session, key: str, value: Any) -> None:
    """Insert or replace one local setting in the caller's transaction."""
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value


def current_seq(s: Session) -> int:
    """The last number this database's change feed has given out."""
    value = s.connection().execute(text("SELECT int_value FROM local_meta WHERE key = 'seq'"))
    return int(value.scalar_one())


def _new_node(s: Session, db: Database) -> str:
    """Give this database a new node id (a new incarnation): its old receipts no longer count."""
    node = secrets.token_hex(8)
    meta = s.get(LocalMeta, "node")
    assert meta is not None
    meta.text_value = node
    return node


# --- per-peer state ------------------------------------------------------------------------


def _empty_state() -> dict[str, Any]:
    return {
        "peer_node": "",
        "peer_stamp": "",
        "recv": {"node": "", "seq": 0, "package": ""},
        "ack": {"node": "", "seq": 0},
        "sent": [],
        "applied": [],
    }


def load_state(s: Session, peer_id: str) -> dict[str, Any]:
    """What this database knows of its exchange with `peer_id` (positions, receipts, logs)."""
    row = s.get(Setting, STATE_SETTING + peer_id)
    state = _empty_state()
    if row is not None and isinstance(row.value, dict):
        state.update(row.value)
    return state


def _save_state(s: Session, peer_id: str, state: dict[str, Any]) -> None:
    set_setting(s, STATE_SETTING + peer_id, json.loads(json.dumps(state)))


def outbox_since(state: Mapping[str, Any], node: str) -> int:
    """The feed position the peer has confirmed from this node; 0 means send everything."""
    ack = state["ack"]
    return int(ack["seq"]) if ack["node"] == node else 0


# --- what goes into a package ---------------------------------------------------------------


def _row_filter(table_name: str, chapter_id: str, to_hq: bool) -> Any:
    """Rows a package may carry: a chapter sends its own rows and shared ones it changed (rows
    it keeps about other chapters stay here); headquarters sends a chapter that chapter's rows
    and the shared directories, never another chapter's."""
    table = TABLES[table_name]
    owner = table.c.chapter_id
    if to_hq or table_name in SHARED_TABLES:
        return or_(owner == chapter_id, owner.is_(None))
    return owner == chapter_id


def _outbox_query(
    table_name: str, since: int, upto: int | None, chapter_id: str, to_hq: bool
) -> Any:
    table = TABLES[table_name]
    conditions = [table.c.local_seq > since, _row_filter(table_name, chapter_id, to_hq)]
    if upto is not None:
        conditions.append(table.c.local_seq <= upto)
    return and_(*conditions)


def waiting_counts(
    s: Session, since: int, chapter_id: str, to_hq: bool, peer_node: str = ""
) -> dict[str, int]:
    """Changes waiting to go, per table (tables with none left out).

    Rows last written by the peer itself are not counted: the next package carries them back
    as confirmation (so a peer restored from a backup gets them again), but they are not
    news for the person looking at the count.
    """
    counts: dict[str, int] = {}
    conn = s.connection()
    for name, table in TABLES.items():
        condition = _outbox_query(name, since, None, chapter_id, to_hq)
        if peer_node:
            condition = and_(condition, ~table.c.version.like(f"%.{peer_node}"))
        n = conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
        if n:
            counts[name] = int(n)
    return counts


@dataclass(frozen=True)
class ExportResult:
    """One package written."""

    path: Path
    package_id: str
    counts: dict[str, int]
    rows: int
    people: int
    special_care: bool
    full: bool


_PERSON_REFERENCES = {
    "members": ("id",),
    "lecturers": ("id",),
    "watched_persons": ("id",),
    "watch_assignments": ("person_id", "member_id"),
    "visits": ("person_id", "visitor_member_id"),
    "follow_ups": ("person_id",),
    "registrations": ("member_id",),
    "duty_assignments": ("member_id",),
}


def _people(tables: Mapping[str, dict[str, Any]]) -> int:
    """Distinct persons whose data is in the package (members, lecturers, people under watch,
    guests, and the people the other rows are about)."""
    people: set[str] = set()
    for name, refs in _PERSON_REFERENCES.items():
        block = tables.get(name)
        if not block:
            continue
        positions = [block["columns"].index(r) for r in refs]
        for row in block["rows"]:
            for p in positions:
                if row[p]:
                    people.add(row[p])
            if name == "registrations" and not row[positions[0]]:
                people.add("guest:" + row[block["columns"].index("id")])
    return len(people)


def _collect(
    s: Session,
    node: str,
    since: int,
    upto: int,
    chapter_id: str,
    to_hq: bool,
    tables: dict[str, dict[str, Any]],
    counts: dict[str, int],
) -> None:
    """Add the rows of the change feed in (since, upto] that the package may carry."""
    conn = s.connection()
    for name, table in TABLES.items():
        columns = travelling_columns(table)
        result = conn.execute(
            select(*[table.c[c] for c in columns], table.c.seen_version).where(
                _outbox_query(name, since, upto, chapter_id, to_hq)
            )
        )
        rows = []
        for record in result:
            values = [to_json_value(v) for v in record[:-1]]
            version = record[columns.index("version")]
            # A row's base is only known for this database's own edits; anything passed on
            # carries none, which can only make the receiver keep more, never less.
            values.append(record[-1] if version_node(version) == node else "")
            rows.append(values)
        if rows:
            block = tables.setdefault(name, {"columns": columns, "rows": []})
            block["rows"].extend(rows)
            counts[name] = counts.get(name, 0) + len(rows)


def write_package(
    ctx: Context,
    s: Session,
    path: Path,
    *,
    keys: PartyKeys,
    peer: SyncPeer,
    kind: str,
    chapter_id: str,
    full: bool,
    what: str,
) -> ExportResult:
    """Build, seal and write one package to `peer` in the caller's transaction.

    The take-out entry is added (and travels in the package) before the file is written, in
    the same transaction: if writing fails nothing is recorded; the caller opens that
    transaction with `export_transaction`, which removes the file if the commit fails.
    """
    db = ctx.db
    node = db.clock.node
    state = load_state(s, peer.id)
    since = 0 if full else outbox_since(state, node)
    upto = current_seq(s)
    to_hq = kind == KIND_FROM_CHAPTER
    tables: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    _collect(s, node, since, upto, chapter_id, to_hq, tables, counts)
    people = _people(tables)
    special = any(name in tables for name in WATCH_TABLES)
    record_take_out(
        s,
        ctx,
        action="sync",
        what=what,
        people=people,
        special_care=special,
        encrypted=True,
        destination=str(path),
    )
    s.flush()
    # The entry of this very export travels in it: left for the next package it would always
    # be waiting, and the Home page would never say that everything was sent.
    entry_upto = current_seq(s)
    _collect(s, node, upto, entry_upto, chapter_id, to_hq, tables, counts)
    upto = entry_upto
    package_id = str(uuid.uuid4())
    payload = {
        "format": PAYLOAD_FORMAT,
        "schema": SCHEMA_VERSION,
        "kind": kind,
        "chapter_id": chapter_id,
        "node": node,
        "since": since,
        "upto": upto,
        "stamp": db.clock.tick(),
        "receipt": state["recv"],
        "tables": tables,
    }
    if to_hq:
        payload["replica"] = _replica(s)
    data = seal(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        sender=keys,
        recipient=PartyPublic.from_dict(peer.public_keys),
        header={
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "counts": counts,
            "package_id": package_id,
        },
    )
    state["sent"] = (state["sent"] + [[package_id, node, upto]])[-SENT_LOG_SIZE:]
    _save_state(s, peer.id, state)
    total = sum(counts.values())
    write_atomically(path, data)
    return ExportResult(path, package_id, counts, total, people, special, since == 0)


# --- reading a package ------------------------------------------------------------------------


@dataclass
class ReadPackage:
    """A package verified, decrypted and checked, ready to merge."""

    opened: OpenedPackage
    payload: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    source: str

    @property
    def package_id(self) -> str:
        """The package's id from its signed header."""
        return str(self.opened.header["package_id"])


def _damaged(detail: str) -> PackageDamaged:
    return PackageDamaged(detail)


def read_package(db: Database, s: Session, path: Path, *, expect_kind: str) -> ReadPackage:
    """Open the package at `path` for this database; raise one PackageError and write nothing.

    Refused: not a package, cut short, altered or forged, from an unknown sender, addressed to
    another database, made by this database itself, of the wrong direction (a chapter's package
    at a chapter), from a newer schema, or carrying rows this database may not receive.
    """
    data = read_file(path, max_bytes=MAX_PACKAGE_BYTES)
    keys = own_keys(s)
    if keys is None:
        raise UserError(
            _(
                "This database is not set up for sync yet. Use “join” with the setup file from "
                "headquarters, or “hq init” at headquarters."
            )
        )
    header = peek_header(data)
    if header["sender_id"] == keys.party_id:
        raise PackageRefused(
            _("This sync package was made by this database itself; import it at the other side.")
        )
    if header["kind"] != expect_kind:
        if expect_kind == KIND_FROM_HQ and header["kind"] == KIND_FROM_CHAPTER:
            message = _(
                "This is a chapter's package for headquarters; it cannot be imported at a chapter."
            )
        elif expect_kind == KIND_FROM_CHAPTER and header["kind"] == KIND_FROM_HQ:
            message = _(
                "This is a package from headquarters for a chapter; import it at that chapter."
            )
        else:
            message = _("This sync package is of a kind this database does not import.")
        raise PackageRefused(message)
    known = {
        p.id: PartyPublic.from_dict(p.public_keys)
        for p in s.scalars(select(SyncPeer))
        if p.public_keys
    }
    opened = open_package(data, recipient=keys, known_senders=known)
    if opened.header["schema_version"] > SCHEMA_VERSION:
        raise PackageRefused(
            _(
                "This sync package was made by a newer version of Tsunagu. "
                "Update Tsunagu to import it; nothing was changed."
            )
        )
    if str(opened.header["package_id"]) in load_state(s, opened.sender_id)["applied"]:
        # A replay, for instance an old file left on the stick after the sender was restored
        # from a backup: everything in it is already here, so it is refused before a backup
        # or a merge touches anything. (A receiver restored from a backup has forgotten what
        # it applied since, and takes such a package again: its rows are what the restore
        # took away.)
        raise PackageRepeated()
    payload = _parse_payload(opened)
    rows = _decode_rows(payload)
    _check_entitled(payload, rows, opened.sender_id, expect_kind)
    return ReadPackage(opened, payload, rows, str(path))


def _parse_payload(opened: OpenedPackage) -> dict[str, Any]:
    try:
        payload = json.loads(opened.payload.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise _damaged(f"payload: {type(exc).__name__}") from exc
    if not isinstance(payload, dict):
        raise _damaged("payload: not an object")
    if payload.get("format") != PAYLOAD_FORMAT:
        raise _damaged(f"payload format {payload.get('format')!r}")
    if payload.get("kind") != opened.header["kind"]:
        raise _damaged("payload kind differs from the header")
    if payload.get("schema") != opened.header["schema_version"]:
        raise _damaged("payload schema differs from the header")
    for key in ("chapter_id", "node", "stamp"):
        if not isinstance(payload.get(key), str) or not payload[key]:
            raise _damaged(f"payload: {key}")
    for key in ("since", "upto"):
        value = payload.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _damaged(f"payload: {key}")
    if payload["since"] > payload["upto"]:
        raise _damaged("payload: since after upto")
    try:
        Stamp.decode(payload["stamp"])
    except ValueError as exc:
        raise _damaged("payload: stamp") from exc
    receipt = payload.get("receipt")
    if (
        not isinstance(receipt, dict)
        or not isinstance(receipt.get("node"), str)
        or not isinstance(receipt.get("package"), str)
        or not isinstance(receipt.get("seq"), int)
        or isinstance(receipt.get("seq"), bool)
    ):
        raise _damaged("payload: receipt")
    if not isinstance(payload.get("tables"), dict):
        raise _damaged("payload: tables")
    if not isinstance(payload.get("replica", ""), str):
        raise _damaged("payload: replica")
    return payload


def _decode_rows(payload: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    decoded: dict[str, list[dict[str, Any]]] = {}
    for name, block in payload["tables"].items():
        try:
            if not isinstance(block, dict) or not isinstance(block.get("rows"), list):
                raise ValueError(f"{name}: not a table block")
            columns = check_columns(name, block.get("columns"))
            rows = []
            for values in block["rows"]:
                if not isinstance(values, list):
                    raise ValueError(f"{name}: a row is not a list")
                row = row_from_json(name, columns, values)
                if not row["id"] or len(row["id"]) > 36:
                    raise ValueError(f"{name}: id")
                Stamp.decode(row["version"])
                if row[BASE_KEY]:
                    Stamp.decode(row[BASE_KEY])
                rows.append(row)
        except ValueError as exc:
            raise _damaged(str(exc)) from exc
        decoded[name] = rows
    return decoded


def _check_entitled(
    payload: dict[str, Any], rows: dict[str, list[dict[str, Any]]], sender: str, kind: str
) -> None:
    """A chapter's package may only hold its own rows and shared ones; HQ's likewise for the
    chapter it is addressed to. Anything else is refused whole."""
    chapter_id = payload["chapter_id"]
    if kind == KIND_FROM_CHAPTER and chapter_id != sender:
        raise _damaged("payload: chapter differs from the sender")
    for name, table_rows in rows.items():
        for row in table_rows:
            owner = row["chapter_id"]
            if owner is None and (name in SHARED_TABLES or kind == KIND_FROM_CHAPTER):
                continue
            if owner != chapter_id:
                raise PackageRefused(
                    _("This sync package holds another chapter's data; it was refused.")
                )


# --- applying a package ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What applying one package did."""

    package_id: str
    source: str
    sender: str
    applied: dict[str, int]
    unchanged: int
    older: int
    conflicts: int
    restored_detected: bool
    created_at: str
    repeated: bool = False

    @property
    def applied_total(self) -> int:
        """Rows written."""
        return sum(self.applied.values())


def _package_time(header: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(header["created_at"]).astimezone().replace(tzinfo=None)


def _replica(s: Session) -> str:
    row = s.get(Setting, REPLICA_SETTING)
    return str(row.value) if row is not None and row.value else ""


def _check_replica(state: dict[str, Any], payload: Mapping[str, Any], peer: SyncPeer) -> None:
    """At headquarters: the first copy of a chapter to send a package is the chapter; a
    package from another copy (the same setup file joined twice) is refused whole."""
    if payload["kind"] != KIND_FROM_CHAPTER:
        return
    replica = payload.get("replica", "")
    known = state.get("replica", "")
    if replica and known and replica != known:
        raise PackageRefused(
            _(
                "This package comes from a second database joined with the setup file of "
                "{chapter}; headquarters already takes that chapter's packages from another "
                "one. Nothing was changed. Keep working in one database only; if the other "
                "one is gone for good, run “hq release {chapter}” at headquarters, then "
                "import this package again."
            ).format(chapter=peer.name)
        )
    if replica:
        state["replica"] = replica


def release_replica(s: Session, peer: SyncPeer) -> bool:
    """Forget which copy of a chapter headquarters takes packages from; True if one was known."""
    state = load_state(s, peer.id)
    known = bool(state.pop("replica", ""))
    _save_state(s, peer.id, state)
    return known


def apply_package(ctx: Context, s: Session, package: ReadPackage) -> ImportResult:
    """Merge a read package and move the positions and receipts, in the caller's transaction.

    Returns the result; the caller commits, then calls `finish_import` so the open database
    uses a new node id when one was taken.
    """
    db = ctx.db
    header = package.opened.header
    payload = package.payload
    peer = s.get(SyncPeer, package.opened.sender_id)
    assert peer is not None  # open_package only accepts known senders
    state = load_state(s, peer.id)
    if package.package_id in state["applied"]:
        raise PackageRepeated()
    _check_replica(state, payload, peer)
    merged: MergeResult = merge_rows(s, db, package.rows)

    node = payload["node"]
    since, upto = payload["since"], payload["upto"]
    newest = payload["stamp"] > state["peer_stamp"]
    recv = state["recv"]
    if node == recv["node"]:
        if since <= recv["seq"] < upto:
            recv = {"node": node, "seq": upto, "package": package.package_id}
        elif newest and upto < recv["seq"]:
            # The sender's counter went back: it was restored from a backup. Its rows up to
            # `since` are the same ones we had, and this package brings the rest.
            recv = {"node": node, "seq": upto, "package": package.package_id}
    elif since == 0 and (newest or not recv["node"]):
        recv = {"node": node, "seq": upto, "package": package.package_id}
    state["recv"] = recv

    restored = False
    own_node = db.clock.node
    now = datetime.now().replace(microsecond=0)
    if newest:
        state["peer_node"] = node
        state["peer_stamp"] = payload["stamp"]
        receipt = payload["receipt"]
        mine = {(entry[0], entry[1]) for entry in state["sent"]}
        if receipt["node"] != own_node or receipt["seq"] == 0:
            state["ack"] = {"node": own_node, "seq": 0}
        elif (receipt["package"], own_node) in mine and receipt["seq"] <= current_seq(s):
            state["ack"] = {"node": own_node, "seq": receipt["seq"]}
            peer.last_receipt_at = now
        else:
            # A receipt for a package this file never wrote: it was restored from a backup
            # after sending it. Take a new node id and send everything again.
            restored = True
            new_node = _new_node(s, db)
            state["ack"] = {"node": new_node, "seq": 0}
            s.info["sync_new_node"] = new_node
        peer.last_package_id = package.package_id
        peer.last_package_at = _package_time(header)
        peer.last_counts = dict(header["counts"])
    state["applied"] = (state["applied"] + [package.package_id])[-APPLIED_LOG_SIZE:]
    _save_state(s, peer.id, state)
    peer.received_seq = int(recv["seq"])
    ack = state["ack"]
    peer.acked_seq = (
        int(ack["seq"]) if ack["node"] in (own_node, s.info.get("sync_new_node")) else 0
    )
    return ImportResult(
        package_id=package.package_id,
        source=package.source,
        sender=peer.name,
        applied=dict(merged.applied),
        unchanged=merged.unchanged,
        older=merged.older,
        conflicts=merged.conflicts,
        restored_detected=restored,
        created_at=str(header["created_at"]),
    )


def finish_import(db: Database, s: Session) -> None:
    """After commit: the open database's clock uses the node id the import took, if any, and
    references to members merged elsewhere follow the merge (local edits that travel on)."""
    from app.roster.duplicates import follow_merges

    new_node = s.info.pop("sync_new_node", None)
    if new_node:
        db.clock.node = new_node
    with db.transaction() as t:
        follow_merges(t)


def import_file(ctx: Context, path: Path, *, expect_kind: str) -> ImportResult:
    """Read, check and apply one package in one transaction; nothing written if refused."""
    db = ctx.db
    with db.session(stamp=False) as s:
        with s.begin():
            package = read_package(db, s, path, expect_kind=expect_kind)
        try:
            with s.begin():
                result = apply_package(ctx, s, package)
        except Exception:
            s.info.pop("sync_new_node", None)
            raise
        finish_import(db, s)
    return result


# --- chapter side -------------------------------------------------------------------------


def _require_chapter(ctx: Context, s: Session) -> tuple[PartyKeys, SyncPeer]:
    if ctx.db.mode == "hq":
        raise UserError(_("This is a headquarters database; use “hq export” and “hq import” here."))
    keys = own_keys(s)
    hq = s.scalars(select(SyncPeer).where(SyncPeer.kind == "hq")).first()
    if keys is None or hq is None or not ctx.db.chapter_id:
        raise UserError(
            _(
                "This chapter has not joined headquarters yet. Use “join” with the setup file "
                "from headquarters."
            )
        )
    return keys, hq


def sync_export(ctx: Context, path: str | Path, *, full: bool = False) -> ExportResult:
    """Write the package for headquarters: every row changed since its last receipt
    (everything with `full`), signed by this chapter and encrypted to headquarters."""
    ctx.require(Permission.SYNC)
    with export_transaction(ctx, path) as s:
        keys, hq = _require_chapter(ctx, s)
        return write_package(
            ctx,
            s,
            Path(path),
            keys=keys,
            peer=hq,
            kind=KIND_FROM_CHAPTER,
            chapter_id=ctx.db.chapter_id or "",
            full=full,
            what=_("Sync package for headquarters"),
        )


def sync_import(ctx: Context, path: str | Path) -> ImportResult:
    """Apply a package from headquarters (shared directories, this chapter's rows, receipt)."""
    ctx.require(Permission.SYNC)
    with ctx.db.transaction() as s:
        _require_chapter(ctx, s)
    with ctx.db.session(stamp=False) as s, s.begin():
        # Refusals (a replay, a damaged file) come before the backup: nothing is written.
        read_package(ctx.db, s, Path(path), expect_kind=KIND_FROM_HQ)
    backup_before_change(ctx, "before sync import")
    return import_file(ctx, Path(path), expect_kind=KIND_FROM_HQ)


# --- status ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterStatus:
    """At headquarters: one chapter's last package and what waits for it."""

    id: str
    name: str
    last_package_at: datetime | None
    age_days: float | None
    counts: dict[str, int]
    received_seq: int
    waiting: int


@dataclass(frozen=True)
class SyncStatus:
    """What `sync status` shows."""

    mode: str
    joined: bool
    node: str
    waiting: dict[str, int]
    waiting_total: int
    full_next: bool
    last_receipt_at: datetime | None
    last_package_at: datetime | None
    open_conflicts: int
    chapters: list[ChapterStatus] = field(default_factory=list)


def _age_days(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds() / 86400, 1)


def sync_status(ctx: Context) -> SyncStatus:
    """Waiting rows per table, the last receipt and package, open conflicts; at HQ, chapters."""
    ctx.require(Permission.SYNC)
    db = ctx.db
    now = datetime.now()
    with db.transaction() as s:
        conflicts = s.scalar(
            select(func.count()).select_from(Conflict).where(Conflict.resolved_at.is_(None))
        )
        node = db.clock.node
        if db.mode == "hq":
            chapters = []
            for peer in s.scalars(select(SyncPeer).where(SyncPeer.kind == "chapter")):
                state = load_state(s, peer.id)
                since = outbox_since(state, node)
                pending = sum(waiting_counts(s, since, peer.id, False, state["peer_node"]).values())
                chapters.append(
                    ChapterStatus(
                        id=peer.id,
                        name=peer.name,
                        last_package_at=peer.last_package_at,
                        age_days=_age_days(peer.last_package_at, now),
                        counts=dict(peer.last_counts or {}),
                        received_seq=peer.received_seq,
                        waiting=pending,
                    )
                )
            chapters.sort(key=lambda c: c.name)
            return SyncStatus(
                mode="hq",
                joined=own_keys(s) is not None,
                node=node,
                waiting={},
                waiting_total=0,
                full_next=False,
                last_receipt_at=None,
                last_package_at=max(
                    (c.last_package_at for c in chapters if c.last_package_at), default=None
                ),
                open_conflicts=int(conflicts or 0),
                chapters=chapters,
            )
        hq = s.scalars(select(SyncPeer).where(SyncPeer.kind == "hq")).first()
        state = load_state(s, hq.id) if hq is not None else _empty_state()
        since = outbox_since(state, node)
        waiting = waiting_counts(s, since, db.chapter_id or "", True, state["peer_node"])
        return SyncStatus(
            mode=db.mode,
            joined=hq is not None,
            node=node,
            waiting=waiting,
            waiting_total=sum(waiting.values()),
            full_next=since == 0,
            last_receipt_at=hq.last_receipt_at if hq else None,
            last_package_at=hq.last_package_at if hq else None,
            open_conflicts=int(conflicts or 0),
        )


# --- conflicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    """One open conflict in the list."""

    id: str
    table: str
    row_id: str
    label: str
    detected_at: datetime
    kept_version: str
    other_version: str


@dataclass(frozen=True)
class FieldPair:
    """One field of a conflict, both sides."""

    name: str
    kept: Any
    other: Any

    @property
    def differs(self) -> bool:
        """True when the two sides disagree on this field."""
        return bool(self.kept != self.other)


@dataclass(frozen=True)
class ConflictDetail:
    """Both versions of a conflicting row side by side."""

    id: str
    table: str
    row_id: str
    label: str
    kept_version: str
    other_version: str
    fields: list[FieldPair]


def table_label(table: str) -> str:
    """A table's name for people."""
    labels = {
        "chapters": _("Chapter"),
        "organisations": _("Organisation"),
        "lecturers": _("Lecturer"),
        "members": _("Member"),
        "events": _("Event"),
        "event_occurrences": _("Event date"),
        "event_partners": _("Event partner"),
        "event_lecturers": _("Event lecturer"),
        "registrations": _("Registration"),
        "duty_roles": _("Duty"),
        "duty_assignments": _("Duty assignment"),
        "referral_targets": _("Referral contact"),
        "watched_persons": _("Person under watch"),
        "watch_assignments": _("Watch assignment"),
        "visits": _("Visit"),
        "follow_ups": _("Follow-up"),
        "take_out_log": _("Take-out log"),
    }
    return labels.get(table, table)


def _row_label(s: Session, table: str, data: Mapping[str, Any]) -> str:
    """How a list names a conflict's record: by its name, a visit by person and time."""
    from app.sync import labels

    title = labels.record_title(s, table, data)
    if title:
        return title
    name = f"{data.get('family_name') or ''}\u3000{data.get('given_name') or ''}".strip("\u3000")
    return name or str(data.get("title") or data.get("name") or data.get("id", ""))[:60]


def _current_json(s: Session, table_name: str, row_id: str) -> dict[str, Any]:
    table = TABLES[table_name]
    row = s.connection().execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        return {}
    return {k: to_json_value(v) for k, v in row.items() if k in travelling_columns(table)}


def list_conflicts(ctx: Context) -> list[ConflictView]:
    """Open conflicts, newest first."""
    ctx.require(Permission.SYNC)
    with ctx.db.transaction() as s:
        views = []
        for c in s.scalars(
            select(Conflict)
            .where(Conflict.resolved_at.is_(None))
            .order_by(Conflict.detected_at.desc(), Conflict.id)
        ):
            current = _current_json(s, c.table_name, c.row_id) if c.table_name in TABLES else {}
            views.append(
                ConflictView(
                    id=c.id,
                    table=c.table_name,
                    row_id=c.row_id,
                    label=_row_label(s, c.table_name, current or c.loser_data),
                    detected_at=c.detected_at,
                    kept_version=str(current.get("version", c.winner_version)),
                    other_version=c.loser_version,
                )
            )
        return views


def _get_conflict(s: Session, conflict_id: str) -> Conflict:
    row = s.get(Conflict, conflict_id)
    if row is None or row.resolved_at is not None or row.table_name not in TABLES:
        raise UserError(_("This conflict was already decided or no longer exists."))
    return row


def conflict_detail(ctx: Context, conflict_id: str) -> ConflictDetail:
    """The row as kept now and the edit that lost, field by field."""
    ctx.require(Permission.SYNC)
    with ctx.db.transaction() as s:
        c = _get_conflict(s, conflict_id)
        current = _current_json(s, c.table_name, c.row_id)
        table = TABLES[c.table_name]
        fields = [
            FieldPair(name, current.get(name), c.loser_data.get(name))
            for name in content_columns(table)
            if name != "chapter_id"
        ]
        return ConflictDetail(
            id=c.id,
            table=c.table_name,
            row_id=c.row_id,
            label=_row_label(s, c.table_name, current or c.loser_data),
            kept_version=str(current.get("version", c.winner_version)),
            other_version=c.loser_version,
            fields=fields,
        )


def resolve_conflict(ctx: Context, conflict_id: str, *, keep_other: bool) -> None:
    """Decide a conflict. Keeping the other version applies it again as a new edit, with a
    fresh version, so it wins everywhere once it has travelled; keeping the current one only
    closes the conflict."""
    ctx.require(Permission.SYNC)
    with ctx.db.transaction() as s:
        c = _get_conflict(s, conflict_id)
        if keep_other:
            model = MODELS[c.table_name]
            obj = s.get(model, c.row_id)
            if obj is None:
                raise UserError(_("This conflict was already decided or no longer exists."))
            table = TABLES[c.table_name]
            columns = travelling_columns(table)
            values = [c.loser_data.get(name) for name in columns] + [""]
            try:
                other = row_from_json(c.table_name, columns, values)
            except ValueError as exc:
                raise UserError(_("The other version cannot be applied any more.")) from exc
            for name in content_columns(table):
                if name == "chapter_id":
                    continue
                setattr(obj, name, other[name])
        c.resolved_at = datetime.now().replace(microsecond=0)
        c.resolution = "other" if keep_other else "kept"


# --- joining headquarters ------------------------------------------------------------------


@dataclass(frozen=True)
class JoinResult:
    """What `join` did."""

    chapter_id: str
    chapter_name: str
    hq_id: str
    rows_assigned: int
    hq_fingerprint: str


def join(ctx: Context, setup_path: str | Path, code: str) -> JoinResult:
    """Make this database the chapter in a setup file from headquarters.

    Data already here is kept and becomes this chapter's: rows without a chapter (and rows of
    the chapter this database was before) get the new chapter id and a fresh version, so they
    travel with the first package.
    """
    from app.sync.crypto import read_setup

    ctx.require(Permission.SYNC)
    db = ctx.db
    info = read_setup(setup_path, code)
    if info.schema_version > SCHEMA_VERSION:
        raise UserError(
            _("This setup file was made by a newer version of Tsunagu. Update Tsunagu to use it.")
        )
    if db.mode == "hq":
        raise UserError(
            _("This is a headquarters database; a chapter joins from its own database.")
        )
    chapter_id = info.chapter_keys.party_id
    hq_id = info.hq_public.party_id
    assigned = 0
    with db.session(stamp=True) as s, s.begin():
        existing = s.scalars(select(SyncPeer).where(SyncPeer.kind == "hq")).first()
        if existing is not None and (existing.id != hq_id or db.chapter_id != chapter_id):
            raise UserError(
                _(
                    "This database has already joined headquarters as another chapter; "
                    "nothing was changed."
                )
            )
        old = db.chapter_id
        conn = s.connection()
        if existing is None:
            version = db.clock.tick()
            seq = _reserve(s)
            if old and old != chapter_id:
                chapters = TABLES["chapters"]
                conn.execute(chapters.delete().where(chapters.c.id == old))
            for name, table in TABLES.items():
                if name == "chapters":
                    continue
                owner = table.c.chapter_id
                condition = owner.is_(None) if not old else or_(owner.is_(None), owner == old)
                done = conn.execute(
                    update(table)
                    .where(condition)
                    .values(chapter_id=chapter_id, version=version, local_seq=seq)
                )
                assigned += done.rowcount or 0
        row = s.get(Chapter, chapter_id)
        if row is None:
            s.add(Chapter(id=chapter_id, name=info.chapter_name, chapter_id=chapter_id))
        else:
            row.name = info.chapter_name
        set_setting(s, "chapter_id", chapter_id)
        set_setting(s, "mode", "chapter")
        set_setting(s, PARTY_SETTING, info.chapter_keys.to_dict())
        if not _replica(s):
            set_setting(s, REPLICA_SETTING, secrets.token_hex(16))
        s.flush()
        if existing is None:
            s.add(
                SyncPeer(
                    id=hq_id,
                    name=_("Headquarters"),
                    kind="hq",
                    public_keys=info.hq_public.to_dict(),
                )
            )
        else:
            existing.public_keys = info.hq_public.to_dict()
    db.chapter_id = chapter_id
    db.mode = "chapter"
    return JoinResult(chapter_id, info.chapter_name, hq_id, assigned, info.hq_public.fingerprint())


def _reserve(s: Session) -> int:
    from app.storage.database import next_sequence

    return next_sequence(s, 1)
