"""The member roster: add, edit, retire, find, import and export members."""

from __future__ import annotations

import bisect
import re
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.backups import backup_before_change
from app.core.codes import like_escape as _like_escape
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.phone import clean_phone
from app.core.text.kana import search_fold
from app.core.text.safety import strip_bidi
from app.roster import files as roster_files
from app.roster import households, likeness, people
from app.storage.database import Database
from app.storage.takeout import export_transaction, record_take_out
from db.models import Member, WatchAssignment

ACTIVE = "active"
RETIRED = "retired"
ROLE_NAMES = ("coordinator", "volunteer", "visitor")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class MemberInput:
    """What a person types into the member form (or one roster line brings)."""

    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    member_number: str = ""
    coop: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    roles: tuple[str, ...] = ()
    joined_on: date | None = None
    consent_contact: bool = False
    consent_photo: bool = False
    note: str = ""
    household: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberView(MemberInput, people.NamedView):
    """A stored member as services return it (a plain copy, not a live row)."""

    id: str = ""
    status: str = ACTIVE
    left_on: date | None = None
    version: str = ""


@dataclass(frozen=True)
class MemberRow:
    """One line of the member list: only what the list shows."""

    id: str
    name: str
    kana: str
    member_number: str
    phone: str
    coop: str
    status: str
    household: str = ""


@dataclass(frozen=True)
class ImportCandidate:
    """A file row added as a new member that may be an existing one: a pair to decide."""

    line: int
    id: str
    name: str
    member_number: str
    reasons: list[str]
    reasons_text: str


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    encoding: str = ""
    dry_run: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    candidates: list[ImportCandidate] = field(default_factory=list)


def normalise_input(data: MemberInput) -> MemberInput:
    """Validate and normalise a member's fields; names stay exactly as typed."""
    names = people.clean_names(data, _("A member needs a name."))
    postal = people.clean_postal_code(data.postal_code)
    phone = clean_phone(data.phone)
    mobile = clean_phone(data.mobile)
    email = data.email.strip()
    if email and not EMAIL_RE.match(email):
        raise UserError(_("“{value}” is not an e-mail address.").format(value=email))
    roles = tuple(r for r in ROLE_NAMES if r in data.roles)
    unknown = set(data.roles) - set(ROLE_NAMES)
    if unknown:
        raise UserError(_("Unknown role: {role}").format(role=", ".join(sorted(unknown))))
    return replace(
        data,
        **names,
        member_number=people.search_fold_digits(data.member_number).replace(" ", ""),
        coop=data.coop.strip(),
        postal_code=postal,
        address=data.address.strip(),
        phone=phone,
        mobile=mobile,
        email=email,
        roles=roles,
        note=strip_bidi(data.note.strip()),
        household=households.clean_household(data.household),
        tags=households.clean_tags(data.tags),
    )


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _derived(row: Member) -> None:
    """Recompute the sort key and the search text after any change."""
    row.reading_key, row.search_text = people.person_search_columns(
        row.family_name,
        row.given_name,
        row.family_kana,
        row.given_kana,
        row.member_number,
        _digits(row.phone),
        _digits(row.mobile),
    )


def _apply(row: Member, data: MemberInput) -> None:
    for name, value in asdict(data).items():
        if name in ("roles", "tags"):
            value = list(value)
        setattr(row, name, value)
    _derived(row)


def _view(row: Member) -> MemberView:
    return MemberView(
        id=row.id,
        family_name=row.family_name,
        given_name=row.given_name,
        family_kana=row.family_kana,
        given_kana=row.given_kana,
        member_number=row.member_number,
        coop=row.coop,
        postal_code=row.postal_code,
        address=row.address,
        phone=row.phone,
        mobile=row.mobile,
        email=row.email,
        roles=tuple(row.roles or ()),
        joined_on=row.joined_on,
        consent_contact=row.consent_contact,
        consent_photo=row.consent_photo,
        note=row.note,
        household=row.household,
        tags=tuple(row.tags or ()),
        status=row.status,
        left_on=row.left_on,
        version=row.version,
    )


def _load(s: Session, member_id: str) -> Member:
    row = s.get(Member, member_id)
    if row is None or row.deleted:
        raise UserError(_("No such member: {id}").format(id=member_id))
    return row


def add_member(ctx: Context, data: MemberInput) -> MemberView:
    """Add a member to the roster."""
    ctx.require(Permission.ROSTER_WRITE)
    clean = normalise_input(data)
    with ctx.db.transaction() as s:
        if clean.member_number:
            _refuse_duplicate_number(s, clean.member_number, None)
        row = Member(status=ACTIVE)
        _apply(row, clean)
        s.add(row)
        s.flush()
        return _view(row)


