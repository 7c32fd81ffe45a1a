"""`print annual-report` and `reports stats`: the fiscal year's report as PDF, its figures
as JSON or XLSX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_OK, print_json, say
from app.cli.parsing import print_subcommands as print_subparsers
from app.cli.print_options import use_print_language
from app.cli.session import opened
from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.reports.common import GROUP_BY_MONTH, GROUP_CHOICES


def register(sub: Any) -> None:
    """Add `print annual-report` and `reports stats`."""
    psub = print_subparsers(sub)
    p = psub.add_parser("annual-report", help=_("the fiscal year's activity report (A4 or B5 PDF)"))
    p.add_argument("--fiscal-year", type=argtypes.fiscal_year, required=True, metavar="Y")
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE.pdf")
    p.add_argument(
        "--by",
        choices=GROUP_CHOICES,
        default=GROUP_BY_MONTH,
        help=_("group the activities by month or by chapter/municipality"),
    )
    p.add_argument(
        "--chapter", type=argtypes.text, default="", metavar="NAME", help=_("only this chapter")
    )
    p.add_argument("--paper", default="A4", choices=["A4", "B5"])
    p.set_defaults(handler=cmd_print_annual_report)

    r = sub.add_parser("reports", help=_("figures of a fiscal year"))
    rsub = r.add_subparsers(dest="reports_command")
    p = rsub.add_parser("stats", help=_("statistics of a fiscal year (no personal data)"))
    p.add_argument("--fiscal-year", type=argtypes.fiscal_year, required=True, metavar="Y")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", type=argtypes.path, metavar="FILE.xlsx")
    p.add_argument(
        "--chapter", type=argtypes.text, default="", metavar="NAME", help=_("only this chapter")
    )
    p.set_defaults(handler=cmd_reports_stats)


def _check_output(out: Path, suffix: str) -> None:
    if out.suffix.lower() != suffix:
        raise UserError(
            _("The output file must end in {suffix}: {path}").format(suffix=suffix, path=out)
        )
    if not out.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=out.parent))


def cmd_print_annual_report(args: argparse.Namespace) -> int:
    """print annual-report --fiscal-year Y -o FILE.pdf [--by month|chapter] [--chapter NAME]
    [--paper A4|B5]"""
    from app.printing.report import print_annual_report

    out: Path = args.output
    _check_output(out, ".pdf")
    with opened(args) as ctx:
        use_print_language(ctx)
        outcome = print_annual_report(
            ctx, args.fiscal_year, out, args.by, args.chapter.strip() or None, paper=args.paper
        )
    for warning in outcome.warnings:
        print(_("Warning: {message}").format(message=warning), file=sys.stderr)
    say(_("Wrote {path}: {pages} pages.").format(path=out, pages=outcome.pages))
    return EXIT_OK


def cmd_reports_stats(args: argparse.Namespace) -> int:
    """reports stats --fiscal-year Y [--json] [-o FILE.xlsx] [--chapter NAME]"""
    from app import reports

    chapter = args.chapter.strip() or None
    with opened(args) as ctx:
        if args.output is not None:
            _check_output(args.output, ".xlsx")
            stats = reports.export_stats_xlsx(ctx, args.fiscal_year, args.output, chapter)
        else:
            stats = reports.report_stats(ctx, args.fiscal_year, chapter)
    if args.json:
        print_json(reports.stats_as_dict(stats))
    elif args.output is not None:
        say(_("Wrote {path}.").format(path=args.output))
    else:
        say(f"{stats.fiscal_year_label}  {stats.scope_label}")
        say(_("Activities: {count}").format(count=stats.activities))
        say(_("Events held: {count}").format(count=stats.event_dates))
        say(_("Participants: {count}").format(count=stats.participants))
        say(_("Attendance rate: {rate}").format(rate=reports.percent(stats.attendance_rate)))
        for m in stats.months:
            say(f"{m.label}\t{m.events}\t{m.participants}\t{m.visits}\t{m.follow_ups}")
    return EXIT_OK
