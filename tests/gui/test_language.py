"""Qt's own strings in the UI language: context menus and standard buttons (issue 13.4)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from ui.language import apply_language


@pytest.fixture
def back_to_english() -> Iterator[None]:
    yield
    apply_language("en")


def _menu_texts(qtbot: QtBot) -> list[str]:
    field = QLineEdit("text")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text() for a in menu.actions() if a.text()]
    menu.deleteLater()
    return texts


@pytest.mark.usefixtures("back_to_english")
def test_japanese_loads_qts_own_translations(qtbot: QtBot) -> None:
    assert apply_language("ja")
    texts = _menu_texts(qtbot)
    assert any(t.startswith("元に戻す") for t in texts), texts
    assert any(t.startswith("貼り付け") for t in texts), texts
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "キャンセル"


@pytest.mark.usefixtures("back_to_english")
def test_english_takes_qts_japanese_away_again(qtbot: QtBot) -> None:
    apply_language("ja")
    apply_language("en")
    texts = _menu_texts(qtbot)
    assert any(t.startswith("&Undo") for t in texts), texts
