"""The annual report's charts."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Spacer,
)

from app.core.i18n import gettext as _
from app.printing.common import (
    BLACK,
    BODY_PT,
    page_size,
)
from app.printing.fonts import GOTHIC, PGOTHIC, PGOTHIC_BOLD
from app.printing.report_parts import (
    BLUE,
    CHART_PT,
    GREEN,
    MARGIN,
    ORANGE,
    _band,
    _columns,
    _count_or_unknown,
    _Doc,
    _grid,
    _head,
    _header_need,
    _sub_band,
)
from app.reports.common import NO_THEME
from app.reports.results import ReportStats
from app.reports.statistics import percent

# --- charts ---------------------------------------------------------------------------------------


def nice_step(top: float) -> int:
    """A round axis step giving about five gridlines up to `top`."""
    if top <= 5:
        return 1
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    # The renderer starts every drawing in Helvetica, which the PDF would then name without
    # carrying it; start in the bundled face instead.
    drawing.initialFontName = PGOTHIC
    drawing.initialFontSize = CHART_PT
    return drawing


def _title(drawing: Drawing, text: str, y: float) -> None:
    drawing.add(String(0, y, text, fontName=PGOTHIC_BOLD, fontSize=13, fillColor=BLACK))


def _legend(drawing: Drawing, x: float, y: float, series: Sequence[tuple[str, Any]]) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = PGOTHIC
    legend.fontSize = CHART_PT
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy = 10, 10
    legend.deltax = 150
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(colour, name) for name, colour in series]
    drawing.add(legend)


def month_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], Any]],
    width: float,
    height: float = 62 * mm,
) -> Drawing:
    """Bars per month (one or two series side by side), values printed over the bars."""
    guard_labels = list(categories)
    drawing = _drawing(width, height)
    _title(drawing, title, height - 14)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 22
    chart.width = width - 40
    chart.height = height - 62
    chart.data = [list(values) for _name, values, _colour in series]
    top = max([max(values, default=0) for _n, values, _c in series], default=0)
    step = nice_step(top)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, math.ceil(top / step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = GOTHIC
    chart.valueAxis.labels.fontSize = CHART_PT - 1
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D0D0D0")
    chart.categoryAxis.categoryNames = guard_labels
    chart.categoryAxis.labels.fontName = PGOTHIC
    chart.categoryAxis.labels.fontSize = CHART_PT
    chart.categoryAxis.labels.dy = -4
    chart.barSpacing = 1
    chart.groupSpacing = 6
    chart.barLabelFormat = lambda v: "" if not v else f"{int(v)}"
    chart.barLabels.fontName = GOTHIC
    chart.barLabels.fontSize = CHART_PT - 2
    chart.barLabels.nudge = 6
    for i, (_name, _values, colour) in enumerate(series):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        _legend(drawing, width - 150 * len(series), height - 22, [(n, c) for n, _v, c in series])
    return drawing


def _two_lines(text: str, font: str, size: float, width: float) -> str:
    """`text` as one line if it fits `width`, else two (at the space nearest the middle)."""
    if stringWidth(text, font, size) <= width:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if spaces:
        cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
        return text[:cut] + "\n" + text[cut + 1 :]
    half = (len(text) + 1) // 2
    return text[:half] + "\n" + text[half:]


def horizontal_bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    colour: Any,
    width: float,
    row_h: float = 20.0,
) -> Drawing:
    """One bar per kind or theme, longest first, its label on the left."""
    height = 36 + row_h * max(1, len(labels)) + 16
    drawing = _drawing(width, height)
    _title(drawing, title, height - 14)
    chart = HorizontalBarChart()
    # The labels get the room the widest needs, up to 45 % of the width; a longer one goes
    # onto two lines (at a space in English) rather than past the page's left margin.
    cap = width * 0.45
    labels = [_two_lines(label, PGOTHIC, CHART_PT, cap - 8) for label in labels]
    widest = max(
        (stringWidth(part, PGOTHIC, CHART_PT) for label in labels for part in label.split("\n")),
        default=0.0,
    )
    label_w = min(cap, max(60.0, widest + 8))
    chart.x, chart.y = label_w, 16
    chart.width = width - label_w - 30
    chart.height = row_h * max(1, len(labels))
    # The chart draws the first category at the bottom: reverse so the largest is on top.
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    top = max(values, default=0)
    step = nice_step(top)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, math.ceil(top / step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = GOTHIC
    chart.valueAxis.labels.fontSize = CHART_PT - 1
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D0D0D0")
    chart.categoryAxis.labels.fontName = PGOTHIC
    chart.categoryAxis.labels.fontSize = CHART_PT
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: "" if not v else f"{int(v)}"
    chart.barLabels.fontName = GOTHIC
    chart.barLabels.fontSize = CHART_PT - 1
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    drawing.add(chart)
    return drawing


def stats_charts(
    stats: ReportStats,
    text: Callable[[str], str] = str,
    width: float | None = None,
    month_height: float = 62 * mm,
    row_h: float = 20.0,
) -> list[Drawing]:
    """Every chart of the statistics page, in print order, `width` wide (the body of an A4
    page unless told), the month charts `month_height` high and the bar charts `row_h` a
    bar; `text` checks each label."""
    if width is None:
        width = page_size("A4")[0] - 2 * MARGIN
    months = [text(m.short_label) for m in stats.months]
    themed = [t for t in stats.by_theme if t.key != NO_THEME]
    # A chart of nothing is left out: an empty axis reads like a printing fault.
    charts = []
    if stats.event_dates:
        charts.append(
            month_bar_chart(
                _("Events held per month"),
                months,
                [(_("Events held"), [m.events for m in stats.months], BLUE)],
                width,
                month_height,
            )
        )
    if stats.participants:
        charts.append(
            month_bar_chart(
                _("Participants per month"),
                months,
                [(_("Participants"), [m.participants for m in stats.months], ORANGE)],
                width,
                month_height,
            )
        )
    if stats.by_kind:
        charts.append(
            horizontal_bar_chart(
                _("Activities by kind"),
                [text(k.label) for k in stats.by_kind],
                [k.activities for k in stats.by_kind],
                BLUE,
                width,
                row_h,
            )
        )
    if themed:
        charts.append(
            horizontal_bar_chart(
                _("Activities by theme"),
                [text(t.label) for t in themed],
                [t.activities for t in themed],
                GREEN,
                width,
                row_h,
            )
        )
    if stats.visits or stats.follow_ups:
        charts.append(
            month_bar_chart(
                _("Watch-over visits and follow-ups per month"),
                months,
                [
                    (_("Visits and calls"), [m.visits for m in stats.months], BLUE),
                    (_("Follow-ups opened"), [m.follow_ups for m in stats.months], ORANGE),
                ],
                width,
                month_height,
            )
        )
    if stats.members_joined or stats.members_retired:
        charts.append(
            month_bar_chart(
                _("Members joined and retired per month"),
                months,
                [
                    (_("New members"), [m.members_joined for m in stats.months], GREEN),
                    (_("Members left"), [m.members_retired for m in stats.months], ORANGE),
                ],
                width,
                month_height,
            )
        )
    return charts


def _statistics(doc: _Doc) -> list[Flowable]:
    s = doc.report.stats
    story: list[Flowable] = [_band(doc, _("Statistics")), Spacer(1, 4 * mm)]
    # A smaller sheet draws its charts lower too (A4's scale is 1), the labels still 12 pt.
    charts = stats_charts(s, doc.guard.text, doc.width, 62 * mm * doc.scale, 20.0 * doc.scale)
    for chart in charts:
        story += [KeepTogether([chart, Spacer(1, 6 * mm)])]
    header = [
        _("Month"),
        _("Events held"),
        _("People"),
        _("Visits"),
        _("Follow-ups"),
        _("New members"),
        _("Members left"),
    ]
    rows: list[list[Any]] = [header]
    for m in s.months:
        rows.append(
            [
                m.label,
                m.events,
                _count_or_unknown(
                    m.participants,
                    [
                        a
                        for a in doc.rows
                        if any((d.year, d.month) == (m.year, m.month) for d in a.dates)
                    ],
                ),
                m.visits,
                m.follow_ups,
                m.members_joined,
                m.members_retired,
            ]
        )
    rows.append(
        [
            _("Total"),
            s.event_dates,
            _count_or_unknown(s.participants, doc.rows),
            s.visits,
            s.follow_ups,
            s.members_joined,
            s.members_retired,
        ]
    )
    # The month column holds 2022年10月 whole on B5 too, never across the column rule.
    widest = max((stringWidth(str(row[0]), PGOTHIC, BODY_PT) for row in rows[1:]), default=0.0)
    first = max(doc.width * 0.19, widest + 14)
    rest = (doc.width - first) / 6
    shares = [first / doc.width] + [rest / doc.width] * 6
    widths = _columns(doc.width, shares, [first] + [_header_need(t) for t in header[1:]])
    rows[0] = _head(doc, header, widths)
    story.append(
        KeepTogether(
            [
                _sub_band(doc, _("Month by month")),
                Spacer(1, 3 * mm),
                _grid(rows, widths, total_row=True),
            ]
        )
    )
    if s.registered:
        story.append(Spacer(1, 4 * mm))
        story.append(
            doc.p(
                _(
                    "Attendance rate: {rate} ({attended} of {registered} registered people "
                    "came; walk-ins are counted as participants, not in the rate)."
                ).format(
                    rate=percent(s.attendance_rate),
                    attended=s.attended_registered,
                    registered=s.registered,
                )
            )
        )
    return story
