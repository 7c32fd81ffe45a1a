"""The printed roster (名簿) with 五十音 headings, and an event's day-before call list (連絡網)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Spacer, Table

from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.core.text.kana import search_fold
from app.printing.common import (
    BLACK,
    CREATOR,
    WHITE,
    date_ja,
    numbered_canvas_class,
    page_size,
    result,
    style,
    table_style,
)
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, register_family
from app.printing.model import RenderResult
from app.printing.rosters import NameCell, TickBox
from app.printing.text import TextGuard, paragraph

MARGIN = 12 * mm
FOOTER_Y = 7 * mm
BODY_PT = 10.0

# The columns a printed roster may carry, in the order they print, with their headings.
ROSTER_COLUMNS: dict[str, str] = {
    "number": N_("Member no."),
    "postal_code": N_("Postal code"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "mobile": N_("Mobile"),
    "email": N_("E-mail"),
}
DEFAULT_ROSTER_COLUMNS = ("postal_code", "address", "phone")
_WIDTHS_MM = {"number": 24, "postal_code": 23, "phone": 35, "mobile": 35, "email": 48}

_ROWS = "あかさたなはまやらわ"
_ROW_OF: dict[str, str] = {}
for _row, _chars in zip(
    _ROWS,
    (
        "あいうえおぁぃぅぇぉゔ",
        "かきくけこがぎぐげごゕゖ",
        "さしすせそざじずぜぞ",
        "たちつてとだぢづでどっ",
        "なにぬねの",
        "はひふへほばびぶべぼぱぴぷぺぽ",
        "まみむめも",
        "やゆよゃゅょ",
        "らりるれろ",
        "わをんゎゐゑ",
    ),
    strict=True,
):
    for _ch in _chars:
        _ROW_OF[_ch] = _row


def gojuon_row(reading: str) -> str:
    """The 行 a reading files under (あ … わ), or "" for one that does not start with kana."""
    folded = search_fold(reading.strip())
    return _ROW_OF.get(folded[:1], "")


def row_heading(row: str) -> str:
    return _("{row} row").format(row=row) if row else _("Others")


@dataclass(frozen=True)
class RosterEntry:
    """One member on the printed roster (already in gojūon order)."""

    name: str
    reading: str
    member_number: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class CallEntry:
    """One person on a call list."""

    name: str
    reading: str
    phone: str
    note: str = ""


def _decor(title: str, chapter: str, printed_on: date, pagesize: tuple[float, float]) -> Any:
    def draw(canvas: Canvas, page: int, count: int) -> None:
        w, h = pagesize
        canvas.saveState()
        canvas.setFillColor(BLACK)
        canvas.setFont(GOTHIC, 8)
        canvas.drawString(MARGIN, h - 8 * mm, f"{chapter}　{title}")
        canvas.drawRightString(w - MARGIN, h - 8 * mm, date_ja(printed_on))
        canvas.drawCentredString(w / 2, FOOTER_Y, f"{page} / {count}")
        canvas.restoreState()

    return draw


def _build(
    story: list[Any],
    out: Path | None,
    title: str,
    chapter: str,
    printed_on: date,
    paper: str,
    guard: TextGuard,
) -> RenderResult:
    pagesize = page_size(paper)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
        author=chapter or CREATOR,
        subject=title,
        creator=CREATOR,
        lang="ja-JP",
    )
    canvas_class = numbered_canvas_class(_decor(title, chapter, printed_on, pagesize))
    doc.build(story, canvasmaker=canvas_class)
    pages = max(1, doc.page)
    return result(buffer.getvalue(), out, pages, guard.warnings)


def _text(guard: TextGuard, text: str, size: float = BODY_PT) -> Any:
    return paragraph(escape(guard.text(text)), style("cell", size, leading=size * 1.3))


def render_member_roster(
    entries: Sequence[RosterEntry],
    out: Path | None,
    *,
    chapter: str,
    columns: Sequence[str] = DEFAULT_ROSTER_COLUMNS,
    paper: str = "A4",
    printed_on: date | None = None,
) -> RenderResult:
    """名簿: one table in gojūon order, an index heading (あ行, か行 …) where each row starts."""
    printed_on = printed_on or date.today()
    guard = TextGuard(GOTHIC)
    title = _("Member roster")
    register_family(GOTHIC)
    width = page_size(paper)[0] - 2 * MARGIN
    chosen = [c for c in ROSTER_COLUMNS if c in columns]
    fixed = {c: _WIDTHS_MM[c] * mm for c in chosen if c in _WIDTHS_MM}
    name_w = 52 * mm
    flexible = [c for c in chosen if c not in fixed]
    rest = max(width - name_w - sum(fixed.values()), 30 * mm)
    widths = [name_w] + [fixed.get(c, rest / max(1, len(flexible))) for c in chosen]
    heading_style = style("roster-head", BODY_PT, bold=False)
    data: list[list[Any]] = [
        [paragraph(escape(_("Name")), heading_style)]
        + [paragraph(escape(_(ROSTER_COLUMNS[c])), heading_style) for c in chosen]
    ]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, BLACK),
        ("BACKGROUND", (0, 0), (-1, 0), WHITE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    current: str | None = None
    for entry in entries:
        row = gojuon_row(entry.reading)
        if row != current:
            current = row
            data.append([paragraph(escape(row_heading(row)), style("row", 11, bold=True))])
            data[-1] += [""] * len(chosen)
            at = len(data) - 1
            commands += [("SPAN", (0, at), (-1, at)), ("LINEABOVE", (0, at), (-1, at), 1.2, BLACK)]
        cells: list[Any] = [NameCell(guard.text(entry.name), guard.text(entry.reading))]
        for c in chosen:
            value = {"number": entry.member_number}.get(c, getattr(entry, c, ""))
            cells.append(_text(guard, value))
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(commands, font=GOTHIC))
    story: list[Any] = [
        paragraph(escape(title), style("title", 16, bold=True)),
        Spacer(1, 2 * mm),
        paragraph(
            escape(_("{count} members, in gojūon order").format(count=f"{len(entries):,}")),
            style("sub", BODY_PT),
        ),
        Spacer(1, 4 * mm),
        table,
    ]
    return _build(story, out, title, chapter, printed_on, paper, guard)


def render_call_list(
    entries: Sequence[CallEntry],
    out: Path | None,
    *,
    event_title: str,
    event_when: str,
    chapter: str,
    paper: str = "A4",
    printed_on: date | None = None,
) -> RenderResult:
    """連絡網: the people to ring the day before, with their numbers and a tick when reached."""
    printed_on = printed_on or date.today()
    guard = TextGuard(GOTHIC)
    title = _("Call list")
    register_family(GOTHIC_BOLD)
    width = page_size(paper)[0] - 2 * MARGIN
    widths = [10 * mm, 58 * mm, 42 * mm, 16 * mm]
    widths.append(width - sum(widths))
    head = style("call-head", BODY_PT)
    data: list[list[Any]] = [
        [
            paragraph("No.", head),
            paragraph(escape(_("Name")), head),
            paragraph(escape(_("Phone")), head),
            paragraph(escape(_("Reached")), head),
            paragraph(escape(_("Notes")), head),
        ]
    ]
    for n, e in enumerate(entries, start=1):
        phone = e.phone or _("(no number)")
        data.append(
            [
                _text(guard, str(n)),
                NameCell(guard.text(e.name), guard.text(e.reading)),
                _text(guard, phone, 12),
                TickBox(),
                _text(guard, e.note),
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, BLACK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 1), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
            ],
            font=GOTHIC,
        )
    )
    story: list[Any] = [
        paragraph(escape(f"{title}：{guard.text(event_title)}"), style("title", 15, bold=True)),
        Spacer(1, 2 * mm),
        paragraph(escape(event_when), style("when", 11)),
        Spacer(1, 4 * mm),
        table,
    ]
    return _build(story, out, title, chapter, printed_on, paper, guard)