def _refuse_duplicate_number(s: Session, number: str, own_id: str | None) -> None:
    q = select(Member.id).where(Member.member_number == number, Member.deleted.is_(False))
    other = [i for i in s.scalars(q) if i != own_id]
    if other:
        raise UserError(_("Member number {number} is already in the roster.").format(number=number))


def update_member(ctx: Context, member_id: str, data: MemberInput) -> MemberView:
    """Change a member's details."""
    ctx.require(Permission.ROSTER_WRITE)
    clean = normalise_input(data)
    with ctx.db.transaction() as s:
        row = _load(s, member_id)
        if clean.member_number:
            _refuse_duplicate_number(s, clean.member_number, row.id)
        old_place, old_household = (row.postal_code, row.address), row.household
        _apply(row, clean)
        # Only when the edit left the household as it was: a new number is the user's choice.
        if row.household and row.household == old_household:
            housemates = list(
                s.scalars(
                    select(Member).where(
                        Member.household == row.household,
                        Member.id != row.id,
                        Member.deleted.is_(False),
                    )
                )
            )
            # Moved away from the rest of the household: no longer one piece of mail with them.
            if households.moved_out(row, *old_place, housemates):
                row.household = ""
        s.flush()
        return _view(row)


def retire_member(ctx: Context, member_id: str, on: date | None = None) -> MemberView:
    """Mark a member as retired (kept in the roster, hidden from the active list)."""
    ctx.require(Permission.ROSTER_WRITE)
    with ctx.db.transaction() as s:
        row = _load(s, member_id)
        row.status = RETIRED
        row.left_on = on or date.today()
        s.flush()
        return _view(row)


def reinstate_member(ctx: Context, member_id: str) -> MemberView:
    """Undo a retirement."""
    ctx.require(Permission.ROSTER_WRITE)
    with ctx.db.transaction() as s:
        row = _load(s, member_id)
        row.status = ACTIVE
        row.left_on = None
        s.flush()
        return _view(row)


# Members whose phones a watch-over volunteer may see: those who visit too.
VOLUNTEER_ROLES = frozenset({"volunteer", "visitor"})


def _contact_rule(ctx: Context, s: Session) -> Callable[[str, Sequence[str]], bool]:
    """Whether the actor may see a member's contact details, given the member's id and roles.

    roster.contact: everyone's. roster.contact_volunteers (a visitor): their own, fellow
    volunteers' and those who share a watched person with them. Otherwise nobody's.
    """
    if ctx.actor.can(Permission.ROSTER_CONTACT):
        return lambda _member_id, _roles: True
    if not ctx.actor.can(Permission.ROSTER_CONTACT_VOLUNTEERS):
        return lambda _member_id, _roles: False
    me = ctx.actor.member_id
    partners: set[str] = set()
    if me:
        mine = select(WatchAssignment.person_id).where(
            WatchAssignment.member_id == me, WatchAssignment.deleted.is_(False)
        )
        partners = set(
            s.scalars(
                select(WatchAssignment.member_id).where(
                    WatchAssignment.person_id.in_(mine), WatchAssignment.deleted.is_(False)
                )
            )
        )
        partners.add(me)
    return lambda member_id, roles: member_id in partners or bool(VOLUNTEER_ROLES & set(roles))


def get_member(ctx: Context, member_id: str) -> MemberView:
    """One member's details (contact details as the actor's role allows)."""
    ctx.require(Permission.ROSTER_READ)
    with ctx.db.transaction() as s:
        row = _load(s, member_id)
        view = _view(row)
        contact = _contact_rule(ctx, s)(row.id, row.roles or ())
    if not ctx.actor.can(Permission.ROSTER_WRITE):
        # Visitors see names, and phones only where the contact rule allows.
        view = MemberView(
            id=view.id,
            family_name=view.family_name,
            given_name=view.given_name,
            family_kana=view.family_kana,
            given_kana=view.given_kana,
            phone=view.phone if contact else "",
            mobile=view.mobile if contact else "",
            status=view.status,
        )
    return view


