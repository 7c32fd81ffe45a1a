"""The one call path from the window: errors said once, progress, no nested loop, the lock."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app import accounts
from app.core.context import Context
from app.core.errors import UserError
from app.roster.members import MemberInput, add_member, count_members, search_ids
from app.storage import crash
from app.storage.chapter import set_up_chapter
from tests.gui.ime import answer_next_message_box
from tests.gui.waiting import outcome, settle
from ui import crash_dialog
from ui.dialogs.crash import CrashDialog
from ui.idle import WindowLock
from ui.operations import Operation, background_work

PASS = "correct horse battery"


class _Window(QMainWindow):
    """A titled window with one button that counts its clicks."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Tsunagu — 荒川")
        self.clicks = 0
        self.button = QPushButton("Do it")
        self.button.clicked.connect(self._clicked)
        self.setCentralWidget(self.button)

    def _clicked(self) -> None:
        self.clicks += 1


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[_Window]:
    w = _Window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    settle(qtbot)


@pytest.fixture
def enc(db_path: Path) -> Iterator[Context]:
    """An encrypted chapter database with its coordinator 'hana'."""
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    set_up_chapter(ctx, "テスト町まちづくり")
    yield ctx
    ctx.db.close()


def gate() -> tuple[threading.Event, Callable[[], str]]:
    """A call that waits on the worker thread until the test opens the gate."""
    opened = threading.Event()

    def call() -> str:
        assert threading.current_thread() is not threading.main_thread()
        if not opened.wait(20):
            raise TimeoutError("the test never opened the gate")
        return "done"

    return opened, call


def put_away(lock: WindowLock) -> None:
    """Stop the lock and take its log-in away (it is application-modal)."""
    lock.stop()
    if lock.dialog is not None:
        lock.dialog.hide()
        lock.dialog.deleteLater()


def message_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def progress_dialogs() -> list[QProgressDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible()
    ]


# --- quick calls --------------------------------------------------------------------------------


def test_a_quick_call_runs_now_and_hands_its_result_on(window: _Window) -> None:
    seen: list[int] = []
    op = Operation(window, lambda: 41 + 1).success(seen.append)
    assert op.run() is True
    assert seen == [42] and op.result == 42 and op.done and op.succeeded


def test_a_refusal_is_said_once_with_details_under_the_window_title(window: _Window) -> None:
    said: list[tuple[str, str, str]] = []

    def read(box: QMessageBox) -> Any:
        said.append((box.windowTitle(), box.text(), box.detailedText()))
        return box.button(QMessageBox.StandardButton.Ok)

    def refuse() -> None:
        raise UserError("The file has 2 bad rows.", ["row 3: no name", "row 9: bad date"])

    refreshed: list[object] = []
    answer_next_message_box(read)
    op = Operation(window, refuse).success(refreshed.append)
    assert op.run() is False
    assert said == [
        ("Tsunagu — 荒川", "The file has 2 bad rows.", "row 3: no name\nrow 9: bad date")
    ]
    assert refreshed == [] and op.state == "failed" and op.error is not None
    with pytest.raises(RuntimeError):
        op.result  # noqa: B018 - a refused call has no result


def test_a_form_can_say_the_refusal_in_its_own_message_line(window: _Window) -> None:
    lines: list[str] = []

    def refuse() -> None:
        raise UserError("Wrong user name or passphrase.")

    assert not Operation(window, refuse).failure(lambda exc: lines.append(exc.message)).run()
    assert lines == ["Wrong user name or passphrase."] and message_boxes() == []


def test_a_dialog_without_a_title_says_tsunagu(qtbot: QtBot) -> None:
    plain = QWidget()
    qtbot.addWidget(plain)
    titles: list[str] = []
    answer_next_message_box(lambda box: (titles.append(box.windowTitle()), box.buttons()[0])[1])

    def refuse() -> None:
        raise UserError("No.")

    Operation(plain, refuse).run()
    assert titles == ["Tsunagu"]


# --- long work ----------------------------------------------------------------------------------


