"""Every active member's attendances, cached per database, for the lapsed list."""

from __future__ import annotations

import bisect
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.storage.database import Database
from db.models import Event, EventOccurrence, LocalMeta, Member, Registration

# The summary of an open database lives in its `caches` (app/storage/database.py) under this name.
REGULARS_CACHE = "events.regulars"
_LOCK = threading.Lock()
# More members to read again than this: reading everyone is quicker than reading them by id.
_REBUILD_AT = 5_000
# More changed events or dates than this: a rebuild, rather than comparing each.
_EVENTS_AT = 200
# Registrations seen moving since the build kept beside `_Summary.owners`: past this many
# a rebuild makes that index afresh.
_MOVED_AT = 50_000
_CHUNK = 500
# An owner key: 39 bits of the registration id's hash, then the member's 24-bit number.
_NUMBER_BITS = 24
_HASH_MASK = (1 << 39) - 1
_EPOCH = datetime(1, 1, 1)
_DAY_US = 86_400_000_000


def instant(at: datetime) -> int:
    """A datetime as microseconds since 0001-01-01: a plain int that sorts like the datetime."""
    return (
        (at.toordinal() - 1) * _DAY_US
        + ((at.hour * 60 + at.minute) * 60 + at.second) * 1_000_000
        + at.microsecond
    )


# A member's attendances of one kind (or of every kind under the key None), oldest first:
# the instants, and beside each the attending event's number (`_Summary.titles`). Arrays, not
# tuples: a million attendances as Python tuples took over 100 MB.
_Series = tuple["array[int]", "array[int]"]


@dataclass(frozen=True)
class _MemberFacts:
    name: str
    reading: str
    reading_key: str
    series: dict[str | None, _Series]


