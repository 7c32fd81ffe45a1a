"""Watch-over paper: each volunteer's round sheet and blank visit forms to fill in by hand."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import watch
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing.common import (
    BLACK,
    BODY_PT,
    CREATOR,
    WHITE,
    centred,
    date_ja,
    page_size,
    style,
    table_style,
    write_pdf,
)
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, register_family
from app.printing.text import TextGuard, paragraph
from app.roster.members import resolve_member
from app.storage.audit import record_audit
from app.storage.chapter import current_chapter
from app.storage.takeout import record_take_out
from app.watch import visits
from db.models import WatchedPerson

MARGIN = 12 * mm
BOX = "\u25a1"  # □, a box to tick by hand; in the font, and read back as text
BOX_PT = 17.0
FORM_ROW = 12 * mm
NOTE_LINES = 6


# --- plain inputs of the renderer --------------------------------------------------------


@dataclass(frozen=True)
class RoundEntry:
    """One person on a volunteer's round sheet."""

    name: str
    reading: str = ""
    address: str = ""
    phone: str = ""
    last_contact: date | None = None
    last_method: str = ""
    due_on: date | None = None
    watch_for: str = ""
    preferred_method: str = ""


@dataclass(frozen=True)
class RoundSheet:
    """A volunteer's round: their people, in the order to visit them."""

    volunteer_name: str
    volunteer_phone: str = ""
    entries: tuple[RoundEntry, ...] = ()


@dataclass(frozen=True)
class FormLabels:
    """What the blank form offers to tick, in the language of the print."""

    methods: tuple[str, ...]
    results: tuple[str, ...]
    outcomes: tuple[str, ...]
    signs: tuple[str, ...]
    referrals: tuple[str, ...]


@dataclass(frozen=True)
class WatchPrint:
    """What a round-sheet print produced."""

    pages: int
    people: int
    volunteers: int
    special_care: bool
    data: bytes | None = None
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)


# --- pages ----------------------------------------------------------------------------------


class _Section(Flowable):
    """Marks where one volunteer's packet starts; page numbers count within a packet."""

    def __init__(self, index: int, running: str) -> None:
        super().__init__()
        self.index = index
        self.running = running

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.canv._tsunagu_section = (self.index, self.running)


def _canvas_class(
    chapter: str, printed: str, notice: str, pagesize: tuple[float, float], made: list[int]
) -> type[Canvas]:
    """Pages held back to the end, so each shows "n / N" of its own volunteer's packet."""
    width, height = pagesize

    class SectionCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("lang", "ja-JP")
            kwargs["initialFontName"] = register_family(GOTHIC)
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []
            self._tsunagu_section: tuple[int, str] = (0, "")

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            totals: dict[int, int] = {}
            for state in self._saved:
                index = state["_tsunagu_section"][0]
                totals[index] = totals.get(index, 0) + 1
            seen: dict[int, int] = {}
            for state in self._saved:
                self.__dict__.update(state)
                index, running = state["_tsunagu_section"]
                seen[index] = seen.get(index, 0) + 1
                self._decorate(running, seen[index], totals[index])
                Canvas.showPage(self)
            made.append(len(self._saved))
            Canvas.save(self)

        def _decorate(self, running: str, page: int, count: int) -> None:
            self.saveState()
            self.setFillColor(BLACK)
            top = height - MARGIN + 2 * mm
            self.setFont(GOTHIC_BOLD, 12)
            self.drawString(MARGIN, top, running)
            self.setFont(GOTHIC, 10)
            self.drawRightString(width - MARGIN, top, printed)
            # Baselines 7 mm up: descenders stay clear of the 5 mm printers cannot reach.
            self.drawString(MARGIN, 7 * mm, chapter)
            # A line of its own: in Japanese the notice is as wide as the page.
            self.drawCentredString(width / 2, MARGIN - 0.8 * mm, notice)
            self.setFont(GOTHIC_BOLD, 12)
            self.drawCentredString(width / 2, 7 * mm, f"{page} / {count}")
            self.restoreState()

    return SectionCanvas