def test_long_work_shows_progress_takes_no_input_and_then_refreshes(
    qtbot: QtBot, window: _Window
) -> None:
    opened, call = gate()
    results: list[str] = []
    op = Operation(window, call).success(results.append).run_in_background("Making a backup…")
    assert not op.done and background_work().busy()
    qtbot.waitUntil(lambda: bool(progress_dialogs()), timeout=5000)
    [progress] = progress_dialogs()
    assert progress.labelText() == "Making a backup…"
    assert progress.windowTitle() == "Tsunagu — 荒川"
    # A second click cannot start a second action in the middle of the first.
    QTest.mouseClick(window.button, Qt.MouseButton.LeftButton)
    QTest.keyClick(window.button, Qt.Key.Key_Space)
    assert window.clicks == 0 and results == []
    opened.set()
    assert outcome(qtbot, op) == "done"
    assert results == ["done"] and not background_work().busy()
    qtbot.waitUntil(lambda: not progress_dialogs(), timeout=2000)
    QTest.mouseClick(window.button, Qt.MouseButton.LeftButton)
    assert window.clicks == 1


def test_a_message_box_opened_during_the_work_still_takes_its_answer(
    qtbot: QtBot, window: _Window
) -> None:
    opened, call = gate()
    op = Operation(window, call).run_in_background("Importing…")
    box = QMessageBox(QMessageBox.Icon.Information, "Tsunagu", "Another message", parent=None)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    box.show()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not box.isVisible()
    QTest.mouseClick(window.button, Qt.MouseButton.LeftButton)
    assert window.clicks == 0
    opened.set()
    outcome(qtbot, op)


def test_quick_background_work_shows_no_progress(qtbot: QtBot, window: _Window) -> None:
    seen: list[bool] = []
    op = Operation(window, lambda: "quick").run_in_background("Exporting…")
    QTimer.singleShot(0, lambda: seen.append(bool(progress_dialogs())))
    assert outcome(qtbot, op) == "quick"
    qtbot.wait(50)
    assert seen == [False] and progress_dialogs() == []


def test_a_refusal_in_the_background_is_said_once(
    qtbot: QtBot, window: _Window, hooks: object
) -> None:
    said: list[str] = []

    def refuse() -> None:
        time.sleep(0.05)
        raise UserError("The stick was pulled out.")

    answer_next_message_box(lambda box: (said.append(box.text()), box.buttons()[0])[1])
    op = Operation(window, refuse).run_in_background("Making a backup…")
    assert outcome(qtbot, op) is None
    qtbot.wait(100)
    assert said == ["The stick was pulled out."]
    assert op.state == "failed" and crash_dialogs() == []


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window's crash hooks installed, reports going to a private folder."""
    monkeypatch.setattr(crash, "report_folder", lambda: tmp_path / "reports")
    saved = sys.excepthook, threading.excepthook
    crash_dialog.install()
    yield
    sys.excepthook, threading.excepthook = saved
    for widget in crash_dialogs():
        widget.close()
        widget.deleteLater()


def crash_dialogs() -> list[CrashDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()
    ]


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_on_the_worker_goes_to_the_crash_dialog(
    qtbot: QtBot, window: _Window, hooks: None, tmp_path: Path
) -> None:
    def broken() -> None:
        raise ValueError("a bug, not a refusal")

    op = Operation(window, broken).run_in_background("Importing…")
    qtbot.waitUntil(lambda: bool(crash_dialogs()), timeout=5000)
    assert op.state == "crashed" and message_boxes() == []
    [report] = list((tmp_path / "reports").iterdir())
    assert "a bug, not a refusal" in report.read_text(encoding="utf-8")


# --- no nested event loop -----------------------------------------------------------------------


class _OldSignals(QObject):
    finished = Signal()


def old_run_with_progress(fn: Callable[[], object]) -> None:
    """What ui/tasks.run_with_progress did until the operations came: work on a thread while
    a nested QEventLoop spins in the caller (kept here only to show what it did)."""
    signals = _OldSignals()
    loop = QEventLoop()
    signals.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        fn()
        signals.finished.emit()

    threading.Thread(target=work).start()
    loop.exec()


def test_the_old_nested_loop_ran_timers_in_the_middle_of_a_call_the_new_path_does_not(
    qtbot: QtBot, window: _Window
) -> None:
    def call_with(start: Callable[[Callable[[], object]], object]) -> list[str]:
        order: list[str] = []

        def slow() -> None:
            time.sleep(0.3)

        QTimer.singleShot(50, lambda: order.append("a timer runs"))
        order.append("call starts")
        start(slow)
        order.append("call returns")
        qtbot.waitUntil(lambda: len(order) == 3, timeout=5000)
        settle(qtbot)
        return order

    old = call_with(old_run_with_progress)
    assert old == ["call starts", "a timer runs", "call returns"]
    new = call_with(lambda fn: Operation(window, fn).run_in_background("Working…"))
    assert new == ["call starts", "call returns", "a timer runs"]


