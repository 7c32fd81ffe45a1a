"""はがき宛名 (100 × 148 mm), vertical: postal code in Japan Post's boxes, address, 連名 and 様.

The seven boxes are where Japan Post's specification puts them (上端から 12.0 mm、右端から
8.0 mm to the frame; boxes 5.7 × 8.0 mm, gaps 1.3 mm within the first three, 1.9 mm at the
hyphen, 1.1 mm within the last four), so the digits print centred in the red frames of a
postal card; `outline` draws the frames for a test on plain paper. The address runs down the
right in one or two columns with kanji numerals, the names down the middle (連名 aligned on
the family name, 様 level under each), the sender's block bottom left.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.i18n import gettext as _
from app.core.text.kanji_numerals import postal_digits, vertical_address
from app.printing.common import BLACK, new_canvas, result
from app.printing.fonts import GOTHIC, register_family
from app.printing.model import RenderResult
from app.printing.text import TextGuard
from app.printing.vertical import column_height, draw_column

CARD = (100 * mm, 148 * mm)

# Japan Post's 郵便番号枠 (定形): left edges in mm from the card's left edge, from the right
# edge's 8.0 mm back: 92.0 − 47.7 = 44.3.
BOX_W, BOX_H = 5.7, 8.0
BOX_TOP = 12.0
BOX_LEFTS = (44.3, 51.3, 58.3, 65.9, 72.7, 79.5, 86.3)
DIGIT_PT = 14.0

ADDRESS_PT, ADDRESS_MIN_PT = 14.0, 10.0
ADDRESS_X = 88.5  # centre of the first address column, mm from the left edge
ADDRESS_TOP = 26.0  # mm from the top edge, below the boxes
COLUMN_GAP = 1.5  # between address columns, as a fraction of the size
BOTTOM = 12.0  # nothing set nearer the bottom edge than this (mm)

NAME_PT, NAME_MIN_PT = 26.0, 14.0
NAME_X = 50.0
NAME_TOP = 30.0
NAME_BOTTOM = 14.0

SENDER_PT, SENDER_NAME_PT = 8.5, 11.0
SENDER_RIGHT = 34.0  # the sender's block stays left of this (mm)
SENDER_TOP = 78.0  # mm from the top edge
SENDER_BOTTOM = 16.0

HONORIFIC = "様"
FAMILY_REST = "ご家族様"
MAX_NAMES = 3


@dataclass(frozen=True)
class Name:
    """One addressee: family and given name as the roster holds them."""

    family: str
    given: str = ""


@dataclass(frozen=True)
class Address:
    """One piece of mail: where it goes and to whom (one person, or a household's 連名)."""

    postal_code: str
    address: str
    names: tuple[Name, ...]


@dataclass(frozen=True)
class Sender:
    """The chapter's return address, printed small at the bottom left."""

    postal_code: str
    address: str
    name: str


# Places an address line may be split into two columns without parting a number from its
# unit: after a prefecture, city, ward, town or a block unit, or before a building.
_BREAK_AFTER = re.compile(r"(?:都|道|府|県|市|区|郡|町|村|丁目|番地|番|号)(?=.)")


def split_address(address: str) -> tuple[str, str]:
    """(first column, building) from one stored address: the building after the first space."""
    text = address.strip()
    for sep in ("\u3000", " "):
        head, space, tail = text.partition(sep)
        if space and head and tail.strip():
            return head.strip(), tail.strip()
    return text, ""


def _fit_columns(line: str, building: str, length: float) -> tuple[list[str], float, float]:
    """The address columns, their size and pitch, so each fits `length` points."""
    columns = [c for c in (line, building) if c]
    for size in (ADDRESS_PT, 13.0, 12.0, 11.0, ADDRESS_MIN_PT):
        if all(column_height(c, size) <= length for c in columns):
            return columns, size, 1.0
    if len(columns) == 1:
        # One long line: break it at a unit boundary near the middle, into two columns.
        cuts = [m.end() for m in _BREAK_AFTER.finditer(line)]
        if cuts:
            cut = min(cuts, key=lambda c: abs(c - len(line) / 2))
            return _fit_columns(line[:cut], line[cut:], length)
    longest = max(len(c) for c in columns)
    pitch = max(0.75, length / (longest * ADDRESS_MIN_PT))
    return columns, ADDRESS_MIN_PT, pitch


def _name_columns(names: Sequence[Name]) -> list[tuple[str, str]]:
    """(family, given) per column: 連名 shares the first family name; beyond three, the first
    two and 「ご家族様」."""
    people = list(names)
    rest = len(people) > MAX_NAMES
    if rest:
        people = people[: MAX_NAMES - 1]
    first = people[0].family if people else ""
    columns = []
    for i, n in enumerate(people):
        family = n.family if i == 0 or n.family != first else ""
        columns.append((family, n.given))
    if rest:
        columns.append(("", FAMILY_REST))
    return columns


def _draw_names(
    canvas: Canvas, names: Sequence[Name], guard: TextGuard, left_limit: float, right_limit: float
) -> None:
    """The name columns inside the band [left_limit, right_limit] (mm), centred on the card
    when they fit there, else moved clear of the sender's block and the address."""
    columns = [(guard.text(f), guard.text(g)) for f, g in _name_columns(names)]
    if not columns:
        return
    family_cells = max(len(f) for f, _g in columns)
    given_cells = max(len(g) for _f, g in columns)
    # Family name, a space, the given name, a space, 様: the same cells in every column, so
    # the given names start level and every 様 sits at the same height.
    cells = family_cells + 1 + given_cells + 1 + 1
    length = (148 - NAME_TOP - NAME_BOTTOM) * mm
    count = len(columns)
    band = (right_limit - left_limit) * mm
    # Columns 1.5 sizes apart: the group is (1.5 × (count − 1) + 1) sizes wide.
    size = max(NAME_MIN_PT, min(NAME_PT, length / cells, band / (1.5 * (count - 1) + 1)))
    pitch = min(1.0, length / (cells * size))
    gap = size * 1.5
    half = ((count - 1) * gap + size) / 2
    centre = min(max(NAME_X * mm, left_limit * mm + half), right_limit * mm - half)
    top = 148 * mm - NAME_TOP * mm
    for i, (family, given) in enumerate(columns):
        # The first addressee on the right, the others to its left.
        x = centre + (count - 1) * gap / 2 - i * gap
        if given == FAMILY_REST and not family:
            text = "\u3000" * (family_cells + 1) + given
        else:
            text = family.rjust(family_cells, "\u3000") if family else "\u3000" * family_cells
            text += "\u3000" + given.ljust(given_cells, "\u3000") + "\u3000" + HONORIFIC
        draw_column(canvas, text, x, top, size, GOTHIC, pitch)


def _draw_address(canvas: Canvas, piece: Address, guard: TextGuard) -> float:
    """Draw the address columns; returns the left edge of the last one (mm)."""
    line, building = split_address(guard.text(piece.address))
    length = (148 - ADDRESS_TOP - BOTTOM) * mm
    columns, size, pitch = _fit_columns(vertical_address(line), vertical_address(building), length)
    top = 148 * mm - ADDRESS_TOP * mm
    for i, column in enumerate(columns):
        x = ADDRESS_X * mm - i * size * COLUMN_GAP
        # The second column starts a little lower, as a hand-written address does.
        indent = 2 * size * pitch if i else 0.0
        room = length - indent
        col_pitch = min(pitch, room / column_height(column, size)) if column else pitch
        draw_column(canvas, column, x, top - indent, size, GOTHIC, col_pitch)
    last = ADDRESS_X * mm - (len(columns) - 1) * size * COLUMN_GAP - size / 2
    return last / mm


def _draw_postal_code(canvas: Canvas, postal_code: str, outline: bool) -> None:
    digits = postal_digits(postal_code)
    top = 148 * mm - BOX_TOP * mm
    if outline:
        canvas.saveState()
        canvas.setStrokeColorRGB(0.9, 0.2, 0.1)
        canvas.setLineWidth(0.4 * mm)
        for left in BOX_LEFTS:
            canvas.rect(left * mm, top - BOX_H * mm, BOX_W * mm, BOX_H * mm)
        canvas.restoreState()
    if not digits:
        return
    canvas.setFont(GOTHIC, DIGIT_PT)
    for left, digit in zip(BOX_LEFTS, digits, strict=True):
        # Centred in the box: digits are about 0.7 em tall and sit on the baseline.
        canvas.drawCentredString(
            (left + BOX_W / 2) * mm, top - BOX_H / 2 * mm - DIGIT_PT * 0.35, digit
        )


def _draw_sender(canvas: Canvas, sender: Sender, guard: TextGuard) -> None:
    line, building = split_address(guard.text(sender.address))
    top = 148 * mm - SENDER_TOP * mm
    length = (148 - SENDER_TOP - SENDER_BOTTOM) * mm
    x = SENDER_RIGHT * mm - SENDER_PT / 2
    for column in (c for c in (vertical_address(line), vertical_address(building)) if c):
        pitch = min(1.0, length / column_height(column, SENDER_PT))
        draw_column(canvas, column, x, top, SENDER_PT, GOTHIC, pitch)
        x -= SENDER_PT * 1.4
    name = guard.text(sender.name)
    if name:
        x -= SENDER_NAME_PT * 0.3
        pitch = min(1.0, (length - 2 * SENDER_NAME_PT) / column_height(name, SENDER_NAME_PT))
        draw_column(canvas, name, x, top - 2 * SENDER_NAME_PT, SENDER_NAME_PT, GOTHIC, pitch)
    digits = postal_digits(sender.postal_code)
    if digits:
        canvas.setFont(GOTHIC, 9)
        canvas.drawString(8 * mm, 7 * mm, f"{digits[:3]}-{digits[3:]}")


def render_postcards(
    pieces: Sequence[Address],
    out: Path | None,
    *,
    sender: Sender | None = None,
    outline: bool = False,
    title: str = "",
) -> RenderResult:
    """One card per piece, in the order given (the caller sorts)."""
    register_family(GOTHIC)
    guard = TextGuard(GOTHIC)
    buffer = io.BytesIO()
    canvas = new_canvas(
        buffer,
        CARD,
        title=title or _("Postcards"),
        author=sender.name if sender else "",
        subject=_("Postcards"),
    )
    for piece in pieces or [Address("", "", ())]:
        canvas.setFillColor(BLACK)
        _draw_postal_code(canvas, piece.postal_code, outline)
        address_left = _draw_address(canvas, piece, guard)
        left_limit = SENDER_RIGHT + 3 if sender is not None else 8.0
        _draw_names(canvas, piece.names, guard, left_limit, address_left - 3)
        if sender is not None:
            _draw_sender(canvas, sender, guard)
        canvas.showPage()
    canvas.save()
    return result(buffer.getvalue(), out, max(1, len(pieces)), guard.warnings)
