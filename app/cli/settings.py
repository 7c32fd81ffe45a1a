"""Command line `settings`: this database's preferences, read or set as the settings dialog does."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from app.cli.output import EXIT_OK, print_json, say
from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import LANGUAGES
from app.core.i18n import gettext as _
from app.storage import chapter


def text_size(value: str) -> int:
    """--text-size N: one of the sizes the settings dialog offers."""
    number = argtypes.whole_number(value, _("The text size"), 0, 1000)
    if number not in chapter.TEXT_SCALES:
        raise UserError(
            _("The text size must be one of {sizes}: {value}").format(
                sizes=", ".join(str(n) for n in chapter.TEXT_SCALES), value=value
            )
        )
    return number


def language(value: str) -> str:
    """--language ja|en."""
    if value not in LANGUAGES:
        raise UserError(_("Unknown language: {language}").format(language=value))
    return value


def date_style(value: str) -> str:
    """--date-style era|western."""
    if value not in chapter.DATE_STYLES:
        raise UserError(_("Unknown date style: {style} (era or western)").format(style=value))
    return value


def register(sub: Any) -> None:
    """Add `settings` to the parser."""
    p = sub.add_parser("settings", help=_("show or change this database's preferences"))
    p.add_argument("--text-size", type=text_size, metavar="N", help="100|125|150|175|200")
    p.add_argument("--language", type=language, help="ja|en")
    p.add_argument("--date-style", type=date_style, help="era|western")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_settings)


def _as_dict(prefs: chapter.Preferences) -> dict[str, Any]:
    return {
        "text_size": prefs.text_scale,
        "language": prefs.language,
        "date_style": prefs.date_style,
    }


def cmd_settings(args: argparse.Namespace) -> int:
    """settings [--text-size N] [--language ja|en] [--date-style era|western] [--json]"""
    from app.cli.session import opened

    with opened(args) as ctx:
        prefs = chapter.load_preferences(ctx)
        changes: dict[str, Any] = {}
        if args.text_size is not None:
            changes["text_scale"] = args.text_size
        if args.language is not None:
            changes["language"] = args.language
        if args.date_style is not None:
            changes["date_style"] = args.date_style
        if changes:
            prefs = replace(prefs, **changes)
            chapter.save_preferences(ctx, prefs)
    if args.json:
        print_json(_as_dict(prefs))
        return EXIT_OK
    style = _("era (令和)") if prefs.date_style == "era" else _("western (2026年)")
    say(
        _("Text size {size}%, language {language}, dates {style}.").format(
            size=prefs.text_scale, language=prefs.language, style=style
        )
    )
    return EXIT_OK
