"""The Reports page: the year's activities, figures and charts, by keyboard and offscreen."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from app import reports
from app.core.context import VIEWER, Actor, Context
from app.core.dates import fiscal_year
from app.setup.demo import SEED_FILE
from tests.app.printing.pdfcheck import B5_JIS_PT, page_size, page_texts, squash
from tests.gui.waiting import outcome, settle
from ui.models.report_stats import StatsTableModel
from ui.models.report_tree import ReportTreeModel
from ui.pages.reports import ReportsPage
from ui.widgets.chart import BLUE, ORANGE, BarChart, Series

SEED_TITLES = [a["title"] for a in json.loads(SEED_FILE.read_text(encoding="utf-8"))["activities"]]


def _titles(model: ReportTreeModel) -> list[str]:
    return [a.title for g in model.groups() for a in g.activities]


def _fy2022(page: ReportsPage) -> None:
    """The seed's year (the demo's history; its current year is around today)."""
    page.year.setCurrentIndex(page.year.findData(2022))


def test_opens_on_the_last_year_with_activities(qtbot: QtBot, demo_ctx: Context) -> None:
    page = ReportsPage(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.year.currentData() == fiscal_year(date.today())
    _fy2022(page)
    assert page.year.currentData() == 2022
    assert sorted(_titles(page.model)) == sorted(SEED_TITLES)
    assert "26 t" in page.summary.text() and "22" in page.summary.text()
    assert page.chapter.isVisible()  # the demo knows several chapters
    first_group = page.model.index(0, 0)
    assert page.model.data(first_group).startswith("Apr 2022")
    assert page.tree.isFirstColumnSpanned(0, first_group.parent())


def test_group_by_chapter_and_filter_one(qtbot: QtBot, demo_ctx: Context) -> None:
    page = ReportsPage(demo_ctx)
    qtbot.addWidget(page)
    _fy2022(page)
    page.group_by.setCurrentIndex(page.group_by.findData(reports.GROUP_BY_CHAPTER))
    labels = [g.label for g in page.model.groups()]
    assert labels[0] == "City-wide activities" and "足立区まちづくり" in labels
    page.chapter.setCurrentIndex(page.chapter.findText("足立区まちづくり"))
    assert sorted(_titles(page.model)) == sorted(
        ["寄り添いの現場から見えること", "「あだちNPOフェスティバル」に参加"]
    )
    assert "New connections: 1" in page.summary.text()
    page.year.setCurrentIndex(page.year.findData(2026))
    assert page.model.rowCount() == 0


def test_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: Any, demo_ctx: Context) -> None:
    report = reports.annual_report(demo_ctx, 2022, reports.GROUP_BY_CHAPTER)
    tree = ReportTreeModel()
    tree.set_groups(report.groups, with_year=True)
    qtmodeltester.check(tree)
    child = tree.index(0, 2, tree.index(0, 0))
    assert tree.activity(child) is not None and tree.parent(child) == tree.index(0, 0)
    stats = StatsTableModel()
    stats.set_stats(report.stats)
    qtmodeltester.check(stats)
    assert stats.rowCount() == 13 and stats.headerData(12, stats_vertical()) == "Total"
    assert stats.data(stats.index(12, 1)) == report.stats.participants
    assert sum(stats.data(stats.index(r, 0)) for r in range(12)) == report.stats.event_dates
    empty = ReportTreeModel()
    qtmodeltester.check(empty)


def stats_vertical() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Vertical


def _has_colour(image: QImage, colour: QColor) -> bool:
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixelColor(x, y) == colour:
                return True
    return False


def test_chart_widget_paints_offscreen(qtbot: QtBot, tmp_path: Path) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(560, 240)
    chart.set_data(
        "Events",
        ["Apr", "May", "Jun"],
        [Series("held", (2, 0, 5), BLUE), Series("x", (1, 1, 1), ORANGE)],
    )
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() == 560
    assert _has_colour(image, BLUE) and _has_colour(image, ORANGE)
    assert "Apr 2" in chart.accessibleDescription()
    assert chart.grab().save(str(tmp_path / "chart.png"))
    flat = BarChart(horizontal=True)
    qtbot.addWidget(flat)
    flat.resize(400, 200)
    flat.set_data("Kinds", [], [])
    assert not flat.grab().toImage().isNull()
    zero = BarChart()
    qtbot.addWidget(zero)
    zero.resize(400, 200)
    zero.set_data("Nothing", ["Apr"], [Series("n", (0,), BLUE)])
    assert not _has_colour(zero.grab().toImage(), BLUE)


def test_export_xlsx_and_pdf_without_asking(
    qtbot: QtBot, demo_ctx: Context, tmp_path: Path
) -> None:
    page = ReportsPage(demo_ctx)
    qtbot.addWidget(page)
    _fy2022(page)
    out = outcome(qtbot, page.export_xlsx(tmp_path / "stats"))
    assert out == tmp_path / "stats.xlsx" and "stats.xlsx" in page.message.text()
    assert load_workbook(out)["Summary"]["B4"].value == 22
    pdf = outcome(qtbot, page.make_pdf(tmp_path / "report.pdf"))
    assert pdf is not None
    text = squash("".join(page_texts(pdf)))
    assert all(squash(t) in text for t in SEED_TITLES)


def test_pdf_button_opens_the_preview(
    qtbot: QtBot, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = pytest.importorskip("ui.dialogs.pdf_preview")
    shown: list[Any] = []
    # What the preview holds when it opens (it is deleted once closed).
    monkeypatch.setattr(
        preview.PdfPreviewDialog,
        "exec",
        lambda self: shown.append((self.content, self.current_choice())) or 0,
    )
    page = ReportsPage(demo_ctx)
    qtbot.addWidget(page)
    page.pdf_button.click()
    settle(qtbot)
    assert len(shown) == 1
    content, choice = shown[0]
    assert content is not None and content.data.startswith(b"%PDF")
    assert choice == reports.GROUP_BY_MONTH


def test_preview_re_renders_on_b5(qtbot: QtBot, demo_ctx: Context) -> None:
    page = ReportsPage(demo_ctx)
    qtbot.addWidget(page)
    _fy2022(page)
    dialog = page.preview_dialog()
    qtbot.addWidget(dialog)
    dialog.refresh()
    settle(qtbot)
    assert dialog.content is not None
    assert page_size(dialog.content.data) == pytest.approx((595.2756, 841.8898), abs=0.01)
    a4_pages = dialog.document.pageCount()
    # The old preview had no paper choice for the annual report: always A4.
    dialog.paper.setCurrentIndex(dialog.paper.findData("B5"))
    settle(qtbot)
    assert dialog.options()["paper"] == "B5"
    width, height = page_size(dialog.content.data)
    assert abs(width - B5_JIS_PT[0]) < 0.01 and abs(height - B5_JIS_PT[1]) < 0.01
    assert dialog.document.pageCount() >= a4_pages
    text = squash("".join(page_texts(dialog.content.data)))
    assert all(squash(t) in text for t in SEED_TITLES)
    # The grouping still goes with it.
    dialog.template.setCurrentIndex(dialog.template.findData(reports.GROUP_BY_CHAPTER))
    settle(qtbot)
    assert page_size(dialog.content.data) == pytest.approx(B5_JIS_PT, abs=0.01)


def test_viewer_reads_the_page(qtbot: QtBot, demo_ctx: Context, tmp_path: Path) -> None:
    page = ReportsPage(Context(demo_ctx.db, Actor("v", VIEWER)))
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    _fy2022(page)
    assert page.model.rowCount() == 12
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        assert page.grab().save(str(tmp_path / f"reports-{index}.png"))