def _head_cells(guard: TextGuard, labels: Sequence[str]) -> list[Flowable]:
    st = centred("rs-head", BODY_PT, bold=True, proportional=False, color=WHITE)
    return [paragraph(guard.markup(label), st) for label in labels]


def _round_table(guard: TextGuard, sheet: RoundSheet, width: float) -> Table:
    # The date column holds "2026/10/3(土)" on one line; the rest share what is left, so a
    # B5 sheet narrows the text columns instead of squeezing the dates and the heading.
    fixed = 9 * mm + 34 * mm
    rest = width - fixed
    cols = [9 * mm, rest * 0.28, rest * 0.32, 34 * mm]
    cols.append(width - sum(cols))
    body = style("rs-body", BODY_PT, proportional=False)
    small = style("rs-small", BODY_PT, proportional=False, leading=BODY_PT * 1.25)
    name_st = style("rs-name", 14, bold=True, proportional=False)
    reading_st = style("rs-reading", 10, proportional=False)
    data: list[list[Any]] = [
        _head_cells(
            guard,
            [
                _("No."),
                _("Name"),
                _("Address / phone"),
                _("Last contact / due"),
                _("What to watch for"),
            ],
        )
    ]
    for n, e in enumerate(sheet.entries, start=1):
        name_cell = [paragraph(guard.markup(e.name), name_st)]
        if e.reading:
            name_cell.insert(0, paragraph(guard.markup(e.reading), reading_st))
        if e.preferred_method:
            name_cell.append(paragraph(guard.markup(e.preferred_method), reading_st))
        place = [paragraph(guard.markup(e.address or "—"), small)]
        if e.phone:
            place.append(paragraph(guard.markup(_("Tel. {phone}").format(phone=e.phone)), body))
        last = _short_date(e.last_contact) if e.last_contact else _("not yet")
        when = [paragraph(guard.markup(last), body)]
        if e.last_method:
            when.append(paragraph(guard.markup(e.last_method), reading_st))
        if e.due_on:
            due = _("due {date}").format(date=_short_date(e.due_on))
            when.append(paragraph(guard.markup(due), body))
        data.append(
            [
                paragraph(guard.markup(str(n)), body),
                name_cell,
                place,
                when,
                paragraph(guard.markup(e.watch_for), small),
            ]
        )
    if not sheet.entries:
        data.append(["", paragraph(guard.markup(_("Nobody is assigned.")), body), "", "", ""])
    table = Table(data, colWidths=cols, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.9, BLACK),
                ("BOX", (0, 0), (-1, -1), 2.0, BLACK),
                ("BACKGROUND", (0, 0), (-1, 0), BLACK),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("MINROWHEIGHT", (0, 1), (-1, -1), 22 * mm),
            ],
            GOTHIC,
        )
    )
    return table


def _short_date(d: date) -> str:
    return f"{d.year}/{d.month}/{d.day}({_weekday(d)})"


def _weekday(d: date) -> str:
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return names[d.weekday()]


def _ticks(guard: TextGuard, labels: Sequence[str], columns: int, width: float) -> Table:
    """Labels each behind a box to tick, in `columns` columns."""
    st = style("tick", BODY_PT, proportional=True, leading=BODY_PT * 1.3)
    # Fewer columns rather than a label broken into one-character lines (「様 / 子」).
    box_w = stringWidth(BOX + "\u2002", st.fontName, BOX_PT) + 2
    widest = max((stringWidth(label, st.fontName, BODY_PT) for label in labels), default=0.0)
    while columns > 1 and width / columns < box_w + widest + 6:
        columns -= 1
    cells: list[Any] = [
        paragraph(f'<font size="{BOX_PT}">{BOX}</font>\u2002' + guard.markup(label), st)
        for label in labels
    ]
    rows: list[list[Any]] = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    if rows:
        rows[-1] += [""] * (columns - len(rows[-1]))
    table = Table(rows or [[""]], colWidths=[width / columns] * columns)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


class _Ruled(Flowable):
    """Lines to write on."""

    def __init__(self, lines: int, pitch: float = 8 * mm) -> None:
        super().__init__()
        self.lines = lines
        self.pitch = pitch
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.lines * self.pitch

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.5)
        c.setDash(1, 2)
        for k in range(1, self.lines):
            c.line(0, k * self.pitch, self.width, k * self.pitch)


