"""init, demo and members: the roster's commands."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_OK, print_json, say
from app.cli.session import chapter_id_of, opened
from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.roster import members
from app.storage import chapter


def register(sub: Any) -> None:
    """Add init, demo and members (app/cli/table.py lists every group)."""
    _register_core(sub)


def _register_core(sub: Any) -> None:
    p = sub.add_parser("init", help=_("create a new chapter database"))
    p.add_argument(
        "--chapter", type=argtypes.text, metavar="NAME", default="", help=_("the chapter's name")
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help=_("create a database filled with demo data"))
    p.set_defaults(handler=cmd_demo)

    m = sub.add_parser("members", help=_("the member roster"))
    msub = m.add_subparsers(dest="members_command")
    p = msub.add_parser("import", help=_("import a CSV or XLSX roster"))
    p.add_argument("file", type=argtypes.path)
    p.add_argument("--dry-run", action="store_true", help=_("check the file, change nothing"))
    p.set_defaults(handler=cmd_members_import)
    p = msub.add_parser("export", help=_("export the roster as CSV or XLSX"))
    p.add_argument("file", type=argtypes.path)
    p.add_argument("--encoding", choices=["utf-8", "cp932"], default=None)
    p.add_argument(
        "--replace", action="store_true", help=_("replace characters cp932 lacks with 〓")
    )
    p.set_defaults(handler=cmd_members_export)
    p = msub.add_parser("list", help=_("list members in gojūon order"))
    p.add_argument("--search", type=argtypes.text, default="", metavar="TEXT")
    p.add_argument("--all", action="store_true", help=_("include retired members"))
    p.add_argument(
        "--chapter", type=argtypes.text, default="", metavar="NAME", help=_("only this chapter")
    )
    p.add_argument(
        "--tag",
        type=argtypes.text,
        action="append",
        default=[],
        metavar="TAG",
        help=_("only members in this group (repeatable: any of them)"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_members_list)
    for name, text, handler in (
        ("tag", _("put members in groups (班, 地区, 年賀状 …)"), cmd_members_tag),
        ("untag", _("take members out of groups"), cmd_members_untag),
    ):
        p = msub.add_parser(name, help=text)
        p.add_argument("member", type=argtypes.text, metavar="MEMBER")
        p.add_argument("tags", type=argtypes.text, nargs="+", metavar="TAG")
        p.set_defaults(handler=handler)
    p = msub.add_parser("lapsed", help=_("regulars not seen for some months, newest absence first"))
    p.add_argument(
        "--months", type=argtypes.count, default=3, metavar="N", help=_("not seen for N months (3)")
    )
    p.add_argument(
        "--min-visits",
        type=argtypes.count,
        default=3,
        metavar="K",
        help=_("came at least K times in the twelve months before (3)"),
    )
    p.add_argument("--kind", default=None, metavar="KIND", help=_("only events of this kind"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_members_lapsed)
    p = msub.add_parser(
        "duplicates", help=_("pairs of members (and guests) that may be one person, with reasons")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_members_duplicates)
    p = msub.add_parser(
        "history", help=_("a member's registrations and attendance, with counts per fiscal year")
    )
    p.add_argument("member", type=argtypes.text, metavar="MEMBER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_members_history)
    p = msub.add_parser("duties", help=_("a volunteer's own list of duties (当番)"))
    p.add_argument("member", type=argtypes.text, metavar="MEMBER")
    p.add_argument(
        "--from", dest="since", type=argtypes.text, default="", metavar="YYYY-MM-DD",
        help=_("only duties from this date"),
    )  # fmt: skip
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_members_duties)
    p = msub.add_parser("merge", help=_("make two records one person: OTHER moves into KEEP"))
    p.add_argument("keep", type=argtypes.text, metavar="KEEP")
    p.add_argument("other", type=argtypes.text, metavar="OTHER")
    p.set_defaults(handler=cmd_members_merge)


def cmd_init(args: argparse.Namespace) -> int:
    """init [--chapter NAME]"""
    target = Path(args.db) if args.db and "://" not in args.db else None
    if target is not None and target.exists():
        raise UserError(_("{path} already exists; nothing was changed.").format(path=target))
    with opened(args, create=True) as ctx:
        info = chapter.set_up_chapter(ctx, args.chapter or _("My chapter"))
        say(
            _("Created the database for {chapter}: {path}").format(
                chapter=info.name, path=ctx.db.location
            )
        )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """demo"""
    from app.setup import demo

    with opened(args, create=True) as ctx:
        summary = demo.build_demo(ctx)
        say(
            _("Demo data ready in {path}: {members} members, {events} events.").format(
                path=ctx.db.location, members=summary.members, events=summary.events
            )
        )
    return EXIT_OK


def cmd_members_import(args: argparse.Namespace) -> int:
    """members import FILE [--dry-run]"""
    with opened(args) as ctx:
        report = members.import_members(ctx, args.file, dry_run=args.dry_run)
    text = _("{added} added, {updated} updated, {unchanged} unchanged ({encoding}).").format(
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        encoding=report.encoding,
    )
    if args.dry_run:
        text = _("Dry run, nothing written: {summary}").format(summary=text)
    say(text)
    for c in report.candidates:
        say(
            _("Line {line} may be the member {name} ({id}): {reasons}").format(
                line=c.line, name=c.name, id=c.id[:8], reasons=c.reasons_text
            )
        )
    if report.candidates and not args.dry_run:
        say(_("Check these with “members duplicates” and “members merge”."))
    return EXIT_OK


def cmd_members_duplicates(args: argparse.Namespace) -> int:
    """members duplicates [--json]"""
    from app.roster import duplicates

    with opened(args) as ctx:
        pairs = duplicates.find_duplicates(ctx)
    if args.json:
        print_json(pairs)
        return EXIT_OK
    for p in pairs:
        say(
            "\t".join(
                [
                    str(p.score),
                    f"{p.first.id[:8]} {p.first.name} {p.first.reading}",
                    f"{p.second.id[:8]} {p.second.name} {p.second.reading}",
                    p.reasons_text,
                ]
            )
        )
    if not pairs:
        say(_("No likely duplicates."))
    return EXIT_OK


def cmd_members_duties(args: argparse.Namespace) -> int:
    """members duties MEMBER [--from YYYY-MM-DD] [--json]"""
    from app.core.dates import format_date, parse_date
    from app.core.i18n import current_language
    from app.events import duty

    since = parse_date(args.since) if args.since.strip() else None
    with opened(args) as ctx:
        found = duty.member_duties(ctx, members.resolve_member(ctx, args.member), since=since)
    if args.json:
        print_json([dict(asdict(d), id=d.assignment_id) for d in found])
        return EXIT_OK
    if not found:
        say(_("No duties."))
    for d in found:
        when = format_date(d.day, current_language())
        say("\t".join([when, f"{d.starts_at:%H:%M}" if d.starts_at else "", d.title, d.role]))
    return EXIT_OK


def cmd_members_history(args: argparse.Namespace) -> int:
    """members history MEMBER [--json]"""
    from app.events import attendance

    with opened(args) as ctx:
        history = attendance.member_history(ctx, members.resolve_member(ctx, args.member))
    if args.json:
        print_json(history)
        return EXIT_OK
    say(f"{history.name}\t{history.reading}")
    for y in history.fiscal_years:
        say(
            _("FY{year}: registered {registered}, came {attended}").format(
                year=y.fiscal_year, registered=y.registered, attended=y.attended
            )
        )
    for e in history.entries:
        came = _("came") if e.attended else _("did not come")
        say("\t".join([str(e.on or ""), e.event_title, e.kind_label, came]))
    return EXIT_OK


def cmd_members_merge(args: argparse.Namespace) -> int:
    """members merge KEEP OTHER"""
    from app.roster import duplicates

    with opened(args) as ctx:
        outcome = duplicates.merge_members(ctx, args.keep, args.other)
    say(
        _(
            "Merged {other} into {keep}: {registrations} registrations, {roles} watch-over "
            "roles and {visits} visits moved."
        ).format(
            other=outcome.merged[:8],
            keep=outcome.kept[:8],
            registrations=outcome.registrations,
            roles=outcome.watch_roles,
            visits=outcome.visits,
        )
    )
    return EXIT_OK


def cmd_members_export(args: argparse.Namespace) -> int:
    """members export FILE"""
    with opened(args) as ctx:
        count = members.export_members(
            ctx, args.file, encoding=args.encoding, replace_unencodable=args.replace
        )
    say(_("Exported {count} members to {path}").format(count=count, path=args.file))
    return EXIT_OK


def cmd_members_list(args: argparse.Namespace) -> int:
    """members list [--search TEXT] [--chapter NAME] [--json]"""
    with opened(args) as ctx:
        views = members.list_members(
            ctx,
            args.search,
            include_retired=args.all,
            chapter_id=chapter_id_of(ctx, args.chapter),
            tags=args.tag,
        )
    if args.json:
        print_json(views)
        return EXIT_OK
    for v in views:
        say("\t".join([v.id[:8], v.full_name, v.full_kana, v.member_number, v.phone or v.mobile]))
    return EXIT_OK


def cmd_members_tag(args: argparse.Namespace) -> int:
    """members tag MEMBER TAG..."""
    from app.roster import households

    with opened(args) as ctx:
        member_id = members.resolve_member(ctx, args.member)
        households.tag_members(ctx, [member_id], args.tags)
        view = members.get_member(ctx, member_id)
    say(_("{name}: {tags}").format(name=view.full_name, tags="、".join(view.tags)))
    return EXIT_OK


def cmd_members_untag(args: argparse.Namespace) -> int:
    """members untag MEMBER TAG..."""
    from app.roster import households

    with opened(args) as ctx:
        member_id = members.resolve_member(ctx, args.member)
        households.untag_members(ctx, [member_id], args.tags)
        view = members.get_member(ctx, member_id)
    say(_("{name}: {tags}").format(name=view.full_name, tags="、".join(view.tags) or "—"))
    return EXIT_OK


def cmd_members_lapsed(args: argparse.Namespace) -> int:
    """members lapsed [--months N] [--min-visits K] [--kind KIND] [--json]"""
    from app.events import attendance

    with opened(args) as ctx:
        rows = attendance.lapsed_members(
            ctx, months=args.months, min_visits=args.min_visits, kind=args.kind
        )
    if args.json:
        print_json(rows)
        return EXIT_OK
    for r in rows:
        say(
            "\t".join(
                [
                    r.id[:8],
                    r.name,
                    r.reading,
                    str(r.visits),
                    str(r.last_attended),
                    r.last_event_title,
                ]
            )
        )
    return EXIT_OK
