"""The due list: who should be visited next, from facts cached per database."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, exists, func, select, type_coerce
from sqlalchemy.orm import Session

from app.core.context import Context
from app.storage.database import Database
from app.watch.access import (
    reads_all,
    require_access,
    visible_clause,
)
from app.watch.followups import list_follow_ups
from app.watch.people import ACTIVE, volunteers_of
from app.watch.signs import CONTACT_RESULTS_COUNTED, DUE, FOLLOW_UP, OVERDUE, SOON_DAYS
from db.models import (
    FollowUp,
    LocalMeta,
    Member,
    Visit,
    WatchAssignment,
    WatchedPerson,
)

# --- the due list ----------------------------------------------------------------------------


class DueItem(NamedTuple):
    """One line of the home page: someone overdue or due soon, or an open follow-up.

    `id` is the person's id, or the follow-up's for a follow-up line (`person_id` always
    names the person). `long_overdue` is "no contact for twice the interval or more".
    An immutable named tuple rather than a frozen dataclass: the due list makes thousands
    at a time, and a frozen dataclass took ten times as long to build (27 ms for 7,600).
    """

    kind: str
    id: str
    person_id: str
    name: str
    kana: str
    phone: str
    volunteers: tuple[str, ...]
    interval_days: int
    last_contact: date | None
    due_on: date | None
    days_late: int
    long_overdue: bool
    never_contacted: bool
    follow_up_id: str | None = None
    urgency: str = ""
    opened_at: datetime | None = None
    referred_to: str = ""


@dataclass(frozen=True)
class DueState:
    """When a person is due, from their interval and last contact."""

    due_on: date
    days_late: int
    long_overdue: bool


def due_state(
    today: date, interval_days: int, last_contact: date | None, started_on: date | None
) -> DueState:
    """Due `interval_days` after the last contact (or after the start, before any contact);
    "long overdue" once twice the interval has passed without contact.

    Plain date arithmetic on calendar days, so month ends, 29 February and the turn of the
    fiscal year (31 March -> 1 April) need no special case.
    """
    base = last_contact or started_on or today
    due_on = base + timedelta(days=interval_days)
    return DueState(
        due_on=due_on,
        days_late=(today - due_on).days,
        long_overdue=(today - base).days >= 2 * interval_days,
    )


def _last_contact_column() -> Any:
    """MAX(visited_at) of a person's contacts (absent visits do not count), as a sub-select.

    With ix_visits_last_contact this is one index seek per person, not a scan of every
    visit: measured on 10,000 people with 500,000 visits, a GROUP BY over the visits took
    140-240 ms, this 35-50 ms (tests/perf/test_due_perf.py).
    """
    stmt = select(func.max(Visit.visited_at)).where(
        Visit.person_id == WatchedPerson.id,
        Visit.deleted.is_(False),
        Visit.contact_result != "absent",
    )
    return stmt.scalar_subquery().label("last_contact")


def _visible(ctx: Context, chapter_id: str | None = None) -> list[Any]:
    """Who this actor may see, of one chapter when given (`_person_select` keeps to the
    active people)."""
    where: list[Any] = []
    if chapter_id is not None:
        where.append(WatchedPerson.chapter_id == chapter_id)
    visible = visible_clause(ctx, WatchedPerson.id)
    if visible is not None:
        where.append(visible)
    return where


def _volunteer_names(s: Session) -> dict[str, list[str]]:
    """Every person's volunteers' names, main volunteer first (two plain queries: joining
    each assignment to its person and member costs more than the whole due computation)."""
    return _volunteer_links(s)[0]


def _volunteer_links(s: Session) -> tuple[dict[str, list[str]], Sequence[Any]]:
    """`_volunteer_names`, and the (person id, member id) of every assignment."""
    conn = s.connection()
    members = {
        member_id: f"{family}\u3000{given}".strip("\u3000")
        for member_id, family, given in conn.execute(
            select(Member.id, Member.family_name, Member.given_name).where(
                Member.id.in_(
                    select(WatchAssignment.member_id).where(WatchAssignment.deleted.is_(False))
                )
            )
        ).all()
    }
    out: dict[str, list[str]] = {}
    links = conn.execute(
        select(WatchAssignment.person_id, WatchAssignment.member_id)
        .where(WatchAssignment.deleted.is_(False))
        .order_by(WatchAssignment.role)
    ).all()
    for person_id, member_id in links:
        name = members.get(member_id)
        if name is not None:
            out.setdefault(person_id, []).append(name)
    return out, links


def due_list(
    ctx: Context,
    today: date | None = None,
    soon_days: int = SOON_DAYS,
    *,
    chapter_id: str | None = None,
) -> list[DueItem]:
    """Overdue people (most overdue first), then those due within `soon_days`, then the
    open follow-ups (emergencies first). Only active people the actor may see, of one
    chapter when `chapter_id` is given (headquarters).

    Computed from per-person facts cached for the open database (`_DueFacts`), brought up to
    date from the change feed on every call; the lines are the same as `_fresh_due_list`'s.
    """
    require_access(ctx)
    today = today or date.today()
    with ctx.db.transaction() as s:
        facts = _due_facts(s, ctx.db)
    visible: frozenset[str] | None = None
    if not reads_all(ctx):
        visible = facts.assigned.get(ctx.actor.member_id or "", frozenset())
    return facts.lines(today, soon_days, visible, chapter_id)


# A person's facts, as one tuple so that the sorted list compares them directly (the id is
# unique, so no comparison reaches past it): (due day number, reading, id, name, phone,
# interval, last contact date or None, due date, base day number, chapter id). Day numbers
# are date ordinals. Base day 0: no contact and no start day, so the person is due
# `interval` days after whatever day the list is for (due day and date are then unused).
_Fact = tuple[int, str, str, str, str, int, date | None, date, int, str | None]
# An open follow-up: (chapter id of the person, day number it was opened, its line with
# days_late still to fill in).
_FollowFact = tuple[str | None, int, DueItem]

# More changed people than this since the last call: reading everyone again is quicker
# than reading them by id.
_REBUILD_AT = 1_000


@dataclass(frozen=True)
class _DueFacts:
    """What the due list needs to know about each active person, not the list itself.

    Everything here stays true whatever day the list is asked for; `lines` does the date
    arithmetic (bisecting the people sorted by due day) and applies the actor's and the
    chapter's filters on every call. Built for one database and one point of its change
    feed (`seq`, LocalMeta "seq": every write of a synced row, here, in another process on
    the same file or by a sync import, takes a fresh number). Never changed once built: an
    update makes a new one, so a call in another thread keeps a consistent snapshot.
    """

    seq: int
    people: dict[str, _Fact]
    ordered: list[_Fact]  # people with a base day, by (due day, reading, id)
    floating: list[_Fact]  # people with neither contact nor start day
    volunteers: dict[str, tuple[str, ...]]  # person id -> names, main volunteer first
    assigned: dict[str, frozenset[str]]  # member id -> the people a visitor may see
    follow_ups: list[_FollowFact]  # open ones, emergencies first, then the oldest

    def lines(
        self,
        today: date,
        soon_days: int,
        visible: frozenset[str] | None,
        chapter_id: str | None,
    ) -> list[DueItem]:
        """The due list for `today` from these facts; `visible` None: every person."""
        today_n = today.toordinal()
        horizon_n = today_n + soon_days
        ordered = self.ordered
        overdue_end = bisect.bisect_left(ordered, (today_n,))
        end = bisect.bisect_left(ordered, (horizon_n + 1,))
        # (not late?, facts) in the order of the lines.
        picked: list[tuple[bool, _Fact]] = [
            (False, f)
            for f in ordered[: min(overdue_end, end)]
            if (visible is None or f[2] in visible) and (chapter_id is None or f[9] == chapter_id)
        ]
        if end > overdue_end:
            picked += [
                (True, f)
                for f in ordered[overdue_end:end]
                if (visible is None or f[2] in visible)
                and (chapter_id is None or f[9] == chapter_id)
            ]
        extra = [
            (f[5] >= 0, (n, *f[1:6], None, date.fromordinal(n), today_n, f[9]))
            for f in self.floating
            if (n := today_n + f[5]) <= horizon_n
            and (visible is None or f[2] in visible)
            and (chapter_id is None or f[9] == chapter_id)
        ]
        if extra:
            picked += extra
            picked.sort()
        volunteers = self.volunteers
        # Positional: this runs once per line, thousands of times (see the benchmark).
        items = [
            DueItem(
                DUE if not_late else OVERDUE,
                f[2],
                f[2],
                f[3],
                f[1],
                f[4],
                volunteers.get(f[2], ()),
                f[5],
                f[6],
                f[7],
                today_n - f[0],
                today_n - f[8] >= 2 * f[5],
                f[6] is None,
            )
            for not_late, f in picked
        ]
        items.extend(
            item._replace(days_late=today_n - opened_n)
            for chapter, opened_n, item in self.follow_ups
            if (visible is None or item.person_id in visible)
            and (chapter_id is None or chapter == chapter_id)
        )
        return items


# The facts of an open database live in its `caches` (app/storage/database.py) under this name.
DUE_CACHE = "visits.due_facts"
_DUE_LOCK = threading.Lock()


def _change_seq(s: Session) -> int:
    """Where the database's change feed stands (LocalMeta "seq")."""
    value = s.execute(select(LocalMeta.int_value).where(LocalMeta.key == "seq")).scalar()
    return int(value or 0)