def _blank_form(
    guard: TextGuard,
    labels: FormLabels,
    width: float,
    height: float,
    person: RoundEntry | None = None,
    visitor: str = "",
) -> Flowable:
    """One visit form, one page: who, when, how, what was seen, how serious, notes, next
    visit. Rows are tall and the boxes large: it is filled in by hand, often standing.
    With `person` (a round sheet's entry) the person and the visitor are printed in."""
    label_w = 32 * mm
    inner = width - label_w - 6
    head = style("form-head", 18, bold=True)
    lab = style("form-label", 13, bold=True, proportional=False)
    body = style("form-body", 14, proportional=False)

    def row(name: str, content: Any) -> list[Any]:
        return [paragraph(guard.markup(name), lab), content]

    # The blanks to write in are the program's, the words around them the translator's.
    # No-break spaces: a Paragraph would fold ordinary (and ideographic) spaces into one.
    gap, short = "\u00a0" * 7, "\u00a0" * 4
    blank_date = _("{month} / {day} ({weekday})   {hour} : {minute}").format(
        month=gap, day=gap, weekday=short, hour=gap, minute=gap
    )
    blank_day = _("{month} / {day} ({weekday})").format(month=gap, day=gap, weekday=short)
    data = [
        [paragraph(guard.markup(_("Watch-over visit record")), head), ""],
        row(_("Person"), paragraph(guard.markup(person.name), body) if person else ""),
        row(_("Date and time"), paragraph(guard.markup(blank_date), body)),
        row(_("Visitor"), paragraph(guard.markup(visitor), body) if person and visitor else ""),
        row(_("How"), _ticks(guard, labels.methods, 4, inner)),
        row(_("Result"), _ticks(guard, labels.results, 3, inner)),
        row(_("Signs"), _ticks(guard, labels.signs, 2, inner)),
        row(_("Outcome"), _ticks(guard, labels.outcomes, 4, inner)),
        row(_("Notes"), _Ruled(NOTE_LINES, 10 * mm)),
        row(_("Contacted"), _ticks(guard, labels.referrals, 3, inner)),
        row(_("Next visit"), paragraph(guard.markup(blank_day), body)),
    ]
    table = Table(data, colWidths=[label_w, width - label_w])
    commands: list[tuple[Any, ...]] = [
        ("SPAN", (0, 0), (1, 0)),
        ("BOX", (0, 0), (-1, -1), 2.0, BLACK),
        ("GRID", (0, 1), (-1, -1), 0.9, BLACK),
        ("LINEBELOW", (0, 0), (-1, 0), 2.0, BLACK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("MINROWHEIGHT", (0, 1), (-1, -1), FORM_ROW),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    table.setStyle(table_style(commands, GOTHIC))
    # Long labels (a language, a long checklist) shrink the form rather than split it.
    return KeepInFrame(width, height, [table], mode="shrink")


def render_visit_forms(
    sheets: Sequence[RoundSheet],
    labels: FormLabels,
    out: Path | None,
    *,
    chapter_name: str = "",
    printed_on: date | None = None,
    blank_forms: int = 4,
    paper: str = "A4",
    prefilled: bool = False,
) -> tuple[Path | bytes, int, list[str]]:
    """Each volunteer's packet: their round sheet, then `blank_forms` visit forms; with
    `prefilled`, first one form per person on the sheet with the person and visitor printed.

    Every page repeats the sheet's heading and the table's header row and counts "n / N"
    within its volunteer's packet. With no sheets, only the blank forms are printed.
    Returns (the file written or the PDF bytes, page count, warnings).
    """
    pagesize = page_size(paper)
    width = pagesize[0] - 2 * MARGIN
    # The frame inside the margins, less the padding ReportLab keeps around it.
    frame_height = pagesize[1] - 2 * MARGIN - 8 * mm - 12
    guard = TextGuard(GOTHIC)
    printed = printed_on or date.today()
    title_st = style("rs-title", 20, bold=True)
    info_st = style("rs-info", 14, bold=False)
    notice = _("Personal data: keep it safe; shred when done")
    story: list[Flowable] = []
    packets: list[RoundSheet | None] = list(sheets) or [None]
    for index, sheet in enumerate(packets):
        if index:
            story.append(PageBreak())
        if sheet is None:
            running = _("Watch-over visit records")
            story.append(_Section(index, guard.text(running)))
        else:
            running = _("Watch-over round sheet — {name}").format(name=sheet.volunteer_name)
            story.append(_Section(index, guard.text(running)))
            story.append(paragraph(guard.markup(_("Watch-over round sheet")), title_st))
            who = _("Volunteer: {name}").format(name=sheet.volunteer_name)
            if sheet.volunteer_phone:
                who += "\u3000" + _("Tel. {phone}").format(phone=sheet.volunteer_phone)
            story.append(paragraph(guard.markup(who), info_st))
            count = _("{count} people").format(count=len(sheet.entries))
            story.append(paragraph(guard.markup(count), info_st))
            story.append(Spacer(1, 4 * mm))
            story.append(_round_table(guard, sheet, width))
            story.append(PageBreak())
        forms: list[Flowable] = []
        if prefilled and sheet is not None:
            forms += [
                _blank_form(guard, labels, width, frame_height, e, sheet.volunteer_name)
                for e in sheet.entries
            ]
        forms += [_blank_form(guard, labels, width, frame_height) for _n in range(blank_forms)]
        if not forms and sheet is not None:
            story.pop()  # the round sheet's own page break: nothing follows it
        for n, form in enumerate(forms):
            if n:
                story.append(PageBreak())
            story.append(form)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 5 * mm,
        bottomMargin=MARGIN + 3 * mm,
        title=_("Watch-over round sheets"),
        author=chapter_name or CREATOR,
        subject=_("Watch-over round sheets"),
        creator=CREATOR,
        lang="ja-JP",
        initialFontName=register_family(GOTHIC),
    )
    made: list[int] = []
    canvas_class = _canvas_class(
        guard.text(chapter_name), guard.text(date_ja(printed)), guard.text(notice), pagesize, made
    )
    doc.build(story, canvasmaker=canvas_class)
    return write_pdf(buffer.getvalue(), out), made[-1] if made else 0, guard.warnings


# --- the service --------------------------------------------------------------------------


def form_labels(ctx: Context) -> FormLabels:
    """The tick boxes of the blank form: methods, results, outcomes, the active signs."""
    return FormLabels(
        methods=tuple(_(v) for v in watch.METHODS.values()),
        results=tuple(_(v) for v in visits.CONTACT_RESULTS.values()),
        outcomes=tuple(_(v) for v in visits.OUTCOMES.values()),
        signs=tuple(s.label for s in visits.sign_checklist(ctx)),
        referrals=tuple(_(v) for v in watch.REFERRAL_KINDS.values()),
    )


def _entries_for(
    ctx: Context, person_ids: Sequence[str], today: date
) -> tuple[list[RoundEntry], set[str]]:
    last = visits.last_contacts(ctx, person_ids)
    entries: list[RoundEntry] = []
    notes: set[str] = set()
    with ctx.db.transaction() as s:
        found = {
            p.id: p
            for p in s.scalars(select(WatchedPerson).where(WatchedPerson.id.in_(person_ids)))
        }
    for person_id in person_ids:
        p = found[person_id]
        contact = last.get(person_id)
        state = visits.due_state(
            today, p.visit_interval_days, contact[0] if contact else None, p.started_on
        )
        if p.watch_for:
            notes.add(person_id)
        entries.append(
            RoundEntry(
                name=f"{p.family_name}\u3000{p.given_name}".strip("\u3000"),
                reading=f"{p.family_kana} {p.given_kana}".strip(),
                address=p.address,
                phone=p.phone,
                last_contact=contact[0] if contact else None,
                last_method=watch.label(watch.METHODS, contact[1]) if contact else "",
                due_on=state.due_on,
                watch_for=p.watch_for,
                preferred_method=watch.label(watch.METHODS, p.preferred_method),
            )
        )
    return entries, notes


def _unassigned_ids(ctx: Context) -> list[str]:
    return [r.id for r in watch.list_people(ctx) if not r.volunteers]


def print_visit_forms(
    ctx: Context,
    out: Path | None,
    volunteer_id: str | None = None,
    *,
    today: date | None = None,
    blank_forms: int = 4,
    paper: str = "A4",
    prefilled: bool = False,
) -> WatchPrint:
    """Round sheets (one volunteer, or every volunteer with people) and blank visit forms.

    Written to `out`, the print is recorded in the take-out log and the audit log; without
    `out` the PDF bytes come back for a preview. Coordinators only: the sheets carry names,
    addresses and what to watch for.
    """
    ctx.require(Permission.WATCH_EXPORT)
    today = today or date.today()
    if out is not None and Path(out).suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))
    if volunteer_id:
        volunteer_id = resolve_member(ctx, volunteer_id)
        chosen = [v for v in watch.volunteer_choices(ctx) if v.id == volunteer_id]
        volunteers = chosen or [v for v in watch.assigned_volunteers(ctx) if v.id == volunteer_id]
        if not volunteers:
            raise UserError(_("That member is not a volunteer."))
    else:
        volunteers = watch.assigned_volunteers(ctx)
    sheets: list[RoundSheet] = []
    people: set[str] = set()
    with_notes: set[str] = set()
    for v in volunteers:
        ids = [r.id for r in watch.list_people(ctx, volunteer_id=v.id)]
        entries, notes = _entries_for(ctx, ids, today)
        people.update(ids)
        with_notes |= notes
        sheets.append(RoundSheet(v.name, v.phone, tuple(entries)))
    if not volunteer_id:
        loose = _unassigned_ids(ctx)
        if loose:
            entries, notes = _entries_for(ctx, loose, today)
            people.update(loose)
            with_notes |= notes
            sheets.append(RoundSheet(_("No volunteer assigned yet"), "", tuple(entries)))
    chapter = current_chapter(ctx)
    output, pages, warnings = render_visit_forms(
        sheets,
        form_labels(ctx),
        out,
        chapter_name=chapter.name if chapter else "",
        printed_on=today,
        blank_forms=blank_forms,
        paper=paper,
        prefilled=prefilled,
    )
    result = WatchPrint(
        pages=pages,
        people=len(people),
        volunteers=len(sheets),
        # What to watch for is free text about the person's condition: special care.
        special_care=bool(with_notes),
        data=output if isinstance(output, bytes) else None,
        path=output if isinstance(output, Path) else None,
        warnings=warnings,
    )
    with ctx.db.transaction() as s:
        if out is None:
            record_audit(s, ctx, "view", "round_sheet", volunteer_id or "", f"{len(people)}")
        else:
            _record(s, ctx, result, str(out), volunteer_id)
    return result


