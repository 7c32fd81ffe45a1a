"""Item models for the Sync page: open conflicts, and headquarters' list of chapters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.dates import show_when
from app.core.i18n import gettext as _
from app.sync.exchange import ChapterStatus, ConflictView, table_label

AnyIndex = QModelIndex | QPersistentModelIndex


def when(moment: datetime | None) -> str:
    """A date and time for a list cell, or a dash."""
    return show_when(moment) if moment is not None else "—"


class _ListModel(QAbstractTableModel):
    """A read-only table over a list of service results."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []

    def headers(self) -> list[str]:
        """Column titles in the current language."""
        raise NotImplementedError

    def cell(self, item: Any, column: int) -> str:
        """The text of one cell."""
        raise NotImplementedError

    def set_items(self, items: Sequence[Any]) -> None:
        """Show `items` (a fresh service result)."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> Any:
        """The service result behind a row, or None."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers())

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(self._items[index.row()], index.column())
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return section + 1


class ConflictListModel(_ListModel):
    """Open conflicts: what, which record, when noticed."""

    def headers(self) -> list[str]:
        return [_("Kind"), _("Record"), _("Noticed")]

    def cell(self, item: ConflictView, column: int) -> str:
        return (table_label(item.table), item.label, when(item.detected_at))[column]


class ChapterStatusModel(_ListModel):
    """At headquarters: each chapter's last package, its age and counts, and what waits."""

    def headers(self) -> list[str]:
        return [_("Chapter"), _("Last package"), _("Age (days)"), _("Rows in it"), _("Waiting")]

    def cell(self, item: ChapterStatus, column: int) -> str:
        age = "—" if item.age_days is None else f"{item.age_days:.1f}"
        values = (
            item.name,
            when(item.last_package_at),
            age,
            str(sum(item.counts.values())),
            str(item.waiting),
        )
        return values[column]