@dataclass(frozen=True)
class Regular:
    """One line of the lapsed list, before it becomes a LapsedMember."""

    id: str
    name: str
    reading: str
    visits: int
    last_day: date
    last_event_id: str
    last_event_title: str


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
    members: dict[str, _MemberFacts]  # active members with at least one attendance
    # Per kind (None: every kind), (newest attendance, member id) sorted: the members whose
    # newest attendance falls in a window are one slice of it.
    by_last: dict[str | None, list[tuple[int, str]]]
    # Who held each counted registration, to find the member a registration moved away from
    # (an undone merge gives it back without touching the member it leaves): `owners` as of
    # the build, sorted keys of (registration id's hash, number in `numbered`), 12 bytes a
    # registration rather than a dict's hundred; `moved` what updates have seen since.
    owners: array[int]
    numbered: list[str]
    moved: dict[str, str | None]

    def lapsed(
        self, since: datetime, cutoff: datetime, until: datetime, min_visits: int, kind: str | None
    ) -> list[Regular]:
        """Members with at least `min_visits` attendances in [since, cutoff) and none in
        [cutoff, until]; the newest absence first, then by reading."""
        since_n, cutoff_n, until_n = instant(since), instant(cutoff), instant(until)
        ordered = self.by_last.get(kind)
        if not ordered:
            return []
        members = self.members
        found: list[tuple[int, str, str, int, int]] = []
        lo = bisect.bisect_left(ordered, (since_n,))
        hi = bisect.bisect_left(ordered, (cutoff_n,))
        # Newest attendance inside the window before the cut: nothing since, by definition.
        for last, member_id in ordered[lo:hi]:
            facts = members[member_id]
            ats, evs = facts.series[kind]
            visits = len(ats) - bisect.bisect_left(ats, since_n)
            if visits >= min_visits:
                found.append((-last, facts.reading_key, member_id, visits, evs[-1]))
        # Attendances after `until` (a list asked for a day in the past): look inside.
        for _last, member_id in ordered[bisect.bisect_left(ordered, (until_n + 1,)) :]:
            facts = members[member_id]
            ats, evs = facts.series[kind]
            cut = bisect.bisect_left(ats, cutoff_n)
            if cut == 0 or bisect.bisect_right(ats, until_n) != cut or ats[cut - 1] < since_n:
                continue
            visits = cut - bisect.bisect_left(ats, since_n)
            if visits >= min_visits:
                found.append((-ats[cut - 1], facts.reading_key, member_id, visits, evs[cut - 1]))
        found.sort()
        days: dict[int, date] = {}
        out = []
        event_ids, titles = self.event_ids, self.titles
        for minus_at, _key, member_id, visits, number in found:
            ordinal = -minus_at // _DAY_US + 1
            day = days.get(ordinal)
            if day is None:
                day = days[ordinal] = date.fromordinal(ordinal)
            facts = members[member_id]
            out.append(
                Regular(
                    member_id,
                    facts.name,
                    facts.reading,
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


def _live_events(conn: Connection, where: Iterable[Any] = ()) -> list[Any]:
    return list(
        conn.execute(
            select(Event.id, Event.starts_at, Event.kind, Event.title, Event.deleted).where(*where)
        )
    )


def _occurrence_rows(conn: Connection, where: Iterable[Any] = ()) -> list[Any]:
    return list(conn.execute(select(EventOccurrence.id, EventOccurrence.starts_at).where(*where)))


def _attended() -> Any:
    # Member, event and date only: the instants come from the few events and dates read
    # whole, so a million registrations never go through datetime parsing.
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


def _facts(
    row: Any,
    visits: list[tuple[int, int]],
    kinds: list[str],
) -> _MemberFacts:
    """One member's facts from a `_member_select` row and their (instant, event number)s;
    `kinds` is the kind of each event number."""
    visits.sort()
    every = (array("q", [v[0] for v in visits]), array("l", [v[1] for v in visits]))
    series: dict[str | None, _Series] = {None: every}
    seen = {kinds[v[1]] for v in visits}
    if len(seen) == 1:
        series[seen.pop()] = every  # one kind (most members): share the arrays
    else:
        for kind in seen:
            mine = [v for v in visits if kinds[v[1]] == kind]
            series[kind] = (array("q", [v[0] for v in mine]), array("l", [v[1] for v in mine]))
    return _MemberFacts(
        name=f"{row[1]}\u3000{row[2]}".strip("\u3000"),
        reading=f"{row[3]}\u3000{row[4]}".strip("\u3000"),
        reading_key=row[5],
        series=series,
    )


def _collect(
    rows: Iterable[Any],
    events: dict[str, tuple[int, int | None, str]],
    occurrences: dict[str, int],
) -> dict[str, list[tuple[int, int]]]:
    """`_attended` rows as each member's (instant, event number)s, dated as the SQL does:
    coalesce(the date's start, the event's start)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for _id, member_id, event_id, occurrence_id in rows:
        event = events.get(event_id)
        if event is None:
            continue  # deleted (or not here yet)
        at = occurrences.get(occurrence_id) if occurrence_id is not None else None
        if at is None:
            at = event[1]
            if at is None:
                continue
        visits = out.get(member_id)
        if visits is None:
            out[member_id] = [(at, event[0])]
        else:
            visits.append((at, event[0]))
    return out


def _by_last(members: dict[str, _MemberFacts]) -> dict[str | None, list[tuple[int, str]]]:
    out: dict[str | None, list[tuple[int, str]]] = {}
    for member_id, facts in members.items():
        for kind, (ats, _evs) in facts.series.items():
            out.setdefault(kind, []).append((ats[-1], member_id))
    for each in out.values():
        each.sort()
    return out


def _build(conn: Connection, seq: int) -> _Summary:
    events: dict[str, tuple[int, int | None, str]] = {}
    event_ids: list[str] = []
    titles: list[str] = []
    kinds: list[str] = []
    for event_id, starts_at, kind, title, deleted in _live_events(conn):
        if deleted:
            continue
        events[event_id] = (len(event_ids), instant(starts_at) if starts_at else None, kind)
        event_ids.append(event_id)
        titles.append(title)
        kinds.append(kind)
    occurrences = {
        occ_id: instant(starts_at) for occ_id, starts_at in _occurrence_rows(conn) if starts_at
    }
    rows = list(conn.execute(_attended()))
    visits = _collect(rows, events, occurrences)
    members: dict[str, _MemberFacts] = {}
    for row in conn.execute(_member_select()):
        mine = visits.get(row[0])
        if mine:
            members[row[0]] = _facts(row, mine, kinds)
    numbered = list(members)
    number = {member_id: n for n, member_id in enumerate(numbered)}
    owners = array(
        "q",
        sorted(
            (hash(r[0]) & _HASH_MASK) << _NUMBER_BITS | number[r[1]] for r in rows if r[1] in number
        ),
    )
    return _Summary(
        seq,
        events,
        event_ids,
        titles,
        occurrences,
        members,
        _by_last(members),
        owners,
        numbered,
        {},
    )


def _owners_of(summary: _Summary, registration_id: str) -> list[str]:
    """Who held `registration_id` when last seen (a hash can match others too: reading an
    extra member again does no harm)."""
    if registration_id in summary.moved:
        member_id = summary.moved[registration_id]
        return [] if member_id is None else [member_id]
    low = (hash(registration_id) & _HASH_MASK) << _NUMBER_BITS
    owners, out = summary.owners, []
    at = bisect.bisect_left(owners, low)
    while at < len(owners) and owners[at] < low + (1 << _NUMBER_BITS):
        out.append(summary.numbered[owners[at] & ((1 << _NUMBER_BITS) - 1)])
        at += 1
    return out


def _update(conn: Connection, old: _Summary, seq: int) -> _Summary | None:
    """`old` brought forward to `seq`, reading again only the members a change since
    `old.seq` can move; None when a rebuild is quicker (or needed)."""
    since = old.seq
    changed_events = _live_events(conn, [Event.local_seq > since])
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
    # Deleted, unticked and moved registrations too: their members' lists shrink. A merge
    # moves registrations to the kept member and makes the other a tombstone, so both show.
    changed = list(
        conn.execute(
            select(Registration.id, Registration.member_id)
            .where(Registration.local_seq > since)
            .limit(_REBUILD_AT * 4 + 1)
        )
    )
    if len(changed) > _REBUILD_AT * 4 or len(old.moved) > _MOVED_AT:
        return None
    moved = dict(old.moved)
    for registration_id, member_id in changed:
        touched.add(member_id)
        touched.update(_owners_of(old, registration_id))
        moved[registration_id] = member_id
    for column, ids in (
        (Registration.event_id, moved_events),
        (Registration.occurrence_id, moved_dates),
    ):
        for start in range(0, len(ids), _CHUNK):
            touched.update(
                conn.execute(
                    _attended()
                    .with_only_columns(Registration.member_id)
                    .where(column.in_(ids[start : start + _CHUNK]))
                ).scalars()
            )
            if len(touched) > _REBUILD_AT:
                return None
    touched.discard(None)
    if len(touched) > _REBUILD_AT:
        return None
    if not touched:
        return _Summary(
            seq,
            events,
            event_ids,
            titles,
            occurrences,
            old.members,
            old.by_last,
            old.owners,
            old.numbered,
            moved,
        )
    kinds = [events[i][2] if i in events else "" for i in event_ids]
    ids = sorted(m for m in touched if m is not None)
    rows: dict[str, Any] = {}
    visits: dict[str, list[tuple[int, int]]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows.update((r[0], r) for r in conn.execute(_member_select().where(Member.id.in_(chunk))))
        found = list(conn.execute(_attended().where(Registration.member_id.in_(chunk))))
        visits.update(_collect(found, events, occurrences))
        # Held now by a member read again, whom `owners` may not know (one reinstated since):
        # should it move on, the member it leaves is found here.
        moved.update((r[0], r[1]) for r in found)
    members = dict(old.members)
    by_last = {kind: list(each) for kind, each in old.by_last.items()}
    for member_id in ids:
        gone = members.pop(member_id, None)
        if gone is not None:
            for kind, (ats, _evs) in gone.series.items():
                each = by_last[kind]
                del each[bisect.bisect_left(each, (ats[-1], member_id))]
        row, theirs = rows.get(member_id), visits.get(member_id)
        if row is None or not theirs:
            continue
        facts = members[member_id] = _facts(row, theirs, kinds)
        for kind, (ats, _evs) in facts.series.items():
            bisect.insort(by_last.setdefault(kind, []), (ats[-1], member_id))
    return _Summary(
        seq,
        events,
        event_ids,
        titles,
        occurrences,
        members,
        by_last,
        old.owners,
        old.numbered,
        moved,
    )
