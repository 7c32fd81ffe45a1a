"""Hostile text at the edges: spreadsheet formulas, cell limits, control and direction marks."""

from __future__ import annotations

import re
import unicodedata

from app.core.errors import UserError
from app.core.i18n import gettext as _

# The most characters one Excel cell holds; a longer value would be cut by Excel.
MAX_CELL_CHARS = 32_767
# Embedding, override and isolate controls: they make "evil.exe‮fdp." read as "evil.pdf".
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_BIDI_TABLE = dict.fromkeys(map(ord, BIDI_CONTROLS))
# OWASP's list of characters that start a formula in Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (-5, -1.5, +3, -2.5e3) is data, not a formula: it stays readable unprefixed.
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _would_run(value: str) -> bool:
    """True when Excel would read `value` (after any apostrophes) as a formula."""
    value = value.lstrip("'")
    if not value or not value.startswith(_FORMULA_STARTS):
        return False
    return value != "-" and _NUMBER_RE.fullmatch(value) is None


def spreadsheet_safe(value: str) -> str:
    """`value` as a CSV cell Excel shows as text: a leading ' before a would-be formula.

    Numbers such as -5 or -1.5 and a lone "-" placeholder stay as they are. A value that
    itself starts with apostrophes before a formula gets one more, so that from_spreadsheet
    gives back exactly what was written.
    """
    return "'" + value if _would_run(value) else value


def from_spreadsheet(value: str) -> str:
    """The value spreadsheet_safe was given: its added apostrophe taken off again."""
    return value[1:] if value.startswith("'") and _would_run(value[1:]) else value


def bad_name_char(value: str) -> str | None:
    """The first character a name may not hold (a control or direction mark), else None."""
    for char in value:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def refuse_bad_name(value: str) -> str:
    """`value` unchanged, or UserError when it holds a control character or direction mark."""
    char = bad_name_char(value)
    if char is not None:
        raise UserError(bad_name_message(value, char))
    return value


def bad_name_message(value: str, char: str) -> str:
    """The one line refusing name `value` for `char`."""
    return _(
        "A name cannot hold control characters or text-direction marks (U+{code}): {name}"
    ).format(code=f"{ord(char):04X}", name=shown(value))


def strip_bidi(text: str) -> str:
    """`text` without embedding, override and isolate controls (notes keep everything else)."""
    return text.translate(_BIDI_TABLE)


def shown(value: str) -> str:
    """`value` safe to print in one line: controls, direction marks and stray bytes escaped."""
    out = []
    for char in value:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            code = ord(char)
            # A byte that was not text (surrogateescape) shows as the byte itself.
            out.append(f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
