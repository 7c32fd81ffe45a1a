"""Every active member's attendances, cached per database, for the lapsed list."""

from __future__ import annotations

import bisect
import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.storage.database import Database
from db.models import Event, EventOccurrence, LocalMeta, Member, Registration

T = TypeVar("T")

# The summary of an open database lives in its `caches` (app/storage/database.py) under this name.
REGULARS_CACHE = "events.regulars"
_LOCK = threading.Lock()
# More members to read again than this: reading everyone is quicker than reading them by id.
_REBUILD_AT = 5_000
# More changed events or dates than this: a rebuild, rather than comparing each.
_EVENTS_AT = 200
_CHUNK = 500
_PART = 20_000  # rows fetched at a time: all million at once took 400 MB on the way
_DAY_US = 86_400_000_000


def instant(at: datetime) -> int:
    """A datetime as microseconds since 0001-01-01: a plain int that sorts like the datetime."""
    return (
        (at.toordinal() - 1) * _DAY_US
        + ((at.hour * 60 + at.minute) * 60 + at.second) * 1_000_000
        + at.microsecond
    )


# A member's facts and lines are plain tuples of ints, strings and bytes, never lists,
# arrays, dicts or class instances: Python's garbage collector stops tracking such tuples,
# and a hundred thousand members' worth of tracked objects made each full collection take
# 0.7-1.5 s, at random, in whatever call it fell (tests/perf/test_lapsed_perf.py).
#
# A member's attendances of one kind (or of every kind), oldest first: the instants and,
# beside each, the event's number (`_Summary.event_ids`); the ints are the few events' and
# dates' own objects, so an entry costs one pointer.
_Series = tuple[tuple[int, ...], tuple[int, ...]]
# A member's facts: (name, reading, reading key, every kind's series, per kind (kind,
# series) pairs, the hash() of each counted registration's id packed as int64 bytes, one
# bit per such hash). The hashes find whom a registration moved away from (an undone merge
# gives it back without changing the member it leaves) without a dict of a million ids; the
# bits say "surely not" quickly.
_Facts = tuple[str, str, str, _Series, tuple[tuple[str, _Series], ...], bytes, int]
# One line of `_Summary.by_last`: (newest attendance, reading key, member id, instants,
# event numbers, facts); the first three are unique, so comparisons never reach further.
_Line = tuple[int, str, str, tuple[int, ...], tuple[int, ...], _Facts]


def _held(facts: _Facts) -> list[int]:
    return memoryview(facts[5]).cast("q").tolist()


