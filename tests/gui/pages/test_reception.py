"""The reception desk driven by the keyboard alone: thirty people checked in, walk-ins added."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from app.core.text.kana import search_fold
from app.roster import members
from tests.gui.ime import compose, type_text
from ui.dialogs.reception import ReceptionDialog
from ui.models.registration_table import ReceptionListModel


def _event_with_thirty(ctx: Context) -> tuple[str, list[events.RegistrationView]]:
    event = events.create_event(
        ctx,
        events.EventInput(
            title="まちづくり講座 第19講",
            kind="lecture",
            starts_at=datetime(2030, 6, 10, 13, 30),
            capacity=30,
        ),
    )
    people = members.list_members(ctx)[:30]
    regs = [events.register_member(ctx, event.id, m.id) for m in people]
    assert all(r.status == "registered" for r in regs)
    return event.id, regs


def _hiragana(reading: str) -> str:
    return search_fold(reading)  # katakana -> hiragana, as typed with an IME's kana mode


def test_thirty_people_checked_in_by_keyboard_alone(qtbot: QtBot, demo_ctx: Context) -> None:
    event_id, regs = _event_with_thirty(demo_ctx)
    dialog = ReceptionDialog(demo_ctx, event_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.search
    assert dialog.counts_label.text() == "Present 0 / 30"
    used_arrows = 0
    # Arrivals in reverse gojūon order: a namesake who sorts earlier is still waiting, so the
    # desk must move down to the right person (in gojūon order the target would always be first).
    for n, reg in enumerate(reversed(regs), start=1):
        # A few kana of the family name: the desk sees the matches and picks with Up/Down.
        type_text(dialog.search, _hiragana(reg.family_kana)[:3])
        rows = dialog.model.rows()
        assert rows and reg.id in [r.id for r in rows]
        target = [r.id for r in rows].index(reg.id)
        for _step in range(target):
            QTest.keyClick(dialog.search, Qt.Key.Key_Down)
            used_arrows += 1
        if target:
            QTest.keyClick(dialog.search, Qt.Key.Key_Up)
            QTest.keyClick(dialog.search, Qt.Key.Key_Down)
        assert dialog.selected() is not None and dialog.selected().id == reg.id  # type: ignore[union-attr]
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
        assert dialog.search.text() == ""
        assert dialog.focusWidget() is dialog.search
        assert dialog.counts_label.text() == f"Present {n} / 30"
        assert reg.name in dialog.message.text()
    assert used_arrows > 0  # the demo roster has namesakes enough to need choosing
    counts = events.registration_counts(demo_ctx, event_id)
    assert (counts.attended, counts.registered) == (30, 30)
    assert all(
        r.attended and r.checked_in_at for r in events.list_registrations(demo_ctx, event_id)
    )


def test_walk_ins_unknown_names_undo_and_escape(qtbot: QtBot, demo_ctx: Context) -> None:
    event_id, regs = _event_with_thirty(demo_ctx)
    dialog = ReceptionDialog(demo_ctx, event_id)
    qtbot.addWidget(dialog)
    dialog.show()
    # Nobody by that reading: the desk is told to add a walk-in; nothing changes.
    type_text(dialog.search, "ぬぬぬ")
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    assert "No one matches" in dialog.message.text()
    # The walk-in row: the name through the IME fills the reading; Enter, Enter.
    QTest.keyClick(dialog.search, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.walk_in_name
    compose(dialog.walk_in_name, ["ぬ", "ぬまた"], "沼田")
    type_text(dialog.walk_in_name, " ")
    compose(dialog.walk_in_name, ["は", "はな"], "花")
    assert dialog.walk_in_reading.text() == "ヌマタハナ"
    QTest.keyClick(dialog.walk_in_name, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.walk_in_reading
    QTest.keyClick(dialog.walk_in_reading, Qt.Key.Key_Return)
    assert dialog.counts_label.text() == "Present 1 / 31  (walk-ins 1)"
    assert dialog.focusWidget() is dialog.search
    walk = [r for r in events.list_registrations(demo_ctx, event_id) if r.walk_in]
    assert [(w.family_name, w.given_name, w.reading) for w in walk] == [
        ("沼田", "花", "ヌマタハナ")
    ]
    # Typed reading without an IME works too.
    QTest.keyClick(dialog.search, Qt.Key.Key_Tab)
    type_text(dialog.walk_in_name, "森 一")
    QTest.keyClick(dialog.walk_in_name, Qt.Key.Key_Return)
    type_text(dialog.walk_in_reading, "もり はじめ")
    QTest.keyClick(dialog.walk_in_reading, Qt.Key.Key_Return)
    assert dialog.counts_label.text() == "Present 2 / 32  (walk-ins 2)"
    # Checking someone in twice only says so; Undo (Ctrl+Z) takes back the last action.
    first = regs[0]
    type_text(dialog.search, _hiragana(first.reading).replace(" ", ""))
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.counts_label.text() == "Present 3 / 32  (walk-ins 2)"
    type_text(dialog.search, _hiragana(first.reading).replace(" ", ""))
    dialog.move_selection(50)  # the one already here is listed after anyone not yet here
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    assert "already" in dialog.message.text()
    assert dialog.counts_label.text() == "Present 3 / 32  (walk-ins 2)"
    dialog.undo_last()
    dialog.undo_last()
    assert dialog.counts_label.text() == "Present 1 / 31  (walk-ins 1)"
    # Escape empties the search and never closes the desk.
    type_text(dialog.search, "あ")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.search.text() == ""


def test_big_text_and_a_monthly_date(qtbot: QtBot, demo_ctx: Context) -> None:
    cafe_id = events.resolve_event(demo_ctx, "荒川コープカフェ")
    cafe = events.get_event(demo_ctx, cafe_id)
    june = events.occurrence_on(cafe, datetime(2022, 6, 15).date())
    dialog = ReceptionDialog(demo_ctx, cafe_id, june)
    qtbot.addWidget(dialog)
    base = QApplication.font().pointSizeF()
    assert dialog.search.font().pointSizeF() >= 1.5 * base
    assert dialog.counts_label.font().pointSizeF() >= 1.5 * base
    counts = events.registration_counts(demo_ctx, cafe_id, june)
    assert dialog.counts_label.text().startswith(f"Present {counts.attended} / {counts.expected}")
    assert dialog.when.text().startswith("Wed 15 Jun 2022")
    assert dialog.model.rowCount() == counts.expected


def test_reception_model_passes_the_model_tester(
    qtmodeltester: ModelTester, demo_ctx: Context
) -> None:
    event_id = events.resolve_event(demo_ctx, "まちづくり講座 第18講")
    model = ReceptionListModel()
    model.set_rows(events.find_for_reception(demo_ctx, event_id, ""))
    qtmodeltester.check(model)
    model.set_rows(events.find_for_reception(demo_ctx, event_id, "たか"))
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)
