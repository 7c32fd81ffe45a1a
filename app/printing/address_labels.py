"""Address labels on A4 sheets of 12, 18, 21 or 24, or a layout the user gives; sheets are data.

Each label: 〒 and postal code, the address wrapped at sensible points (kinsoku, a building on
its own line), the names large with 様, and optionally the chapter's return address in small
type. Printing can start at label N of a used sheet; `offset_mm` corrects a printer that
feeds off-centre; `outline` draws the cut lines for a test on plain paper.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.core.text.kanji_numerals import postal_digits
from app.printing.common import BLACK, new_canvas, result, style
from app.printing.fonts import PGOTHIC, PGOTHIC_BOLD, register_family
from app.printing.model import RenderResult
from app.printing.postcards import (
    FAMILY_REST,
    HONORIFIC,
    MAX_NAMES,
    Address,
    Name,
    Sender,
    split_address,
)
from app.printing.text import TextGuard, paragraph


@dataclass(frozen=True)
class Sheet:
    """One label-sheet geometry in millimetres from the sheet's top-left corner."""

    key: str
    description: str  # shown translated
    cols: int
    rows: int
    label_w: float
    label_h: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows


# Nominal geometries of common A4 address-label stock (labels touching, centred on the
# sheet). Makers' sheets differ by a millimetre or so: a test print with the outline, then
# the offset or a custom layout, settles it.
SHEETS: dict[str, Sheet] = {
    sheet.key: sheet
    for sheet in (
        Sheet(
            "12",
            N_("12 per sheet (2 × 6), 86.4 × 42.3 mm"),
            2,
            6,
            86.4,
            42.3,
            18.6,
            21.6,
            86.4,
            42.3,
        ),
        Sheet(
            "18", N_("18 per sheet (3 × 6), 70 × 42.3 mm"), 3, 6, 70.0, 42.3, 0.0, 21.6, 70.0, 42.3
        ),
        Sheet(
            "21", N_("21 per sheet (3 × 7), 70 × 38.1 mm"), 3, 7, 70.0, 38.1, 0.0, 15.15, 70.0, 38.1
        ),
        Sheet(
            "24", N_("24 per sheet (3 × 8), 70 × 33.9 mm"), 3, 8, 70.0, 33.9, 0.0, 12.9, 70.0, 33.9
        ),
    )
}

# Text stays this far inside each label (and so ≥ 5 mm inside the sheet's printable area
# for labels at the sheet's edge).
PAD = 5.0
MIN_NAME_PT = 9.0

_CUSTOM = re.compile(
    r"(\d+)x(\d+):(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?):(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)"
    r"(?::(\d+(?:\.\d+)?),(\d+(?:\.\d+)?))?"
)


def sheet_for(layout: str) -> Sheet:
    """A sheet from the table, or a user's layout `COLSxROWS:WxH:LEFT,TOP[:PITCHX,PITCHY]` (mm)."""
    if layout in SHEETS:
        return SHEETS[layout]
    match = _CUSTOM.fullmatch(layout.replace(" ", "").lower())
    if not match:
        raise UserError(
            _(
                "Unknown label layout {name}; use one of {choices}, or "
                "COLSxROWS:WxH:LEFT,TOP[:PITCHX,PITCHY] in millimetres."
            ).format(name=layout, choices=", ".join(SHEETS))
        )
    cols, rows = int(match[1]), int(match[2])
    w, h, left, top = (float(match[i]) for i in (3, 4, 5, 6))
    px = float(match[7]) if match[7] else w
    py = float(match[8]) if match[8] else h
    sheet = Sheet("custom", layout, cols, rows, w, h, left, top, px, py)
    page_w, page_h = A4[0] / mm, A4[1] / mm
    right = left + (cols - 1) * px + w
    bottom = top + (rows - 1) * py + h
    if (
        not (1 <= cols <= 6 and 1 <= rows <= 20)
        or w < 20
        or h < 12
        or right > page_w + 0.01
        or (bottom > page_h + 0.01)
    ):
        raise UserError(_("The label layout {name} does not fit an A4 sheet.").format(name=layout))
    return sheet


def label_names(names: Sequence[Name]) -> list[str]:
    """The lines of names on a label: 連名 share the first family name; beyond three, the
    first two and 「ご家族様」."""
    people = list(names)
    rest = len(people) > MAX_NAMES
    if rest:
        people = people[: MAX_NAMES - 1]
    first = people[0].family if people else ""
    lines = []
    for i, n in enumerate(people):
        if i and n.family == first:
            lines.append(f"{n.given}　{HONORIFIC}")
        else:
            lines.append(f"{n.family}　{n.given}　{HONORIFIC}".replace("　　", "　"))
    if rest:
        lines.append(FAMILY_REST)
    return lines


