"""`print labels|postcards|roster|call-list`: mailings and lists on paper (issue 15)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_OK, print_json, say
from app.cli.parsing import print_subcommands
from app.cli.session import opened
from app.core import argtypes
from app.core.context import Context
from app.core.dates import parse_date
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing import address_labels, mailing, member_lists
from app.roster import households, members


def _offset(text: str) -> tuple[float, float]:
    right, _sep, down = text.partition(",")
    try:
        return float(right or 0), float(down or 0)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("give the offset as RIGHT,DOWN in millimetres, e.g. 1.5,-0.5")
        ) from None


def _columns(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _tag_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tag",
        type=argtypes.text,
        action="append",
        default=[],
        metavar="TAG",
        help=_("only members in this group (repeatable: any of them)"),
    )


def _selection(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--event",
        type=argtypes.text,
        default="",
        metavar="EVENT",
        help=_("the event's registrants instead of all active members"),
    )
    p.add_argument(
        "--member",
        type=argtypes.text,
        action="append",
        default=[],
        metavar="ID",
        help=_("only these members (repeatable)"),
    )
    _tag_option(p)
    p.add_argument(
        "--per-household",
        action="store_true",
        help=_("one piece per address, names together (連名)"),
    )
    p.add_argument("--sender", action="store_true", help=_("print the chapter's return address"))
    p.add_argument("--outline", action="store_true", help=_("draw the outlines for a test print"))
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")


def register(sub: Any) -> None:
    """Add the mailing prints to `print`."""
    psub = print_subcommands(sub)
    p = psub.add_parser("labels", help=_("address labels on A4 label sheets"))
    _selection(p)
    p.add_argument(
        "--layout",
        type=argtypes.text,
        default="24",
        metavar="NAME",
        help=_("{choices}, or COLSxROWS:WxH:LEFT,TOP[:PITCHX,PITCHY] in mm").format(
            choices=", ".join(address_labels.SHEETS)
        ),
    )
    p.add_argument(
        "--start", type=int, default=1, metavar="N", help=_("start at label N of a used sheet")
    )
    p.add_argument(
        "--offset",
        type=_offset,
        default=(0.0, 0.0),
        metavar="RIGHT,DOWN",
        help=_("move everything for a printer that feeds off-centre (mm)"),
    )
    p.set_defaults(handler=cmd_print_labels)

    p = psub.add_parser("postcards", help=_("postcards addressed in vertical writing"))
    _selection(p)
    p.add_argument(
        "--from-postal-code",
        type=argtypes.text,
        default=None,
        metavar="CODE",
        help=_("set the return address's postal code (kept for next time)"),
    )
    p.add_argument(
        "--from-address",
        type=argtypes.text,
        default=None,
        metavar="TEXT",
        help=_("set the return address (kept for next time)"),
    )
    p.add_argument(
        "--from-name",
        type=argtypes.text,
        default=None,
        metavar="TEXT",
        help=_("set the sender's name (kept for next time)"),
    )
    p.set_defaults(handler=cmd_print_postcards)

    p = psub.add_parser("roster", help=_("the member roster in gojūon order"))
    _tag_option(p)
    p.add_argument(
        "--columns",
        type=_columns,
        default=list(member_lists.DEFAULT_ROSTER_COLUMNS),
        metavar="A,B",
        help=_("columns besides the name: {choices}").format(
            choices=", ".join(member_lists.ROSTER_COLUMNS)
        ),
    )
    p.add_argument("--paper", default="A4", choices=["A4", "B5"])
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_print_roster)

    p = psub.add_parser("call-list", help=_("the day-before call list of an event"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument(
        "--date",
        type=argtypes.text,
        default="",
        metavar="YYYY-MM-DD",
        help=_("a monthly event's date"),
    )
    p.add_argument("--paper", default="A4", choices=["A4", "B5"])
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_print_call_list)

    h = sub.add_parser("households", help=_("households (世帯) of the roster"))
    hsub = h.add_subparsers(dest="households_command")
    p = hsub.add_parser("list", help=_("each household with its members and address"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_households_list)


def _checked(out: Path) -> Path:
    if out.suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))
    if not out.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=out.parent))
    return out


def _report(done: mailing.MailingPrint) -> int:
    for warning in done.warnings:
        say(warning)
    for person in done.recipients.left_out:
        say(
            _("Left out: {name} ({reason})").format(
                name=person.name, reason=mailing.reason_label(person.reason)
            )
        )
    say(
        _("Wrote {path}: {pages} pages; {summary}.").format(
            path=done.path, pages=done.pages, summary=done.recipients.summary()
        )
    )
    return EXIT_OK


def cmd_print_labels(args: argparse.Namespace) -> int:
    """print labels [--event EVENT] [--member ID]... [--per-household] ... -o FILE.pdf"""
    out = _checked(args.output)
    with opened(args) as ctx:
        done = mailing.print_labels(
            ctx,
            out,
            event_id=args.event or None,
            member_ids=_members(ctx, args.member),
            tags=args.tag,
            per_household=args.per_household,
            layout=args.layout,
            start=args.start,
            offset_mm=args.offset,
            outline=args.outline,
            sender=args.sender,
        )
    return _report(done)


def cmd_print_postcards(args: argparse.Namespace) -> int:
    """print postcards [--event EVENT] [--per-household] [--sender] ... -o FILE.pdf"""
    out = _checked(args.output)
    with opened(args) as ctx:
        if any(v is not None for v in (args.from_postal_code, args.from_address, args.from_name)):
            mailing.set_return_address(
                ctx,
                postal_code=args.from_postal_code,
                address=args.from_address,
                name=args.from_name,
            )
        done = mailing.print_postcards(
            ctx,
            out,
            event_id=args.event or None,
            member_ids=_members(ctx, args.member),
            tags=args.tag,
            per_household=args.per_household,
            sender=args.sender,
            outline=args.outline,
        )
    return _report(done)


def cmd_print_roster(args: argparse.Namespace) -> int:
    """print roster [--columns A,B] [--paper A4|B5] -o FILE.pdf"""
    out = _checked(args.output)
    with opened(args) as ctx:
        done = mailing.print_roster(ctx, out, columns=args.columns, tags=args.tag, paper=args.paper)
    say(
        _("Wrote {path}: {pages} pages, {people} members.").format(
            path=done.path, pages=done.pages, people=done.recipients.people
        )
    )
    return EXIT_OK


def cmd_print_call_list(args: argparse.Namespace) -> int:
    """print call-list EVENT [--date YYYY-MM-DD] [--paper A4|B5] -o FILE.pdf"""
    out = _checked(args.output)
    with opened(args) as ctx:
        occurrence = None
        if args.date:
            from app import events

            event_id = events.resolve_event(ctx, args.event)
            view = events.get_event(ctx, event_id)
            occurrence = events.occurrence_on(view, parse_date(args.date))
        done = mailing.print_call_list(
            ctx, args.event, out, occurrence_id=occurrence, paper=args.paper
        )
    say(
        _("Wrote {path}: {pages} pages, {people} people.").format(
            path=done.path, pages=done.pages, people=done.recipients.people
        )
    )
    return EXIT_OK


def _members(ctx: Context, given: list[str]) -> list[str]:
    return [members.resolve_member(ctx, m) for m in given]


def cmd_households_list(args: argparse.Namespace) -> int:
    """households list [--json]"""
    with opened(args) as ctx:
        found = households.list_households(ctx)
    if args.json:
        print_json(found)
        return EXIT_OK
    for h in found:
        names = "、".join(m.name for m in h.members)
        say("\t".join([h.id, h.name, h.postal_code, h.address, names]))
    return EXIT_OK