def test_the_idle_lock_waits_for_background_work_then_locks(
    qtbot: QtBot, window: _Window, enc: Context
) -> None:
    locked_during: list[bool] = []

    def make_members() -> int:
        # Real work on the worker thread, through the services and the encrypted file.
        for n in range(20):
            add_member(enc, MemberInput(family_name=f"山田{n}", family_kana="ヤマダ"))
            time.sleep(0.02)
        locked_during.append(lock.locked)
        return count_members(enc)

    lock = WindowLock(enc, 0.001, lambda _ctx: None, window)  # 60 ms without use
    op = Operation(window, make_members).run_in_background("Importing…")
    qtbot.wait(300)  # the idle time passed several times over while the work ran
    assert not lock.locked and window.button.isVisible()
    assert outcome(qtbot, op) == 20
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    assert locked_during == [False] and not window.button.isVisible()
    put_away(lock)


def test_the_old_nested_loop_let_the_idle_lock_in_mid_call(
    qtbot: QtBot, window: _Window, enc: Context
) -> None:
    locked_during: list[bool] = []

    def work() -> None:
        time.sleep(0.4)

    lock = WindowLock(enc, 0.001, lambda _ctx: None, window)
    old_run_with_progress(work)
    locked_during.append(lock.locked)
    assert locked_during == [True]  # the lock took the window while the call was not done
    put_away(lock)


def test_lock_now_during_background_work_locks_after_it(
    qtbot: QtBot, window: _Window, enc: Context
) -> None:
    opened, call = gate()
    lock = WindowLock(enc, 60, lambda _ctx: None, window)
    op = Operation(window, call).run_in_background("Merging…")
    lock.lock()
    assert not lock.locked
    opened.set()
    outcome(qtbot, op)
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    put_away(lock)


# --- closing and going away ---------------------------------------------------------------------


def test_closing_the_window_waits_for_the_work(qtbot: QtBot, window: _Window) -> None:
    opened, call = gate()
    order: list[str] = []
    op = (
        Operation(window, call)
        .success(lambda _r: order.append(f"refreshed, window visible: {window.isVisible()}"))
        .run_in_background("Writing the package…")
    )
    assert window.close() is False
    assert window.isVisible()
    opened.set()
    outcome(qtbot, op)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert order == ["refreshed, window visible: True"]


def test_a_page_gone_before_its_work_ended_is_not_called(qtbot: QtBot, window: _Window) -> None:
    page = QWidget(window)
    opened, call = gate()
    called: list[object] = []
    op = Operation(page, call).success(called.append).always(lambda: called.append("always"))
    op.run_in_background("Importing…")
    shiboken6.delete(page)
    opened.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert called == [] and op.succeeded


def test_quitting_waits_for_the_worker_before_the_database_closes(
    qtbot: QtBot, window: _Window, ctx: Context
) -> None:
    def slow_write() -> str:
        time.sleep(0.3)
        return add_member(ctx, MemberInput(family_name="最後", family_kana="サイゴ")).id

    op = Operation(window, slow_write).run_in_background("Saving…")
    assert background_work().wait_for_all(10) is True
    assert op.worked.is_set()
    ctx.db.close()  # what the window does on quitting, after the wait
    settle(qtbot)
    assert op.succeeded


def test_background_writes_and_window_reads_share_the_encrypted_file(
    qtbot: QtBot, window: _Window, enc: Context
) -> None:
    def write_many() -> int:
        for n in range(60):
            add_member(enc, MemberInput(family_name=f"鈴木{n}", family_kana="スズキ"))
        return count_members(enc)

    op = Operation(window, write_many).run_in_background("Importing…")
    seen: list[int] = []
    while not op.worked.is_set():
        # The GUI thread keeps reading (its own sessions) while the worker writes.
        seen.append(len(search_ids(enc, "スズキ")))
        qtbot.wait(5)
    assert outcome(qtbot, op) == 60
    assert seen == sorted(seen) and len(search_ids(enc, "スズキ")) == 60
