"""The lapsed list in the window: the regular who stopped is listed; a call is noted."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from app.events import attendance
from app.events.views import EventInput, OccurrenceInput
from app.roster import members
from app.roster.members import MemberInput
from ui.dialogs.lapsed import LapsedDialog


def test_regular_listed_and_call_noted(qtbot: QtBot, ctx: Context) -> None:
    today = date.today()
    dates = [
        datetime.combine(attendance.months_before(today, back), time(10, 0))
        for back in range(9, 3, -1)
    ]
    cafe = events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(OccurrenceInput(d) for d in dates),
        ),
    )
    person = members.add_member(
        ctx,
        MemberInput(
            family_name="佐藤", given_name="花子", family_kana="サトウ", given_kana="ハナコ"
        ),
    ).id
    for occ in cafe.occurrences:
        events.check_in(ctx, events.register_member(ctx, cafe.id, person, occurrence_id=occ.id).id)
    dialog = LapsedDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert dialog.selected() is not None and dialog.selected().id == person  # type: ignore[union-attr]
    line = dialog.note_call("来月また来るそうです")
    assert line is not None and "来月また来るそうです" in members.get_member(ctx, person).note
    dialog.min_visits.setValue(50)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert not dialog.call_button.isEnabled()


# --- suggesting a watch-over enrolment -------------------------------------------------------


def _lapsed_regular(ctx: Context) -> str:
    """A member with a phone and an address who came six times and stopped four months ago."""
    today = date.today()
    cafe = events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(
                OccurrenceInput(datetime.combine(attendance.months_before(today, back), time(10)))
                for back in range(9, 3, -1)
            ),
        ),
    )
    person = members.add_member(
        ctx,
        MemberInput(
            family_name="佐藤",
            given_name="花子",
            family_kana="サトウ",
            given_kana="ハナコ",
            address="東京都荒川区西尾久1-2-3",
            phone="03-3800-1234",
        ),
    ).id
    for occ in cafe.occurrences:
        events.check_in(ctx, events.register_member(ctx, cafe.id, person, occurrence_id=occ.id).id)
    return person


def _when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """When a modal window of `kind` opens, `act` on it (as the user would)."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        act(widget)

    QTimer.singleShot(0, poll)


def _role(box: QMessageBox, role: QMessageBox.ButtonRole) -> QAbstractButton:
    return next(b for b in box.buttons() if box.buttonRole(b) == role)


def _open(qtbot: QtBot, ctx: Context) -> LapsedDialog:
    dialog = LapsedDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    return dialog


def test_watch_over_is_suggested_only_once_the_person_has_agreed(
    qtbot: QtBot, ctx: Context
) -> None:
    from app import watch
    from ui.dialogs.watch_person import WatchPersonDialog

    _lapsed_regular(ctx)
    dialog = _open(qtbot, ctx)
    assert dialog.watch_button.isVisible() and dialog.watch_button.isEnabled()
    asked: list[str] = []

    def decline(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        _role(box, QMessageBox.ButtonRole.RejectRole).click()

    _when_modal(QMessageBox, decline)
    assert dialog.suggest_watch() is None  # declined: no form
    assert "佐藤　花子" in asked[0] and "consent" in asked[0]
    seen: dict[str, str] = {}

    def agree(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        _role(box, QMessageBox.ButtonRole.DestructiveRole).click()

    def look_and_cancel(form: QWidget) -> None:
        assert isinstance(form, WatchPersonDialog)
        seen.update(
            name=form.family_name.text() + form.given_name.text(),
            kana=form.family_kana.text(),
            address=form.address.text(),
            phone=form.phone.text(),
            consent=str(form.consent_given.isChecked()),
        )
        form.reject()

    _when_modal(QMessageBox, agree)
    _when_modal(WatchPersonDialog, look_and_cancel)
    form = dialog.suggest_watch()
    assert form is not None and form.saved is None
    assert seen == {
        "name": "佐藤花子",
        "kana": "サトウ",
        "address": "東京都荒川区西尾久1-2-3",
        "phone": "03-3800-1234",
        "consent": "False",  # recorded in the form itself, by the coordinator
    }
    assert watch.list_people(ctx) == []  # nothing without Save


def test_the_form_saved_enrols_the_member(qtbot: QtBot, ctx: Context) -> None:
    from app import watch
    from ui.dialogs.watch_person import WatchPersonDialog

    _lapsed_regular(ctx)
    dialog = _open(qtbot, ctx)

    def consent_and_save(form: QWidget) -> None:
        assert isinstance(form, WatchPersonDialog)
        form.consent_given.setChecked(True)
        form.save()

    _when_modal(
        QMessageBox,
        lambda box: _role(box, QMessageBox.ButtonRole.DestructiveRole).click(),  # type: ignore[arg-type]
    )
    _when_modal(WatchPersonDialog, consent_and_save)
    form = dialog.suggest_watch()
    assert form is not None and form.saved is not None
    [enrolled] = watch.list_people(ctx)
    assert enrolled.name == "佐藤　花子" and "佐藤" in dialog.count.text()


def test_a_viewer_or_visitor_cannot_reach_the_suggestion(qtbot: QtBot, ctx: Context) -> None:
    from app.core.context import Actor
    from ui.pages.members import MembersPage

    _lapsed_regular(ctx)
    visitor = ctx.with_actor(Actor("v", "visitor"))
    page = MembersPage(visitor)
    qtbot.addWidget(page)
    assert page.lapsed_button.isHidden()  # the list itself is a coordinator's
    refused: list[str] = []

    def dismiss(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        refused.append(box.text())
        box.accept()

    for n, role in enumerate(("viewer", "visitor"), 1):
        _when_modal(QMessageBox, dismiss)  # the list is refused (and audited)
        dialog = LapsedDialog(ctx.with_actor(Actor("x", role)))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: len(refused) == n, timeout=10_000)  # noqa: B023
        assert dialog.watch_button.isHidden() and not dialog.watch_button.isEnabled()
        assert dialog.suggest_watch() is None


def test_japanese_labels_and_a_picture_at_1366_by_768(
    qtbot: QtBot, ctx: Context, tmp_path: Path
) -> None:
    from app.core import i18n

    _lapsed_regular(ctx)
    i18n.set_language("ja")
    dialog = _open(qtbot, ctx)
    assert dialog.watch_button.text() == "見守りの登録を提案…"
    dialog.resize(1366, 768)
    shot = tmp_path / "lapsed.png"
    assert dialog.grab().save(str(shot))
    assert shot.stat().st_size > 0
    target = os.environ.get("TSUNAGU_SHOT_DIR")
    if target:  # for looking at it by eye
        dialog.grab().save(str(Path(target) / "lapsed_ja_1366x768.png"))
