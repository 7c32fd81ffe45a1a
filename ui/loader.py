"""Open the database after the first paint and put the pages into the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from app import chapter as chapter_service
from app import i18n
from app.context import Context
from app.database import DEFAULT_FILENAME, open_database
from app.errors import UserError
from app.i18n import gettext as _
from ui.dialogs.settings import DATA_FOLDER_KEY
from ui.main_view import MainView
from ui.shell import Shell
from ui.style import apply_text_scale


def load_into(shell: Shell, location: str | None) -> Context | None:
    """Open `location` (or the default database) and show the pages; None when refused."""
    if location is None:
        folder = QSettings("Tsunagu", "Tsunagu").value(DATA_FOLDER_KEY)
        if folder:
            location = str(Path(str(folder)) / DEFAULT_FILENAME)
    try:
        db = open_database(location, create=True)
    except UserError as exc:
        QMessageBox.critical(shell, _("Tsunagu"), exc.message)
        shell.close()
        app = QApplication.instance()
        if app is not None:
            app.exit(1)
        return None
    ctx = Context(db)
    prefs = chapter_service.load_preferences(ctx)
    i18n.set_language(prefs.language)
    apply_text_scale(prefs.text_scale)
    if chapter_service.is_empty(ctx):
        from ui.dialogs.first_start import FirstStartDialog

        FirstStartDialog(ctx, shell).exec()
    view = MainView(ctx)
    shell.setCentralWidget(view)
    shell.setWindowTitle(view.window_title())
    shell.destroyed.connect(lambda: db.close())
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(db.close)
    return ctx
