"""A member's printable attendance history: every registration, and counts per fiscal year."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.events.attendance import MemberHistory, member_history
from app.printing.common import BLACK, date_ja, page_size, style, table_style
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, register_family
from app.printing.member_lists import MARGIN, _build, _text
from app.printing.model import RenderResult
from app.printing.text import TextGuard, paragraph
from app.roster.members import resolve_member
from app.storage.chapter import current_chapter
from app.storage.takeout import export_transaction, record_take_out


def render_history(
    history: MemberHistory,
    out: Path | None,
    *,
    chapter: str,
    paper: str = "A4",
    printed_on: date | None = None,
) -> RenderResult:
    """出欠の記録: a table per fiscal year's counts, then every registration newest first."""
    printed_on = printed_on or date.today()
    guard = TextGuard(GOTHIC)
    title = _("Attendance history")
    register_family(GOTHIC_BOLD)
    width = page_size(paper)[0] - 2 * MARGIN
    grid = [("GRID", (0, 0), (-1, -1), 0.5, BLACK), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    head = style("history-head", 10)
    years: list[list[Any]] = [
        [paragraph(escape(t), head) for t in (_("Fiscal year"), _("Registered"), _("Came"))]
    ]
    for y in history.fiscal_years:
        years.append(
            [
                _text(guard, _("FY {year}").format(year=y.fiscal_year)),
                _text(guard, str(y.registered)),
                _text(guard, str(y.attended)),
            ]
        )
    year_table = Table(years, colWidths=[40 * mm, 30 * mm, 30 * mm], repeatRows=1, hAlign="LEFT")
    year_table.setStyle(table_style(list(grid), font=GOTHIC))
    widths = [46 * mm, 0.0, 34 * mm, 22 * mm]  # 令和8年10月15日（木） on one line
    widths[1] = width - sum(widths)
    rows: list[list[Any]] = [
        [paragraph(escape(t), head) for t in (_("Date"), _("Event"), _("Kind"), _("Came"))]
    ]
    for e in history.entries:
        came = _("came") if e.attended else _("did not come")
        if e.walk_in:
            came = _("walk-in")
        rows.append(
            [
                _text(guard, date_ja(e.on) if e.on else "-"),
                _text(guard, e.event_title),
                _text(guard, e.kind_label),
                _text(guard, came),
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(list(grid), font=GOTHIC))
    story: list[Any] = [
        paragraph(escape(f"{title}：{guard.text(history.name)}"), style("title", 15, bold=True)),
        Spacer(1, 2 * mm),
        paragraph(
            escape(
                _("{reading} — came {count} times in all").format(
                    reading=guard.text(history.reading), count=history.attended_total
                )
            ),
            style("sub", 10),
        ),
        Spacer(1, 4 * mm),
        year_table,
        Spacer(1, 6 * mm),
        table,
    ]
    return _build(story, out, title, chapter, printed_on, paper, guard)


def print_history(
    ctx: Context, member: str, out: Path, *, paper: str = "A4", today: date | None = None
) -> RenderResult:
    """Write one member's attendance history as a PDF; the take-out is logged like any print."""
    ctx.require(Permission.EVENTS_PEOPLE)
    if Path(out).suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))
    history = member_history(ctx, resolve_member(ctx, member))
    found = current_chapter(ctx)
    chapter = found.name if found else ""
    with export_transaction(ctx, out) as s:
        done = render_history(history, out, chapter=chapter, paper=paper, printed_on=today)
        record_take_out(
            s,
            ctx,
            action="print",
            what="attendance history",
            people=1,
            special_care=False,
            encrypted=False,
            destination=str(out),
        )
    return done
