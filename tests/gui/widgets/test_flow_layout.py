"""Rows of buttons that wrap: narrow windows and large text never cut a button off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.context import Context
from ui.main_view import MainView
from ui.style import apply_text_scale
from ui.widgets.flow_layout import FlowLayout


def row(qtbot: QtBot, left: int, right: int) -> tuple[QWidget, FlowLayout, list[QPushButton]]:
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = FlowLayout(holder)
    buttons = [QPushButton(f"Button {n}") for n in range(left + right)]
    for b in buttons[:left]:
        layout.addWidget(b)
    layout.addStretch(1)
    for b in buttons[left:]:
        layout.addWidget(b)
    return holder, layout, buttons


def place(holder: QWidget, layout: FlowLayout, width: int) -> None:
    holder.resize(width, layout.heightForWidth(width))
    holder.show()
    layout.setGeometry(holder.rect())


def test_one_line_when_wide_with_the_right_group_at_the_right(qtbot: QtBot) -> None:
    holder, layout, buttons = row(qtbot, 3, 2)
    place(holder, layout, 2000)
    assert len({b.geometry().top() for b in buttons}) == 1
    assert buttons[-1].geometry().right() == holder.width() - 1
    assert buttons[2].geometry().right() < buttons[3].geometry().left()


def test_wraps_when_narrow_and_asks_only_for_the_widest_button(qtbot: QtBot) -> None:
    holder, layout, buttons = row(qtbot, 5, 0)
    widest = max(b.sizeHint().width() for b in buttons)
    assert layout.minimumSize().width() == widest
    place(holder, layout, widest + 10)
    tops = [b.geometry().top() for b in buttons]
    assert tops == sorted(tops) and len(set(tops)) == 5
    assert all(holder.rect().contains(b.geometry()) for b in buttons)
    assert layout.heightForWidth(widest + 10) > layout.heightForWidth(2000)


def test_the_right_group_moves_to_a_new_line_whole(qtbot: QtBot) -> None:
    holder, layout, buttons = row(qtbot, 3, 2)
    left = sum(b.sizeHint().width() for b in buttons[:3]) + 40
    place(holder, layout, left)
    assert len({b.geometry().top() for b in buttons[:3]}) == 1
    assert buttons[3].geometry().top() == buttons[4].geometry().top()
    assert buttons[3].geometry().top() > buttons[0].geometry().top()
    assert buttons[4].geometry().right() == holder.width() - 1


def test_hidden_buttons_take_no_room(qtbot: QtBot) -> None:
    holder, layout, buttons = row(qtbot, 3, 0)
    buttons[1].hide()
    place(holder, layout, 2000)
    assert buttons[2].geometry().left() < buttons[0].geometry().right() + 40


@pytest.fixture
def large_text() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    apply_text_scale(200)
    yield
    app.setFont(before)


@pytest.mark.usefixtures("large_text")
def test_every_page_fits_an_old_laptop_at_double_text(qtbot: QtBot, demo_ctx: Context) -> None:
    """1366 pixels wide is the common old laptop; at 200 % text no page may ask for more
    (before the rows wrapped, the watch-over page alone asked for 2,235)."""
    view = MainView(demo_ctx)
    qtbot.addWidget(view)
    view.show()
    for key, page in view.pages.items():
        view.show_page(key)
        # The page itself, not the window (which scrolls rather than grow past the screen).
        assert page.minimumSizeHint().width() + view.nav.width() <= 1366, key


@pytest.mark.usefixtures("large_text")
def test_a_page_taller_than_the_screen_scrolls_and_a_short_one_does_not(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    """At 200 % text on a 1366 x 768 laptop the window keeps to the screen; the Events page
    scrolls to its last buttons, the Partners and Home pages have nothing to scroll."""
    window = QWidget()
    qtbot.addWidget(window)
    view = MainView(demo_ctx, window)
    window.resize(1366, 768)
    view.resize(1366, 768)
    window.show()
    view.show_page("events")
    qtbot.waitUntil(lambda: view.scroller.verticalScrollBar().maximum() > 0)
    assert view.minimumSizeHint().height() <= 768
    last = view.pages["events"].reception_button  # type: ignore[attr-defined]
    view.scroller.ensureWidgetVisible(last)
    qtbot.waitUntil(lambda: view.scroller.verticalScrollBar().value() > 0)
    for short in ("partners", "home"):  # the home page wraps words: height-for-width too
        view.show_page(short)
        qtbot.waitUntil(lambda: view.scroller.verticalScrollBar().maximum() == 0)