@dataclass
class _SearchIndex:
    """Every member's search text in gojūon order, as one string searched with str.find.

    SQLite's LIKE over 100,000 Japanese rows plus the ordered fetch takes 100+ ms; this takes a
    few ms. It is rebuilt when the roster's change counter moves (any write bumps local_seq).
    Each member's chapter is kept as a small number (`chapters`, codes in `chapter_codes`), so
    a chapter filter at headquarters costs one comparison per member, not a query.
    """

    stamp: tuple[int, int]
    ids: list[str]
    active: list[bool]
    starts: list[int]
    blob: str
    chapters: array[int] = field(default_factory=lambda: array("I"))
    chapter_codes: dict[str, int] = field(default_factory=dict)

    def find(
        self, terms: list[str], include_retired: bool, chapter_id: str | None = None
    ) -> list[str]:
        rows: set[int] | None = None
        for term in terms:
            hits: set[int] = set()
            pos = self.blob.find(term)
            while pos != -1:
                row = bisect.bisect_right(self.starts, pos) - 1
                hits.add(row)
                # Jump to the next member: one hit per member is enough.
                nxt = self.starts[row + 1] if row + 1 < len(self.starts) else len(self.blob)
                pos = self.blob.find(term, nxt)
            rows = hits if rows is None else rows & hits
            if not rows:
                return []
        if rows is None:
            selected: Iterable[int] = range(len(self.ids))
        else:
            selected = sorted(rows)
        if chapter_id is None:
            return [self.ids[r] for r in selected if include_retired or self.active[r]]
        code = self.chapter_codes.get(chapter_id)
        if code is None:
            return []
        chapters, active = self.chapters, self.active
        return [
            self.ids[r] for r in selected if chapters[r] == code and (include_retired or active[r])
        ]


# The index of an open database lives in its `caches` (app/storage/database.py) under this name.
_INDEX_CACHE = "members.search_index"
_INDEX_LOCK = threading.Lock()


def _search_index(s: Session, db: Database) -> _SearchIndex:
    stamp_row = s.execute(
        select(func.coalesce(func.max(Member.local_seq), 0), func.count()).select_from(Member)
    ).one()
    stamp = (int(stamp_row[0]), int(stamp_row[1]))
    with _INDEX_LOCK:
        index = db.caches.get(_INDEX_CACHE)
        if isinstance(index, _SearchIndex) and index.stamp == stamp:
            return index
        # Core rather than ORM rows, read by position: at 100,000 members the ORM's row
        # handling cost more than fetching the chapter column.
        rows = (
            s.connection()
            .execute(
                select(Member.id, Member.search_text, Member.status, Member.chapter_id)
                .where(Member.deleted.is_(False))
                .order_by(Member.reading_key, Member.id)
            )
            .all()
        )
        ids: list[str] = []
        active: list[bool] = []
        starts: list[int] = []
        parts: list[str] = []
        codes: dict[str, int] = {}
        chapter_codes: list[int] = []
        offset = 0
        for member_id, search_text, status, chapter_id in rows:
            ids.append(member_id)
            active.append(status == ACTIVE)
            chapter_codes.append(codes.setdefault(chapter_id or "", len(codes)))
            starts.append(offset)
            # The separator never occurs in folded text, so no match spans two members.
            text = search_text + "\x00"
            parts.append(text)
            offset += len(text)
        index = _SearchIndex(
            stamp, ids, active, starts, "".join(parts), array("I", chapter_codes), codes
        )
        db.caches[_INDEX_CACHE] = index
        return index


def search_ids(
    ctx: Context,
    query: str = "",
    include_retired: bool = False,
    *,
    chapter_id: str | None = None,
) -> list[str]:
    """Ids of the members matching `query`, in gojūon order (empty readings last).

    `chapter_id` keeps one chapter's members (headquarters); None keeps every chapter's.
    """
    ctx.require(Permission.ROSTER_READ)
    with ctx.db.transaction() as s:
        index = _search_index(s, ctx.db)
    return index.find(people.search_terms(query), include_retired, chapter_id)


def count_members(
    ctx: Context, include_retired: bool = False, *, chapter_id: str | None = None
) -> int:
    """How many members the roster holds (of one chapter, or of all with None)."""
    ctx.require(Permission.REPORTS_READ)
    stmt = select(func.count()).select_from(Member).where(Member.deleted.is_(False))
    if not include_retired:
        stmt = stmt.where(Member.status == ACTIVE)
    if chapter_id is not None:
        stmt = stmt.where(Member.chapter_id == chapter_id)
    with ctx.db.transaction() as s:
        return int(s.scalar(stmt) or 0)


