"""The event list: one row per event from the service, by date, with its counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.dates import show_date
from app.core.i18n import gettext as _
from app.events.views import EventRow
from app.events.vocabulary import MONTHLY

AnyIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its title (called for the current language) and the text of a row."""

    title: Callable[[], str]
    text: Callable[[T], str]
    numeric: bool = False


class RowTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of frozen rows that each have an `id`."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show `rows` (after a search, a filter or an edit)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        """Every row shown, in order."""
        return list(self._rows)

    def row_at(self, row: int) -> T | None:
        """The row object at `row`, or None outside the list."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def id_at(self, row: int) -> str | None:
        """The id of the row at `row`."""
        item = self.row_at(row)
        return str(getattr(item, "id", "")) if item is not None else None

    def row_of(self, row_id: str) -> int:
        """The row showing `row_id`, or -1."""
        for n, item in enumerate(self._rows):
            if getattr(item, "id", None) == row_id:
                return n
        return -1

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        item = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(item)
        if role == Qt.ItemDataRole.UserRole:
            return getattr(item, "id", None)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title()
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return section + 1
        return None


def short_when(when: datetime | None, with_time: bool = True) -> str:
    """令和4年6月10日(金) 13:30 (or as the date style says), the time when there is one."""
    if when is None:
        return _("no date yet")
    text = show_date(when.date())
    if with_time and (when.hour or when.minute):
        text += f" {when:%H:%M}"
    return text


def event_when(row: EventRow) -> str:
    """When an event is: its date, or a monthly event's first date and how many dates."""
    text = short_when(row.starts_at)
    if row.recurrence == MONTHLY and row.starts_at is not None:
        text = _("{first} and {count} dates in all").format(
            first=short_when(row.starts_at, with_time=False), count=row.occurrences
        )
    if row.dates_estimated:
        text = _("{date} (estimated)").format(date=text)
    return text


def _title(row: EventRow) -> str:
    return " ".join(p for p in (row.series_label, row.title) if p)


def _registered(row: EventRow) -> str:
    if row.capacity is None:
        text = str(row.registered)
    else:
        text = f"{row.registered} / {row.capacity}"
    if row.waitlisted:
        text += " " + _("(+{n} waiting)").format(n=row.waitlisted)
    return text


EVENT_COLUMNS: list[Column[EventRow]] = [
    Column(lambda: _("Date"), event_when),
    Column(lambda: _("Kind"), lambda r: r.kind_label),
    Column(lambda: _("Title"), _title),
    Column(lambda: _("Status"), lambda r: r.status_label),
    Column(lambda: _("Registered"), _registered, numeric=True),
    Column(lambda: _("Attended"), lambda r: str(r.attended), numeric=True),
    Column(lambda: _("Walk-ins"), lambda r: str(r.walk_ins), numeric=True),
]


class EventTableModel(RowTableModel[EventRow]):
    """Events by date with kind, status and counts."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(EVENT_COLUMNS, parent)