def record_printed(ctx: Context, result: WatchPrint, destination: str) -> None:
    """Log round sheets sent to a printer from the preview (the window's Print button)."""
    ctx.require(Permission.WATCH_EXPORT)
    with ctx.db.transaction() as s:
        _record(s, ctx, result, destination, None)


def _record(
    s: Session, ctx: Context, result: WatchPrint, destination: str, who: str | None
) -> None:
    if result.people:
        record_take_out(
            s,
            ctx,
            action="print",
            what=_("Watch-over round sheets"),
            people=result.people,
            special_care=result.special_care,
            encrypted=False,
            destination=destination,
        )
    record_audit(s, ctx, "print", "round_sheet", who or "", f"{result.people} people")


def print_blank_forms(
    ctx: Context, out: Path | None, count: int = 4, paper: str = "A4"
) -> WatchPrint:
    """Blank visit forms only: no personal data, so visitors may print them too."""
    watch.require_access(ctx)
    if not 1 <= count <= 100:
        raise UserError(_("Print between 1 and 100 forms."))
    chapter = current_chapter(ctx)
    output, pages, warnings = render_visit_forms(
        [],
        form_labels(ctx),
        out,
        chapter_name=chapter.name if chapter else "",
        blank_forms=count,
        paper=paper,
    )
    return WatchPrint(
        pages=pages,
        people=0,
        volunteers=0,
        special_care=False,
        data=output if isinstance(output, bytes) else None,
        path=output if isinstance(output, Path) else None,
        warnings=warnings,
    )
