"""Vertical setting (縦書き), one character per cell: ReportLab ignores a font's vertical forms.

Each character sits centred in a square cell down a column. Long marks, dashes and brackets
are turned a quarter clockwise (ー becomes a vertical stroke, 「 becomes ﹁); 、 and 。 move
to the cell's upper right; small kana move up and right, as vertical typesetting places them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from app.printing.fonts import register_family

ROTATED = frozenset(
    "ー―－‐-‑–—−～〜~…‥（）()「」『』【】〔〕［］[]〈〉《》｛｝{}＝=：:；;｜|＜＞<>→←"
)
UPPER_RIGHT = frozenset("、。，．,.")
SMALL_KANA = frozenset(
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)


@dataclass(frozen=True)
class Placed:
    """Where one character went: its cell's centre and size, in points (for the tests)."""

    char: str
    x: float
    y: float
    size: float
    rotated: bool


def column_height(text: str, size: float, pitch: float = 1.0) -> float:
    """The length in points of `text` set down one column at `size`."""
    return len(text) * size * pitch


def draw_column(
    canvas: Canvas,
    text: str,
    x: float,
    top: float,
    size: float,
    font: str,
    pitch: float = 1.0,
) -> list[Placed]:
    """Set `text` down a column whose centre line is `x`, first cell's top edge at `top`.

    `pitch` is the cell height as a fraction of `size` (below 1 packs a long line tighter).
    """
    face = register_family(font)
    meta = pdfmetrics.getFont(face).face
    # From the baseline to the middle of the em box, so a glyph centres in its cell.
    middle = (meta.ascent + meta.descent) / 2000 * size
    placed: list[Placed] = []
    # One text object for the whole column: a text object per character costs ReportLab
    # several times the drawing itself (1,000 postcards are some 40,000 characters).
    column = canvas.beginText()
    column.setFont(face, size)
    for i, ch in enumerate(text):
        if ch in ("\u3000", " "):
            continue
        cy = top - (i + 0.5) * size * pitch
        half = pdfmetrics.stringWidth(ch, face, size) / 2
        rotated = ch in ROTATED
        if rotated:
            # A quarter turn clockwise about the cell's centre.
            column.setTextTransform(0, -1, 1, 0, x - middle, cy + half)
        elif ch in UPPER_RIGHT:
            column.setTextOrigin(x - half + size * 0.6, cy - middle + size * 0.6)
        elif ch in SMALL_KANA:
            column.setTextOrigin(x - half + size * 0.1, cy - middle + size * 0.1)
        else:
            column.setTextOrigin(x - half, cy - middle)
        column.textOut(ch)
        placed.append(Placed(ch, x, cy, size, rotated))
    canvas.drawText(column)
    return placed
