"""Print options in the window's preview: paper size for the flyer, name-tag shift, label
edges and walk-in tags; the number of blank visit forms and forms with the person printed in."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from tests.app.printing.pdfcheck import B5_JIS_PT, page_size, page_texts, rules
from tests.gui.pages.test_events_page import EIGHTEEN, _page
from tests.gui.waiting import settle


def test_flyer_preview_offers_b5(qtbot: QtBot, demo_ctx: Context) -> None:
    page = _page(qtbot, demo_ctx)
    page.select_event(events.resolve_event(demo_ctx, EIGHTEEN))
    flyer = page.make_preview("flyer")
    assert flyer is not None
    qtbot.addWidget(flyer)
    settle(qtbot)
    # The old preview had no paper choice for the flyer: always A4.
    flyer.paper.setCurrentIndex(flyer.paper.findData("B5"))
    settle(qtbot)
    assert flyer.content is not None
    width, height = page_size(flyer.content.data)
    assert abs(width - B5_JIS_PT[0]) < 0.01 and abs(height - B5_JIS_PT[1]) < 0.01


def test_name_tag_preview_offers_shift_edges_and_blank_tags(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    page = _page(qtbot, demo_ctx)
    page.select_event(events.resolve_event(demo_ctx, EIGHTEEN))
    tags = page.make_preview("name-tags")
    assert tags is not None
    qtbot.addWidget(tags)
    settle(qtbot)
    assert tags.content is not None
    plain = tags.content.data
    tags.blank_tags.setValue(3)
    tags.outline.setChecked(True)
    settle(qtbot)
    assert tags.options()["blank_tags"] == 3
    tuned = tags.content.data
    assert len(rules(tuned)) > len(rules(plain))
    assert sum(t.count("まちづくり") for t in page_texts(tuned)) >= 3 + sum(
        t.count("まちづくり") for t in page_texts(plain)
    )
