"""From an event in the database to the printing engine's input, and the take-out log of prints.

Flyers carry no personal data. Attendance and sign-in sheets, name tags and the café year grid
list people, so writing them to a file (or a printer) is recorded in the take-out log with the
number of names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app import events
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.printing import (
    LABEL_LAYOUTS,
    Attendee,
    EventSheet,
    RenderResult,
    render_attendance,
    render_cafe_grid,
    render_name_tags,
    render_sign_in,
)
from app.printing.model import GUEST, MEMBER, TEMPLATES
from app.storage import chapter as chapter_service
from app.storage.audit import deny
from app.storage.fileio import write_atomically
from app.storage.takeout import export_transaction, record_take_out

FLYER = "flyer"
ATTENDANCE = "attendance"
SIGN_IN = "sign-in"
NAME_TAGS = "name-tags"
CAFE_GRID = "cafe-grid"
PRINT_KINDS: dict[str, str] = {
    FLYER: N_("Flyer"),
    ATTENDANCE: N_("Attendance sheet"),
    SIGN_IN: N_("Reception sign-in sheet"),
    NAME_TAGS: N_("Name tags"),
    CAFE_GRID: N_("Café year grid"),
}
PERSONAL = (ATTENDANCE, SIGN_IN, NAME_TAGS, CAFE_GRID)
PAPERS: dict[str, str] = {"A4": N_("A4"), "B5": N_("B5 (JIS)")}


def print_kind_label(kind: str) -> str:
    """A kind of print in the current language."""
    label = PRINT_KINDS.get(kind)
    return _(label) if label else kind


def templates_for(kind: str) -> dict[str, str]:
    """The choices of `--template` for a kind of print (name -> translated description):
    flyer templates, label-sheet layouts for name tags, paper sizes for the lists."""
    if kind == FLYER:
        return {name: _(text) for name, text in TEMPLATES.items()}
    if kind == NAME_TAGS:
        return {name: _(layout.description) for name, layout in LABEL_LAYOUTS.items()}
    return {name: _(text) for name, text in PAPERS.items()}


def default_template(kind: str) -> str:
    """What `--template` is when not given."""
    return next(iter(templates_for(kind)))


@dataclass(frozen=True)
class PrintJob:
    """What to print: the kind, the event, and the choices that shape the paper."""

    kind: str
    event_id: str
    template: str = ""
    occurrence_id: str | None = None
    fiscal_year: int | None = None
    paper: str = "A4"
    blank_rows: int = 10
    offset_mm: tuple[float, float] = (0.0, 0.0)
    outline: bool = False
    blank_tags: int = 0


@dataclass(frozen=True)
class PrintOutcome:
    """A made PDF: bytes (for a preview) or the file written, and what it holds."""

    kind: str
    what: str
    pages: int
    people: int
    data: bytes | None = None
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def personal(self) -> bool:
        """True when the paper lists people (take-out log on print or save)."""
        return self.kind in PERSONAL


def _occurrence_of(view: events.EventView, occurrence_id: str | None) -> events.OccurrenceView:
    for occ in view.occurrences:
        if occ.id == occurrence_id:
            return occ
    raise UserError(_("No such date: {id}").format(id=occurrence_id))


def event_sheet(ctx: Context, event_id: str, occurrence_id: str | None = None) -> EventSheet:
    """The engine's view of an event (of one date of a monthly event)."""
    view = events.get_event(ctx, event_id)
    return sheet_of(ctx, view, occurrence_id)


def sheet_of(ctx: Context, view: events.EventView, occurrence_id: str | None = None) -> EventSheet:
    """The engine's EventSheet from an EventView already read."""
    starts, ends = view.starts_at, view.ends_at
    if view.is_monthly:
        occurrence_id = occurrence_id or events.default_occurrence(view)
        if occurrence_id is not None:
            occ = _occurrence_of(view, occurrence_id)
            starts, ends = occ.starts_at, occ.ends_at
    if starts is None:
        raise UserError(
            _("{title} has no date yet; give it one before printing.").format(title=view.title)
        )
    description = view.description or view.detail
    if view.is_monthly and view.period_label:
        description = "\n".join(
            p for p in (_("Held: {when}").format(when=view.period_label), description) if p
        )
    info = chapter_service.current_chapter(ctx)
    image = Path(view.image_path) if view.image_path else None
    return EventSheet(
        title=view.title,
        starts=starts,
        ends=ends,
        catch=view.catch_copy,
        kind_label=view.kind_label,
        series_label=view.series_label,
        venue=view.venue,
        venue_access=view.venue_access,
        lecturers=tuple((lec.name, lec.affiliation) for lec in view.lecturers),
        organisers=tuple(p.display_name for p in view.partners if p.role == "organiser"),
        co_hosts=tuple(p.display_name for p in view.partners if p.role in ("co_host", "supporter")),
        fee_yen=view.fee_yen,
        capacity=view.capacity,
        apply_how=view.apply_how,
        apply_by=view.apply_by,
        contact=view.contact,
        description=description,
        qr_url=view.qr_url or None,
        image_path=image if image is not None and image.is_file() else None,
        chapter_name=info.name if info is not None else "",
    )


