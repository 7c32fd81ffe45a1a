"""Stored codes and the words people see: one helper for every room's code lists."""

from __future__ import annotations

from app.core.i18n import gettext as _


def label(codes: dict[str, str], code: str) -> str:
    """The translated label of a stored code (the code itself when unknown)."""
    return _(codes[code]) if code in codes else code


def like_escape(text: str) -> str:
    """`text` for a LIKE pattern with ESCAPE '\\': its %, _ and backslash match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
