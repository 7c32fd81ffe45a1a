"""File choosers that start in Documents (or the last folder used) and say where a file went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.i18n import gettext as _
from ui.fit import settings

LAST_FOLDER_KEY = "files/last_folder"


def documents_folder() -> str:
    """The user's Documents folder (ドキュメント on Windows), not the program's folder."""
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def start_folder() -> str:
    """Where a file chooser opens: the folder used last if it is still there, else Documents."""
    last = settings().value(LAST_FOLDER_KEY)
    if last and Path(str(last)).is_dir():
        return str(last)
    return documents_folder()


def remember_folder(chosen: str) -> None:
    """Keep the folder of `chosen` (a file, or a folder itself) for the next chooser."""
    path = Path(chosen)
    settings().setValue(LAST_FOLDER_KEY, str(path if path.is_dir() else path.parent))


def save_file_name(parent: QWidget, title: str, name: str, filters: str) -> tuple[str, str]:
    """(chosen path or "", chosen filter): a save chooser proposing `name` in the start folder."""
    chosen, selected = QFileDialog.getSaveFileName(
        parent, title, str(Path(start_folder()) / name), filters
    )
    if chosen:
        remember_folder(chosen)
    return chosen, selected


def open_file_name(parent: QWidget, title: str, filters: str, folder: str = "") -> str:
    """The file chosen to open ("" when none), starting in `folder` or the start folder."""
    chosen, _selected = QFileDialog.getOpenFileName(
        parent, title, folder or start_folder(), filters
    )
    if chosen:
        remember_folder(chosen)
    return chosen


def open_file_names(parent: QWidget, title: str, filters: str) -> list[str]:
    """The files chosen to open (none when cancelled)."""
    chosen, _selected = QFileDialog.getOpenFileNames(parent, title, start_folder(), filters)
    if chosen:
        remember_folder(chosen[0])
    return list(chosen)


def show_saved(parent: QWidget, path: Path) -> QMessageBox:
    """Say which folder the file went to, with a button that opens it (window-modal, no
    nested event loop: the message stays until closed while the caller goes on)."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Saved"),
        _("Saved {file} in the folder:\n{folder}").format(file=path.name, folder=path.parent),
        parent=parent,
    )
    box.setObjectName("savedMessage")
    open_button = box.addButton(_("Open folder"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(_("Close"), QMessageBox.ButtonRole.AcceptRole)
    # Why: an action-role button would close the box first; open the folder on its click.
    open_button.clicked.connect(lambda: open_folder(path.parent))
    box.open()
    return box


def open_folder(folder: Path) -> bool:
    """Show `folder` in the file manager (Explorer on Windows)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
