"""Lists on paper for the day of an event: attendance sheet, reception sign-in, café year grid."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table

from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.printing.common import (
    BLACK,
    BODY_PT,
    CREATOR,
    WHITE,
    centred,
    date_ja,
    fiscal_year_label,
    numbered_canvas_class,
    page_size,
    people,
    result,
    style,
    table_style,
    time_range,
)
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, register_family
from app.printing.model import (
    CANCELLED,
    GUEST,
    MEMBER,
    REGISTERED,
    WAITLISTED,
    Attendee,
    EventSheet,
    RenderResult,
)
from app.printing.text import TextGuard, draw_text, paragraph, run_width

MARGIN = 12 * mm
NAME_PT = 14.0
READING_PT = 10.0  # furigana above the name: an aid, not running text
ROW_MIN = 12 * mm  # room to sign or tick by hand
# The footer's baseline: its descenders stay clear of the 5 mm many printers cannot reach.
FOOTER_Y = 7 * mm


def kind_label(kind: str) -> str:
    if kind == MEMBER:
        return _("Member")
    if kind == GUEST:
        return _("Guest")
    return kind


def status_note(status: str) -> str:
    """Shown next to a name when it is not a plain registration."""
    if status in ("", REGISTERED):
        return ""
    if status == WAITLISTED:
        return _("Wait-listed")
    if status == CANCELLED:
        return _("Cancelled")
    return status


def in_order(attendees: Iterable[Attendee]) -> list[Attendee]:
    """Gojūon order by the caller's sort key; ties keep the caller's order."""
    return sorted(attendees, key=lambda a: a.sort_key)


def active_in_order(attendees: Iterable[Attendee]) -> list[Attendee]:
    """Everyone not cancelled, in gojūon order."""
    return in_order(a for a in attendees if a.status != CANCELLED)


@dataclass
class _Sheet:
    """What one roster document needs while it is being built."""

    event: EventSheet
    guard: TextGuard
    doc_title: str
    width: float  # usable frame width
    running_right: str = ""  # top right of later pages; the event date when empty

    def m(self, text: str) -> str:
        return self.guard.markup(text)


# Below this a name goes onto two lines (family / given) rather than shrinking further.
MIN_NAME_PT = 9.0


class NameCell(Flowable):
    """Reading in small type above the name, an optional note after it.

    Drawn directly rather than as Paragraphs: a name never needs line breaking (it is set
    smaller if too wide), and a 1,000-name sheet then builds several times faster.
    """

    def __init__(self, name: str, reading: str, note: str = "") -> None:
        super().__init__()
        self.name = name
        self.reading = reading
        self.note = note
        self.lines = [name]
        self.size = NAME_PT
        self.name_h = NAME_PT * 1.25
        self.height = self.name_h + (READING_PT * 1.2 if reading else 0.0)
        self.width = 0.0

    def _fit(self, width: float, lines: list[str]) -> float:
        note_w = stringWidth("\u3000" + self.note, GOTHIC, READING_PT) if self.note else 0.0
        widest = max(run_width(line, GOTHIC_BOLD, 1.0) for line in lines)
        if widest <= 0:
            return NAME_PT
        return min(NAME_PT, (width - note_w) / widest)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.lines = [self.name]
        self.size = self._fit(avail_width, self.lines)
        family, sep, given = self.name.partition("\u3000")
        if self.size < MIN_NAME_PT and sep:
            # Family over given name before the type gets too small to read at a glance.
            self.lines = [family, given]
            self.size = self._fit(avail_width, self.lines)
        self.size = max(self.size, 4.0)
        self.name_h = NAME_PT * 1.25 + (len(self.lines) - 1) * self.size * 1.15
        self.height = self.name_h + (READING_PT * 1.2 if self.reading else 0.0)
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(BLACK)
        size = self.size
        baseline = NAME_PT * 0.3
        c.setFont(GOTHIC_BOLD, size)
        for k, line in enumerate(reversed(self.lines)):
            draw_text(c, 0, baseline + k * size * 1.15, line, GOTHIC_BOLD, size)
        if self.note:
            c.setFont(GOTHIC, READING_PT)
            last = run_width(self.lines[-1], GOTHIC_BOLD, size)
            c.drawString(last, baseline, "\u3000" + self.note)
        if self.reading:
            r_size = READING_PT
            r_w = stringWidth(self.reading, GOTHIC, 1.0)
            if r_w > 0:
                r_size = max(6.0, min(READING_PT, self.width / r_w))
            c.setFont(GOTHIC, r_size)
            reading = _clip_to(self.reading, GOTHIC, r_size, self.width)
            c.drawString(0, self.name_h + READING_PT * 0.1, reading)


def _name_cell(sheet: _Sheet, attendee: Attendee, *, with_status: bool = True) -> Flowable:
    note = status_note(attendee.status) if with_status else ""
    guard = sheet.guard
    return NameCell(guard.text(attendee.name), guard.text(attendee.reading), guard.text(note))


def _cell(sheet: _Sheet, text: str) -> str:
    """A plain table cell (body rows are set in the table's font, 12 pt)."""
    return sheet.guard.text(text)


def _kind_cell(sheet: _Sheet, attendee: Attendee) -> str:
    return sheet.guard.text(kind_label(attendee.kind))


class TickBox(Flowable):
    """An empty square to tick by hand, or a ticked one when the answer is already known."""

    def __init__(self, side: float = 7 * mm, ticked: bool = False) -> None:
        super().__init__()
        self.side = side
        self.ticked = ticked

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(1.5)
        c.rect(0, 0, self.side, self.side)
        if self.ticked:
            c.setLineWidth(2.5)
            s = self.side
            path = c.beginPath()
            path.moveTo(s * 0.2, s * 0.5)
            path.lineTo(s * 0.42, s * 0.22)
            path.lineTo(s * 0.82, s * 0.82)
            c.drawPath(path, stroke=1, fill=0)


def _header_row(sheet: _Sheet, labels: Sequence[str]) -> list[Flowable]:
    st = centred("head", BODY_PT, bold=True, proportional=False, color=WHITE)
    return [paragraph(sheet.m(label), st) for label in labels]


def _grid(
    data: list[list[Any]], col_widths: Sequence[float], *, section_rows: Sequence[int] = ()
) -> Table:
    """A ruled table whose header row repeats on every page."""
    table = Table(data, colWidths=list(col_widths), repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.9, BLACK),
        ("BOX", (0, 0), (-1, -1), 2.0, BLACK),
        ("BACKGROUND", (0, 0), (-1, 0), BLACK),
        ("LINEBELOW", (0, 0), (-1, 0), 2.0, BLACK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("FONTNAME", (0, 1), (-1, -1), GOTHIC),
        ("FONTSIZE", (0, 1), (-1, -1), BODY_PT),
        ("LEADING", (0, 1), (-1, -1), BODY_PT * 1.2),
    ]
    for r in section_rows:
        # No SPAN: ReportLab recomputes spans over the whole table at every page split.
        commands += [
            ("LINEABOVE", (0, r), (-1, r), 2.0, BLACK),
            ("ALIGN", (0, r), (-1, r), "LEFT"),
            ("FONTNAME", (0, r), (-1, r), GOTHIC_BOLD),
        ]
    table.setStyle(table_style(commands, GOTHIC))
    return table


def _room(height: float = ROW_MIN) -> Flowable:
    """An empty cell that keeps its row tall enough to write in by hand."""
    return Spacer(1, height - 7)


def _title_block(sheet: _Sheet, *, when: str | None = None) -> list[Flowable]:
    """Document name, the event, and when and where (or `when` instead of the date)."""
    e = sheet.event
    head = style("doc", 20, bold=True)
    sub = style("sub", 14, bold=True)
    info = style("info", BODY_PT)
    if when is None:
        when = date_ja(e.starts)
        times = time_range(e.starts, e.ends)
        if times:
            when += "\u3000" + times
    lines = [when]
    if e.venue:
        lines.append(_("Venue: {venue}").format(venue=e.venue))
    return [
        paragraph(sheet.m(sheet.doc_title), head),
        Spacer(1, 2 * mm),
        paragraph(sheet.m(" ".join(p for p in (e.series_label, e.title) if p)), sub),
        paragraph(sheet.m("\u3000".join(lines)), info),
        Spacer(1, 4 * mm),
    ]


def _page_decor(sheet: _Sheet, pagesize: tuple[float, float]) -> Callable[[Canvas, int, int], None]:
    """Running header on later pages (which event this is) and "n / N" on every page."""
    width, _height = pagesize
    running = sheet.guard.text(f"{sheet.doc_title}\u3000{sheet.event.title}")
    day = sheet.guard.text(sheet.running_right or date_ja(sheet.event.starts))
    chapter = sheet.guard.text(sheet.event.chapter_name)

    def draw(canvas: Canvas, page: int, count: int) -> None:
        canvas.saveState()
        canvas.setFillColor(BLACK)
        if page > 1:
            canvas.setFont(GOTHIC_BOLD, 10)
            room = width - 2 * MARGIN - stringWidth(day, GOTHIC_BOLD, 10) - 4 * mm
            canvas.drawString(
                MARGIN, pagesize[1] - MARGIN + 2 * mm, _clip_to(running, GOTHIC_BOLD, 10, room)
            )
            canvas.drawRightString(width - MARGIN, pagesize[1] - MARGIN + 2 * mm, day)
        canvas.setFont(GOTHIC, 10)
        # Left of the centred "n / N", which is at most ~15 mm wide.
        room = width / 2 - MARGIN - 12 * mm
        canvas.drawString(MARGIN, FOOTER_Y, _clip_to(chapter, GOTHIC, 10, room))
        canvas.setFont(GOTHIC_BOLD, 12)
        canvas.drawCentredString(width / 2, FOOTER_Y, f"{page} / {count}")
        canvas.restoreState()

    return draw


def _clip_to(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with "…" so that it is at most `width` wide in `font` at `size`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


class _End(Flowable):
    """Zero-size marker at the end of a story: notes the room left below it on its page."""

    def __init__(self) -> None:
        super().__init__()
        self.room_left = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.room_left = avail_height
        return 0.0, 0.0

    def draw(self) -> None:
        pass


def _build(
    sheet: _Sheet,
    story_with: Callable[[int], list[Flowable]],
    blank_rows: int,
    pagesize: tuple[float, float],
    out: Path | None,
) -> RenderResult:
    """Lay out `story_with(blank_rows)`; when its blank rows push a sliver onto a last sheet
    of its own, lay it out again with as many fewer blank rows as keep it off."""
    data, pages, room_left = _layout(sheet, story_with, blank_rows, pagesize)
    if pages > 1 and blank_rows > 0:
        body = pagesize[1] - 2 * MARGIN - 4 * mm - 12  # the frame, less its padding
        used = body - room_left
        if used < pagesize[1] / 4:
            # A blank row is about ROW_MIN tall and the page repeats the header row: start
            # from a few rows too few to cut and cut one more each time, as few as will do.
            for trim in range(max(1, math.floor(used / ROW_MIN) - 1), blank_rows + 1):
                retry, retry_pages, _room = _layout(sheet, story_with, blank_rows - trim, pagesize)
                if retry_pages < pages:
                    data, pages = retry, retry_pages
                    break
                if trim >= math.ceil(used / ROW_MIN) + 1:
                    break  # the sliver is not made of blank rows
    return result(data, out, pages, sheet.guard.warnings)


def _layout(
    sheet: _Sheet,
    story_with: Callable[[int], list[Flowable]],
    blank_rows: int,
    pagesize: tuple[float, float],
) -> tuple[bytes, int, float]:
    """The PDF, its page count and the room left on its last page below the story."""
    end = _End()
    story = [*story_with(blank_rows), end]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=f"{sheet.doc_title} {sheet.event.title}",
        author=sheet.event.chapter_name or CREATOR,
        subject=sheet.doc_title,
        creator=CREATOR,
        lang="ja-JP",
        initialFontName=register_family(GOTHIC),
    )
    pages: list[int] = []
    decor = _page_decor(sheet, pagesize)

    def draw(canvas: Canvas, page: int, count: int) -> None:
        decor(canvas, page, count)
        pages.append(count)

    doc.build(story, canvasmaker=numbered_canvas_class(draw))
    return buffer.getvalue(), pages[-1] if pages else 0, end.room_left


def _totals(sheet: _Sheet, listed: Sequence[Attendee]) -> list[Flowable]:
    """申込 counts the registered only; the wait-list is a line of its own below."""
    registered = [a for a in listed if a.status != WAITLISTED]
    waiting = len(listed) - len(registered)
    members = sum(1 for a in registered if a.kind == MEMBER)
    guests = len(registered) - members
    st = style("tot", 14, bold=True, proportional=False)
    left = _("Registered: {total} ({members} members, {guests} guests)").format(
        total=people(len(registered)), members=members, guests=guests
    )
    table = Table(
        [
            [
                paragraph(sheet.m(left), st),
                paragraph(sheet.m(_("Attended:")), st),
                "",
                paragraph(sheet.m(_("{count} people").format(count="")), st),
            ]
        ],
        colWidths=[sheet.width - 75 * mm, 25 * mm, 35 * mm, 15 * mm],
        rowHeights=[12 * mm],
    )
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (2, 0), (2, 0), 1.5, BLACK),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ],
            GOTHIC,
        )
    )
    if not waiting:
        return [table]
    wait_st = style("tot-wait", BODY_PT, proportional=False)
    return [table, paragraph(sheet.m(_("Wait-listed ({n})").format(n=people(waiting))), wait_st)]