def _due_facts(s: Session, db: Database) -> _DueFacts:
    """The cached facts of this database, brought up to its change feed first.

    The feed number is read first, in the caller's transaction, so whatever the reads after
    it see is at least that new: a change they miss has a higher number and is read on the
    next call. Rows that changed since the cached number are read again (people, people
    whose visits changed), volunteers and follow-ups again whole when theirs changed.
    """
    seq = _change_seq(s)
    with _DUE_LOCK:
        cached = db.caches.get(DUE_CACHE)
        facts = cached if isinstance(cached, _DueFacts) else None
        if facts is not None and facts.seq == seq:
            return facts
        if facts is None or seq < facts.seq:
            facts = _build_due_facts(s, seq)
        else:
            facts = _update_due_facts(s, facts, seq)
        db.caches[DUE_CACHE] = facts
        return facts


def _person_select() -> Any:
    # Raw strings for the dates: 10,000 rows through the ORM's type processing cost more
    # than the query itself.
    return select(
        WatchedPerson.id,
        WatchedPerson.family_name,
        WatchedPerson.given_name,
        WatchedPerson.family_kana,
        WatchedPerson.given_kana,
        WatchedPerson.phone,
        WatchedPerson.visit_interval_days,
        type_coerce(WatchedPerson.started_on, String),
        type_coerce(_last_contact_column(), String),
        WatchedPerson.chapter_id,
    ).where(
        WatchedPerson.deleted.is_(False),
        WatchedPerson.erased.is_(False),
        WatchedPerson.status == ACTIVE,
    )


