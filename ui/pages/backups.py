"""The Backups page: the copies kept, Back up now, Restore… and where the copies go."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import backups as backup
from app.core.context import Permission
from app.core.dates import show_date
from app.core.i18n import gettext as _
from ui import files
from ui.dialogs.base import confirm
from ui.operations import Operation
from ui.tables import fit_table
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.backups import BackupInfo, RestoreResult
    from app.core.context import Context
    from app.core.errors import UserError

AnyIndex = QModelIndex | QPersistentModelIndex


def kind_label(kind: str) -> str:
    """The kind of a copy in words."""
    return {
        "daily": _("daily"),
        "weekly": _("weekly"),
        "monthly": _("monthly"),
        "manual": _("manual"),
    }.get(kind, kind)


def size_label(size: int) -> str:
    """A file size in MB with one decimal (KB below 0.1 MB)."""
    if size < 100 * 1024:
        return _("{size} KB").format(size=max(1, round(size / 1024)))
    return _("{size} MB").format(size=f"{size / (1024 * 1024):.1f}")


class BackupTableModel(QAbstractTableModel):
    """The backups as the service lists them, newest first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[BackupInfo] = []

    def headers(self) -> list[str]:
        """Column titles in the current language."""
        return [_("Date"), _("Kind"), _("Size"), _("Checked")]

    def set_rows(self, rows: list[BackupInfo]) -> None:
        """Replace the list."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                day = show_date(row.taken_at.date())
                return f"{day} {row.taken_at:%H:%M}"
            if column == 1:
                return kind_label(row.kind)
            if column == 2:
                return size_label(row.size)
            if column == 3:
                return _("yes") if row.verified else _("not checked")
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(row.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < 4
        ):
            return self.headers()[section]
        return None

    def info(self, row: int) -> BackupInfo | None:
        """The backup shown in `row`."""
        return self.rows[row] if 0 <= row < len(self.rows) else None


class BackupsPage(QWidget):
    """Backups of this chapter's data, and putting one back."""

    # Any one of these lets an account see the page (checked by the main view).
    required_permissions: tuple[Permission, ...] = (Permission.ADMIN,)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        admin = ctx.actor.can(Permission.ADMIN)
        intro = QLabel(
            _(
                "Tsunagu makes a backup every day when you close it, and before every import "
                "or merge. It keeps 7 daily, 4 weekly and 12 monthly copies."
            )
        )
        intro.setWordWrap(True)
        self.folder_label = QLabel("")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = BackupTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        fit_table(self.table, stretch=self.model.columnCount() - 1, rows=4)
        self.empty_label = QLabel(_("No backups yet."))
        self.backup_button = QPushButton(_("Back up now"))
        self.restore_button = QPushButton(_("Restore…"))
        self.folder_button = QPushButton(_("Choose folder…"))
        self.default_button = QPushButton(_("Use the standard folder"))
        self.show_button = QPushButton(_("Show the folder"))
        self.restore_button.setEnabled(admin)
        self.folder_button.setEnabled(admin)
        self.default_button.setEnabled(admin)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button.clicked.connect(self.choose_folder)
        self.default_button.clicked.connect(lambda: self.set_folder(None))
        self.show_button.clicked.connect(self.show_folder)
        buttons = FlowLayout()
        for button in (self.backup_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_buttons = FlowLayout()  # wraps under large text instead of widening the window
        for button in (self.show_button, self.folder_button, self.default_button):
            folder_buttons.addWidget(button)
        folder_row.addLayout(folder_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(folder_row)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        """Read the backup folder again."""
        Operation(
            self, lambda: (backup.backup_folder(self.ctx), backup.list_backups(self.ctx))
        ).success(lambda found: self._show(*found)).failure(self._unreadable).run()

    def _unreadable(self, exc: UserError) -> None:
        self.folder_label.setText(exc.message)
        self.model.set_rows([])
        self.backup_button.setEnabled(False)

    def _show(self, folder: Path, rows: list[BackupInfo]) -> None:
        self.folder_label.setText(_("Backups go to: {folder}").format(folder=folder))
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)
        if rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> BackupInfo | None:
        """The backup chosen in the list."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.info(rows[0].row()) if rows else None

    def back_up_now(self) -> Operation[Path]:
        """Write a manual copy now, in the background; its result is the copy's path."""
        return (
            Operation(self, lambda: backup.backup_now(self.ctx))
            .success(self._backed_up)
            .run_in_background(_("Making a backup…"))
        )

    def _backed_up(self, path: Path) -> None:
        self.refresh()
        for row, info in enumerate(self.model.rows):
            if info.path == path:
                self.table.selectRow(row)

    def restore_selected(self) -> Operation[RestoreResult] | None:
        """Put the chosen backup back (or one picked from a file), after asking first; None
        when the person did not go ahead, else the restore under way in the background."""
        info = self.selected()
        if info is None:
            chosen = files.open_file_name(
                self, _("Restore from a backup"), _("Tsunagu backups (*.sqlite)")
            )
            if not chosen:
                return None
            source = Path(chosen)
            when = source.name
        else:
            source = info.path
            when = self.model.data(self.model.index(self.model.rows.index(info), 0))
        question = _(
            "Replace all of the chapter's data with the backup from {when}? "
            "Changes made since then will no longer show. The current data is kept "
            "beside the database file, so this can be undone."
        ).format(when=when)
        if not confirm(self, _("Restore a backup"), question, _("Restore")):
            return None
        return (
            Operation(self, lambda: backup.restore(self.ctx, source))
            .success(self._restored)
            .run_in_background(_("Restoring…"))
        )

    def _restored(self, result: RestoreResult) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Restore a backup"),
            _(
                "The backup was restored. Tsunagu will now close; start it again to work "
                "with the restored data. The previous data was kept as {name}."
            ).format(name=result.kept_aside.name),
            parent=self,
        )
        box.exec()
        window = self.window()
        if window is not None and window is not self:
            window.close()

    def choose_folder(self) -> None:
        """Pick another folder (a USB stick, say) for the backups."""
        folder = QFileDialog.getExistingDirectory(
            self, _("Folder for backups"), str(backup.backup_folder(self.ctx))
        )
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str | None) -> None:
        """Use `folder` for backups (None: the standard folder beside the database)."""
        Operation(self, lambda: backup.set_backup_folder(self.ctx, folder)).success(
            lambda _r: self.refresh()
        ).run()

    def show_folder(self) -> None:
        """Open the backup folder in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(backup.backup_folder(self.ctx))))
