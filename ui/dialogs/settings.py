"""Settings: chapter name, language, text size up to 200%, and where the data lives."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import dates
from app.core.context import Permission
from app.core.i18n import gettext as _
from app.storage import chapter as chapter_service
from ui.dialogs.base import BaseDialog
from ui.language import apply_language
from ui.operations import Operation
from ui.style import apply_text_scale

if TYPE_CHECKING:
    from app.core.context import Context

DATA_FOLDER_KEY = "database_folder"


class SettingsDialog(BaseDialog):
    """Saved through the chapter service; the window rebuilds itself after OK."""

    settings_key = "settings"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Settings"), parent)
        self.ctx = ctx
        self.prefs = chapter_service.load_preferences(ctx)
        info = chapter_service.current_chapter(ctx)
        self.chapter_name = QLineEdit(info.name if info else "")
        self.chapter_name.setEnabled(ctx.actor.can(Permission.ADMIN))
        self.language = QComboBox()
        self.language.addItem("日本語", "ja")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(self.prefs.language)))
        self.text_size = QComboBox()
        for percent in chapter_service.TEXT_SCALES:
            self.text_size.addItem(f"{percent}%", percent)
        self.text_size.setCurrentIndex(max(0, self.text_size.findData(self.prefs.text_scale)))
        self.text_size.currentIndexChanged.connect(
            lambda _i: apply_text_scale(int(self.text_size.currentData()))
        )
        self.date_style = QComboBox()
        self.date_style.addItem(_("Era years (令和8年12月2日)"), "era")
        self.date_style.addItem(_("Western years (2026年12月2日)"), "western")
        self.date_style.setCurrentIndex(max(0, self.date_style.findData(self.prefs.date_style)))
        location = ctx.db.location
        self.data_file = QLabel(location)
        self.data_file.setWordWrap(True)
        self.open_folder = QPushButton(_("Show the folder"))
        self.open_folder.setEnabled(ctx.db.path is not None)
        self.open_folder.clicked.connect(self._show_folder)
        self.change_folder = QPushButton(_("Use another folder…"))
        self.change_folder.clicked.connect(self._choose_folder)
        self.folder_note = QLabel("")
        self.folder_note.setWordWrap(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.open_folder)
        folder_row.addWidget(self.change_folder)

        form = QFormLayout()
        form.addRow(_("Chapter name"), self.chapter_name)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Text size"), self.text_size)
        form.addRow(_("Date style"), self.date_style)
        form.addRow(_("Data file"), self.data_file)
        form.addRow("", folder_row)
        form.addRow("", self.folder_note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _show_folder(self) -> None:
        if self.ctx.db.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.db.path.parent)))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for Tsunagu's data"))
        if folder:
            QSettings("Tsunagu", "Tsunagu").setValue(DATA_FOLDER_KEY, folder)
            self.folder_note.setText(
                _("From the next start, Tsunagu opens its data in {folder}.").format(folder=folder)
            )

    def cancel(self) -> None:
        """Put the text size back as it was."""
        apply_text_scale(self.prefs.text_scale)
        self.reject()

    def save(self) -> None:
        """Store everything; refusals are shown and the dialog stays open."""
        prefs = replace(
            self.prefs,
            language=str(self.language.currentData()),
            text_scale=int(self.text_size.currentData()),
            date_style=str(self.date_style.currentData()),
        )
        name = self.chapter_name.text()

        def store() -> None:
            if self.ctx.actor.can(Permission.ADMIN) and name.strip():
                chapter_service.rename_chapter(self.ctx, name)
            chapter_service.save_preferences(self.ctx, prefs)

        Operation(self, store).success(lambda _none: self._saved(prefs)).run()

    def _saved(self, prefs: chapter_service.Preferences) -> None:
        apply_language(prefs.language)
        apply_text_scale(prefs.text_scale)
        dates.set_date_style(prefs.date_style)
        self.accept()