def render_attendance(
    sheet: EventSheet,
    attendees: Sequence[Attendee],
    out: Path | None,
    blank_rows: int = 10,
    paper: str = "A4",
) -> RenderResult:
    """出席簿: registrants in gojūon order with readings, a tick and a signature column,
    `blank_rows` empty rows for walk-ins, the header row on every page, "n / N" below.

    Cancelled registrations are left off; wait-listed ones are marked.
    """
    pagesize = page_size(paper)
    width = pagesize[0] - 2 * MARGIN
    s = _Sheet(sheet, TextGuard(GOTHIC), _("Attendance sheet"), width)
    listed = active_in_order(attendees)
    cols = [11 * mm, 62 * mm, 22 * mm, 17 * mm]
    cols.append(width - sum(cols))
    data: list[list[Any]] = [
        _header_row(s, ["No.", _("Name"), _("Type"), _("Present"), _("Signature")])
    ]
    for n, a in enumerate(listed, start=1):
        data.append(
            [
                _cell(s, str(n)),
                _name_cell(s, a),
                _kind_cell(s, a),
                # A sheet to tick by hand: what the program knows is not pre-ticked on it.
                TickBox(),
                _room(),
            ]
        )

    def story(blank: int) -> list[Flowable]:
        rows, sections = list(data), []
        if blank > 0:
            sections.append(len(rows))
            rows.append(["", _cell(s, _("Walk-ins")), "", "", ""])
            for n in range(len(listed) + 1, len(listed) + blank + 1):
                rows.append([_cell(s, str(n)), "", "", TickBox(), _room()])
        return [
            *_title_block(s),
            _grid(rows, cols, section_rows=sections),
            Spacer(1, 4 * mm),
            *_totals(s, listed),
        ]

    return _build(s, story, blank_rows, pagesize, out)


