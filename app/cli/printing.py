"""print flyer|attendance|sign-in|name-tags|cafe-grid: the event prints."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app import events
from app.cli.output import EXIT_OK, say
from app.cli.parsing import print_subcommands as print_subcommands
from app.cli.print_options import count_argument, use_print_language
from app.cli.session import opened
from app.core import argtypes
from app.core.dates import parse_date
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing import events as event_print


def register(sub: Any) -> None:
    """Add the event prints to `print`."""
    psub = print_subcommands(sub)
    helps = {
        event_print.FLYER: _("the event's flyer"),
        event_print.ATTENDANCE: _("attendance sheet (gojūon order)"),
        event_print.SIGN_IN: _("reception sign-in sheet"),
        event_print.NAME_TAGS: _("name tags on A4 label sheets"),
        event_print.CAFE_GRID: _("a monthly event's year grid"),
    }
    for kind, text in helps.items():
        p = psub.add_parser(kind, help=text)
        p.add_argument("event", type=argtypes.text, metavar="EVENT")
        p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
        p.add_argument(
            "--template",
            type=argtypes.text,
            default="",
            metavar="NAME",
            help=_("one of: {choices}").format(choices=", ".join(event_print.templates_for(kind))),
        )
        if kind == event_print.FLYER:
            p.add_argument("--paper", default="A4", choices=["A4", "B5"])
        if kind == event_print.NAME_TAGS:
            p.add_argument(
                "--offset",
                type=_offset,
                default=(0.0, 0.0),
                metavar="RIGHT,DOWN",
                help=_("shift everything by this many mm for a printer that feeds off-centre"),
            )
            p.add_argument(
                "--outline", action="store_true", help=_("draw the label edges (a test print)")
            )
            p.add_argument(
                "--blank",
                type=count_argument,
                default=0,
                metavar="N",
                help=_("add N tags with only the chapter, for walk-ins"),
            )
        p.add_argument(
            "--date",
            type=argtypes.text,
            default="",
            metavar="YYYY-MM-DD",
            help=_("which date of a monthly event"),
        )
        if kind == event_print.CAFE_GRID:
            p.add_argument("--fiscal-year", type=argtypes.fiscal_year, metavar="Y")
        p.set_defaults(handler=cmd_print_event, print_kind=kind)
    register_history(psub)
    register_duty(psub)


def _offset(text: str) -> tuple[float, float]:
    """ "RIGHT,DOWN" in millimetres, each between -10 and 10."""
    parts = text.replace("，", ",").split(",")
    try:
        right, down = (float(v) for v in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("give the shift as RIGHT,DOWN in mm, e.g. 1.5,-0.5")
        ) from None
    if not (abs(right) <= 10 and abs(down) <= 10):
        raise argparse.ArgumentTypeError(_("a shift of at most 10 mm each way"))
    return right, down


def _parse_day(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def cmd_print_event(args: argparse.Namespace) -> int:
    """print KIND EVENT -o FILE.pdf [--template NAME]"""
    out: Path = args.output
    if out.suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))
    if not out.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=out.parent))
    with opened(args) as ctx:
        use_print_language(ctx)
        event_id = events.resolve_event(ctx, args.event)
        occurrence_id = None
        day = _parse_day(args.date)
        if day is not None:
            occurrence_id = events.occurrence_on(events.get_event(ctx, event_id), day)
        job = event_print.PrintJob(
            kind=args.print_kind,
            event_id=event_id,
            template=args.template,
            occurrence_id=occurrence_id,
            fiscal_year=getattr(args, "fiscal_year", None),
            paper=getattr(args, "paper", "A4"),
            offset_mm=getattr(args, "offset", (0.0, 0.0)),
            outline=getattr(args, "outline", False),
            blank_tags=getattr(args, "blank", 0),
        )
        outcome = event_print.render(ctx, job, out)
    for warning in outcome.warnings:
        print(_("Warning: {message}").format(message=warning), file=sys.stderr)
    if outcome.personal:
        say(
            _("Wrote {path}: {pages} pages, {people} names (recorded in the take-out log).").format(
                path=out, pages=outcome.pages, people=outcome.people
            )
        )
    else:
        say(_("Wrote {path}: {pages} pages.").format(path=out, pages=outcome.pages))
    return EXIT_OK


def register_history(psub: Any) -> None:
    """`print history MEMBER -o FILE.pdf`: one member's attendance over the years (issue 16.2)."""
    p = psub.add_parser("history", help=_("a member's attendance history"))
    p.add_argument("member", type=argtypes.text, metavar="MEMBER")
    p.add_argument("--paper", default="A4", choices=["A4", "B5"])
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_print_history)


def cmd_print_history(args: argparse.Namespace) -> int:
    """print history MEMBER [--paper A4|B5] -o FILE.pdf"""
    from app.printing.history import print_history

    if not args.output.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=args.output.parent))
    with opened(args) as ctx:
        use_print_language(ctx)
        done = print_history(ctx, args.member, args.output, paper=args.paper)
    for warning in done.warnings:
        say(warning)
    say(_("Wrote {path}: {pages} pages.").format(path=args.output, pages=done.pages))
    return EXIT_OK


def register_duty(psub: Any) -> None:
    """`print duty EVENT -o FILE.pdf`: the event's 当番表 (issue 16.4)."""
    from app.cli.duty import month_argument

    p = psub.add_parser("duty", help=_("the duty roster of an event (当番表)"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument(
        "--month", type=month_argument, metavar="YYYY-MM", help=_("only the dates of this month")
    )
    p.add_argument("--paper", default="A4", choices=["A4", "B5"])
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_print_duty)


def cmd_print_duty(args: argparse.Namespace) -> int:
    """print duty EVENT [--month YYYY-MM] [--paper A4|B5] -o FILE.pdf"""
    from app.printing.duty import print_duty

    if not args.output.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=args.output.parent))
    with opened(args) as ctx:
        use_print_language(ctx)
        event_id = events.resolve_event(ctx, args.event)
        done = print_duty(ctx, event_id, args.output, month=args.month, paper=args.paper)
    for warning in done.warnings:
        say(warning)
    say(_("Wrote {path}: {pages} pages.").format(path=args.output, pages=done.pages))
    return EXIT_OK
