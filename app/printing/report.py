"""The annual report as a PDF (the seed document's layout)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
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


def _header_pt(running: str, scope: str, room: float) -> float:
    """The running header's size: 10 pt, smaller where the title and the scope would otherwise
    run into each other (English on B5, or A4 with a long name)."""
    for pt in (10.0, 9.5, 9.0, 8.5, 8.0):
        if stringWidth(running, PGOTHIC, pt) + stringWidth(scope, PGOTHIC, pt) + 6 * mm <= room:
            return pt
    return 8.0


def _decor(doc: _Doc) -> Callable[[Canvas, int, int], None]:
    r = doc.report
    running = doc.guard.text(f"{r.fiscal_year_label} {_('Community-building activity report')}")
    scope = doc.guard.text(doc.scope)
    width, height = doc.page
    header_pt = _header_pt(running, scope, width - 2 * MARGIN)
    room = width - 2 * MARGIN - stringWidth(running, PGOTHIC, header_pt) - 6 * mm
    if stringWidth(scope, PGOTHIC, header_pt) > room:
        # Even at 8 pt they meet: the scope gives way, cut short with an ellipsis.
        while scope and stringWidth(scope + "…", PGOTHIC, header_pt) > room:
            scope = scope[:-1]
        scope += "…"

    def draw(canvas: Canvas, page: int, count: int) -> None:
        canvas.saveState()
        canvas.setFillColor(BLACK)
        if page > 1:
            canvas.setFont(PGOTHIC, header_pt)
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


class _CoverBreak(CondPageBreak):
    """A page break straight after a cover that fits its page; where the cover's themes ran
    over onto the next page (a small sheet, English), the activities follow them there
    instead of leaving that page mostly blank."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._doctemplateAttr("page") == 1:
            return availWidth, availHeight - 1e-8  # what PageBreak does: use up the frame
        if availHeight < self.height:
            return super().wrap(availWidth, availHeight)
        return 0, min(6 * mm, availHeight)  # running on: a gap below the themes


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
    story.append(CondPageBreak(90 * mm) if compact else _CoverBreak(90 * mm))
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
