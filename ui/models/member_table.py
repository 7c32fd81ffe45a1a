"""The member list: ids in gojūon order from the service, rows fetched a block at a time."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.i18n import gettext as _
from app.roster.members import MemberRow

BLOCK = 200
MAX_BLOCKS = 64  # about 13,000 rows kept; scrolling further fetches again

Search = Callable[[str, bool], list[str]]
Fetch = Callable[[Sequence[str]], list[MemberRow]]
AnyIndex = QModelIndex | QPersistentModelIndex


class MemberTableModel(QAbstractTableModel):
    """Shows 100,000 members smoothly: only ids are held; rows come in blocks on demand."""

    COLUMNS = ("name", "kana", "member_number", "phone", "coop", "status", "household")

    def __init__(self, search: Search, fetch: Fetch, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = search
        self._fetch = fetch
        self._ids: list[str] = []
        self._blocks: OrderedDict[int, list[MemberRow]] = OrderedDict()
        self.query = ""
        self.include_retired = False

    def headers(self) -> list[str]:
        """Column titles in the current language."""
        return [
            _("Name"),
            _("Reading"),
            _("Member no."),
            _("Phone"),
            _("Co-op"),
            _("Status"),
            _("Household no."),
        ]

    def refresh(self, query: str | None = None, include_retired: bool | None = None) -> None:
        """Ask the service again (after a search change or an edit)."""
        if query is not None:
            self.query = query
        if include_retired is not None:
            self.include_retired = include_retired
        self.beginResetModel()
        self._ids = self._search(self.query, self.include_retired)
        self._blocks.clear()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def member_id(self, row: int) -> str | None:
        """The id behind a row, or None outside the list."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, member_id: str) -> int:
        """The row showing `member_id`, or -1."""
        try:
            return self._ids.index(member_id)
        except ValueError:
            return -1

    def _row(self, row: int) -> MemberRow | None:
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            ids = self._ids[block * BLOCK : (block + 1) * BLOCK]
            rows = self._fetch(ids)
            if len(rows) != len(ids):  # a member vanished meanwhile: keep positions stable
                by_id = {r.id: r for r in rows}
                rows = [by_id.get(i) or MemberRow(i, "", "", "", "", "", "") for i in ids]
            self._blocks[block] = rows
            if len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        offset = row - block * BLOCK
        return rows[offset] if offset < len(rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        member = self._row(index.row())
        if member is None:
            return None
        key = self.COLUMNS[index.column()]
        if key == "status":
            return _("active") if member.status == "active" else _("retired")
        return getattr(member, key)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.headers()[section]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None
