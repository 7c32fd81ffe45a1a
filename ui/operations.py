"""One call path from the window to the services: run the call, say a refusal one way, refresh.

Like Anki's CollectionOp/QueryOp, without a global main window: an `Operation` belongs to the
widget that starts it and calls the service with that page's (immutable) Context.

    Operation(self, lambda: members.retire_member(self.ctx, member_id)).success(
        lambda _none: self.refresh()
    ).run()

    Operation(self, lambda: backup.backup_now(self.ctx)).success(self._select).run_in_background(
        _("Making a backup…")
    )

- `run()` calls now, on the GUI thread: most service calls take a few milliseconds.
- `run_in_background(label)` calls on a worker thread and returns at once. A progress indicator
  shows if the work takes longer than a moment; until it ends the program takes no input, a
  window asked to close closes after it, and the idle lock waits for it (see ui/idle.py). No
  nested event loop is spun, so no timer runs in the middle of the caller's code.
- A UserError is shown once, in one way (`show_error`): the message, the details behind a
  button, the title of the window it belongs to; `failure(fn)` shows it in the form instead.
- `success(fn)` is called with the result on the GUI thread: the refresh of what the call
  changed. Any other exception goes to the crash handler (sys.excepthook), as before.

Worker threads and the database: each service call opens its own session and transaction
(`ctx.db.transaction()`), the engines' pool hands a connection to one thread at a time and
SQLCipher connections are opened with check_same_thread=False (db/engine.py); background calls
run one at a time, so two of them never write at once.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from app.core.errors import UserError
from app.core.i18n import gettext as _

T = TypeVar("T")

# Work that ends sooner than this shows no progress indicator (no flash of a dialog).
SHOW_PROGRESS_AFTER_MS = 300

# What a person does at the keyboard or mouse; none of it reaches a window while work runs.
_INPUT = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.Shortcut,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.ContextMenu,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.InputMethod,
        QEvent.Type.DragEnter,
        QEvent.Type.DragMove,
        QEvent.Type.Drop,
    }
)

READY, RUNNING, SUCCEEDED, FAILED, CRASHED = "ready", "running", "succeeded", "failed", "crashed"


def window_title(widget: QWidget | None) -> str:
    """The title of the window `widget` is in (the program's name when it has none)."""
    window = widget.window() if widget is not None else None
    title = window.windowTitle() if window is not None else ""
    return title or _("Tsunagu")


def show_error(parent: QWidget | None, message: str, details: Sequence[str] = ()) -> None:
    """The one way a refusal is shown: one plain message, the details (such as bad rows)
    behind a button, under the title of the window it belongs to."""
    box = QMessageBox(QMessageBox.Icon.Warning, window_title(parent), message, parent=parent)
    if details:
        box.setDetailedText("\n".join(details))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText(_("OK"))
    box.exec()


class Operation(Generic[T]):
    """One service call started from `parent` (a page or a dialog); see the module text."""

    def __init__(self, parent: QWidget, call: Callable[[], T]) -> None:
        self.parent = parent
        self._call = call
        self._on_success: list[Callable[[T], object]] = []
        self._on_failure: Callable[[UserError], object] | None = None
        self._always: list[Callable[[], object]] = []
        self.state = READY
        self.error: UserError | None = None
        self._result: T | None = None
        self._progress: QProgressDialog | None = None
        self._relay: _Relay | None = None
        self._over = False  # the call ended and its callbacks ran
        self.worked = threading.Event()  # set once the worker thread is through with the call

    # --- building ----------------------------------------------------------------------------

    # Callbacks may be added while a background call runs (they run when it ends) and after
    # it ended (they run at once, if they apply).

    def success(self, fn: Callable[[T], object]) -> Operation[T]:
        """Call `fn(result)` when the call succeeded: the refresh of what it changed."""
        if self.state == RUNNING or self.state == READY:
            self._on_success.append(fn)
        elif self.state == SUCCEEDED:
            fn(self.result)
        return self

    def failure(self, fn: Callable[[UserError], object]) -> Operation[T]:
        """Show a refusal with `fn` (a form's own message line) instead of the message box."""
        if self.state not in (READY, RUNNING):
            raise RuntimeError("the call already ended")
        self._on_failure = fn
        return self

    def always(self, fn: Callable[[], object]) -> Operation[T]:
        """Call `fn()` once the call ended, whatever came of it."""
        if self.state in (READY, RUNNING):
            self._always.append(fn)
        else:
            fn()
        return self

    # --- outcome -----------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """True once the call ended and its callbacks ran."""
        return self._over

    @property
    def succeeded(self) -> bool:
        """True when the call ended without an error."""
        return self.state == SUCCEEDED

    @property
    def result(self) -> T:
        """What the call returned (only after it succeeded)."""
        if self.state != SUCCEEDED:
            raise RuntimeError(f"the operation has no result: it is {self.state}")
        return self._result  # type: ignore[return-value]  # T itself may include None

    # --- running -----------------------------------------------------------------------------

    def run(self, *, wait_cursor: bool = True) -> bool:
        """Call now, on the GUI thread (a quick call); True when it succeeded. A wait cursor
        shows during the call unless it asks the person something (`wait_cursor=False`)."""
        self._start()
        if wait_cursor:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            try:
                value = self._call()
            finally:
                if wait_cursor:
                    QGuiApplication.restoreOverrideCursor()
        except UserError as exc:
            self._finish(None, exc)
            return False
        except BaseException:
            self.state = CRASHED
            self._run_always()
            raise
        self._finish(value, None)
        return True

    def value(self) -> T | None:
        """Call now, as run(); the result, or None when refused (for calls that never give
        None, such as building a dialog that reads the database)."""
        return self.result if self.run() else None

    def run_in_background(self, label: str) -> Operation[T]:
        """Call on a worker thread while `label` shows with a progress indicator; returns at
        once (the callbacks run later, on the GUI thread)."""
        self._start()
        work = background_work()
        self._relay = _Relay(self, work)
        self._progress = _progress_dialog(self.parent, label)
        work.began(self)
        threading.Thread(target=self._work, name="tsunagu-operation", daemon=False).start()
        return self

    def _start(self) -> None:
        if self.state != READY:
            raise RuntimeError("an operation runs once")
        self.state = RUNNING

    def _work(self) -> None:
        """On the worker thread: the call, then its outcome handed to the GUI thread."""
        result: Any = None
        error: BaseException | None = None
        try:
            with _ONE_AT_A_TIME:
                result = self._call()
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            error = exc
        try:
            if self._relay is not None:
                self._relay.ended.emit(result, error)
        except RuntimeError:
            pass  # the application is already gone: nothing is left to tell
        finally:
            self.worked.set()

    def _ended(self, result: Any, error: BaseException | None) -> None:
        """On the GUI thread, once the worker is through."""
        work = background_work()
        work.work_ended(self)
        self._close_progress()
        try:
            if not shiboken6.isValid(self.parent):
                # The page or dialog went away meanwhile: nothing of it is left to refresh.
                self._over = True
                if error is None:
                    self.state = SUCCEEDED
                elif isinstance(error, UserError):
                    self.state, self.error = FAILED, error
                else:
                    self.state = CRASHED
                    sys.excepthook(type(error), error, error.__traceback__)
                return
            if error is None or isinstance(error, UserError):
                self._finish(result, error)
                return
            self.state = CRASHED
            self._run_always()
            sys.excepthook(type(error), error, error.__traceback__)
        finally:
            relay, self._relay = self._relay, None
            if relay is not None:
                relay.deleteLater()  # not now: Qt is still delivering to it
            work.settled(self)

    def _finish(self, result: Any, error: UserError | None) -> None:
        try:
            if error is None:
                self._result = result
                self.state = SUCCEEDED
                for fn in self._on_success:
                    fn(result)
            else:
                self.error = error
                self.state = FAILED
                if self._on_failure is not None:
                    self._on_failure(error)
                else:
                    show_error(self.parent, error.message, error.details)
        finally:
            self._run_always()

    def _run_always(self) -> None:
        try:
            for fn in self._always:
                fn()
        finally:
            self._over = True

    def _close_progress(self) -> None:
        dialog, self._progress = self._progress, None
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.hide()
            dialog.deleteLater()


# Background calls run one at a time: two worker threads never write to a database at once.
_ONE_AT_A_TIME = threading.Lock()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's outcome reaches the operation through it, queued.

    Owned by its parent (the program's BackgroundWork), never by Python's garbage collector,
    which could otherwise delete it on whatever thread happens to collect.
    """

    ended = Signal(object, object)

    def __init__(self, operation: Operation[Any], parent: QObject) -> None:
        super().__init__(parent)
        self.operation = operation
        self.ended.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, result: object, error: object) -> None:
        self.operation._ended(result, error if isinstance(error, BaseException) else None)


def _progress_dialog(parent: QWidget, label: str) -> QProgressDialog:
    """A busy indicator over the window of `parent`, shown only if the work takes a while."""
    window = parent.window()
    dialog = QProgressDialog(label, "", 0, 0, window)
    dialog.setWindowTitle(window_title(parent))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setCancelButton(None)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    # Shown by a timer of ours: QProgressDialog shows itself only from setValue(), which spins
    # the event loop once the dialog is modal and visible.
    QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, dialog, dialog.show)
    return dialog


class BackgroundWork(QObject):
    """The background operations under way, for the whole program.

    While any runs: no input reaches the windows that were open when it began (a click would
    start a second action in the middle of the first; a message box opened meanwhile still
    takes its answer), a wait cursor shows, and such a window asked to close is closed once
    the work is over. `when_idle(fn)` is how the idle lock waits for the work to finish.
    """

    idle = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.working: list[Operation[Any]] = []
        self.unsettled: list[Operation[Any]] = []
        self._held: dict[Operation[Any], set[QWidget]] = {}  # the windows each one holds
        self._close_later: list[QWidget] = []
        self._when_idle: list[Callable[[], object]] = []

    def busy(self) -> bool:
        """True while a worker thread is on a call."""
        return bool(self.working)

    def began(self, operation: Operation[Any]) -> None:
        """An operation's work started on a worker thread."""
        if not self.working:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.working.append(operation)
        self.unsettled.append(operation)
        self._held[operation] = set(QApplication.topLevelWidgets())

    def work_ended(self, operation: Operation[Any]) -> None:
        """Its worker is through; input flows again once no other work runs."""
        if operation not in self.working:
            return
        self.working.remove(operation)
        self._held.pop(operation, None)
        if not self.working:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            QGuiApplication.restoreOverrideCursor()
            # After the callbacks (or inside a message box they open), never in their middle.
            QTimer.singleShot(0, self._idle_now)

    def settled(self, operation: Operation[Any]) -> None:
        """Its callbacks ran too; windows asked to close meanwhile close now."""
        if operation in self.unsettled:
            self.unsettled.remove(operation)
        if self.working or self.unsettled:
            return
        windows, self._close_later = self._close_later, []
        for window in windows:
            if shiboken6.isValid(window):
                window.close()

    def when_idle(self, fn: Callable[[], object]) -> None:
        """Call `fn` once no work runs (at once when none does)."""
        if not self.working:
            fn()
            return
        self._when_idle.append(fn)

    def _idle_now(self) -> None:
        if self.working:
            return
        waiting, self._when_idle = self._when_idle, []
        for fn in waiting:
            fn()
        self.idle.emit()

    def wait_for_all(self, timeout: float | None = None) -> bool:
        """Block until every worker is through with its call (the program is quitting, and
        the database must not close underneath a call); True when none is left."""
        for operation in list(self.working):
            if not operation.worked.wait(timeout):
                return False
        return True

    def _holds(self, window: QWidget) -> bool:
        return any(window in held for held in self._held.values())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in _INPUT:
            if isinstance(watched, QWidget):
                return self._holds(watched.window())
            # Shortcuts and actions are delivered to QShortcut/QAction objects: none now.
            return kind == QEvent.Type.Shortcut
        if (
            kind == QEvent.Type.Close
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and self._holds(watched)
        ):
            # A progress indicator is never closed by hand; any other window closes afterwards.
            if not isinstance(watched, QProgressDialog) and watched not in self._close_later:
                self._close_later.append(watched)
            event.ignore()
            return True
        return False


_BACKGROUND: list[BackgroundWork] = []


def background_work() -> BackgroundWork:
    """The program's one record of background operations (made on first use)."""
    if not _BACKGROUND:
        _BACKGROUND.append(BackgroundWork())
    return _BACKGROUND[0]
