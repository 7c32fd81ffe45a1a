"""The audit log for coordinators: who viewed, changed, exported or printed which record, when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.dates import show_date
from app.core.i18n import gettext as _
from app.storage.audit import AuditView, read_audit
from ui.dialogs.base import BaseDialog
from ui.tables import fit_table

if TYPE_CHECKING:
    from app.core.context import Context

# Enough for months of a chapter's use; older entries stay in the database.
SHOWN = 5000

_Index = QModelIndex | QPersistentModelIndex


def action_label(action: str) -> str:
    """The audit action in words."""
    labels = {
        "view": _("viewed"),
        "create": _("created"),
        "change": _("changed"),
        "delete": _("deleted"),
        "export": _("exported"),
        "print": _("printed"),
        "erase": _("erased"),
        "login": _("logged in"),
        "denied": _("refused"),
    }
    return labels.get(action, action)


class AuditTableModel(QAbstractTableModel):
    """A thin table over the audit service's entries (newest first)."""

    def __init__(self, entries: list[AuditView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries = entries
        self.headers = [_("When"), _("Who"), _("What"), _("Record"), _("Record id"), _("Detail")]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        e = self.entries[index.row()]
        values = (
            f"{show_date(e.at.date())} {e.at:%H:%M:%S}",
            e.user_name,
            action_label(e.action),
            e.entity,
            e.entity_id[:8] if role == Qt.ItemDataRole.DisplayRole else e.entity_id,
            e.detail,
        )
        return values[index.column()]

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None


class AuditLogDialog(BaseDialog):
    """The newest entries first, filtered by typing a name, an action or a record id."""

    settings_key = "audit"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Audit log"), parent)
        self.model = AuditTableModel(read_audit(ctx, limit=SHOWN), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Filter by name, action or record"))
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # The details take the width; the record's kind and id give way at large text.
        fit_table(self.table, stretch=self.proxy.columnCount() - 1, secondary=[1, 3, 4])
        note = QLabel(
            _("The newest {count} entries. Every view, change, export and print is kept.").format(
                count=SHOWN
            )
        )
        note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Filter")))
        top.addWidget(self.filter, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(close)
        self.resize(900, 560)