def _day_number(value: Any) -> int | None:
    """A date ordinal from a date or datetime column read as text (or as a date, as
    PostgreSQL's driver hands it back whatever the declared type)."""
    if not value:
        return None
    if isinstance(value, date):  # datetime is a date too
        return value.toordinal()
    return date.fromisoformat(str(value)[:10]).toordinal()


def _fact(row: Any, days: dict[int, date]) -> _Fact:
    """One person's facts from a `_person_select` row (`days` shares the date objects)."""
    interval = int(row[6])
    last_n = _day_number(row[8])
    base_n = last_n if last_n is not None else _day_number(row[7])
    name = f"{row[1]}\u3000{row[2]}" if row[1] and row[2] else row[1] or row[2]
    kana = f"{row[3]} {row[4]}".strip()
    last_on = None
    if last_n is not None:
        last_on = days.get(last_n) or days.setdefault(last_n, date.fromordinal(last_n))
    if base_n is None:
        return (0, kana, row[0], name, row[5], interval, None, date.min, 0, row[9])
    due_n = base_n + interval
    due_on = days.get(due_n) or days.setdefault(due_n, date.fromordinal(due_n))
    return (due_n, kana, row[0], name, row[5], interval, last_on, due_on, base_n, row[9])


def _volunteer_facts(
    s: Session,
) -> tuple[dict[str, tuple[str, ...]], dict[str, frozenset[str]]]:
    """Each person's volunteers' names, and each volunteer's people (what a visitor sees)."""
    found, links = _volunteer_links(s)
    mine: dict[str, set[str]] = {}
    for person_id, member_id in links:
        mine.setdefault(member_id, set()).add(person_id)
    names = {pid: tuple(each) for pid, each in found.items()}
    return names, {member: frozenset(people) for member, people in mine.items()}


