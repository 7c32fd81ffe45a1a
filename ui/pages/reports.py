"""The Reports page: a fiscal year's activities, themes, new connections, watch-over counts
and charts; the annual report as PDF and the statistics for Excel."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app import reports
from app.core.context import Permission
from app.core.dates import show_fiscal_year
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.printing.report import render_annual_report
from ui import files
from ui.keys import shortcut
from ui.models.report_stats import StatsTableModel
from ui.models.report_tree import ReportTreeModel
from ui.operations import Operation
from ui.tables import fit_table
from ui.widgets.chart import BLUE, GREEN, ORANGE, BarChart, Series
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context
    from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog


def summary_text(report: reports.AnnualReport) -> str:
    """The year in one line, above the list."""
    s = report.stats
    parts = [
        _("Activities: {count}").format(count=s.activities),
        _("Events held: {count}").format(count=s.event_dates),
        _("Participants: {count}").format(count=f"{s.participants:,}"),
        _("Attendance rate: {rate}").format(rate=reports.percent(s.attendance_rate)),
    ]
    if report.quantity_text:
        parts.append(
            _("Food drives and donations: {quantity}").format(quantity=report.quantity_text)
        )
    parts.append(_("New connections: {count}").format(count=len(report.connections)))
    return "　".join(parts)


def _activities(count: int) -> str:
    return ngettext("{count} activity", "{count} activities", count).format(count=count)


def details_html(report: reports.AnnualReport) -> str:
    """Themes, new connections and watch-over counts as a plain page (no personal data)."""
    e = html.escape
    out = [f"<h3>{e(_('Themes of the year'))}</h3>"]
    if report.themes:
        out.append("<table cellpadding='4'>")
        for t in report.themes:
            qty = f"　{e(t.quantity_text)}" if t.quantity_text else ""
            out.append(
                f"<tr><td><b>{e(t.label)}</b></td><td>{e(_activities(t.activities))}{qty}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append(f"<p>{e(_('No theme was recorded for this year.'))}</p>")
    out.append(f"<h3>{e(_('New connections'))}</h3>")
    if report.connections:
        out.append("<table cellpadding='4'>")
        for c in report.connections:
            roles = "、".join(c.roles)
            out.append(
                f"<tr><td><b>{e(c.organisation)}</b></td><td>{e(c.kind_label)}</td>"
                f"<td>{e(roles)}</td><td>{e(c.first_activity)}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append(f"<p>{e(_('No new organisation this year.'))}</p>")
    w = report.watch
    out.append(f"<h3>{e(_('Watch-over (counts only)'))}</h3><table cellpadding='4'>")
    lines = [
        (_("People under watch during the year"), w.people_under_watch),
        (_("Visits and calls"), w.visits),
        *[("　" + c.label, c.count) for c in w.visits_by_outcome],
        (_("Follow-ups opened"), w.follow_ups_opened),
        *[("　" + c.label, c.count) for c in w.follow_ups_by_urgency],
        (_("Follow-ups closed"), w.follow_ups_closed),
        (_("Follow-ups still open at year end"), w.follow_ups_open_at_year_end),
    ]
    for label, count in lines:
        out.append(f"<tr><td>{e(label)}</td><td align='right'>{count:,}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


class ReportsPage(QWidget):
    """Choose a year (and how to group it); read the activities, figures and charts; print."""

    # Any one of these lets an account see the page (checked by the main view).
    required_permissions: tuple[Permission, ...] = (Permission.REPORTS_READ,)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: reports.AnnualReport | None = None
        self.year = QComboBox()
        self.group_by = QComboBox()
        self.group_by.addItem(_("By month"), reports.GROUP_BY_MONTH)
        self.group_by.addItem(_("By chapter and municipality"), reports.GROUP_BY_CHAPTER)
        self.chapter = QComboBox()
        self.chapter_label = QLabel(_("&Chapter:"))
        self.chapter_label.setBuddy(self.chapter)
        year_label = QLabel(_("&Fiscal year:"))
        year_label.setBuddy(self.year)
        group_label = QLabel(_("&Group by:"))
        group_label.setBuddy(self.group_by)
        self.pdf_button = QPushButton(_("Make the PDF…"))
        self.xlsx_button = QPushButton(_("Statistics for Excel…"))
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.summary.setFont(font)
        self.message = QLabel("")
        self.message.setWordWrap(True)

        self.model = ReportTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        # The title takes the width; lecturers, partners and kind give way at large text.
        self.tree_fit = fit_table(
            self.tree, stretch=2, secondary=[5, 1, 4, 3], measure=self._date_width
        )

        self.stats_model = StatsTableModel(self)
        self.stats_table = QTableView()
        self.stats_table.setModel(self.stats_model)
        self.stats_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.stats_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events_chart = BarChart()
        self.people_chart = BarChart()
        self.kind_chart = BarChart(horizontal=True)
        self.theme_chart = BarChart(horizontal=True)
        self.watch_chart = BarChart()
        self.members_chart = BarChart()
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.addWidget(self.events_chart, 0, 0)
        grid.addWidget(self.people_chart, 0, 1)
        grid.addWidget(self.kind_chart, 1, 0)
        grid.addWidget(self.theme_chart, 1, 1)
        grid.addWidget(self.watch_chart, 2, 0)
        grid.addWidget(self.members_chart, 2, 1)
        grid.addWidget(self.stats_table, 3, 0, 1, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.tree, _("Activities"))
        self.tabs.addTab(scroll, _("Statistics"))
        self.tabs.addTab(self.details, _("Themes, connections, watch-over"))

        top = FlowLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(group_label)
        top.addWidget(self.group_by)
        top.addWidget(self.chapter_label)
        top.addWidget(self.chapter)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._fill_choices()
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.group_by.currentIndexChanged.connect(lambda _i: self.refresh())
        self.chapter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.pdf_button.clicked.connect(lambda: self.make_pdf())
        self.xlsx_button.clicked.connect(lambda: self.export_xlsx())
        shortcut(self, "Ctrl+P", lambda: self.make_pdf())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Gathered when first shown, not when the window starts: at headquarters a year of
        # every chapter takes a second or two.
        if self.report is None:
            self.refresh()
        super().showEvent(event)

    def _fill_choices(self) -> None:
        for fy in reports.fiscal_years(self.ctx):
            self.year.addItem(show_fiscal_year(fy), fy)
        self.chapter.addItem(_("All chapters"), "")
        choices = reports.chapter_choices(self.ctx)
        for c in choices:
            self.chapter.addItem(c.name, c.id)
        many = self.ctx.db.mode == "hq" or len(choices) > 1
        self.chapter.setVisible(many)
        self.chapter_label.setVisible(many)
        # The latest year with activities is the one people come to report on.
        at = self.year.findData(reports.latest_year_with_activities(self.ctx))
        self.year.setCurrentIndex(max(0, at))

    def chosen(self) -> tuple[int, str, str | None]:
        """(fiscal year, grouping, chapter id or None) as chosen on the page."""
        chapter = self.chapter.currentData() or None
        return int(self.year.currentData()), str(self.group_by.currentData()), chapter

    def refresh(self) -> None:
        """Gather the chosen year's report again and show it."""
        if self.year.currentData() is None:
            return
        fy, group_by, chapter = self.chosen()
        Operation(self, lambda: reports.annual_report(self.ctx, fy, group_by, chapter)).success(
            lambda report: self._show(report, group_by)
        ).run()

    def _show(self, report: reports.AnnualReport, group_by: str) -> None:
        self.report = report
        self.model.set_groups(report.groups, with_year=group_by != reports.GROUP_BY_MONTH)
        for row in range(self.model.rowCount()):
            # A group's line (month or chapter, with its counts) reads across the columns.
            self.tree.setFirstColumnSpanned(row, self.model.index(-1, -1), True)
        self.tree.expandAll()
        self.tree_fit.schedule()
        self.stats_model.set_stats(report.stats)
        self.stats_table.resizeRowsToContents()
        frame = 2 * self.stats_table.frameWidth() + 4
        self.stats_table.setMinimumHeight(
            self.stats_table.verticalHeader().length()
            + self.stats_table.horizontalHeader().height()
            + frame
        )
        self.summary.setText(summary_text(report))
        self.details.setHtml(details_html(report))
        self._charts(report.stats)

    def _date_width(self, column: int) -> int | None:
        """As wide as the longest date (the group lines span the row and do not count)."""
        if column != 0:
            return None
        fm = self.tree.fontMetrics()
        widest = 0
        for g in range(self.model.rowCount()):
            parent = self.model.index(g, 0)
            for r in range(self.model.rowCount(parent)):
                text = str(self.model.data(self.model.index(r, 0, parent)) or "")
                widest = max(widest, fm.horizontalAdvance(text))
        return widest + self.tree.indentation() + fm.horizontalAdvance("あ") * 2

    def _charts(self, s: reports.ReportStats) -> None:
        months = [m.short_label for m in s.months]
        self.events_chart.set_data(
            _("Events held per month"),
            months,
            [Series(_("Events held"), tuple(m.events for m in s.months), BLUE)],
        )
        self.people_chart.set_data(
            _("Participants per month"),
            months,
            [Series(_("Participants"), tuple(m.participants for m in s.months), ORANGE)],
        )
        self.kind_chart.set_data(
            _("Activities by kind"),
            [k.label for k in s.by_kind],
            [Series(_("Activities"), tuple(k.activities for k in s.by_kind), BLUE)],
        )
        themed = [t for t in s.by_theme if t.key != reports.NO_THEME]
        self.theme_chart.set_data(
            _("Activities by theme"),
            [t.label for t in themed],
            [Series(_("Activities"), tuple(t.activities for t in themed), GREEN)],
        )
        self.watch_chart.set_data(
            _("Watch-over visits and follow-ups per month"),
            months,
            [
                Series(_("Visits and calls"), tuple(m.visits for m in s.months), BLUE),
                Series(_("Follow-ups opened"), tuple(m.follow_ups for m in s.months), ORANGE),
            ],
        )
        self.members_chart.set_data(
            _("Members joined and retired per month"),
            months,
            [
                Series(_("New members"), tuple(m.members_joined for m in s.months), GREEN),
                Series(_("Members left"), tuple(m.members_retired for m in s.months), ORANGE),
            ],
        )

    # --- output -----------------------------------------------------------------------------

    def make_pdf(self, path: Path | None = None, paper: str = "A4") -> Operation[Path] | None:
        """Preview the annual report (print or save from there, on A4 or B5); given a path,
        save it there on `paper` (in the background; the operation's result is the file
        written)."""
        fy, group_by, chapter = self.chosen()
        if path is None:
            self.preview_dialog(fy, group_by, chapter).preview()
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        target = path

        def save() -> Path:
            report = reports.annual_report(self.ctx, fy, group_by, chapter)
            render_annual_report(report, target, paper)
            return target

        return (
            Operation(self, save)
            .success(
                lambda _path: self.message.setText(
                    _("Saved the annual report to {path}").format(path=target)
                )
            )
            .run_in_background(_("Making the PDF…"))
        )

    def preview_dialog(
        self, fy: int | None = None, group_by: str = "", chapter: str | None = None
    ) -> PdfPreviewDialog:
        """The annual report's preview (the year and grouping chosen on the page unless told),
        its PDF not yet made; it offers the grouping and the paper (A4 or B5)."""
        # Imported when asked for: the preview (and its PDF renderer) stays out of first paint.
        from ui.dialogs.pdf_preview import PdfContent as content_class
        from ui.dialogs.pdf_preview import PdfPreviewDialog as dialog_class

        if fy is None:
            fy, group_by, chapter = self.chosen()
        year, grouping, only = fy, group_by or reports.GROUP_BY_MONTH, chapter

        def make(choice: str, paper: str = "A4") -> PdfContent:
            report = reports.annual_report(self.ctx, year, choice or grouping, only)
            made = render_annual_report(report, None, paper)
            data = made.output if isinstance(made.output, bytes) else b""
            return content_class(data, list(made.warnings))

        return dialog_class(
            _("Annual activity report"),
            make,
            self,
            choices={
                reports.GROUP_BY_MONTH: _("By month"),
                reports.GROUP_BY_CHAPTER: _("By chapter and municipality"),
            },
            choice=grouping,
            file_name=_("annual-report-{year}").format(year=year) + ".pdf",
            papers=True,
        )

    def export_xlsx(self, path: Path | None = None) -> Operation[Path] | None:
        """Write the statistics as an Excel workbook (in the background; the operation's
        result is the file written)."""
        fy, _group, chapter = self.chosen()
        if path is None:
            name, _filter = files.save_file_name(
                self,
                _("Statistics for Excel"),
                _("statistics-{year}").format(year=fy) + ".xlsx",
                _("Excel workbook (*.xlsx)"),
            )
            if not name:
                return None
            path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        target = path

        def export() -> Path:
            reports.export_stats_xlsx(self.ctx, fy, target, chapter)
            return target

        return (
            Operation(self, export)
            .success(
                lambda _path: self.message.setText(
                    _("Saved the statistics to {path}").format(path=target)
                )
            )
            .run_in_background(_("Exporting…"))
        )