def _fit(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    unit = stringWidth(text, font, 1.0)
    return largest if unit <= 0 else max(smallest, min(largest, width / unit))


def _draw_label(
    canvas: Canvas,
    x: float,
    y: float,
    sheet: Sheet,
    piece: Address,
    sender: Sender | None,
    guard: TextGuard,
    outline: bool,
) -> None:
    """One label whose bottom-left corner is (x, y) in points."""
    w, h = sheet.label_w * mm, sheet.label_h * mm
    inner_w = w - 2 * PAD * mm
    canvas.saveState()
    canvas.setFillColor(BLACK)
    if outline:
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.rect(x, y, w, h)
        canvas.setDash()
    top = y + h - PAD * mm * 0.8
    bottom = y + PAD * mm * 0.6
    body = 9.5 if sheet.label_h >= 38 else 8.5
    digits = postal_digits(piece.postal_code)
    if digits:
        canvas.setFont(PGOTHIC, body)
        canvas.drawString(x + PAD * mm, top - body, f"〒{digits[:3]}-{digits[3:]}")
        top -= body * 1.3
    if sender is not None:
        line = guard.text(
            _("From: {name}").format(name=sender.name) if sender.name else sender.address
        )
        size = _fit(line, PGOTHIC, inner_w, 6.5, 5.0)
        canvas.setFont(PGOTHIC, size)
        canvas.drawString(x + PAD * mm, bottom, line)
        bottom += size * 1.4
    names = [guard.text(n) for n in label_names(piece.names)]
    street, building = split_address(guard.text(piece.address))
    address = escape(street) + (f"<br/>{escape(building)}" if building else "")
    para = paragraph(address, style("label-address", body, leading=body * 1.25))
    _w, used = para.wrap(inner_w, max(0.0, top - bottom))
    para.drawOn(canvas, x + PAD * mm, top - used)
    top -= used + body * 0.4
    if names:
        room = max(top - bottom, 1.0)
        largest = min(16.0, room / (len(names) * 1.2))
        size = min(_fit(n, PGOTHIC_BOLD, inner_w, largest, MIN_NAME_PT) for n in names)
        canvas.setFont(PGOTHIC_BOLD, size)
        # The names in the middle of the room left, each line ending at the same right edge
        # (様 level, as on an envelope).
        block = len(names) * size * 1.2
        line_y = bottom + (room + block) / 2 - size
        right = x + w - PAD * mm
        for n in names:
            canvas.drawRightString(right, line_y, n)
            line_y -= size * 1.2
    canvas.restoreState()


def render_labels(
    pieces: Sequence[Address],
    out: Path | None,
    *,
    layout: str = "24",
    start: int = 1,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    outline: bool = False,
    sender: Sender | None = None,
    title: str = "",
) -> RenderResult:
    """Labels in the order given, from label `start` (1 = top left, row by row) of the first
    sheet; `offset_mm` = (right, down) moves everything."""
    sheet = sheet_for(layout)
    if not 1 <= start <= sheet.per_sheet:
        raise UserError(
            _("Start at a label from 1 to {count} on this sheet.").format(count=sheet.per_sheet)
        )
    dx, dy = offset_mm
    if abs(dx) > 10 or abs(dy) > 10:
        raise UserError(_("The printer offset must be within 10 mm each way."))
    register_family(PGOTHIC)
    guard = TextGuard(PGOTHIC)
    buffer = io.BytesIO()
    canvas = new_canvas(
        buffer, A4, title=title or _("Address labels"), author="", subject=_("Address labels")
    )
    slots = [None] * (start - 1) + list(pieces)
    page_h = A4[1]
    pages = 0
    for first in range(0, max(len(slots), 1), sheet.per_sheet):
        for i, piece in enumerate(slots[first : first + sheet.per_sheet]):
            if piece is None and not outline:
                continue
            row, col = divmod(i, sheet.cols)
            left = (sheet.left + dx + col * sheet.pitch_x) * mm
            y = page_h - (sheet.top + dy + row * sheet.pitch_y + sheet.label_h) * mm
            if piece is None:
                _draw_label(canvas, left, y, sheet, Address("", "", ()), None, guard, True)
            else:
                _draw_label(canvas, left, y, sheet, piece, sender, guard, outline)
        canvas.showPage()
        pages += 1
    canvas.save()
    return result(buffer.getvalue(), out, pages, guard.warnings)