SIGN_IN_NOTES_MIN = 28 * mm


def _sign_in_columns(width: float) -> list[float]:
    """No., time, name, type, phone, notes across `width`. On narrow paper (B5) the name and
    phone columns give up room so that notes keep a column one can write in."""
    number, time, name, kind, phone = 11 * mm, 20 * mm, 58 * mm, 20 * mm, 48 * mm
    short = SIGN_IN_NOTES_MIN - (width - (number + time + name + kind + phone))
    if short > 0:
        # Names shrink to fit their cell (NameCell); the phone column keeps room for its
        # heading (電話番号・連絡先, 8 characters) on one line.
        phone_gives = min(short / 3, 8 * mm)
        name, phone = name - (short - phone_gives), phone - phone_gives
    cols = [number, time, name, kind, phone]
    return [*cols, width - sum(cols)]


def render_sign_in(
    sheet: EventSheet,
    attendees: Sequence[Attendee],
    out: Path | None,
    blank_rows: int = 10,
    paper: str = "A4",
) -> RenderResult:
    """受付名簿: name and reading printed, arrival time and phone/contact left blank to fill
    in at the reception desk; blank rows at the end for people who were not registered."""
    pagesize = page_size(paper)
    width = pagesize[0] - 2 * MARGIN
    s = _Sheet(sheet, TextGuard(GOTHIC), _("Reception sign-in sheet"), width)
    listed = active_in_order(attendees)
    cols = _sign_in_columns(width)
    data: list[list[Any]] = [
        _header_row(s, ["No.", _("Time"), _("Name"), _("Type"), _("Phone / contact"), _("Notes")])
    ]
    for n, a in enumerate(listed, start=1):
        data.append([_cell(s, str(n)), _room(), _name_cell(s, a), _kind_cell(s, a), "", ""])

    def story(blank: int) -> list[Flowable]:
        rows = list(data)
        for n in range(len(listed) + 1, len(listed) + blank + 1):
            rows.append([_cell(s, str(n)), _room(), "", "", "", ""])
        return [*_title_block(s), _grid(rows, cols)]

    return _build(s, story, blank_rows, pagesize, out)


MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)  # a fiscal year runs April to March
MONTH_NAMES = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


def render_cafe_grid(
    sheet: EventSheet,
    participants: Sequence[Attendee],
    fiscal_year: int,
    out: Path | None,
    blank_rows: int = 5,
    paper: str = "A4",
) -> RenderResult:
    """A year of a monthly café on one grid: participants (gojūon order) × April..March of
    `fiscal_year`, to tick each month, with a total column; landscape."""
    pagesize = page_size(paper, wide=True)
    width = pagesize[0] - 2 * MARGIN
    year_label = fiscal_year_label(fiscal_year)
    s = _Sheet(sheet, TextGuard(GOTHIC), _("Participation record"), width, year_label)
    listed = in_order(participants)
    month_w = 15 * mm
    cols = [10 * mm, 60 * mm, *([month_w] * 12), 17 * mm]
    cols[1] = width - (sum(cols) - cols[1])
    head_st = centred("mh", BODY_PT, bold=True, proportional=False, color=WHITE)
    months = []
    for month in MONTHS:
        year = fiscal_year if month >= 4 else fiscal_year + 1
        months.append(
            paragraph(
                s.m(_(MONTH_NAMES[month - 1])) + f'<br/><font size="8">{year}</font>',
                head_st,
            )
        )
    data: list[list[Any]] = [
        [*_header_row(s, ["No.", _("Name")]), *months, *_header_row(s, [_("Total")])]
    ]
    for n, a in enumerate(listed, start=1):
        data.append([_cell(s, str(n)), _name_cell(s, a, with_status=False), *([""] * 12), _room()])

    def story(blank: int) -> list[Flowable]:
        rows = list(data)
        for n in range(len(listed) + 1, len(listed) + blank + 1):
            rows.append([_cell(s, str(n)), "", *([""] * 12), _room()])
        table = _grid(rows, cols)
        table.setStyle(table_style([("LINEBEFORE", (-1, 0), (-1, -1), 2.0, BLACK)], GOTHIC))
        return [*_title_block(s, when=year_label), table]

    return _build(s, story, blank_rows, pagesize, out)