@dataclass(frozen=True)
class _Summary:
    """What the lapsed list needs to know, whatever its months, visits, kind and day.

    Built for one database at one point of its change feed (`seq`, LocalMeta "seq"); never
    changed once built (an update makes a new one), so another thread keeps its snapshot.
    """

    seq: int
    events: dict[str, tuple[int, int | None, str]]  # live event id -> (number, instant, kind)
    event_ids: list[str]  # by number
    titles: list[str]  # by number
    occurrences: dict[str, int]  # occurrence id -> instant (deleted ones too, as the SQL joins)
    members: dict[str, _Facts]  # active members with at least one attendance
    # Per kind (None: every kind), sorted: the members whose newest attendance falls in a
    # window are one slice of it.
    by_last: dict[str | None, list[_Line]]

    def lapsed(
        self,
        since: datetime,
        cutoff: datetime,
        until: datetime,
        min_visits: int,
        kind: str | None,
        make: Callable[[str, str, str, int, date, str, str], T],
    ) -> list[T]:
        """Members with at least `min_visits` attendances in [since, cutoff) and none in
        [cutoff, until], newest absence first, then by reading; each line from `make`(id,
        name, reading, visits, last day, last event id, its title)."""
        ordered = self.by_last.get(kind)
        if not ordered:
            return []
        since_n, cutoff_n, until_n = instant(since), instant(cutoff), instant(until)
        bisect_left = bisect.bisect_left
        # (newest attendance, visits, its event number, member id, facts), by line order.
        found: list[tuple[int, int, int, str, _Facts]] = []
        add = found.append
        lo = bisect_left(ordered, (since_n,))
        hi = bisect_left(ordered, (cutoff_n,))
        # Newest attendance inside the window before the cut: nothing since, by definition.
        for last, _key, member_id, ats, evs, facts in ordered[lo:hi]:
            visits = len(ats) - bisect_left(ats, since_n)
            if visits >= min_visits:
                add((last, visits, evs[-1], member_id, facts))
        # The slice is in (newest, reading, id) order: a stable sort on the newest alone,
        # descending, makes (newest descending, reading, id) and costs one pass.
        found.sort(key=itemgetter(0), reverse=True)
        tail = ordered[bisect_left(ordered, (until_n + 1,)) :]
        if tail:  # attendances after `until` (a list for a day in the past): look inside
            for _last, _key, member_id, ats, evs, facts in tail:
                cut = bisect_left(ats, cutoff_n)
                if cut == 0 or bisect.bisect_right(ats, until_n) != cut or ats[cut - 1] < since_n:
                    continue
                visits = cut - bisect_left(ats, since_n)
                if visits >= min_visits:
                    add((ats[cut - 1], visits, evs[cut - 1], member_id, facts))
            found.sort(key=lambda f: (-f[0], f[4][2], f[3]))
        days: dict[int, date] = {}
        event_ids, titles = self.event_ids, self.titles
        out = []
        for at, visits, number, member_id, facts in found:
            ordinal = at // _DAY_US + 1
            day = days.get(ordinal)
            if day is None:
                day = days[ordinal] = date.fromordinal(ordinal)
            out.append(
                make(
                    member_id,
                    facts[0],
                    facts[1],
                    visits,
                    day,
                    event_ids[number],
                    titles[number],
                )
            )
        return out


def _change_seq(s: Session) -> int:
    value = s.execute(select(LocalMeta.int_value).where(LocalMeta.key == "seq")).scalar()
    return int(value or 0)


def regulars(s: Session, db: Database) -> _Summary:
    """The cached summary of this database, brought up to its change feed first.

    The feed number is read first, in the caller's transaction, so the reads after it see at
    least that much: a change they miss has a higher number and is read on the next call.
    """
    seq = _change_seq(s)
    with _LOCK:
        cached = db.caches.get(REGULARS_CACHE)
        summary = cached if isinstance(cached, _Summary) else None
        if summary is not None and summary.seq == seq:
            return summary
        conn = s.connection()
        fresh = None if summary is None or seq < summary.seq else _update(conn, summary, seq)
        summary = fresh or _build(conn, seq)
        db.caches[REGULARS_CACHE] = summary
        return summary


# --- reading -------------------------------------------------------------------------------


def _event_rows(conn: Connection, where: Iterable[Any] = ()) -> list[Any]:
    return list(
        conn.execute(
            select(Event.id, Event.starts_at, Event.kind, Event.title, Event.deleted).where(*where)
        )
    )


def _occurrence_rows(conn: Connection, where: Iterable[Any] = ()) -> list[Any]:
    return list(conn.execute(select(EventOccurrence.id, EventOccurrence.starts_at).where(*where)))


def _attended() -> Any:
    # Ids only: the instants come from the few events and dates read whole, so a million
    # registrations never go through datetime parsing.
    return select(
        Registration.id, Registration.member_id, Registration.event_id, Registration.occurrence_id
    ).where(
        Registration.member_id.is_not(None),
        Registration.attended.is_(True),
        Registration.deleted.is_(False),
    )


def _member_select() -> Any:
    return select(
        Member.id,
        Member.family_name,
        Member.given_name,
        Member.family_kana,
        Member.given_kana,
        Member.reading_key,
    ).where(Member.deleted.is_(False), Member.status == "active")


