"""Reaching members on paper: who gets a piece, then labels, postcards, the roster and call lists.

One selection serves every mailing: all active members, an event's registrants or a
hand-picked list; only members who agreed to be contacted (consent_contact), never retired
ones, never anyone without a postal address. With `per_household`, people at the same
postal code and address get one piece (連名, at most three names). The result says how many
pieces and who was left out and why, before anything prints. Every print with names is a
take-out: coordinators only, logged in the same transaction as the file is written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app import events
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.kanji_numerals import postal_digits
from app.core.text.safety import refuse_bad_name
from app.printing import address_labels, member_lists, postcards
from app.printing.common import date_ja
from app.printing.model import RenderResult
from app.roster import households
from app.storage.audit import deny
from app.storage.chapter import _get, _set, current_chapter
from app.storage.takeout import export_transaction, record_take_out
from db.models import Member, Registration

ACTIVE = "active"
MAX_SENDER_TEXT = 120
REG_CANCELLED = "cancelled"

NO_CONSENT = "no_consent"
RETIRED = "retired"
NO_ADDRESS = "no_address"
GUEST = "guest"


def reason_label(reason: str) -> str:
    """The left-out reason in words."""
    return {
        NO_CONSENT: _("has not agreed to be contacted"),
        RETIRED: _("retired"),
        NO_ADDRESS: _("no postal code or address"),
        GUEST: _("a guest, not on the roster"),
    }.get(reason, reason)


@dataclass(frozen=True)
class LeftOut:
    name: str
    reason: str


@dataclass(frozen=True)
class Recipients:
    """The pieces to print and the people left out (with why)."""

    pieces: tuple[postcards.Address, ...]
    people: int
    left_out: tuple[LeftOut, ...] = ()

    def summary(self) -> str:
        text = _("{pieces} pieces for {people} people").format(
            pieces=f"{len(self.pieces):,}", people=f"{self.people:,}"
        )
        if self.left_out:
            text += _("; {count} left out").format(count=f"{len(self.left_out):,}")
        return text


@dataclass(frozen=True)
class MailingPrint:
    """A mailing print: where it went, its pages and who it reached."""

    pages: int
    recipients: Recipients
    path: Path | None = None
    data: bytes | None = None
    warnings: list[str] = field(default_factory=list)


def _household_key(row: Member) -> tuple[str, str]:
    if row.household:
        return "household", row.household
    digits = postal_digits(row.postal_code)
    address = "".join(unicodedata.normalize("NFKC", row.address).split())
    return digits, address


def _name(row: Member | Registration) -> str:
    return "\u3000".join(p for p in (row.family_name, row.given_name) if p)


def select_recipients(
    ctx: Context,
    *,
    event_id: str | None = None,
    member_ids: Sequence[str] = (),
    tags: Sequence[str] = (),
    per_household: bool = False,
) -> Recipients:
    """Who a mailing reaches: an event's registrants, the members given, members in any of
    `tags`, or all active ones (the first of these given). With `per_household`, a household
    (世帯番号) gets one piece, and so do members without one who live at the same address."""
    ctx.require(Permission.ROSTER_EXPORT)
    left: list[LeftOut] = []
    tagged = households.member_ids_with_tags(ctx, tags) if tags else None
    with ctx.db.transaction() as s:
        stmt = select(Member).where(Member.deleted.is_(False))
        if event_id is not None:
            event_id = events.resolve_event(ctx, event_id)
            regs = list(
                s.scalars(
                    select(Registration).where(
                        Registration.event_id == event_id,
                        Registration.deleted.is_(False),
                        Registration.status != REG_CANCELLED,
                    )
                )
            )
            left += [LeftOut(_name(r), GUEST) for r in regs if not r.member_id]
            wanted = {r.member_id for r in regs if r.member_id}
            stmt = stmt.where(Member.id.in_(wanted))
        elif member_ids:
            stmt = stmt.where(Member.id.in_(list(member_ids)))
        elif tagged is not None:
            stmt = stmt.where(Member.id.in_(sorted(tagged)))
        else:
            stmt = stmt.where(Member.status == ACTIVE)
        chosen: list[Member] = []
        for row in s.scalars(stmt.order_by(Member.reading_key, Member.id)):
            if row.status != ACTIVE:
                left.append(LeftOut(_name(row), RETIRED))
            elif not row.consent_contact:
                left.append(LeftOut(_name(row), NO_CONSENT))
            elif not row.address.strip() or not postal_digits(row.postal_code):
                left.append(LeftOut(_name(row), NO_ADDRESS))
            else:
                chosen.append(row)
        groups: dict[tuple[str, str], list[Member]] = {}
        for row in chosen:
            key = _household_key(row) if per_household else (row.id, "")
            groups.setdefault(key, []).append(row)
        pieces = tuple(
            postcards.Address(
                postal_code=rows[0].postal_code,
                address=rows[0].address,
                names=tuple(postcards.Name(r.family_name, r.given_name) for r in rows),
            )
            for rows in groups.values()
        )
    return Recipients(pieces=pieces, people=len(chosen), left_out=tuple(left))


# --- the chapter's return address ------------------------------------------------------------


def return_address(ctx: Context) -> postcards.Sender:
    """The sender printed on postcards and labels; the chapter's name until one is set."""
    chapter = current_chapter(ctx)
    stored = _get(ctx, "return_address", None) or {}
    return postcards.Sender(
        postal_code=str(stored.get("postal_code", "")),
        address=str(stored.get("address", "")),
        name=str(stored.get("name", "")) or (chapter.name if chapter else ""),
    )


