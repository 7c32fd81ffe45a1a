"""The bundled BIZ UD Gothic fonts, registered with ReportLab as embedded TrueType subsets."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts

from app.printing.font_cache import load_ttfont

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"

# Fixed-pitch kana: tables, numbers and names line up in columns.
GOTHIC = "BIZUDGothic"
GOTHIC_BOLD = "BIZUDGothic-Bold"
# Proportional kana: running text and headings read more naturally.
PGOTHIC = "BIZUDPGothic"
PGOTHIC_BOLD = "BIZUDPGothic-Bold"

_FILES = {
    GOTHIC: "BIZUDGothic-Regular.ttf",
    GOTHIC_BOLD: "BIZUDGothic-Bold.ttf",
    PGOTHIC: "BIZUDPGothic-Regular.ttf",
    PGOTHIC_BOLD: "BIZUDPGothic-Bold.ttf",
}
_FAMILIES = ((GOTHIC, GOTHIC_BOLD), (PGOTHIC, PGOTHIC_BOLD))

# The kanji BIZ UD Gothic lacks (𠮷, rarer 人名用 variants), from Noto Sans CJK JP under the
# OFL (installer/make_fallback_font.py): drawn per character where the main face has none.
FALLBACK = "TsunaguFallbackJP"
FALLBACK_FILE = "TsunaguFallbackJP.ttf"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond the BMP (𠮷) written as UTF-16
    surrogate pairs: ReportLab writes "<20BB7>", which readers take for U+20BB and a 7."""
    cmap = _REPORTLAB_TO_UNICODE(fontname, subset)
    for v in subset:
        if v > 0xFFFF:
            units = chr(v).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"> <{v:04X}>", f"> <{units}>")
    return cmap


_REPORTLAB_TO_UNICODE = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


_FAMILY_OF = {face: family for family in _FAMILIES for face in family}


def register_family(face: str) -> str:
    """Register `face` with its regular/bold partner once per process; returns `face`.

    TTFont (never a CID font) so that every PDF carries the glyphs it uses as an embedded
    subset and prints the same on a machine without Japanese fonts. Families are loaded
    only when first used, and once for both of their faces (see load_ttfont for the cost).
    """
    _register_pair(_FAMILY_OF[face][0])
    return face


@functools.cache
def _register_pair(regular: str) -> None:
    bold = _FAMILY_OF[regular][1]
    for name in (regular, bold):
        pdfmetrics.registerFont(load_ttfont(name, FONT_DIR / _FILES[name]))
    # <b> inside a Paragraph resolves through this mapping; there is no italic face.
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, bold)
    addMapping(regular, 0, 1, regular)
    addMapping(regular, 1, 1, bold)


def register_fonts() -> tuple[str, ...]:
    """Register all four faces and return their ReportLab names."""
    for regular, _bold in _FAMILIES:
        register_family(regular)
    return tuple(_FILES)


@functools.cache
def font_charset(font_name: str) -> frozenset[int]:
    """The code points the font's cmap maps to a glyph."""
    register_family(font_name)
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


@functools.cache
def register_fallback() -> str:
    """Register the fallback face once per process; returns its name."""
    pdfmetrics.registerFont(load_ttfont(FALLBACK, FONT_DIR / FALLBACK_FILE))
    return FALLBACK


@functools.cache
def fallback_charset() -> frozenset[int]:
    """The code points the fallback face draws."""
    register_fallback()
    return frozenset(pdfmetrics.getFont(FALLBACK).face.charToGlyph)
