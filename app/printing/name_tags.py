"""Name tags printed on A4 label sheets; sheet geometry is data so new products are one entry."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.printing.common import BLACK, new_canvas, result
from app.printing.fonts import PGOTHIC, PGOTHIC_BOLD
from app.printing.model import Attendee, EventSheet, RenderResult
from app.printing.rosters import active_in_order
from app.printing.text import TextGuard, draw_text, run_width


@dataclass(frozen=True)
class LabelLayout:
    """One label-sheet product, in millimetres from the top-left corner of the sheet."""

    key: str
    description: str  # shown translated
    label_w: float
    label_h: float
    cols: int
    rows: int
    left: float  # sheet edge to the first label's left edge
    top: float  # sheet edge to the first label's top edge
    pitch_x: float  # left edge to left edge of neighbouring labels
    pitch_y: float
    name_pt: float  # largest size for the name; long names are set smaller to fit
    page: tuple[float, float] = A4

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows


# Margins are the nominal ones of these label sizes (labels touching, centred on A4);
# a test print against the actual sheet, then `offset_mm`, settles any printer drift.
LABEL_LAYOUTS: dict[str, LabelLayout] = {
    "10": LabelLayout(
        key="10",
        description=N_("10 per sheet (2 × 5), 86.4 × 50.8 mm, e.g. A-ONE 72210 / 51002"),
        label_w=86.4,
        label_h=50.8,
        cols=2,
        rows=5,
        left=18.6,
        top=21.5,
        pitch_x=86.4,
        pitch_y=50.8,
        name_pt=40,
    ),
    "12": LabelLayout(
        key="12",
        description=N_("12 per sheet (2 × 6), 86.4 × 42.3 mm, e.g. A-ONE 72212"),
        label_w=86.4,
        label_h=42.3,
        cols=2,
        rows=6,
        left=18.6,
        top=21.6,
        pitch_x=86.4,
        pitch_y=42.3,
        name_pt=34,
    ),
}

PAD = 4 * mm
# A name set smaller than this on a tag is hard to read across a room: it goes onto two
# lines first.
MIN_NAME_PT = 14.0


def _fit_size(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    unit = run_width(text, font, 1.0)
    if unit <= 0:
        return largest
    return max(smallest, min(largest, width / unit))


def _name_lines(name: str, width: float, largest: float) -> list[str]:
    """The name on one line, or family and given name on two (a name without a space is
    halved) when that sets it clearly larger: wrap before shrinking. Never past the label."""
    family, space, given = name.partition("\u3000")
    if not space:
        half = (len(name) + 1) // 2
        family, given = name[:half], name[half:]
    one = _fit_size(name, PGOTHIC_BOLD, width, largest, 0.0)
    # Two lines share the room of one: each at most 0.7 of the one-line size.
    two = min(_fit_size(p, PGOTHIC_BOLD, width, largest * 0.7, 0.0) for p in (family, given))
    wrap = two > one * 1.2 or (one < MIN_NAME_PT and two > one)
    return [family, given] if given and wrap else [name]


def _draw_tag(
    canvas: Canvas,
    x: float,
    y: float,
    layout: LabelLayout,
    name: str,
    reading: str,
    chapter: str,
    outline: bool,
) -> None:
    """One label whose bottom-left corner is (x, y) in points."""
    w, h = layout.label_w * mm, layout.label_h * mm
    inner = w - 2 * PAD
    cx = x + w / 2
    canvas.saveState()
    canvas.setFillColor(BLACK)
    if outline:
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.rect(x, y, w, h)
        canvas.setDash()
    if reading:
        size = _fit_size(reading, PGOTHIC, inner, 13, 8)
        canvas.setFont(PGOTHIC, size)
        draw_text(canvas, cx, y + h - PAD - size, reading, PGOTHIC, size, "middle")
    if chapter:
        size = _fit_size(chapter, PGOTHIC, inner, 12, 7)
        canvas.setFont(PGOTHIC, size)
        canvas.drawCentredString(cx, y + PAD + size * 0.2, chapter)
        canvas.setLineWidth(1.2)
        line_y = y + PAD + size * 1.3
        canvas.line(x + PAD, line_y, x + w - PAD, line_y)
    if name:
        lines = _name_lines(name, inner, layout.name_pt)
        size = min(_fit_size(line, PGOTHIC_BOLD, inner, layout.name_pt, 0.0) for line in lines)
        canvas.setFont(PGOTHIC_BOLD, size)
        # Optically centred a little above the middle: the reading above is lighter than the
        # chapter line below.
        base = y + h / 2 - size * 0.3 + (len(lines) - 1) * size * 0.55
        for i, line in enumerate(lines):
            draw_text(canvas, cx, base - i * size * 1.1, line, PGOTHIC_BOLD, size, "middle")
    canvas.restoreState()


def render_name_tags(
    sheet: EventSheet,
    attendees: Sequence[Attendee],
    out: Path | None,
    layout: str = "10",
    offset_mm: tuple[float, float] = (0.0, 0.0),
    blank_tags: int = 0,
    outline: bool = False,
) -> RenderResult:
    """Name tags in gojūon order: reading above, the name large, the chapter below.

    `offset_mm` = (right, down) shifts everything for a printer that feeds off-centre;
    `blank_tags` adds tags with only the chapter for walk-ins; `outline` draws cut lines
    for plain paper. Cancelled registrations get no tag.
    """
    try:
        spec = LABEL_LAYOUTS[layout]
    except KeyError:
        raise UserError(
            _("Unknown label layout {name}; use one of {choices}.").format(
                name=layout, choices=", ".join(LABEL_LAYOUTS)
            )
        ) from None
    guard = TextGuard(PGOTHIC)
    chapter = guard.text(sheet.chapter_name)
    tags = [(guard.text(a.name), guard.text(a.reading)) for a in active_in_order(attendees)]
    tags += [("", "")] * max(0, blank_tags)
    buffer = io.BytesIO()
    canvas = new_canvas(
        buffer,
        spec.page,
        title=_("Name tags: {title}").format(title=sheet.title),
        author=sheet.chapter_name,
        subject=_("Name tags"),
    )
    page_h = spec.page[1]
    dx, dy = offset_mm
    pages = 0
    for start in range(0, max(len(tags), 1), spec.per_sheet):
        for i, (name, reading) in enumerate(tags[start : start + spec.per_sheet]):
            row, col = divmod(i, spec.cols)
            left = (spec.left + dx + col * spec.pitch_x) * mm
            top = (spec.top + dy + row * spec.pitch_y) * mm
            y = page_h - top - spec.label_h * mm
            _draw_tag(canvas, left, y, spec, name, reading, chapter, outline)
        canvas.showPage()
        pages += 1
    canvas.save()
    return result(buffer.getvalue(), out, pages, guard.warnings)