def _sender_text(text: str) -> str:
    """A line of the return address: no control or direction marks, short enough to print."""
    value = refuse_bad_name(" ".join(text.split()))
    if len(value) > MAX_SENDER_TEXT:
        raise UserError(
            _("The return address may have at most {count} characters.").format(
                count=MAX_SENDER_TEXT
            )
        )
    return value


def set_return_address(
    ctx: Context,
    *,
    postal_code: str | None = None,
    address: str | None = None,
    name: str | None = None,
) -> postcards.Sender:
    """Change what is given of the return address; the rest stays."""
    ctx.require(Permission.ADMIN)
    current = return_address(ctx)
    postal = current.postal_code if postal_code is None else postal_code.strip()
    if postal and not postal_digits(postal):
        raise UserError(_("A postal code has seven digits: {value}").format(value=postal))
    value = {
        "postal_code": postal,
        "address": current.address if address is None else _sender_text(address),
        "name": current.name if name is None else _sender_text(name),
    }
    _set(ctx, {"return_address": value})
    return return_address(ctx)


# --- prints -----------------------------------------------------------------------------------


def _pdf_target(out: Path | None) -> None:
    if out is not None and Path(out).suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))


def _render_logged(
    ctx: Context, out: Path | None, what: str, people: int, render: object
) -> RenderResult:
    """Render (a callable taking the output path) inside an export transaction with its log."""
    assert callable(render)
    if out is None:
        done: RenderResult = render(None)
        return done
    with export_transaction(ctx, out) as s:
        done = render(out)
        record_take_out(
            s,
            ctx,
            action="print",
            what=what,
            people=people,
            special_care=False,
            encrypted=False,
            destination=str(out),
        )
    return done


def _outcome(done: RenderResult, recipients: Recipients) -> MailingPrint:
    return MailingPrint(
        pages=done.pages,
        recipients=recipients,
        path=done.output if isinstance(done.output, Path) else None,
        data=done.output if isinstance(done.output, bytes) else None,
        warnings=list(done.warnings),
    )


def _refuse_visitor(ctx: Context, what: str) -> None:
    if not ctx.actor.can(Permission.ROSTER_EXPORT):
        deny(ctx, Permission.ROSTER_EXPORT, "print", what)


def print_labels(
    ctx: Context,
    out: Path | None,
    *,
    event_id: str | None = None,
    member_ids: Sequence[str] = (),
    tags: Sequence[str] = (),
    per_household: bool = False,
    layout: str = "24",
    start: int = 1,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    outline: bool = False,
    sender: bool = False,
) -> MailingPrint:
    """Address labels for the selection; refused before anything is written."""
    _refuse_visitor(ctx, "labels")
    _pdf_target(out)
    address_labels.sheet_for(layout)
    chosen = select_recipients(
        ctx, event_id=event_id, member_ids=member_ids, tags=tags, per_household=per_household
    )
    if not chosen.pieces:
        raise UserError(_("No one to send to: {summary}.").format(summary=chosen.summary()))
    from_ = return_address(ctx) if sender else None
    done = _render_logged(
        ctx,
        out,
        "labels",
        chosen.people,
        lambda path: address_labels.render_labels(
            chosen.pieces,
            path,
            layout=layout,
            start=start,
            offset_mm=offset_mm,
            outline=outline,
            sender=from_,
        ),
    )
    return _outcome(done, chosen)


