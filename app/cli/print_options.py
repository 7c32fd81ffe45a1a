"""Options every print shares: the language it is printed in, counts."""

from __future__ import annotations

import argparse
from typing import Any

from app.core.i18n import gettext as _


def count_argument(text: str) -> int:
    """A count from 0 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("a whole number from 0 to 100")) from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(_("a whole number from 0 to 100"))
    return value


def use_print_language(ctx: Any) -> None:
    """Print in the language the window is set to (this database's setting), never the
    system locale: `LANG=C` must not turn a Japanese chapter's flyer English. TSUNAGU_LANG,
    set on purpose, still wins."""
    import os

    from app.core import i18n
    from app.storage.chapter import load_preferences

    if os.environ.get("TSUNAGU_LANG", "").strip() in i18n.LANGUAGES:
        return
    i18n.set_language(load_preferences(ctx).language)
