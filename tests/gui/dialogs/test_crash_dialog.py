"""An unexpected error in the window: plain words, a report file, and nothing saved is lost."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.core.context import Context
from app.core.errors import UserError
from app.roster.members import MemberInput, add_member, count_members, list_members
from app.storage import crash
from db.models import Member
from tests.gui.ime import answer_next_message_box
from ui import crash_dialog
from ui.crash_dialog import CrashHandler
from ui.dialogs.crash import CrashDialog


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CrashHandler]:
    """The window's hooks installed, reports going to a private folder; restored after."""
    monkeypatch.setattr(crash, "report_folder", lambda: tmp_path / "reports")
    saved = sys.excepthook, threading.excepthook
    handler = crash_dialog.install()
    yield handler
    sys.excepthook, threading.excepthook = saved
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, CrashDialog):
            widget.close()
            widget.deleteLater()


def crash_dialogs() -> list[CrashDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()
    ]


@pytest.mark.qt_no_exception_capture
def test_error_in_a_slot_shows_plain_words_and_saves_a_report(
    qtbot: QtBot, hooks: CrashHandler, ctx: Context
) -> None:
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))

    def half_done_action() -> None:
        # One action = one transaction: the error rolls back the half-done change.
        with ctx.db.transaction() as s:
            s.add(Member(family_name="途中", family_kana="トチュウ", status="active"))
            s.flush()
            raise RuntimeError("boom in a button handler")

    QTimer.singleShot(0, half_done_action)
    qtbot.waitUntil(lambda: bool(crash_dialogs()) and crash_dialogs()[0].isVisible(), timeout=5000)
    [dialog] = crash_dialogs()
    [report] = hooks.reports
    assert report.parent == report.parent.parent / "reports" and report.exists()
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError: boom in a button handler" in text and "half_done_action" in text
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "already saved is safe" in shown and str(report) in shown
    assert "Traceback" not in shown and "RuntimeError" not in shown
    # Nothing saved before is lost, and the half-done change left no trace.
    assert count_members(ctx) == 1
    assert [m.family_name for m in list_members(ctx)] == ["山田"]
    dialog.keep_going.click()
    assert not dialog.isVisible()


@pytest.mark.qt_no_exception_capture
def test_error_in_a_worker_thread_reaches_the_dialog(qtbot: QtBot, hooks: CrashHandler) -> None:
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(crash_dialogs()), timeout=5000)
    assert "ZeroDivisionError" in hooks.reports[0].read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_a_second_error_while_the_dialog_is_open_only_adds_a_report(
    qtbot: QtBot, hooks: CrashHandler
) -> None:
    for n in range(3):
        QTimer.singleShot(0, lambda n=n: (_ for _ in ()).throw(ValueError(f"error {n}")))
    qtbot.waitUntil(lambda: len(hooks.reports) == 3, timeout=5000)
    assert len(crash_dialogs()) == 1


@pytest.mark.qt_no_exception_capture
def test_an_uncaught_refusal_is_shown_as_its_own_message(qtbot: QtBot, hooks: CrashHandler) -> None:
    seen: list[str] = []

    def pick(box: QMessageBox) -> object:
        seen.append(box.text())
        return box.buttons()[0]

    answer_next_message_box(pick)  # type: ignore[arg-type]

    def refuse() -> None:
        raise UserError("The chapter needs a name.")

    QTimer.singleShot(50, refuse)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == ["The chapter needs a name."]
    assert hooks.reports == [] and crash_dialogs() == []


def test_close_tsunagu_closes_the_windows(qtbot: QtBot, tmp_path: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    dialog = CrashDialog(tmp_path / "crash-1.txt", window)
    dialog.show()
    dialog.quit_button.click()
    assert not window.isVisible() and not dialog.isVisible()