def print_postcards(
    ctx: Context,
    out: Path | None,
    *,
    event_id: str | None = None,
    member_ids: Sequence[str] = (),
    tags: Sequence[str] = (),
    per_household: bool = False,
    sender: bool = False,
    outline: bool = False,
) -> MailingPrint:
    """はがき宛名, vertical, one card per piece."""
    _refuse_visitor(ctx, "postcards")
    _pdf_target(out)
    chosen = select_recipients(
        ctx, event_id=event_id, member_ids=member_ids, tags=tags, per_household=per_household
    )
    if not chosen.pieces:
        raise UserError(_("No one to send to: {summary}.").format(summary=chosen.summary()))
    from_ = return_address(ctx) if sender else None
    if from_ is not None and not from_.address:
        raise UserError(
            _("Set the chapter's return address first (print postcards --from-address …).")
        )
    done = _render_logged(
        ctx,
        out,
        "postcards",
        chosen.people,
        lambda path: postcards.render_postcards(chosen.pieces, path, sender=from_, outline=outline),
    )
    return _outcome(done, chosen)


def print_roster(
    ctx: Context,
    out: Path | None,
    *,
    columns: Sequence[str] = member_lists.DEFAULT_ROSTER_COLUMNS,
    tags: Sequence[str] = (),
    paper: str = "A4",
    today: date | None = None,
) -> MailingPrint:
    """名簿 of the active members (of any of `tags`) in gojūon order with index headings."""
    _refuse_visitor(ctx, "roster")
    _pdf_target(out)
    unknown = [c for c in columns if c not in member_lists.ROSTER_COLUMNS]
    if unknown:
        raise UserError(
            _("Unknown roster column {name}; use {choices}.").format(
                name=unknown[0], choices=", ".join(member_lists.ROSTER_COLUMNS)
            )
        )
    tagged = households.member_ids_with_tags(ctx, tags) if tags else None
    with ctx.db.transaction() as s:
        stmt = select(Member).where(Member.deleted.is_(False), Member.status == ACTIVE)
        if tagged is not None:
            stmt = stmt.where(Member.id.in_(sorted(tagged)))
        rows = list(s.scalars(stmt.order_by(Member.reading_key, Member.id)))
        entries = [
            member_lists.RosterEntry(
                name=_name(r),
                reading="\u3000".join(p for p in (r.family_kana, r.given_kana) if p),
                member_number=r.member_number,
                postal_code=r.postal_code,
                address=r.address,
                phone=r.phone,
                mobile=r.mobile,
                email=r.email,
            )
            for r in rows
        ]
    chapter = current_chapter(ctx)
    chosen = Recipients(pieces=(), people=len(entries))
    done = _render_logged(
        ctx,
        out,
        "roster",
        len(entries),
        lambda path: member_lists.render_member_roster(
            entries,
            path,
            chapter=chapter.name if chapter else "",
            columns=columns,
            paper=paper,
            printed_on=today,
        ),
    )
    return _outcome(done, chosen)


def print_call_list(
    ctx: Context,
    event_id: str,
    out: Path | None,
    *,
    occurrence_id: str | None = None,
    paper: str = "A4",
    today: date | None = None,
) -> MailingPrint:
    """連絡網 for an event's registrants (or one date's): names, numbers, a tick column."""
    if not ctx.actor.can(Permission.EVENTS_PEOPLE) or not ctx.actor.can(Permission.ROSTER_CONTACT):
        deny(ctx, Permission.ROSTER_CONTACT, "print", "call list")
    _pdf_target(out)
    event_id = events.resolve_event(ctx, event_id)
    view = events.get_event(ctx, event_id)
    if view.is_monthly:
        occurrence_id = occurrence_id or events.default_occurrence(view)
    regs = events.list_registrations(ctx, event_id, occurrence_id, include_cancelled=False)
    member_ids = [r.member_id for r in regs if r.member_id]
    with ctx.db.transaction() as s:
        phones = {
            m.id: (m.phone or m.mobile)
            for m in s.scalars(select(Member).where(Member.id.in_(member_ids)))
        }
    entries = [
        member_lists.CallEntry(
            name=r.name,
            reading=r.reading,
            phone=phones.get(r.member_id or "", "") or r.contact,
            note=_("wait-listed") if r.status == "waitlisted" else "",
        )
        for r in regs
    ]
    when = view.starts_at
    if occurrence_id:
        when = next((o.starts_at for o in view.occurrences if o.id == occurrence_id), when)
    chapter = current_chapter(ctx)
    chosen = Recipients(pieces=(), people=len(entries))
    done = _render_logged(
        ctx,
        out,
        "call list",
        len(entries),
        lambda path: member_lists.render_call_list(
            entries,
            path,
            event_title=view.title,
            event_when=date_ja(when) if when else "",
            chapter=chapter.name if chapter else "",
            paper=paper,
            printed_on=today,
        ),
    )
    return _outcome(done, chosen)


def record_output(ctx: Context, what: str, people: int, destination: str) -> None:
    """Log a previewed mailing that was then printed or saved (the window's path)."""
    with ctx.db.transaction() as s:
        record_take_out(
            s,
            ctx,
            action="print",
            what=what,
            people=people,
            special_care=False,
            encrypted=False,
            destination=destination,
        )
