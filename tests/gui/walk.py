"""Every page and every dialog the window can open, with demo data, measured against the screen.

Run as a program on a screen of a chosen size (Qt's offscreen platform reads it from a file):
    python -m tests.gui.walk --screen 1366x728 --scale 200 [--shots DIR] [--language ja]
It prints one JSON object: the screen's available geometry and, per window, its frame.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.context import Context
    from ui.main_view import MainView


def dialogs(ctx: Context, view: MainView) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    """(name, factory) of every dialog the window can open, each as its page would open it."""
    from app import event_print, events, visits, watch
    from app.sync import exchange
    from ui.crash_dialog import CrashDialog
    from ui.dialogs.accounts import AccountsDialog, PassphraseDialog, RecoveryKeyDialog
    from ui.dialogs.audit import AuditLogDialog
    from ui.dialogs.conflict import ConflictDialog
    from ui.dialogs.event import EventDialog
    from ui.dialogs.event_register import RegisterDialog
    from ui.dialogs.first_start import FirstStartDialog
    from ui.dialogs.follow_up import FollowUpDialog
    from ui.dialogs.lapsed import LapsedDialog
    from ui.dialogs.login import LoginDialog
    from ui.dialogs.mailing import MailingDialog
    from ui.dialogs.member import MemberDialog
    from ui.dialogs.partner import LecturerDialog, OrganisationDialog
    from ui.dialogs.reception import ReceptionDialog
    from ui.dialogs.settings import SettingsDialog
    from ui.dialogs.visit import VisitDialog
    from ui.dialogs.visit_history import VisitHistoryDialog
    from ui.dialogs.watch_person import WatchPersonDialog
    from ui.dialogs.watch_settings import WatchSettingsDialog

    lecture = events.resolve_event(ctx, "まちづくり講座 第18講")
    person = watch.list_people(ctx)[0].id
    yield "login", lambda: LoginDialog(lambda _n, _p: None, lambda _n, _k, _p: None, view)
    yield "first_start", lambda: FirstStartDialog(path=Path(tempfile.mkdtemp()) / "new.sqlite")
    yield "settings", lambda: SettingsDialog(ctx, view)
    yield "accounts", lambda: AccountsDialog(ctx, view)
    yield "passphrase", lambda: PassphraseDialog(ctx, view)
    yield "recovery_key", lambda: RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", view)
    yield "audit", lambda: AuditLogDialog(ctx, view)
    yield "member_new", lambda: MemberDialog(ctx, None, view)
    yield "event_new", lambda: EventDialog(ctx, None, view)
    yield "event_edit", lambda: EventDialog(ctx, lecture, view)
    yield "register", lambda: RegisterDialog(ctx, lecture, parent=view)
    yield "reception", lambda: ReceptionDialog(ctx, lecture, parent=view)
    yield "lapsed", lambda: LapsedDialog(ctx, view)
    yield "mailing", lambda: MailingDialog(ctx, view, event_id=lecture, event_title="講座")
    yield "organisation_new", lambda: OrganisationDialog(ctx, None, view)
    yield "lecturer_new", lambda: LecturerDialog(ctx, None, view)
    yield "watch_person_new", lambda: WatchPersonDialog(ctx, None, view)
    yield "watch_person_edit", lambda: WatchPersonDialog(ctx, person, view)
    yield "visit", lambda: VisitDialog(ctx, person, view)
    yield "visit_history", lambda: VisitHistoryDialog(ctx, person, view)
    yield "watch_settings", lambda: WatchSettingsDialog(ctx, view)
    follow = next((d for d in visits.due_list(ctx) if d.kind == visits.FOLLOW_UP), None)
    if follow is not None:
        yield "follow_up", lambda: FollowUpDialog(ctx, follow.id, view)
    conflicts = exchange.list_conflicts(ctx)
    if conflicts:
        yield "conflict", lambda: ConflictDialog(ctx, conflicts[0].id, view)
    report = Path(tempfile.mkdtemp()) / "crash-1.txt"
    report.write_text("Traceback (most recent call last):\n  ...\nValueError: demo\n")
    yield "crash", lambda: CrashDialog(report, view)

    def flyer() -> QWidget:
        page: Any = view.pages["events"]
        page.select_event(lecture)
        dialog = page.preview_dialog(event_print.FLYER)
        assert dialog is not None
        return dialog

    yield "pdf_preview", flyer

    def about() -> QWidget:
        from ui.dialogs.about import open_about

        dialog = open_about(view, str(ctx.db.path))
        assert dialog is not None
        return dialog

    yield "about", about


def _walk(ctx: Context, shots: Path | None, scale: int) -> dict[str, Any]:
    """Open the main window, every page and every dialog; their frames and the screen's."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from ui.main_view import MainView
    from ui.shell import Shell
    from ui.style import apply_text_scale

    apply_text_scale(scale)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    area = app.primaryScreen().availableGeometry()
    shell = Shell()
    view = MainView(ctx)
    shell.setCentralWidget(view)
    getattr(shell, "show_fitted", shell.show)()  # main's code before the fit had only show()
    QCoreApplication.processEvents()
    out: dict[str, Any] = {
        "screen": [area.x(), area.y(), area.width(), area.height()],
        "windows": [],
    }

    def record(name: str, kind: str, widget: QWidget) -> None:
        QCoreApplication.processEvents()
        frame = widget.frameGeometry()
        entry = {
            "name": name,
            "kind": kind,
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "minimum": [widget.minimumWidth(), widget.minimumHeight()],
            "maximised": widget.isMaximized(),
        }
        if shots is not None:
            file = shots / f"{kind}-{name}-{scale}.png"
            widget.grab().save(str(file))
            entry["file"] = str(file)
        out["windows"].append(entry)

    for row in range(view.nav.count()):
        view.nav.setCurrentRow(row)
        record(str(view.nav.item(row).data(256)), "page", shell)
    for name, make in dialogs(ctx, view):
        dialog = make()
        dialog.show()
        record(name, "dialog", dialog)
        dialog.close()
        dialog.deleteLater()
    shell.close()
    return out


def main(argv: list[str]) -> int:
    """Set the screen, open the demo, walk, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--screen", default="1366x728")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--shots", type=Path)
    parser.add_argument("--language", default="en")
    parser.add_argument("--demo", type=Path, required=True)
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.screen.split("x"))
    config = Path(tempfile.mkdtemp()) / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [dict(screen, logicalDpi=96, dpr=1)]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    from PySide6.QtWidgets import QApplication

    from app import i18n
    from app.context import Context
    from app.database import open_database

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("Tsunagu")
    # Why: the test machine has no Japanese system font; the shipped one measures and draws
    # kanji as a Windows font would, instead of empty boxes.
    from PySide6.QtGui import QFontDatabase

    fonts = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    for font in sorted(fonts.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    if QFontDatabase.families():
        app.setFont(QFontDatabase.font("BIZ UDGothic", "Regular", 12))
    i18n.set_language(args.language)
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    db = open_database(args.demo)
    try:
        result = _walk(Context(db), args.shots, args.scale)
    finally:
        db.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