def attendee_of(reg: events.RegistrationView) -> Attendee:
    """The engine's Attendee from a registration."""
    return Attendee(
        family_name=reg.family_name,
        given_name=reg.given_name,
        family_kana=reg.family_kana,
        given_kana=reg.given_kana,
        kind=MEMBER if reg.is_member else GUEST,
        status=reg.status,
        attended=reg.attended,
        sort_key=reg.sort_key,
    )


def require_people(ctx: Context, what: str) -> None:
    """Refuse (and audit as denied) an account that may not list an event's people."""
    if not ctx.actor.can(Permission.EVENTS_PEOPLE):
        deny(ctx, Permission.EVENTS_PEOPLE, "print", what)


def attendees(ctx: Context, event_id: str, occurrence_id: str | None = None) -> list[Attendee]:
    """Everyone not cancelled for the event (or the date), in gojūon order."""
    require_people(ctx, ATTENDANCE)
    view = events.get_event(ctx, event_id)
    if view.is_monthly:
        occurrence_id = occurrence_id or events.default_occurrence(view)
    regs = events.list_registrations(ctx, event_id, occurrence_id, include_cancelled=False)
    return [attendee_of(r) for r in regs]


def cafe_participants(ctx: Context, event_id: str, fiscal_year: int) -> list[Attendee]:
    """The people who came to (or registered for) a monthly event in a fiscal year, once each."""
    require_people(ctx, CAFE_GRID)
    view = events.get_event(ctx, event_id)
    in_year = {
        o.id for o in view.occurrences if events.fiscal_year(o.starts_at.date()) == fiscal_year
    }
    regs = events.list_registrations(ctx, event_id, all_dates=True, include_cancelled=False)
    seen: dict[tuple[str, ...], Attendee] = {}
    for reg in regs:
        if reg.occurrence_id not in in_year and view.is_monthly:
            continue
        who = (reg.member_id,) if reg.member_id else ("", reg.name, reg.reading)
        seen.setdefault(who, attendee_of(reg))
    return list(seen.values())


def _count(people: Sequence[Attendee]) -> int:
    return sum(1 for a in people if a.status != events.REG_CANCELLED)


def render(ctx: Context, job: PrintJob, out: Path | None = None) -> PrintOutcome:
    """Make the PDF of `job`; with `out` the file is written and a print with names is
    recorded in the take-out log. Without `out` the bytes come back (for a preview)."""
    ctx.require(Permission.EVENTS_READ)
    if job.kind in PERSONAL:
        # A list of who comes is the roster by another name: coordinators only.
        require_people(ctx, job.kind)
    if job.kind not in PRINT_KINDS:
        raise UserError(
            _("Unknown kind of print {name}; use one of {choices}.").format(
                name=job.kind, choices=", ".join(PRINT_KINDS)
            )
        )
    template = job.template or default_template(job.kind)
    choices = templates_for(job.kind)
    if template not in choices and template.upper() not in choices:
        raise UserError(
            _("Unknown template {name}; use one of {choices}.").format(
                name=template, choices=", ".join(choices)
            )
        )
    view = events.get_event(ctx, job.event_id)
    occurrence_id = job.occurrence_id
    if view.is_monthly and occurrence_id is None:
        occurrence_id = events.default_occurrence(view)
    sheet = sheet_of(ctx, view, occurrence_id)
    paper = job.paper
    people: list[Attendee] = []
    result: RenderResult
    if job.kind == FLYER:
        from app.printing.flyer import render_flyer

        result = render_flyer(sheet, None, template=template, paper=paper)
    elif job.kind == NAME_TAGS:
        people = attendees(ctx, view.id, occurrence_id)
        result = render_name_tags(
            sheet,
            people,
            None,
            layout=template,
            offset_mm=job.offset_mm,
            outline=job.outline,
            blank_tags=job.blank_tags,
        )
    elif job.kind == CAFE_GRID:
        fy = job.fiscal_year
        if fy is None:
            fy = events.fiscal_year(sheet.starts.date())
        people = cafe_participants(ctx, view.id, fy)
        result = render_cafe_grid(sheet, people, fy, None, paper=template.upper())
    else:
        people = attendees(ctx, view.id, occurrence_id)
        render_list = render_attendance if job.kind == ATTENDANCE else render_sign_in
        result = render_list(sheet, people, None, blank_rows=job.blank_rows, paper=template.upper())
    data = result.output
    assert isinstance(data, bytes)
    outcome = PrintOutcome(
        kind=job.kind,
        what=f"{print_kind_label(job.kind)}: {view.title}",
        pages=result.pages,
        people=_count(people),
        data=data if out is None else None,
        path=Path(out) if out is not None else None,
        warnings=list(result.warnings),
    )
    if out is not None:
        if outcome.personal:
            # The file and its take-out entry in one transaction: neither without the other.
            with export_transaction(ctx, out) as s:
                _take_out(s, ctx, outcome, str(out))
                s.flush()
                write_atomically(out, data)
        else:
            write_atomically(out, data)
    return outcome


def record_output(ctx: Context, outcome: PrintOutcome, destination: str) -> None:
    """Log a print with names leaving the program (sent to a printer from the preview)."""
    if not outcome.personal:
        return
    with ctx.db.transaction() as s:
        _take_out(s, ctx, outcome, destination)


def _take_out(s: Session, ctx: Context, outcome: PrintOutcome, destination: str) -> None:
    record_take_out(
        s,
        ctx,
        action="print",
        what=outcome.what,
        people=outcome.people,
        special_care=False,
        encrypted=False,
        destination=destination,
    )
