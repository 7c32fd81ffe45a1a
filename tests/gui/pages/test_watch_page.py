"""The Watch-over page with the keyboard: the due list, logging a visit, a follow-up closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import watch
from app.core.context import Actor, Context
from app.roster.members import MemberInput, add_member
from app.watch import visits
from tests.app.watch.test_watch import CONSENT, make_world, person
from tests.gui.ime import answer_next_message_box, compose, type_text
from ui.dialogs.follow_up import FollowUpDialog
from ui.dialogs.visit import VisitDialog
from ui.dialogs.visit_history import VisitTableModel
from ui.dialogs.watch_person import WatchPersonDialog
from ui.dialogs.watch_settings import WatchSettingsDialog
from ui.models.due_table import DueTableModel
from ui.models.watch_people import WatchPeopleModel
from ui.pages.watch import WatchPage

NO = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def press(window: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = NO) -> None:
    """A key pressed where the focus is, as a person at the keyboard would."""
    target = window.focusWidget() or window
    QTest.keyClick(target, key, modifier)


def wait_for(condition: Callable[[], bool], ms: int = 3000) -> bool:
    """Let events run until `condition` holds (or `ms` pass); True when it held."""
    for _attempt in range(ms // 20):
        if condition():
            return True
        QTest.qWait(20)
    return condition()


def make_active(window: QWidget) -> None:
    """Give `window` the keyboard focus of the desktop (shortcuts need an active window)."""
    for _attempt in range(50):
        if QApplication.activeWindow() is window:
            return
        handle = window.windowHandle()
        if handle is not None:
            handle.requestActivate()
        window.activateWindow()
        QTest.qWait(20)
    raise AssertionError(f"{type(window).__name__} did not become the active window")


def shown_active(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


def when_modal_opens(action: Callable[[QDialog], None]) -> list[BaseException]:
    """Run `action` on the next modal dialog once its exec() loop is running; a failure
    closes the dialog (instead of leaving the test waiting) and is handed back."""
    errors: list[BaseException] = []

    def check() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QDialog) or isinstance(modal, QMessageBox):
            QTimer.singleShot(20, check)
            return
        try:
            make_active(modal)
            action(modal)
            # A button's mnemonic clicks it a moment later (animateClick).
            assert wait_for(lambda: not modal.isVisible()), "the dialog is still open"
        except BaseException as exc:  # re-raised by the test, after the dialog is gone
            errors.append(exc)
            modal.reject()

    QTimer.singleShot(0, check)
    return errors


# --- models ---------------------------------------------------------------------------------


def test_models_pass_the_qt_model_tester(qtmodeltester: ModelTester, demo_ctx: Context) -> None:
    due = DueTableModel()
    due.set_rows(visits.due_list(demo_ctx))
    assert due.rowCount() > 0
    qtmodeltester.check(due)
    people = WatchPeopleModel()
    people.set_rows(watch.list_people(demo_ctx, include_ended=True))
    qtmodeltester.check(people)
    history = VisitTableModel()
    history.set_rows(visits.list_visits(demo_ctx, people.id_at(0) or ""))
    assert history.rowCount() > 0
    qtmodeltester.check(history)
    due.set_rows([])
    qtmodeltester.check(due)


def test_overdue_is_red_bold_and_said_in_words(demo_ctx: Context) -> None:
    model = DueTableModel()
    model.set_rows(visits.due_list(demo_ctx))
    kinds = [model.row_at(r).kind for r in range(model.rowCount())]  # type: ignore[union-attr]
    first_due = kinds.index("due")
    overdue = model.index(0, 0)
    assert model.data(overdue).startswith("Overdue by")
    assert "twice the interval" in model.data(overdue)  # the demo's long-overdue person
    font = model.data(overdue, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert model.data(overdue, Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(overdue, Qt.ItemDataRole.BackgroundRole) is not None
    due = model.index(first_due, 0)
    assert model.data(due).startswith("Due")
    assert model.data(due, Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(len(kinds) - 1, 0)).startswith("Follow-up:")


# --- logging a visit with the keyboard alone --------------------------------------------------


def test_a_visit_logged_with_the_keyboard_alone(qtbot: QtBot, demo_ctx: Context) -> None:
    person_id = next(r.id for r in watch.list_people(demo_ctx) if r.name == "佐藤\u3000キヨ")
    dialog = VisitDialog(demo_ctx, person_id, now=datetime(2026, 1, 5, 10, 30))
    shown_active(qtbot, dialog)
    assert dialog.focusWidget() is dialog.when.date_field.edit
    press(dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.when.time_field  # the date is one Tab stop
    press(dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.visitor  # and the time one more
    press(dialog, Qt.Key.Key_Tab)
    press(dialog, Qt.Key.Key_Down)  # home visit -> phone call
    press(dialog, Qt.Key.Key_R, ALT)
    assert dialog.focusWidget() is dialog.contact_result
    press(dialog, Qt.Key.Key_Down)  # met -> no answer
    press(dialog, Qt.Key.Key_C, ALT)
    press(dialog, Qt.Key.Key_Down)
    press(dialog, Qt.Key.Key_Down)  # no change -> something to watch -> contact needed
    press(dialog, Qt.Key.Key_S, ALT)
    press(dialog, Qt.Key.Key_Space)  # newspapers or mail piling up
    press(dialog, Qt.Key.Key_Tab)
    press(dialog, Qt.Key.Key_Space)  # lights on day and night
    press(dialog, Qt.Key.Key_N, ALT)
    assert dialog.focusWidget() is dialog.notes
    compose(dialog.notes, ["ゆうびん", "郵便"], "郵便がたまっている")
    type_text(dialog.notes, " 2x")
    press(dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.next_on
    press(dialog, Qt.Key.Key_Space)
    press(dialog, Qt.Key.Key_Return, CTRL)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved
    assert saved is not None
    assert (saved.method, saved.contact_result, saved.outcome) == ("phone", "absent", "contact")
    assert saved.signs == ("mail_piling", "lights")
    assert saved.notes == "郵便がたまっている 2x"
    assert saved.visited_at == datetime(2026, 1, 5, 10, 30)
    assert saved.next_visit_on == date(2026, 1, 19)
    assert saved.follow_up_id is not None  # contact needed opens a follow-up


def test_the_whole_round_from_the_due_list(qtbot: QtBot, demo_ctx: Context) -> None:
    """Overdue person -> Enter -> visit needing contact -> Ctrl+Enter -> the new follow-up
    is selected -> Enter -> referred to the support centre -> closed -> gone from the list."""
    page = WatchPage(demo_ctx)
    shown_active(qtbot, page)
    first = page.due_model.row_at(0)
    assert first is not None and first.kind == "overdue"
    page.due_table.setFocus()
    page.due_table.selectRow(0)

    def log(dialog: QDialog) -> None:
        assert isinstance(dialog, VisitDialog) and dialog.person.id == first.person_id
        press(dialog, Qt.Key.Key_C, ALT)
        press(dialog, Qt.Key.Key_Down)
        press(dialog, Qt.Key.Key_Down)
        press(dialog, Qt.Key.Key_Return, CTRL)

    failed = when_modal_opens(log)
    QTest.keyClick(page.due_table, Qt.Key.Key_Return)
    if failed:
        raise failed[0]
    selected = page.current_due()
    assert selected is not None and selected.kind == "follow_up"
    assert selected.person_id == first.person_id
    assert first.person_id not in {
        i.person_id for i in page.due_model.rows() if i.kind == "overdue"
    }

    def refer_and_close(dialog: QDialog) -> None:
        assert isinstance(dialog, FollowUpDialog)
        assert dialog.focusWidget() is dialog.target
        press(dialog, Qt.Key.Key_Down)  # the first configured target: a support centre
        press(dialog, Qt.Key.Key_R, ALT)  # Save referral
        assert wait_for(lambda: "still open" in dialog.state.text())
        dialog.result_text.setFocus()
        compose(dialog.result_text, ["ぶじ"], "無事を確認")
        press(dialog, Qt.Key.Key_L, ALT)  # Close follow-up

    failed = when_modal_opens(refer_and_close)
    QTest.keyClick(page.due_table, Qt.Key.Key_Return)
    if failed:
        raise failed[0]
    closed = visits.get_follow_up(demo_ctx, selected.id)
    assert closed.closed_at is not None and closed.result == "無事を確認"
    assert closed.referred_to_kind == "support_centre"
    assert selected.id not in {i.id for i in page.due_model.rows()}


# --- people ---------------------------------------------------------------------------------


def test_consent_comes_first_in_the_person_form(qtbot: QtBot, ctx: Context) -> None:
    dialog = WatchPersonDialog(ctx)
    shown_active(qtbot, dialog)
    assert dialog.focusWidget() is dialog.consent_given
    assert not dialog.care_notes.isEnabled() and not dialog.watch_for.isEnabled()
    compose(dialog.family_name, ["や", "やま", "やまだ"], "山田")
    compose(dialog.given_name, ["き", "きよ"], "キヨ")
    assert dialog.family_kana.text() == "ヤマダ"
    type_text(dialog.phone, "03-1123-4567")
    press(dialog, Qt.Key.Key_A, ALT)  # "The person has agreed"
    press(dialog, Qt.Key.Key_Space)
    assert dialog.care_notes.isEnabled()
    compose(dialog.care_notes, ["こうけつあつ"], "高血圧")
    dialog.add_contact.click()
    dialog.contacts.item(0, 0).setText("山田 良子")
    dialog.contacts.item(0, 2).setText("090-1123-4567")
    press(dialog, Qt.Key.Key_Return, CTRL)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved is not None
    saved = watch.get_person(ctx, dialog.saved.id)
    assert saved.consent is not None and saved.care_notes == "高血圧"
    assert saved.emergency_contacts[0].name == "山田 良子"


def test_a_refused_person_keeps_the_form_open(qtbot: QtBot, ctx: Context) -> None:
    dialog = WatchPersonDialog(ctx)
    shown_active(qtbot, dialog)
    answer_next_message_box(lambda box: box.button(QMessageBox.StandardButton.Ok))
    dialog.save()
    assert dialog.isVisible() and watch.list_people(ctx) == []


def test_a_visitor_sees_their_own_people_and_no_coordinator_buttons(
    qtbot: QtBot, ctx: Context
) -> None:
    world = make_world(ctx)
    page = WatchPage(world.a)
    qtbot.addWidget(page)
    page.show()
    assert {r.id for r in page.people_model.rows()} == {world.person_a}
    assert {i.person_id for i in page.due_model.rows()} == {world.person_a}
    for button in (page.new_button, page.edit_button, page.erase_button, page.print_button):
        assert button.isHidden()
    assert not page.blank_button.isHidden() and not page.log_button.isHidden()


def test_a_viewer_sees_counts_only(qtbot: QtBot, demo_ctx: Context) -> None:
    page = WatchPage(Context(demo_ctx.db, Actor("view", "viewer")))
    qtbot.addWidget(page)
    page.show()
    assert not hasattr(page, "people_model")
    assert "People under watch:" in page.counts.text()
    names = [r.name for r in watch.list_people(demo_ctx)]
    assert not any(n in page.counts.text() for n in names)


def test_erase_asks_first(qtbot: QtBot, ctx: Context) -> None:
    pid = watch.add_person(ctx, person()).id
    page = WatchPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.people_table.selectRow(0)
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole
        )
    )
    page.erase_person()
    assert watch.get_person(ctx, pid).family_name == "山田"
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
        )
    )
    page.erase_person()
    assert page.people_model.rowCount() == 0


def test_settings_edit_the_signs_checklist(qtbot: QtBot, ctx: Context) -> None:
    dialog = WatchSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.new_sign.setFocus()
    compose(dialog.new_sign, ["うえき"], "植木が枯れている")
    QTest.keyClick(dialog.new_sign, Qt.Key.Key_Return)
    dialog.signs.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.store_signs()
    active = [s.label for s in visits.sign_checklist(ctx)]
    assert active[-1] == "植木が枯れている" and "Newspapers or mail piling up" not in active


@pytest.mark.parametrize("consent", [None, CONSENT])
def test_notes_and_signs_wait_for_consent(qtbot: QtBot, ctx: Context, consent: object) -> None:
    member = add_member(ctx, MemberInput(family_name="訪問", roles=("visitor",))).id
    pid = watch.add_person(ctx, person(consent=consent, volunteer_ids=(member,))).id
    dialog = VisitDialog(ctx, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    agreed = consent is not None
    assert dialog.notes.isEnabled() == agreed
    assert all(b.isEnabled() == agreed for b in dialog.sign_boxes.values())
    assert dialog.consent_note.isVisible() == (not agreed)
