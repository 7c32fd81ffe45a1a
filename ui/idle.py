"""The idle lock: after some minutes without use, every window's content hides behind a log-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ui.operations import background_work

if TYPE_CHECKING:
    from app.core.context import Context

_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly
# Any of these means someone is at the computer.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class IdleWatch(QObject):
    """Calls `on_idle` once the application has seen no keyboard or mouse use for a while."""

    def __init__(
        self, minutes: float, on_idle: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._on_idle = on_idle
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._fire)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        """Change the idle time and start counting again."""
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def pause(self) -> None:
        """Stop counting (while the window is locked)."""
        self.timer.stop()

    def resume(self) -> None:
        """Count again from now."""
        self.timer.start()

    def stop(self) -> None:
        """Stop for good."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def _fire(self) -> None:
        self._on_idle()


class WindowLock(QObject):
    """Hides the content of every open window and asks for a log-in before showing it again.

    Open dialogs stay open (nothing typed is lost); only their content is hidden. When a
    different account logs in, `ctx` becomes a new Context for it (the old one is left as it
    was) and `on_other_account` is called with it, so the window can rebuild its pages for
    that account's role.

    Background work (ui/operations.py) is never locked underneath: the lock waits until the
    work is over, then locks.
    """

    def __init__(
        self,
        ctx: Context,
        minutes: float,
        on_other_account: Callable[[Context], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._on_other_account = on_other_account
        self._hidden: list[QWidget] = []
        self.dialog: QDialog | None = None
        self._waiting = False
        self._stopped = False
        self._by_user = False
        # The idle watch calls lock() without arguments: locked for inactivity.
        self.idle = IdleWatch(minutes, self.lock, self)

    @property
    def locked(self) -> bool:
        """True while the content is hidden."""
        return self.dialog is not None

    def _windows(self) -> list[QWidget]:
        return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not self.dialog]

    def lock(self, by_user: bool = False) -> None:
        """Hide everything and show the log-in (does nothing if already locked); while
        background work runs, once it is over. `by_user`: Lock now, not the idle time."""
        if self.locked or self._stopped:
            return
        self._by_user = self._by_user or by_user
        work = background_work()
        if work.busy():
            if not self._waiting:
                self._waiting = True
                self.idle.pause()
                work.when_idle(self._lock_after_work)
            return
        from ui.dialogs.login import LoginDialog

        self.idle.pause()
        # Widgets just added to a visible window show themselves through a posted event;
        # deliver those first, or they would appear on top of the locked window later.
        QApplication.sendPostedEvents()
        windows = self._windows()
        for window in windows:
            for child in window.findChildren(QWidget, options=_DIRECT):
                if child.isVisible() and not child.isWindow():
                    child.hide()
                    self._hidden.append(child)
        parent = next((w for w in windows if w.parent() is None), None)
        self.dialog = LoginDialog.for_lock(self.ctx, parent, by_user=self._by_user)
        self._by_user = False
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _lock_after_work(self) -> None:
        self._waiting = False
        self.lock()

    def _unlocked(self) -> None:
        from ui.dialogs.login import LoginDialog

        dialog = self.dialog
        assert isinstance(dialog, LoginDialog)
        actor = dialog.actor
        self.dialog = None
        dialog.deleteLater()
        for child in self._hidden:
            child.show()
        self._hidden.clear()
        self.idle.resume()
        if actor is not None and actor != self.ctx.actor:
            # Another person: what the last one had open is theirs, not this one's.
            for window in self._windows():
                if isinstance(window, QDialog):
                    window.reject()
            self.ctx = self.ctx.with_actor(actor)
            ctx = self.ctx
            QTimer.singleShot(0, lambda: self._on_other_account(ctx))

    def set_minutes(self, minutes: float) -> None:
        """A new idle time from the settings."""
        self.idle.set_minutes(minutes)

    def stop(self) -> None:
        """No more locking (the window is closing)."""
        self._stopped = True
        self.idle.stop()