def _collect(
    rows: Iterable[Any],
    events: dict[str, tuple[int, int | None, str]],
    occurrences: dict[str, int],
) -> dict[str, list[tuple[int, int, int]]]:
    """`_attended` rows as each member's (instant, event number, hash of the registration
    id), dated as the SQL does: coalesce(the date's start, the event's start)."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    event_of, date_of, mine = events.get, occurrences.get, out.get
    for registration_id, member_id, event_id, occurrence_id in rows:
        event = event_of(event_id)
        if event is None:
            continue  # deleted (or not here yet)
        at = date_of(occurrence_id) if occurrence_id is not None else None
        if at is None:
            at = event[1]
            if at is None:
                continue
        visits = mine(member_id)
        if visits is None:
            out[member_id] = [(at, event[0], hash(registration_id))]
        else:
            visits.append((at, event[0], hash(registration_id)))
    return out


def _parts(conn: Connection, stmt: Any) -> Iterable[Any]:
    """The rows of a Core select, a part at a time, as the driver's plain tuples: making a
    SQLAlchemy Row of each of a million registrations cost more than SQLite reading them."""
    sql = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(sql))
        while part := cursor.fetchmany(_PART):
            yield from part
    finally:
        cursor.close()


def _facts(row: Any, visits: list[tuple[int, int, int]], kinds: list[str]) -> _Facts:
    """One member's facts from a `_member_select` row and their `_collect` entries; `kinds`
    is the kind of each event number."""
    visits.sort()
    every = (tuple([v[0] for v in visits]), tuple([v[1] for v in visits]))
    seen = {kinds[v[1]] for v in visits}
    if len(seen) == 1:
        per_kind: tuple[tuple[str, _Series], ...] = ((seen.pop(), every),)  # the same tuples
    else:
        pairs = []
        for kind in sorted(seen):
            mine = [v for v in visits if kinds[v[1]] == kind]
            pairs.append((kind, (tuple([v[0] for v in mine]), tuple([v[1] for v in mine]))))
        per_kind = tuple(pairs)
    bits = 0
    for v in visits:
        bits |= 1 << (v[2] & 63)
    name = f"{row[1]}\u3000{row[2]}".strip("\u3000")
    reading = f"{row[3]}\u3000{row[4]}".strip("\u3000")
    held = array("q", [v[2] for v in visits]).tobytes()
    return (name, reading, row[5], every, per_kind, held, bits)


def _lines(member_id: str, facts: _Facts) -> Iterable[tuple[str | None, _Line]]:
    every = facts[3]
    line = (every[0][-1], facts[2], member_id, every[0], every[1], facts)
    yield None, line
    for kind, (ats, evs) in facts[4]:
        if ats is not every[0]:
            line = (ats[-1], facts[2], member_id, ats, evs, facts)
        yield kind, line


def _build(conn: Connection, seq: int) -> _Summary:
    events: dict[str, tuple[int, int | None, str]] = {}
    event_ids: list[str] = []
    titles: list[str] = []
    kinds: list[str] = []
    for event_id, starts_at, kind, title, deleted in _event_rows(conn):
        if deleted:
            continue
        events[event_id] = (len(event_ids), instant(starts_at) if starts_at else None, kind)
        event_ids.append(event_id)
        titles.append(title)
        kinds.append(kind)
    occurrences = {
        occ_id: instant(starts_at) for occ_id, starts_at in _occurrence_rows(conn) if starts_at
    }
    visits = _collect(_parts(conn, _attended()), events, occurrences)
    members: dict[str, _Facts] = {}
    by_last: dict[str | None, list[_Line]] = {}
    for row in _parts(conn, _member_select()):
        mine = visits.pop(row[0], None)
        if mine:
            facts = members[row[0]] = _facts(row, mine, kinds)
            for kind, line in _lines(row[0], facts):
                by_last.setdefault(kind, []).append(line)
    for each in by_last.values():
        each.sort(key=itemgetter(0, 1, 2))
    return _Summary(seq, events, event_ids, titles, occurrences, members, by_last)


def _update(conn: Connection, old: _Summary, seq: int) -> _Summary | None:
    """`old` brought forward to `seq`, reading again only the members a change since
    `old.seq` can move; None when a rebuild is quicker (or needed)."""
    since = old.seq
    changed_events = _event_rows(conn, [Event.local_seq > since])
    changed_dates = _occurrence_rows(conn, [EventOccurrence.local_seq > since])
    if len(changed_events) + len(changed_dates) > _EVENTS_AT:
        return None
    events, event_ids, titles = old.events, old.event_ids, old.titles
    occurrences = old.occurrences
    moved_events: list[str] = []  # date, kind or removal changed: their attendances move
    if changed_events:
        events, event_ids, titles = dict(events), list(event_ids), list(titles)
        for event_id, starts_at, kind, title, deleted in changed_events:
            before = events.get(event_id)
            at = instant(starts_at) if starts_at else None
            if deleted:
                if before is not None:
                    del events[event_id]
                    moved_events.append(event_id)
                continue
            if before is None:
                number = len(event_ids)
                event_ids.append(event_id)
                titles.append(title)
                moved_events.append(event_id)  # registrations may have come before it
            else:
                number = before[0]
                titles[number] = title
                if before[1:] != (at, kind):
                    moved_events.append(event_id)
            events[event_id] = (number, at, kind)
    moved_dates: list[str] = []
    if changed_dates:
        occurrences = dict(occurrences)
        for occ_id, starts_at in changed_dates:
            at = instant(starts_at) if starts_at else None
            if occurrences.get(occ_id) != at:
                moved_dates.append(occ_id)
                if at is None:
                    occurrences.pop(occ_id, None)
                else:
                    occurrences[occ_id] = at
    touched: set[str | None] = set(
        conn.execute(select(Member.id).where(Member.local_seq > since)).scalars()
    )
    # Deleted, unticked and moved registrations too: their members' lists shrink.
    changed = list(
        conn.execute(
            select(Registration.id, Registration.member_id)
            .where(Registration.local_seq > since)
            .limit(_REBUILD_AT * 4 + 1)
        )
    )
    if len(changed) > _REBUILD_AT * 4:
        return None
    # A registration its member did not hold may have left someone else (a merge undone, a
    # sync bringing one): whoever held it is read again too.
    elsewhere: set[int] = set()
    for registration_id, member_id in changed:
        touched.add(member_id)
        facts = old.members.get(member_id) if member_id is not None else None
        h = hash(registration_id)
        if facts is None or h not in _held(facts):
            elsewhere.add(h)
    if elsewhere:
        bits = 0
        for h in elsewhere:
            bits |= 1 << (h & 63)
        touched.update(
            member_id
            for member_id, facts in old.members.items()
            if facts[6] & bits and not elsewhere.isdisjoint(_held(facts))
        )
    for column, ids in (
        (Registration.event_id, moved_events),
        (Registration.occurrence_id, moved_dates),
    ):
        for start in range(0, len(ids), _CHUNK):
            touched.update(
                conn.execute(
                    select(Registration.member_id)
                    .where(
                        Registration.attended.is_(True),
                        Registration.deleted.is_(False),
                        column.in_(ids[start : start + _CHUNK]),
                    )
                    .distinct()
                ).scalars()
            )
            if len(touched) > _REBUILD_AT:
                return None
    touched.discard(None)
    if len(touched) > _REBUILD_AT:
        return None
    if not touched:
        return _Summary(seq, events, event_ids, titles, occurrences, old.members, old.by_last)
    kinds = [events[i][2] if i in events else "" for i in event_ids]
    ids = sorted(m for m in touched if m is not None)
    rows: dict[str, Any] = {}
    visits: dict[str, list[tuple[int, int, int]]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows.update((r[0], r) for r in conn.execute(_member_select().where(Member.id.in_(chunk))))
        found = conn.execute(_attended().where(Registration.member_id.in_(chunk)))
        visits.update(_collect(found, events, occurrences))
    members = dict(old.members)
    by_last = {kind: list(each) for kind, each in old.by_last.items()}
    for member_id in ids:
        gone = members.pop(member_id, None)
        if gone is not None:
            for kind, line in _lines(member_id, gone):
                each = by_last[kind]
                del each[bisect.bisect_left(each, line[:3])]
        row, theirs = rows.get(member_id), visits.get(member_id)
        if row is None or not theirs:
            continue
        facts = members[member_id] = _facts(row, theirs, kinds)
        for kind, line in _lines(member_id, facts):
            bisect.insort(by_last.setdefault(kind, []), line)
    return _Summary(seq, events, event_ids, titles, occurrences, members, by_last)