def _follow_up_facts(s: Session) -> list[_FollowFact]:
    """Every open follow-up's line, as `_follow_up_items` makes it for a coordinator."""
    rows = list(
        s.connection().execute(
            select(
                FollowUp.id,
                FollowUp.person_id,
                FollowUp.opened_at,
                FollowUp.urgency,
                FollowUp.referred_to_name,
                WatchedPerson.chapter_id,
                WatchedPerson.family_name,
                WatchedPerson.given_name,
                WatchedPerson.family_kana,
                WatchedPerson.given_kana,
                WatchedPerson.phone,
                WatchedPerson.visit_interval_days,
            )
            .join(WatchedPerson, WatchedPerson.id == FollowUp.person_id)
            .where(
                FollowUp.deleted.is_(False),
                FollowUp.closed_at.is_(None),
                WatchedPerson.erased.is_(False),
            )
        )
    )
    if not rows:
        return []
    rows.sort(key=lambda r: (r[3] != "emergency", r[2], r[0]))
    volunteers = volunteers_of(s, sorted({r[1] for r in rows}))
    out: list[_FollowFact] = []
    for r in rows:
        item = DueItem(
            kind=FOLLOW_UP,
            id=r[0],
            person_id=r[1],
            name=f"{r[6]}\u3000{r[7]}".strip("\u3000"),
            kana=f"{r[8]} {r[9]}".strip(),
            phone=r[10],
            volunteers=tuple(v[1] for v in volunteers.get(r[1], [])),
            interval_days=int(r[11] or 0),
            last_contact=None,
            due_on=None,
            days_late=0,
            long_overdue=False,
            never_contacted=False,
            follow_up_id=r[0],
            urgency=r[3],
            opened_at=r[2],
            referred_to=r[4],
        )
        out.append((r[5], r[2].date().toordinal(), item))
    return out


def _split(people: dict[str, _Fact]) -> tuple[list[_Fact], list[_Fact]]:
    ordered = sorted(f for f in people.values() if f[8])
    floating = [f for f in people.values() if not f[8]]
    return ordered, floating


def _build_due_facts(s: Session, seq: int) -> _DueFacts:
    days: dict[int, date] = {}  # a few hundred distinct days among thousands of people
    rows = s.connection().execute(_person_select()).all()
    people = {row[0]: _fact(row, days) for row in rows}
    ordered, floating = _split(people)
    names, assigned = _volunteer_facts(s)
    return _DueFacts(seq, people, ordered, floating, names, assigned, _follow_up_facts(s))


def _visits_changed_since(since: int) -> Any:
    """Whose visits changed after feed number `since` (a person once per visit).

    No DISTINCT and no IN here: either made SQLite walk another index over the whole table
    (a second for 500,000 visits) instead of the few newest entries of local_seq's.
    """
    return select(Visit.person_id).where(Visit.local_seq > since)


