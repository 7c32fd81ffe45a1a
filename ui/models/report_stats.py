"""The year's statistics month by month, with a total row: the figures behind the charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.reports.results import ReportStats

AnyIndex = QModelIndex | QPersistentModelIndex


class StatsTableModel(QAbstractTableModel):
    """Twelve months and the total; a thin adapter over ReportStats."""

    COLUMNS = (
        "events",
        "participants",
        "visits",
        "follow_ups",
        "members_joined",
        "members_retired",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stats: ReportStats | None = None

    def headers(self) -> list[str]:
        """Column titles in the current language."""
        return [
            _("Events held"),
            _("Participants"),
            _("Visits"),
            _("Follow-ups"),
            _("New members"),
            _("Members left"),
        ]

    def set_stats(self, stats: ReportStats | None) -> None:
        """Show another year's figures."""
        self.beginResetModel()
        self._stats = stats
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() or self._stats is None:
            return 0
        return len(self._stats.months) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def _total(self, key: str) -> int:
        s = self._stats
        assert s is not None
        totals = {
            "events": s.event_dates,
            "participants": s.participants,
            "visits": s.visits,
            "follow_ups": s.follow_ups,
            "members_joined": s.members_joined,
            "members_retired": s.members_retired,
        }
        return totals[key]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s = self._stats
        if s is None or not index.isValid() or not 0 <= index.row() <= len(s.months):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == len(s.months):
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        key = self.COLUMNS[index.column()]
        if index.row() == len(s.months):
            return self._total(key)
        return int(getattr(s.months[index.row()], key))

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.headers()[section]
        if orientation == Qt.Orientation.Vertical and self._stats is not None:
            if section == len(self._stats.months):
                return _("Total")
            if 0 <= section < len(self._stats.months):
                return self._stats.months[section].label
        return None
