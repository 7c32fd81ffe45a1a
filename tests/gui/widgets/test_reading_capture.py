"""Reading (furigana) capture from simulated Japanese IME compositions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets import ReadingCaptureLineEdit, ReadingFollower, connect_reading
from ui.widgets.reading_capture import is_kana_text, to_reading


def preedit(widget: QWidget, text: str) -> None:
    """The IME shows `text` under the cursor (not yet part of the field's text)."""
    QApplication.sendEvent(widget, QInputMethodEvent(text, []))


def commit(widget: QWidget, text: str, still_composing: str = "") -> None:
    """The IME commits `text`; `still_composing` stays as the new pre-edit."""
    event = QInputMethodEvent(still_composing, [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def compose(widget: QWidget, steps: list[str], result: str) -> None:
    """Type kana step by step, then commit the converted `result`."""
    for step in steps:
        preedit(widget, step)
    commit(widget, result)


def type_text(widget: QWidget, text: str) -> None:
    """Type without an IME, one key per character (keyClicks aborts on non-ASCII text)."""
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def erase_all(widget: QLineEdit) -> None:
    widget.selectAll()
    QTest.keyClick(widget, Qt.Key.Key_Backspace)


class NameForm(QWidget):
    """Family and given name with their readings, as a member dialog lays them out."""

    def __init__(self) -> None:
        super().__init__()
        self.family = ReadingCaptureLineEdit(self)
        self.given = ReadingCaptureLineEdit(self)
        self.family_kana = QLineEdit(self)
        self.given_kana = QLineEdit(self)
        self.family_follower = connect_reading(self.family, self.family_kana)
        self.given_follower = connect_reading(self.given, self.given_kana)


@pytest.fixture
def form(qtbot: QtBot) -> NameForm:
    widget = NameForm()
    qtbot.addWidget(widget)
    return widget


def test_family_and_given_names_fill_their_readings(form: NameForm, qtbot: QtBot) -> None:
    with qtbot.waitSignal(form.family.readingCaptured, timeout=1000) as blocker:
        compose(form.family, ["や", "やま", "やまだ", "山田"], "山田")
    assert blocker.args == ["ヤマダ"]
    compose(form.given, ["た", "たろ", "たろう"], "太郎")

    assert form.family.text() == "山田"
    assert form.given.text() == "太郎"
    assert form.family_kana.text() == "ヤマダ"
    assert form.given_kana.text() == "タロウ"
    assert form.family.capturedReading() == "ヤマダ"


def test_romaji_steps_and_converted_preedits_are_ignored(form: NameForm) -> None:
    compose(form.family, ["s", "さ", "さと", "さとう", "佐藤", "砂糖", "佐藤"], "佐藤")
    assert form.family_kana.text() == "サトウ"


def test_several_conversions_accumulate_for_the_whole_field(qtbot: QtBot) -> None:
    edit = ReadingCaptureLineEdit()
    qtbot.addWidget(edit)
    seen: list[str] = []
    edit.readingCaptured.connect(seen.append)
    compose(edit, ["やまだ"], "山田")
    compose(edit, ["たろう"], "太郎")
    assert edit.text() == "山田太郎"
    assert seen == ["ヤマダ", "ヤマダタロウ"]


def test_kana_commit_without_conversion_is_its_own_reading(form: NameForm) -> None:
    compose(form.given, ["さ", "さく", "さくら"], "さくら")
    assert form.given.text() == "さくら"
    assert form.given_kana.text() == "サクラ"
    compose(form.family, [], "ヤマダ")  # committed straight as katakana
    assert form.family_kana.text() == "ヤマダ"


def test_partial_commit_keeps_the_rest_for_the_next_part(qtbot: QtBot) -> None:
    edit = ReadingCaptureLineEdit()
    qtbot.addWidget(edit)
    for step in ["やまだ", "やまだたろう"]:
        preedit(edit, step)
    commit(edit, "山田", still_composing="たろう")
    assert edit.capturedReading() == "ヤマダ"
    commit(edit, "太郎")
    assert edit.capturedReading() == "ヤマダタロウ"


def test_cancelled_composition_leaves_no_reading(qtbot: QtBot) -> None:
    edit = ReadingCaptureLineEdit()
    qtbot.addWidget(edit)
    preedit(edit, "やまだ")
    preedit(edit, "")  # Esc
    commit(edit, "John")
    assert edit.text() == "John"
    assert edit.capturedReading() == ""


def test_clearing_the_name_resets_and_clears_a_followed_reading(form: NameForm) -> None:
    compose(form.family, ["やまだ"], "山田")
    assert form.family_kana.text() == "ヤマダ"
    erase_all(form.family)
    assert form.family.text() == ""
    assert form.family.capturedReading() == ""
    assert form.family_kana.text() == ""
    compose(form.family, ["すずき"], "鈴木")
    assert form.family_kana.text() == "スズキ"


def test_deleted_wrong_kanji_loses_its_reading(form: NameForm) -> None:
    compose(form.family, ["やまだ"], "山多")
    QTest.keyClick(form.family, Qt.Key.Key_Backspace)
    QTest.keyClick(form.family, Qt.Key.Key_Backspace)
    assert form.family.text() == ""
    compose(form.family, ["やまだ"], "山田")
    assert form.family_kana.text() == "ヤマダ"


def test_word_inserted_in_the_middle_reads_in_text_order(qtbot: QtBot) -> None:
    edit = ReadingCaptureLineEdit()
    qtbot.addWidget(edit)
    compose(edit, ["やまだ"], "山田")
    compose(edit, ["はなこ"], "花子")
    edit.setCursorPosition(2)
    compose(edit, ["なか"], "中")
    assert edit.text() == "山田中花子"
    assert edit.capturedReading() == "ヤマダナカハナコ"


def test_manual_edit_stops_following_until_emptied(form: NameForm) -> None:
    compose(form.family, ["やまだ"], "山田")
    assert form.family_kana.text() == "ヤマダ"
    form.family_kana.setFocus()
    form.family_kana.end(False)
    type_text(form.family_kana, "ー")
    assert form.family_kana.text() == "ヤマダー"
    assert not form.family_follower.isFollowing()

    compose(form.family, ["たろう"], "太郎")
    assert form.family.capturedReading() == "ヤマダタロウ"
    assert form.family_kana.text() == "ヤマダー"  # the user's text wins

    erase_all(form.family_kana)
    assert form.family_kana.text() == ""
    assert form.family_follower.isFollowing()
    compose(form.family, ["じろう"], "次郎")
    assert form.family_kana.text() == "ヤマダタロウジロウ"


def test_reading_typed_with_the_ime_counts_as_manual(form: NameForm) -> None:
    compose(form.given, ["たろう"], "太郎")
    erase_all(form.given_kana)
    compose(form.given_kana, ["た"], "タ")
    assert form.given_kana.text() == "タ"
    compose(form.given, ["う"], "宇")
    assert form.given_kana.text() == "タ"


def test_loaded_reading_is_not_overwritten(qtbot: QtBot) -> None:
    name = ReadingCaptureLineEdit()
    reading = QLineEdit()
    qtbot.addWidget(name)
    qtbot.addWidget(reading)
    follower = ReadingFollower(name, reading)
    name.setText("山田")
    reading.setText("ヤマダ")  # an existing member's record
    compose(name, ["たろう"], "太郎")
    assert reading.text() == "ヤマダ"
    assert not follower.isFollowing()


def test_follower_lives_as_long_as_the_reading_field(qtbot: QtBot) -> None:
    name = ReadingCaptureLineEdit()
    reading = QLineEdit()
    qtbot.addWidget(name)
    qtbot.addWidget(reading)
    follower = connect_reading(name, reading)
    assert follower.parent() is reading
    del follower
    compose(name, ["さとう"], "佐藤")
    assert reading.text() == "サトウ"


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("やまだ　たろう", "ヤマダ　タロウ"),
        ("じょん・すみす", "ジョン・スミス"),
        ("らーめん", "ラーメン"),
        ("やまda", "ヤマ"),
    ],
)
def test_to_reading(text: str, reading: str) -> None:
    assert to_reading(text) == reading


@pytest.mark.parametrize(
    ("text", "kana"),
    [
        ("やま", True),
        ("ヤマ", True),
        ("ﾔﾏ", True),
        ("やm", False),
        ("山田", False),
        ("", False),
        ("　", False),
        ("y", False),
    ],
)
def test_is_kana_text(text: str, kana: bool) -> None:
    assert is_kana_text(text) is kana


_HIRAGANA = st.text(alphabet=[chr(c) for c in range(0x3041, 0x3097)], min_size=1, max_size=8)
_KANJI = st.text(alphabet="山田太郎花子佐藤鈴木高橋", min_size=1, max_size=4)


@settings(max_examples=40, deadline=None)
@given(words=st.lists(st.tuples(_HIRAGANA, _KANJI), min_size=1, max_size=4))
def test_property_reading_is_the_kana_typed_in_order(
    qapp: QApplication, words: list[tuple[str, str]]
) -> None:
    edit = ReadingCaptureLineEdit()
    try:
        for kana, kanji in words:
            compose(edit, [kana[:i] for i in range(1, len(kana) + 1)], kanji)
        assert edit.text() == "".join(kanji for _, kanji in words)
        assert edit.capturedReading() == to_reading("".join(kana for kana, _ in words))
    finally:
        edit.deleteLater()
