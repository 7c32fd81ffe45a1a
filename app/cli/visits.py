"""`visits due [--chapter NAME] [--json]` and `print visit-forms [--volunteer ID] -o FILE.pdf`.

`print` is shared with the event prints (app/commands_print.py, which registers first): this
module adds `visit-forms` to the existing `print` group, through commands_print's
`print_subcommands` when it offers one, else by finding the group's sub-parsers in the
parser; when no `print` group exists yet it makes one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_OK, print_json, say
from app.cli.parsing import print_subcommands as print_group
from app.cli.print_options import count_argument as _count
from app.cli.print_options import use_print_language
from app.cli.session import chapter_id_of, opened
from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.printing.watch import print_visit_forms
from app.watch import visits


def register(sub: Any) -> None:
    """Add `visits due` and `print visit-forms`."""
    v = sub.add_parser("visits", help=_("watch-over visits"))
    vsub = v.add_subparsers(dest="visits_command")
    p = vsub.add_parser("due", help=_("overdue first, then due soon, then open follow-ups"))
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--chapter", type=argtypes.text, default="", metavar="NAME", help=_("only this chapter")
    )
    p.set_defaults(handler=cmd_visits_due)

    p = print_group(sub).add_parser(
        "visit-forms", help=_("round sheets per volunteer and blank visit forms")
    )
    p.add_argument(
        "--volunteer", type=argtypes.text, metavar="ID", default="", help=_("member id or number")
    )
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
    p.add_argument(
        "--blank-forms",
        type=_count,
        default=4,
        metavar="N",
        help=_("blank visit forms after each volunteer's round sheet (default 4)"),
    )
    p.add_argument(
        "--prefilled",
        action="store_true",
        help=_("also one form per person on the round sheet, their name printed in"),
    )
    p.add_argument("--paper", default="A4", choices=["A4", "B5"])
    p.set_defaults(handler=cmd_print_visit_forms)


def _line(item: visits.DueItem) -> str:
    if item.kind == visits.FOLLOW_UP:
        status = _("Follow-up: {outcome}").format(
            outcome=visits.label(visits.OUTCOMES, item.urgency)
        )
    elif item.kind == visits.OVERDUE:
        days = item.days_late
        status = ngettext("Overdue by {days} day", "Overdue by {days} days", days).format(days=days)
        if item.long_overdue:
            status += " " + _("(no contact for twice the interval)")
    else:
        status = _("Due {date}").format(date=item.due_on.isoformat() if item.due_on else "")
    return "\t".join([item.id[:8], status, item.name, item.phone, "、".join(item.volunteers)])


def cmd_visits_due(args: argparse.Namespace) -> int:
    """visits due [--chapter NAME] [--json]"""
    with opened(args) as ctx:
        items = visits.due_list(ctx, chapter_id=chapter_id_of(ctx, args.chapter))
    if args.json:
        print_json([item._asdict() for item in items])
        return EXIT_OK
    for item in items:
        say(_line(item))
    return EXIT_OK


def cmd_print_visit_forms(args: argparse.Namespace) -> int:
    """print visit-forms [--volunteer ID] -o FILE.pdf"""
    out: Path = args.output
    if out.suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))
    if not out.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=out.parent))
    with opened(args) as ctx:
        use_print_language(ctx)
        done = print_visit_forms(
            ctx,
            out,
            args.volunteer or None,
            blank_forms=args.blank_forms,
            paper=args.paper,
            prefilled=args.prefilled,
        )
    for warning in done.warnings:
        say(warning)
    say(
        _("Wrote {path}: {pages} pages, {people} people, {volunteers} round sheets.").format(
            path=out, pages=done.pages, people=done.people, volunteers=done.volunteers
        )
    )
    return EXIT_OK
