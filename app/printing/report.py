"""The annual report as a PDF (the seed document's layout)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
)

from app.core.context import Context
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.printing.common import (
    BLACK,
    CREATOR,
    fiscal_year_label,
    numbered_canvas_class,
    result,
    style,
)
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, PGOTHIC, register_fonts
from app.printing.model import RenderResult
from app.printing.report_charts import (
    _drawing,
    _legend,
    _statistics,
    _title,
    _two_lines,
    horizontal_bar_chart,
    month_bar_chart,
    nice_step,
    stats_charts,
)
from app.printing.report_parts import (
    _PLAIN_TITLE_KINDS,
    ACCENT,
    BLUE,
    CHART_PT,
    GREEN,
    MARGIN,
    ORANGE,
    PALE,
    UNKNOWN,
    _activities,
    _activity,
    _band,
    _cell,
    _connections,
    _count_or_unknown,
    _count_rows,
    _counted,
    _cover,
    _Doc,
    _figures,
    _grid,
    _head,
    _ja,
    _period,
    _rows,
    _sub_band,
    _themes,
    _watch,
    lecturer_text,
    lecturers_line,
    participants_text,
    partner_lines,
    quoted_title,
    scope_text,
    when_text,
)
from app.printing.text import paragraph
from app.reports.annual import annual_report
from app.reports.common import GROUP_BY_MONTH, NO_THEME
from app.reports.results import ActivityRow, AnnualReport, ReportStats
from app.reports.statistics import percent

# --- the document ---------------------------------------------------------------------------------


def _decor(doc: _Doc) -> Callable[[Canvas, int, int], None]:
    r = doc.report
    running = doc.guard.text(f"{r.fiscal_year_label} {_('Community-building activity report')}")
    scope = doc.guard.text(doc.scope)

    width, height = doc.page

    def draw(canvas: Canvas, page: int, count: int) -> None:
        canvas.saveState()
        canvas.setFillColor(BLACK)
        if page > 1:
            canvas.setFont(PGOTHIC, 10)
            canvas.drawString(MARGIN, height - MARGIN + 4 * mm, running)
            canvas.drawRightString(width - MARGIN, height - MARGIN + 4 * mm, scope)
            canvas.setStrokeColor(ACCENT)
            canvas.setLineWidth(0.8)
            canvas.line(
                MARGIN, height - MARGIN + 2.5 * mm, width - MARGIN, height - MARGIN + 2.5 * mm
            )
        canvas.setFont(GOTHIC_BOLD, 12)
        canvas.drawCentredString(width / 2, MARGIN - 8 * mm, f"{page} / {count}")
        canvas.restoreState()

    return draw


# Up to this many activities the report is "short" and runs on without forced page breaks.
COMPACT_ACTIVITIES = 4


def render_annual_report(report: AnnualReport, out: Path | None, paper: str = "A4") -> RenderResult:
    """The report as a PDF on `paper` ("A4" or "B5"), written atomically to `out` (or returned
    as bytes)."""
    register_fonts()
    doc = _Doc(report, paper)
    story: list[Flowable] = []
    story += _cover(doc)
    # A short report (one chapter, a handful of activities) runs on instead of giving the
    # cover and the statistics pages of their own, mostly blank.
    compact = len(doc.rows) <= COMPACT_ACTIVITIES
    story.append(CondPageBreak(90 * mm) if compact else PageBreak())
    if compact:
        story.append(Spacer(1, 6 * mm))
    story += _activities(doc)
    story.append(CondPageBreak(120 * mm))
    story.append(Spacer(1, 4 * mm))
    story += _connections(doc)
    story.append(Spacer(1, 8 * mm))
    story.append(CondPageBreak(110 * mm))
    story += _watch(doc)
    if compact:
        story += [Spacer(1, 8 * mm), CondPageBreak(120 * mm)]
    else:
        story.append(PageBreak())
    story += _statistics(doc)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=doc.page,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 2 * mm,
        bottomMargin=MARGIN,
        title=f"{report.fiscal_year_label} {_('Community-building activity report')}",
        author=doc.scope or CREATOR,
        subject=_("Annual activity report"),
        creator=CREATOR,
        lang="ja-JP",
        initialFontName=PGOTHIC,
    )
    pages: list[int] = []
    decor = _decor(doc)

    def draw(canvas: Canvas, page: int, count: int) -> None:
        decor(canvas, page, count)
        pages.append(count)

    template.build(story, canvasmaker=numbered_canvas_class(draw, PGOTHIC))
    return result(buffer.getvalue(), out, pages[-1] if pages else 0, doc.guard.warnings)


def print_annual_report(
    ctx: Context,
    fy: int,
    out: Path | None,
    group_by: str = GROUP_BY_MONTH,
    chapter: str | None = None,
    today: date | None = None,
    paper: str = "A4",
) -> RenderResult:
    """Gather the fiscal year's report and print it to `out` on `paper` ("A4" or "B5")."""
    report = annual_report(ctx, fy, group_by, chapter, today)
    return render_annual_report(report, out, paper)


__all__ = [
    "ACCENT",
    "ActivityRow",
    "AnnualReport",
    "BLUE",
    "CHART_PT",
    "COMPACT_ACTIVITIES",
    "GOTHIC",
    "GREEN",
    "GROUP_BY_MONTH",
    "MARGIN",
    "NO_THEME",
    "ORANGE",
    "PALE",
    "ReportStats",
    "UNKNOWN",
    "_Doc",
    "_PLAIN_TITLE_KINDS",
    "_activities",
    "_activity",
    "_band",
    "_cell",
    "_connections",
    "_count_or_unknown",
    "_count_rows",
    "_counted",
    "_cover",
    "_decor",
    "_drawing",
    "_figures",
    "_grid",
    "_head",
    "_ja",
    "_legend",
    "_period",
    "_rows",
    "_statistics",
    "_sub_band",
    "_themes",
    "_title",
    "_two_lines",
    "_watch",
    "annual_report",
    "current_language",
    "fiscal_year_label",
    "horizontal_bar_chart",
    "lecturer_text",
    "lecturers_line",
    "month_bar_chart",
    "nice_step",
    "paragraph",
    "participants_text",
    "partner_lines",
    "percent",
    "print_annual_report",
    "quoted_title",
    "render_annual_report",
    "result",
    "scope_text",
    "stats_charts",
    "style",
    "when_text",
]
