"""Start the window: paint first, then load the data layer (SQLAlchemy costs a window's worth)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.core import i18n
from app.core.i18n import gettext as _
from app.core.startup import resume_cycle_collector
from ui import crash_dialog
from ui.language import apply_language
from ui.shell import Shell

if TYPE_CHECKING:
    # Type-only: the operations are first needed after the first paint, the single-instance
    # claim only by a start that opens a database (not by --smoke).
    from ui.operations import Operation
    from ui.single_instance import SingleInstance


class _Startup(QObject):
    ready = Signal()


def _parse(argv: list[str]) -> tuple[str | None, bool]:
    db: str | None = None
    smoke = "--smoke" in argv
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            db = argv[i + 1]
        elif arg.startswith("--db="):
            db = arg.split("=", 1)[1]
    return db, smoke


def bring_forward(window: QWidget) -> None:
    """Show a window above the others (a second start asked for it)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def claim_database(location: str | None) -> tuple[int | None, SingleInstance | None]:
    """(exit code when this start must end, the listener when this start owns the file)."""
    # Here, not at the top: --smoke paints without claiming the file (QtNetwork, hashlib).
    from ui.single_instance import Claim, SingleInstance, database_file

    path = database_file(location)
    if path is None:
        return None, None
    guard = SingleInstance(path)
    outcome = guard.claim()
    if outcome.claim is Claim.RAISED:
        print(
            _("Tsunagu is already open for {name}; its window was brought forward.").format(
                name=path.name
            )
        )
        return 0, None
    if outcome.claim is Claim.NO_ANSWER:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(
            None,
            _("Tsunagu"),
            _(
                "Tsunagu is already open for {name} ({holder}), but it does not answer. "
                "Wait a moment and try again. If it stays like this, restart the computer."
            ).format(name=path.name, holder=outcome.holder or "?"),
        )
        return 1, None
    return None, guard


def backup_on_close(window: QWidget, ctx: Any) -> Operation[object] | None:
    """The automatic daily backup when the window closes, in the background; a failure is
    said, not hidden. None when there is nothing to back up."""
    if ctx is None or ctx.db.path is None or ctx.db.lock is None:
        return None  # no file, or already closed (after a restore)
    from app import backups as backup
    from app.core.errors import UserError
    from ui.operations import Operation, show_error

    def daily() -> object:
        try:
            return backup.daily_backup(ctx)
        except Exception as exc:  # never keep the window from closing over a backup
            if isinstance(exc, UserError):
                raise  # a refusal: the operation says it
            from app.storage.crash import save_report

            save_report(exc)
            return None

    def refused(exc: UserError) -> None:
        show_error(
            window,
            _("The daily backup could not be made: {reason} Your data itself is safe.").format(
                reason=exc.message
            ),
        )

    return (
        Operation(window, daily).failure(refused).run_in_background(_("Making the daily backup…"))
    )


class _CloseWatch(QObject):
    """Runs the daily backup once, when the main window is about to close; the window closes
    when the backup is done."""

    def __init__(self, window: QWidget, state: dict[str, Any]) -> None:
        super().__init__(window)
        self.window = window
        self.state = state
        self.done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Close and not self.done:
            self.done = True
            backing_up = backup_on_close(self.window, self.state.get("ctx"))
            if backing_up is not None:
                event.ignore()
                backing_up.always(self.window.close)
                return True
        return False


def run_window(argv: list[str], started: float) -> int:
    """Show the window; with --smoke print the ms to first paint and exit 0."""
    db_location, smoke = _parse(argv)
    i18n.set_language(i18n.DEFAULT_LANGUAGE)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_language(i18n.DEFAULT_LANGUAGE)
    app.setApplicationName("Tsunagu")
    app.setOrganizationName("Tsunagu")
    state: dict[str, Any] = {}
    state["crash"] = crash_dialog.install(lambda: state.get("shell"))
    if smoke:
        shell = Shell()

        def painted() -> None:
            ms = (time.perf_counter() - started) * 1000
            resume_cycle_collector()
            print(f"first paint: {ms:.0f} ms")
            QTimer.singleShot(0, app.quit)

        shell.first_paint.connect(painted)
        shell.show()
        QTimer.singleShot(10000, lambda: app.exit(1))
        return app.exec()

    code, guard = claim_database(db_location)
    if code is not None:
        return code
    shell = Shell()
    state["shell"] = shell
    if guard is not None:
        guard.raise_requested.connect(lambda: bring_forward(shell))
        app.aboutToQuit.connect(guard.close)
    _CloseWatch(shell, state)

    def load() -> None:
        from ui.loader import Session, load_into

        state["ctx"] = load_into(shell, db_location)
        session = shell.findChild(Session)
        if session is not None:
            # The daily backup on closing is of the Context of the moment.
            session.context_changed.connect(lambda ctx: state.__setitem__("ctx", ctx))

    shell.first_paint.connect(resume_cycle_collector)
    shell.first_paint.connect(lambda: QTimer.singleShot(0, load))
    shell.show_fitted()
    return app.exec()
