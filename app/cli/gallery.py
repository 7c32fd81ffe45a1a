"""Command line `gallery DIR`: its options, checked here; main.py runs it with ui.gallery."""

from __future__ import annotations

import argparse
import re
from typing import Any

from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import LANGUAGES
from app.core.i18n import gettext as _
from app.storage.chapter import TEXT_SCALES


def scales(value: str) -> list[int]:
    """--scales 100,150,200: text sizes the window offers."""
    found = []
    for part in argtypes.text(value).split(","):
        number = argtypes.whole_number(part, _("A text size"), min(TEXT_SCALES), max(TEXT_SCALES))
        found.append(number)
    return found


def screen(value: str) -> tuple[int, int]:
    """--screen 1366x728: the usable screen in pixels."""
    match = re.fullmatch(r"\s*(\d{3,5})\s*[x×X]\s*(\d{3,5})\s*", argtypes.text(value))
    if match is None:
        raise UserError(
            _("The screen must be WIDTHxHEIGHT in pixels, such as 1366x728: {value}").format(
                value=value
            )
        )
    return int(match.group(1)), int(match.group(2))


def language(value: str) -> str:
    """--language ja|en."""
    if value not in LANGUAGES:
        raise UserError(_("Unknown language: {language}").format(language=value))
    return value


def register(sub: Any) -> None:
    """Add `gallery` to the parser."""
    p = sub.add_parser("gallery", help=_("every page and dialog as PNG, with manifest.json"))
    p.add_argument("folder", type=argtypes.path, metavar="DIR")
    p.add_argument("--scales", type=scales, default=[100, 150, 200], help="100,150,200")
    p.add_argument("--screen", type=screen, default=(1366, 728), help="1366x728")
    p.add_argument(
        "--language",
        type=language,
        default=None,
        help=_("ja or en (both when not given)"),
    )
    p.set_defaults(handler=cmd_gallery)


def cmd_gallery(args: argparse.Namespace) -> int:
    """gallery DIR: run by main.py with the window's code (ui.gallery.command); app/ never
    imports ui/, so through app.cli alone it can only say where to run it."""
    raise UserError(_("The gallery needs the window: run it as python main.py gallery DIR."))
