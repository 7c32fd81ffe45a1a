"""Command-line argument types: every bad value is one clear line (exit 1), never a crash."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import shown

# Kept free of SQLAlchemy and the services: the parser is built before any database opens.

# Fiscal years the program can name: Heisei began in 1989; the era table reaches 2200.
FIRST_FISCAL_YEAR = 1989
LAST_FISCAL_YEAR = 2200
# SQLite stores whole numbers in 64 signed bits.
SQLITE_MAX_INT = 2**63 - 1
# More digits than any 64-bit number has: refused before int() reads them.
_MAX_DIGITS = 19


def _not_text(what: str, value: str) -> UserError:
    return UserError(
        _("{what} is not valid text (bytes in no known encoding): {value}").format(
            what=what, value=shown(value)
        )
    )


def _is_text(value: str) -> bool:
    """False for the lone surrogates that stand for undecodable bytes (surrogateescape)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(value: str) -> str:
    """A word, name, id or search text: valid text without control characters."""
    if not _is_text(value):
        raise _not_text(_("An argument"), value)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise UserError(
            _("An argument cannot hold control characters: {value}").format(value=shown(value))
        )
    return value


def path(value: str) -> Path:
    """A file name that is valid text (so every message about it can be printed)."""
    if not _is_text(value):
        raise _not_text(_("The file name"), value)
    if "\x00" in value or not value:
        raise UserError(_("Not a file name: {value}").format(value=shown(value)))
    return Path(value)


def whole_number(value: str, what: str, low: int, high: int) -> int:
    """`value` as an int in low..high, or UserError naming `what` and the range."""
    if not _is_text(value):
        raise _not_text(what, value)
    # Full-width digits (２０２２) as typed with a Japanese input method count as digits.
    typed = unicodedata.normalize("NFKC", value).strip().replace("_", "")
    digits = typed.removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        raise UserError(
            _("{what} must be a whole number: {value}").format(what=what, value=shown(value))
        )
    number = int(typed) if len(digits) <= _MAX_DIGITS else None
    if number is None or not low <= number <= high:
        raise UserError(
            _("{what} must be between {low} and {high}: {value}").format(
                what=what, low=low, high=high, value=shown(value)
            )
        )
    return number


def fiscal_year(value: str) -> int:
    """--fiscal-year Y: a fiscal year between 1989 and 2200."""
    return whole_number(value, _("The fiscal year"), FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR)


def limit(value: str) -> int:
    """--limit N: how many to show, 1 up to SQLite's largest number."""
    return whole_number(value, _("The limit"), 1, SQLITE_MAX_INT)


def count(value: str) -> int:
    """A count such as --months N: 0 up to SQLite's largest number."""
    return whole_number(value, _("The number"), 0, SQLITE_MAX_INT)


def environment(name: str) -> str:
    """The variable `name` ("" when unset), refused when it holds bytes that are not text."""
    value = os.environ.get(name, "")
    if not _is_text(value):
        raise _not_text(name, value)
    return value
