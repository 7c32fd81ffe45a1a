"""`events duty|duty-roles|duty-assign|duty-unassign`: the duty roster (当番表) of an event."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import date
from typing import Any

from app import events
from app.cli.output import EXIT_OK, print_json, say
from app.cli.session import opened
from app.core import argtypes
from app.core.context import Context
from app.core.dates import format_date, parse_date
from app.core.errors import UserError
from app.core.i18n import current_language, list_separator
from app.core.i18n import gettext as _
from app.events import duty


def month_argument(text: str) -> date:
    """YYYY-MM (or YYYY-MM-DD) as the first day of that month."""
    value = text.strip()
    try:
        year_text, month_text = value.split("-")[:2]
        return date(int(year_text), int(month_text), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("give the month as YYYY-MM, e.g. 2026-04: {text}").format(text=value)
        ) from None


def register(esub: Any) -> None:
    """Add the duty roster commands to `events`."""
    p = esub.add_parser("duty", help=_("the duty roster of EVENT: who does what at each date"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument(
        "--month", type=month_argument, metavar="YYYY-MM", help=_("only the dates of this month")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_duty)
    p = esub.add_parser("duty-roles", help=_("show or set the duties of EVENT"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument(
        "roles",
        nargs="*",
        type=argtypes.text,
        metavar="NAME=N",
        help=_("each duty and how many people it needs, e.g. 受付=2 調理=3 (replaces the list)"),
    )
    p.add_argument(
        "--default",
        action="store_true",
        help=_(
            "use the usual duties of a café (reception, cooking, setting up, clearing up, host)"
        ),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_duty_roles)
    for name, handler, text in (
        ("duty-assign", cmd_duty_assign, _("put MEMBER on duty in ROLE at one date of EVENT")),
        ("duty-unassign", cmd_duty_unassign, _("take MEMBER off ROLE at one date of EVENT")),
    ):
        p = esub.add_parser(name, help=text)
        p.add_argument("event", type=argtypes.text, metavar="EVENT")
        p.add_argument(
            "--date",
            type=argtypes.text,
            default="",
            metavar="YYYY-MM-DD",
            help=_("the date (required for an event with more than one)"),
        )
        p.add_argument(
            "--role", required=True, type=argtypes.text, metavar="ROLE", help=_("name or number")
        )
        p.add_argument("member", type=argtypes.text, metavar="MEMBER")
        p.set_defaults(handler=handler)


def _day(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def _when(day: date | None) -> str:
    return format_date(day, current_language()) if day else "-"


def _parse_role(text: str) -> tuple[str, int]:
    name, sep, count = text.replace("＝", "=").rpartition("=")
    if not sep:
        return text, 1
    try:
        return name, int(count)
    except ValueError:
        raise UserError(_("Give a duty as NAME=N, e.g. 受付=2: {text}").format(text=text)) from None


def _print_warnings(warnings: Any) -> None:
    for w in warnings:
        print(_("Warning: {message}").format(message=w.text), file=sys.stderr)


def _member_id(ctx: Context, text: str) -> str:
    # Imported here: `events list` loads this module, and the roster costs it some 50 ms.
    from app.roster import members

    return members.resolve_member(ctx, text)


def cmd_duty(args: argparse.Namespace) -> int:
    """events duty EVENT [--month YYYY-MM] [--json]"""
    with opened(args) as ctx:
        roster = duty.duty_roster(ctx, events.resolve_event(ctx, args.event), args.month)
    if args.json:
        data = asdict(roster)
        data["id"] = roster.event_id
        print_json(data)
        return EXIT_OK
    say(roster.title)
    if not roster.roles:
        say(_("No duties yet: set them with `events duty-roles EVENT 受付=2 …` or --default."))
        return EXIT_OK
    for d in roster.dates:
        day = d.starts_at.date() if d.starts_at else None
        head = _when(day) + ("  " + _("(cancelled)") if d.cancelled else "")
        say(head)
        for slot in d.slots:
            names = list_separator().join(p.name for p in slot.people) if slot.people else "-"
            short = "  " + _("({n} more needed)").format(n=slot.short) if slot.short else ""
            say(f"  {slot.role} [{len(slot.people)}/{slot.needed}]: {names}{short}")
    _print_warnings(w for w in roster.warnings if w.kind == duty.DOUBLE)
    return EXIT_OK


def cmd_duty_roles(args: argparse.Namespace) -> int:
    """events duty-roles EVENT [NAME=N ...] [--default] [--json]"""
    if args.default and args.roles:
        raise UserError(_("Give either the duties or --default, not both."))
    with opened(args) as ctx:
        event_id = events.resolve_event(ctx, args.event)
        if args.default:
            roles = duty.set_duty_roles(ctx, event_id, duty.default_roles())
        elif args.roles:
            roles = duty.set_duty_roles(ctx, event_id, [_parse_role(r) for r in args.roles])
        else:
            roles = duty.duty_roles(ctx, event_id)
    if args.json:
        print_json([asdict(r) for r in roles])
        return EXIT_OK
    if not roles:
        say(_("No duties yet."))
    for n, r in enumerate(roles, 1):
        say(_("{n}. {name}: {needed} needed").format(n=n, name=r.name, needed=r.needed))
    return EXIT_OK


def cmd_duty_assign(args: argparse.Namespace) -> int:
    """events duty-assign EVENT [--date YYYY-MM-DD] --role ROLE MEMBER"""
    day = _day(args.date)
    with opened(args) as ctx:
        event_id = events.resolve_event(ctx, args.event)
        member_id = _member_id(ctx, args.member)
        done = duty.assign_duty(ctx, event_id, day, args.role, member_id)
    slot_people = [
        p.name
        for d in done.roster.dates
        for s in d.slots
        for p in s.people
        if p.assignment_id == done.assignment_id
    ]
    role = next(
        s.role
        for d in done.roster.dates
        for s in d.slots
        if any(p.assignment_id == done.assignment_id for p in s.people)
    )
    say(
        _("{name} is on duty as {role} ({title}, {date}).").format(
            name=slot_people[0] if slot_people else args.member,
            role=role,
            title=done.roster.title,
            date=_when(day) if day else _("its date"),
        )
    )
    _print_warnings(done.warnings)
    return EXIT_OK


def cmd_duty_unassign(args: argparse.Namespace) -> int:
    """events duty-unassign EVENT [--date YYYY-MM-DD] --role ROLE MEMBER"""
    day = _day(args.date)
    with opened(args) as ctx:
        event_id = events.resolve_event(ctx, args.event)
        member_id = _member_id(ctx, args.member)
        assignment = duty.find_assignment(ctx, event_id, day, args.role, member_id)
        roster = duty.unassign_duty(ctx, assignment)
    say(_("Taken off the duty ({title}).").format(title=roster.title))
    return EXIT_OK