def _update_due_facts(s: Session, old: _DueFacts, seq: int) -> _DueFacts:
    """`old` brought forward to `seq`: only what changed after `old.seq` is read again."""
    conn = s.connection()
    since = old.seq
    changed_people = set(
        conn.execute(select(WatchedPerson.id).where(WatchedPerson.local_seq > since)).scalars()
    )
    touched = changed_people | set(conn.execute(_visits_changed_since(since)).scalars())
    if len(touched) > _REBUILD_AT:
        return _build_due_facts(s, seq)
    volunteers_moved = (
        conn.execute(
            select(WatchAssignment.id).where(WatchAssignment.local_seq > since).limit(1)
        ).first()
        is not None
        or conn.execute(
            select(Member.id)
            .where(
                Member.local_seq > since,
                exists().where(WatchAssignment.member_id == Member.id),
            )
            .limit(1)
        ).first()
        is not None
    )
    follow_ups_moved = (
        conn.execute(select(FollowUp.id).where(FollowUp.local_seq > since).limit(1)).first()
        is not None
    )
    people, ordered, floating = old.people, old.ordered, old.floating
    if touched:
        people = dict(people)
        days: dict[int, date] = {}
        fresh: dict[str, _Fact] = {}
        ids = sorted(touched)
        for start in range(0, len(ids), 500):
            stmt = _person_select().where(WatchedPerson.id.in_(ids[start : start + 500]))
            for row in conn.execute(stmt).all():
                fresh[row[0]] = _fact(row, days)
        ordered, floating = list(ordered), list(floating)
        for person_id in ids:
            gone = people.pop(person_id, None)
            if gone is not None:
                if not gone[8]:
                    floating.remove(gone)
                else:
                    at = bisect.bisect_left(ordered, gone[:3])
                    del ordered[at]
            new = fresh.get(person_id)
            if new is not None:
                people[person_id] = new
                if not new[8]:
                    floating.append(new)
                else:
                    bisect.insort(ordered, new)
    names, assigned = old.volunteers, old.assigned
    if volunteers_moved:
        names, assigned = _volunteer_facts(s)
    follow_ups = old.follow_ups
    if follow_ups_moved or changed_people or volunteers_moved:
        follow_ups = _follow_up_facts(s)
    return _DueFacts(seq, people, ordered, floating, names, assigned, follow_ups)


def _fresh_due_list(
    ctx: Context,
    today: date | None = None,
    soon_days: int = SOON_DAYS,
    *,
    chapter_id: str | None = None,
) -> list[DueItem]:
    """The due list computed from the tables alone, without the cache: what `due_list`
    must always equal (tests compare them after random edits; the benchmark times it)."""
    require_access(ctx)
    today = today or date.today()
    # The cache's own query (active people, dates as text), narrowed to who may be seen here.
    stmt = _person_select().where(*_visible(ctx, chapter_id))
    today_n = today.toordinal()
    horizon_n = today_n + soon_days
    # (overdue?, due day, reading, row, last contact day): plain numbers until the cut,
    # because this loop runs for every active person on every refresh of the home page.
    picked: list[tuple[bool, int, str, Any, int | None]] = []
    with ctx.db.transaction() as s:
        for row in s.connection().execute(stmt).all():
            last_text, started_text = row[8], row[7]
            last_n: int | None = None
            base_n: int
            if last_text:
                last_n = base_n = date.fromisoformat(last_text[:10]).toordinal()
            else:
                base_n = (
                    date.fromisoformat(started_text[:10]).toordinal() if started_text else today_n
                )
            due_n = base_n + row[6]
            if due_n <= horizon_n:
                kana = f"{row[3]} {row[4]}".strip()
                picked.append((due_n >= today_n, due_n, kana, row, last_n))
        names = _volunteer_names(s) if picked else {}
    picked.sort(key=lambda p: (p[0], p[1], p[2], p[3][0]))
    days: dict[int, date] = {}  # a few hundred distinct days among thousands of lines

    def day(n: int) -> date:
        found = days.get(n)
        if found is None:
            found = days[n] = date.fromordinal(n)
        return found

    items = []
    for not_late, due_n, kana, row, last_n in picked:
        interval = row[6]
        base_n = last_n if last_n is not None else due_n - interval
        # Positional: this runs once per line, thousands of times (see the benchmark).
        items.append(
            DueItem(
                DUE if not_late else OVERDUE,
                row[0],
                row[0],
                f"{row[1]}\u3000{row[2]}" if row[1] and row[2] else row[1] or row[2],
                kana,
                row[5],
                tuple(names.get(row[0], ())),
                interval,
                day(last_n) if last_n is not None else None,
                day(due_n),
                today_n - due_n,
                today_n - base_n >= 2 * interval,
                last_n is None,
            )
        )
    items.extend(_follow_up_items(ctx, today, chapter_id))
    return items