def rows_for(ctx: Context, ids: Sequence[str]) -> list[MemberRow]:
    """The list lines of `ids`, in the order given."""
    ctx.require(Permission.ROSTER_READ)
    show_number = ctx.actor.can(Permission.ROSTER_WRITE)
    found: dict[str, MemberRow] = {}
    cols = (
        Member.id,
        Member.family_name,
        Member.given_name,
        Member.family_kana,
        Member.given_kana,
        Member.member_number,
        Member.phone,
        Member.mobile,
        Member.coop,
        Member.status,
        Member.roles,
        Member.household,
    )
    with ctx.db.transaction() as s:
        contact = _contact_rule(ctx, s)
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for r in s.execute(select(*cols).where(Member.id.in_(chunk))):
                found[r.id] = MemberRow(
                    id=r.id,
                    name=people.full_name(r.family_name, r.given_name),
                    kana=people.full_kana(r.family_kana, r.given_kana),
                    member_number=r.member_number if show_number else "",
                    phone=(r.phone or r.mobile) if contact(r.id, r.roles or ()) else "",
                    coop=r.coop if show_number else "",
                    status=r.status,
                    household=r.household if show_number else "",
                )
    return [found[i] for i in ids if i in found]


def list_members(
    ctx: Context,
    query: str = "",
    include_retired: bool = False,
    *,
    chapter_id: str | None = None,
    tags: Sequence[str] = (),
) -> list[MemberView]:
    """Full details of the matching members, in gojūon order (for scripts and export);
    with `tags`, only members in any of those groups."""
    ctx.require(Permission.ROSTER_READ)
    ids = search_ids(ctx, query, include_retired, chapter_id=chapter_id)
    if tags:
        carrying = households.member_ids_with_tags(ctx, tags)
        ids = [i for i in ids if i in carrying]
    rows: dict[str, MemberView] = {}
    with ctx.db.transaction() as s:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows.update(
                (m.id, _view(m)) for m in s.scalars(select(Member).where(Member.id.in_(chunk)))
            )
    views = [rows[i] for i in ids if i in rows]
    if not ctx.actor.can(Permission.ROSTER_WRITE):
        return [get_member(ctx, v.id) for v in views]
    return views


def resolve_member(ctx: Context, text: str) -> str:
    """A member id from any unique prefix of it, or a unique member number."""
    ctx.require(Permission.ROSTER_READ)
    text = text.strip()
    if not text:
        raise UserError(_("No member given."))
    with ctx.db.transaction() as s:
        ids = list(
            s.scalars(
                select(Member.id)
                .where(
                    Member.deleted.is_(False),
                    or_(
                        Member.id.like(f"{_like_escape(text)}%", escape="\\"),
                        Member.member_number == text,
                    ),
                )
                .limit(2)
            )
        )
    if not ids:
        raise UserError(_("No member matches “{text}”.").format(text=text))
    if len(ids) > 1:
        raise UserError(_("More than one member matches “{text}”.").format(text=text))
    return ids[0]


def _input_from_file_row(row: roster_files.MemberRow) -> MemberInput:
    return MemberInput(
        family_name=row.family_name,
        given_name=row.given_name,
        family_kana=row.family_kana,
        given_kana=row.given_kana,
        member_number=row.member_number,
        coop=row.coop,
        postal_code=row.postal_code,
        address=row.address,
        phone=row.phone,
        mobile=row.mobile,
        email=row.email,
        roles=tuple(row.roles),
        joined_on=row.joined_on,
        note=row.note,
        household=row.household,
        tags=tuple(row.tags),
        consent_contact=row.consent_contact,
    )


def _match_key(data: MemberInput) -> tuple[str, str, str]:
    return (
        search_fold(data.family_name + data.given_name),
        search_fold(data.family_kana + data.given_kana),
        (data.phone or data.mobile).replace("-", ""),
    )


