"""The shared name fields: readings captured from IME typing, values in and out, tab order, labels."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.core import i18n
from app.core.context import Context
from app.roster import members
from tests.gui.ime import compose, type_text
from ui.widgets.person_name import PersonNameFields


class Form(QWidget):
    """A form holding the name rows and one field after them, as the dialogs lay them out."""

    def __init__(self) -> None:
        super().__init__()
        self.names = PersonNameFields()
        self.phone = QLineEdit()
        self.layout_ = QFormLayout(self)
        self.names.add_rows(self.layout_)
        self.layout_.addRow("Phone", self.phone)


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    widget = Form()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_ime_typing_fills_both_readings_and_the_values(form: Form) -> None:
    names = form.names
    compose(names.family_name, ["や", "やま", "やまだ"], "山田")
    compose(names.given_name, ["た", "たろ", "たろう"], "太郎")
    assert names.family_kana.text() == "ヤマダ"
    assert names.given_kana.text() == "タロウ"
    assert names.values() == {
        "family_name": "山田",
        "given_name": "太郎",
        "family_kana": "ヤマダ",
        "given_kana": "タロウ",
    }


def test_a_reading_typed_by_hand_is_not_overwritten(form: Form) -> None:
    names = form.names
    names.family_kana.setFocus()
    type_text(names.family_kana, "ヤマサキ")
    compose(names.family_name, ["やまざき"], "山崎")
    assert names.family_kana.text() == "ヤマサキ"
    assert names.family_name.text() == "山崎"


def test_a_loaded_name_keeps_its_reading_and_an_empty_one_follows_again(form: Form) -> None:
    names = form.names
    names.set_values("東海林", "花子", "ショウジ", "ハナコ")
    compose(names.family_name, ["さん"], "さん")
    assert names.family_name.text() == "東海林さん"
    assert names.family_kana.text() == "ショウジ"
    names.set_values()
    assert names.values() == {
        "family_name": "",
        "given_name": "",
        "family_kana": "",
        "given_kana": "",
    }
    compose(names.given_name, ["は", "はな"], "華")
    assert names.given_kana.text() == "ハナ"


def test_tab_goes_family_given_then_the_readings_then_on(form: Form) -> None:
    names = form.names
    names.setFocus()
    visited = [form.focusWidget()]
    for _ in range(4):
        QTest.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
        visited.append(form.focusWidget())
    assert visited == [*names.edits(), form.phone]


def test_rows_read_as_before_in_japanese(qtbot: QtBot) -> None:
    i18n.set_language("ja")
    widget = Form()
    qtbot.addWidget(widget)
    layout = widget.layout_
    row_labels = [layout.itemAt(row, QFormLayout.ItemRole.LabelRole).widget() for row in (0, 1)]
    assert [label.text() for label in row_labels if isinstance(label, QLabel)] == [
        "氏名",
        "フリガナ",
    ]
    inner = [label.text() for label in widget.findChildren(QLabel) if label not in row_labels]
    assert inner[:4] == ["姓", "名", "姓", "名"]


def test_values_feed_the_member_service(ctx: Context, form: Form) -> None:
    compose(form.names.family_name, ["すずき"], "鈴木")
    compose(form.names.given_name, ["いちろう"], "一郎")
    saved = members.add_member(ctx, members.MemberInput(**form.names.values()))
    assert (saved.family_name, saved.given_name) == ("鈴木", "一郎")
    assert (saved.family_kana, saved.given_kana) == ("スズキ", "イチロウ")


_NAME = st.text(alphabet="山田太郎花子東海林鈴木アイウエオーあいうえお 　", max_size=12)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(family=_NAME, given_=_NAME, family_kana=_NAME, given_kana=_NAME)
def test_values_give_back_what_was_set(
    form: Form, family: str, given_: str, family_kana: str, given_kana: str
) -> None:
    form.names.set_values(family, given_, family_kana, given_kana)
    assert form.names.values() == {
        "family_name": family,
        "given_name": given_,
        "family_kana": family_kana,
        "given_kana": given_kana,
    }