def _as_date(value: Any) -> date | None:
    """A date from what the driver hands back for a date or datetime sub-select."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _people(s: Session, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    cols = (
        WatchedPerson.id,
        WatchedPerson.family_name,
        WatchedPerson.given_name,
        WatchedPerson.family_kana,
        WatchedPerson.given_kana,
        WatchedPerson.phone,
    )
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for r in s.execute(select(*cols).where(WatchedPerson.id.in_(chunk))):
            out[r.id] = (
                f"{r.family_name}\u3000{r.given_name}".strip("\u3000"),
                f"{r.family_kana} {r.given_kana}".strip(),
                r.phone,
            )
    return out


def _follow_up_items(ctx: Context, today: date, chapter_id: str | None = None) -> list[DueItem]:
    follows = list_follow_ups(ctx, open_only=True, chapter_id=chapter_id)
    if not follows:
        return []
    ids = sorted({f.person_id for f in follows})
    with ctx.db.transaction() as s:
        people = _people(s, ids)
        volunteers = volunteers_of(s, ids)
        intervals = {
            pid: days
            for pid, days in s.execute(
                select(WatchedPerson.id, WatchedPerson.visit_interval_days).where(
                    WatchedPerson.id.in_(ids)
                )
            )
        }
    items = []
    for f in follows:
        name, kana, phone = people.get(f.person_id, (f.person_name, "", ""))
        items.append(
            DueItem(
                kind=FOLLOW_UP,
                id=f.id,
                person_id=f.person_id,
                name=name,
                kana=kana,
                phone=phone,
                volunteers=tuple(v[1] for v in volunteers.get(f.person_id, [])),
                interval_days=int(intervals.get(f.person_id, 0)),
                last_contact=None,
                due_on=None,
                days_late=(today - f.opened_at.date()).days,
                long_overdue=False,
                never_contacted=False,
                follow_up_id=f.id,
                urgency=f.urgency,
                opened_at=f.opened_at,
                referred_to=f.referred_to_name,
            )
        )
    return items


def last_contacts(ctx: Context, person_ids: Sequence[str]) -> dict[str, tuple[date, str]]:
    """(date, method) of each person's last contact, for round sheets and lists."""
    require_access(ctx)
    out: dict[str, tuple[date, str]] = {}
    with ctx.db.transaction() as s:
        for start in range(0, len(person_ids), 500):
            chunk = list(person_ids[start : start + 500])
            stmt = (
                select(Visit.person_id, Visit.visited_at, Visit.method)
                .where(
                    Visit.person_id.in_(chunk),
                    Visit.deleted.is_(False),
                    Visit.contact_result.in_(CONTACT_RESULTS_COUNTED),
                )
                .order_by(Visit.person_id, Visit.visited_at)
            )
            visible = visible_clause(ctx, Visit.person_id)
            if visible is not None:
                stmt = stmt.where(visible)
            for person_id, at, method in s.execute(stmt):
                out[person_id] = (at.date(), method)
    return out
