"""Statistics out: JSON and XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.core.context import Context
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.reports.annual import annual_report
from app.reports.common import GROUP_BY_MONTH
from app.reports.results import ReportStats, WatchFigures

# --- statistics out: JSON and XLSX ------------------------------------------------------------


def stats_as_dict(stats: ReportStats) -> dict[str, Any]:
    """The statistics as plain JSON-ready data (`reports stats --json`)."""
    return {
        "fiscal_year": stats.fiscal_year,
        "fiscal_year_label": stats.fiscal_year_label,
        "scope": stats.scope_label,
        "activities": stats.activities,
        "event_dates": stats.event_dates,
        "participants": stats.participants,
        "registered": stats.registered,
        "attended_registered": stats.attended_registered,
        "attendance_rate": None
        if stats.attendance_rate is None
        else round(stats.attendance_rate, 4),
        "quantity_kg": stats.quantity_kg,
        "visits": stats.visits,
        "follow_ups": stats.follow_ups,
        "members_joined": stats.members_joined,
        "members_retired": stats.members_retired,
        "months": [
            {
                "month": f"{m.year:04d}-{m.month:02d}",
                "events": m.events,
                "participants": m.participants,
                "visits": m.visits,
                "follow_ups": m.follow_ups,
                "members_joined": m.members_joined,
                "members_retired": m.members_retired,
            }
            for m in stats.months
        ],
        "by_kind": [
            {
                "kind": k.key,
                "label": k.label,
                "activities": k.activities,
                "participants": k.participants,
            }
            for k in stats.by_kind
        ],
        "by_theme": [
            {
                "theme": t.key,
                "label": t.label,
                "activities": t.activities,
                "participants": t.participants,
            }
            for t in stats.by_theme
        ],
    }


def percent(rate: float | None) -> str:
    """88.2% (or — when nothing was counted)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def stats_workbook_bytes(stats: ReportStats, watch: WatchFigures | None = None) -> bytes:
    """The statistics as an Excel workbook: summary, months, kinds, themes, watch-over."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)

    def sheet(
        title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], first: bool
    ) -> None:
        ws = wb.active if first else wb.create_sheet()
        ws.title = title[:31]
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    # openpyxl reads a text starting with "=" as a formula; ours are names.
                    cell.data_type = "s"
        for i, _h in enumerate(header, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = 18 if i > 1 else 28

    sheet(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            (_("Fiscal year"), stats.fiscal_year_label),
            (_("Covers"), stats.scope_label),
            (_("Activities"), stats.activities),
            (_("Events held"), stats.event_dates),
            (_("Participants"), stats.participants),
            (_("Registered"), stats.registered),
            (_("Attended of those registered"), stats.attended_registered),
            (_("Attendance rate"), percent(stats.attendance_rate)),
            (_("Food drives and donations (kg)"), stats.quantity_kg),
            (_("Watch-over visits"), stats.visits),
            (_("Follow-ups opened"), stats.follow_ups),
            (_("Members joined"), stats.members_joined),
            (_("Members retired"), stats.members_retired),
        ],
        True,
    )
    month_rows: list[Sequence[Any]] = [
        (
            m.label,
            m.events,
            m.participants,
            m.visits,
            m.follow_ups,
            m.members_joined,
            m.members_retired,
        )
        for m in stats.months
    ]
    month_rows.append(
        (
            _("Total"),
            stats.event_dates,
            stats.participants,
            stats.visits,
            stats.follow_ups,
            stats.members_joined,
            stats.members_retired,
        )
    )
    sheet(
        _("By month"),
        [
            _("Month"),
            _("Events held"),
            _("Participants"),
            _("Watch-over visits"),
            _("Follow-ups opened"),
            _("Members joined"),
            _("Members retired"),
        ],
        month_rows,
        False,
    )
    sheet(
        _("By kind"),
        [_("Kind"), _("Activities"), _("Participants")],
        [(k.label, k.activities, k.participants) for k in stats.by_kind],
        False,
    )
    sheet(
        _("By theme"),
        [_("Theme"), _("Activities"), _("Participants")],
        [(t.label, t.activities, t.participants) for t in stats.by_theme],
        False,
    )
    if watch is not None:
        lines: list[Sequence[Any]] = [
            (_("People under watch"), watch.people_under_watch),
            (_("Started this year"), watch.people_started),
            (_("Ended this year"), watch.people_ended),
            (_("Visits and calls"), watch.visits),
        ]
        lines += [("  " + c.label, c.count) for c in watch.visits_by_outcome]
        lines.append((_("Follow-ups opened"), watch.follow_ups_opened))
        lines += [("  " + c.label, c.count) for c in watch.follow_ups_by_urgency]
        lines.append((_("Follow-ups closed"), watch.follow_ups_closed))
        lines.append((_("Follow-ups still open at year end"), watch.follow_ups_open_at_year_end))
        sheet(_("Watch-over"), [_("Figure"), _("Count")], lines, False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_stats_xlsx(ctx: Context, fy: int, out: Path, chapter: str | None = None) -> ReportStats:
    """Write the year's statistics to `out` (.xlsx), atomically; returns them."""
    from app.storage.fileio import write_atomically

    if Path(out).suffix.lower() != ".xlsx":
        raise UserError(_("The statistics file must end in .xlsx: {path}").format(path=out))
    report = annual_report(ctx, fy, GROUP_BY_MONTH, chapter)
    write_atomically(out, stats_workbook_bytes(report.stats, report.watch))
    return report.stats