def import_members(
    ctx: Context,
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Import a roster file whole or not at all; members already present are updated.

    A member matches by member number, else by name + reading + phone. Any bad row refuses
    the whole file, listing every bad row with its line number and reason.
    """
    ctx.require(Permission.ROSTER_WRITE)
    parsed = roster_files.parse_roster(path, mapping)
    problems = [
        _("Line {line}: {column}: {reason}").format(line=p.line, column=p.column, reason=p.reason)
        for p in parsed.problems
    ]
    inputs: list[tuple[int, MemberInput]] = []
    for row in parsed.rows:
        try:
            inputs.append((row.line, normalise_input(_input_from_file_row(row))))
        except UserError as exc:
            problems.append(_("Line {line}: {reason}").format(line=row.line, reason=exc.message))
    seen_numbers: dict[str, int] = {}
    for line, data in inputs:
        if data.member_number:
            if data.member_number in seen_numbers:
                problems.append(
                    _("Line {line}: member number {number} also on line {other}").format(
                        line=line, number=data.member_number, other=seen_numbers[data.member_number]
                    )
                )
            seen_numbers.setdefault(data.member_number, line)
    if problems:
        raise UserError(
            _("The file was not imported: {count} rows have problems.").format(count=len(problems)),
            details=problems,
        )
    report = ImportReport(encoding=parsed.encoding, dry_run=dry_run, columns=parsed.columns)
    if not dry_run:
        backup_before_change(ctx, "before import")
    try:
        _store_import(ctx, inputs, report, carried=set(parsed.columns.values()))
    except _DryRunDone:
        pass
    return report


def _note_candidates(index: object, line: int, data: MemberInput, report: ImportReport) -> None:
    """List the existing members a newly added row may be (at most three per row)."""
    assert isinstance(index, likeness.PersonIndex)
    person = likeness.make_person(
        "", likeness.MEMBER, data.family_name, data.given_name, data.family_kana,
        data.given_kana, (data.phone, data.mobile), data.postal_code, data.address,
    )  # fmt: skip
    for other, _score, reasons in index.matches(person)[:3]:
        report.candidates.append(
            ImportCandidate(
                line=line,
                id=other.id,
                name=other.name,
                member_number=other.member_number,
                reasons=list(reasons),
                reasons_text=", ".join(likeness.reason_text(r) for r in reasons),
            )
        )


class _DryRunDone(Exception):
    """Raised inside the import transaction of a dry run so that it rolls back."""


def _store_import(
    ctx: Context,
    inputs: list[tuple[int, MemberInput]],
    report: ImportReport,
    carried: set[str] | None = None,
) -> None:
    # A file without a 世帯番号 or グループ column leaves households and groups as they are.
    keeps = {"household", "tags"} - (carried if carried is not None else {"household", "tags"})
    with ctx.db.transaction() as s:
        existing = list(s.scalars(select(Member).where(Member.deleted.is_(False))))
        by_number = {m.member_number: m for m in existing if m.member_number}
        by_key = {_match_key(_view(m)): m for m in existing}
        index = likeness.member_index(s)
        for line, data in inputs:
            row = by_number.get(data.member_number) if data.member_number else None
            if row is None:
                row = by_key.get(_match_key(data))
                if row is not None and data.member_number and row.member_number:
                    # Same name, reading and phone under another member number: never a
                    # silent renumbering. The row comes in as a member of its own and the two
                    # are listed as a pair for a person to decide (members merge).
                    row = None
            if row is None:
                row = Member(status=ACTIVE)
                _apply(row, data)
                s.add(row)
                report.added += 1
                _note_candidates(index, line, data, report)
                continue
            before = _view(row)
            merged = replace(
                data,
                consent_contact=before.consent_contact or data.consent_contact,
                consent_photo=before.consent_photo or data.consent_photo,
                joined_on=data.joined_on or before.joined_on,
                **{name: getattr(before, name) for name in keeps},
            )
            if asdict(merged) == {k: v for k, v in asdict(before).items() if k in asdict(merged)}:
                report.unchanged += 1
                continue
            _apply(row, merged)
            report.updated += 1
        if report.dry_run:
            raise _DryRunDone


def export_members(
    ctx: Context,
    path: Path,
    *,
    encoding: str | None = None,
    replace_unencodable: bool = False,
    include_retired: bool = True,
) -> int:
    """Write the roster for Excel: XLSX or CSV by extension; returns how many members."""
    ctx.require(Permission.ROSTER_EXPORT)
    views = list_members(ctx, "", include_retired)
    rows = [
        roster_files.MemberRow(
            line=i + 2,
            family_name=v.family_name,
            given_name=v.given_name,
            family_kana=v.family_kana,
            given_kana=v.given_kana,
            member_number=v.member_number,
            coop=v.coop,
            postal_code=v.postal_code,
            address=v.address,
            phone=v.phone,
            mobile=v.mobile,
            email=v.email,
            note=v.note,
            joined_on=v.joined_on,
            roles=tuple(v.roles),
            household=v.household,
            tags=v.tags,
            consent_contact=v.consent_contact,
        )
        for i, v in enumerate(views)
    ]
    with export_transaction(ctx, path) as s:
        record_take_out(
            s,
            ctx,
            action="export",
            what=_("Member roster"),
            people=len(rows),
            special_care=False,
            encrypted=False,
            destination=str(path),
        )
        s.flush()
        # Written inside the entry's transaction: no roster leaves without its log line.
        roster_files.write_roster(path, rows, encoding=encoding, replace=replace_unencodable)
    return len(rows)
