"""The report's activities as a tree: a month or a chapter, and its activities under it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.core.dates import MONTHS_EN, WEEKDAYS_EN, WEEKDAYS_JA
from app.core.i18n import current_language, ngettext
from app.core.i18n import gettext as _
from app.reports.common import day_label
from app.reports.results import ActivityGroup, ActivityRow

AnyIndex = QModelIndex | QPersistentModelIndex
# internalId of a group row; an activity row carries its group's row + 1.
_GROUP = 0


def title_text(row: ActivityRow) -> str:
    """Series, catch copy and title on one line, as the list shows them."""
    return " ".join(p for p in (row.series_label, row.catch_copy, row.title) if p)


def short_day(d: date) -> str:
    """4月12日(火) / Tue 12 Apr: the year is in the group above."""
    if current_language() == "ja":
        return f"{d.month}月{d.day}日({WEEKDAYS_JA[d.weekday()]})"
    return f"{WEEKDAYS_EN[d.weekday()]} {d.day} {MONTHS_EN[d.month - 1]}"


def date_text(row: ActivityRow, with_year: bool = False) -> str:
    """The first date, with the number of dates of a monthly event and an estimate mark."""
    text = day_label(row.first_date) if with_year else short_day(row.first_date)
    if row.is_monthly:
        text += " " + _("{count} dates in the year").format(count=len(row.dates))
    if row.dates_estimated:
        text += " " + _("(estimated)")
    return text


def lecturers_text(row: ActivityRow) -> str:
    return "、".join(
        f"{lec.name}（{lec.affiliation}）" if lec.affiliation else lec.name for lec in row.lecturers
    )


def partners_text(row: ActivityRow) -> str:
    return "、".join((*row.organisers, *row.co_hosts, *row.supporters, *row.donors))


class ReportTreeModel(QAbstractItemModel):
    """Groups at the top, their activities below; a thin adapter over the report service."""

    COLUMNS = ("date", "kind", "title", "lecturers", "partners", "participants")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._groups: tuple[ActivityGroup, ...] = ()
        self._with_year = False

    def headers(self) -> list[str]:
        """Column titles in the current language."""
        return [
            _("Date"),
            _("Kind"),
            _("Activity"),
            _("Lecturer"),
            _("Organisers and partners"),
            _("Participants"),
        ]

    def set_groups(self, groups: Sequence[ActivityGroup], with_year: bool = False) -> None:
        """Show another report's groups; `with_year` when a group is not a month."""
        self.beginResetModel()
        self._groups = tuple(groups)
        self._with_year = with_year
        self.endResetModel()

    @staticmethod
    def group_text(group: ActivityGroup) -> str:
        """A group's line: its name, how many activities and people (spans the row)."""
        count = len(group.activities)
        text = (
            group.label
            + "　"
            + ngettext("{count} activity", "{count} activities", count).format(count=count)
        )
        people = sum(a.participants for a in group.activities)
        if people:
            text += "　" + _("Participants: {count}").format(count=people)
        return text

    def groups(self) -> tuple[ActivityGroup, ...]:
        """The groups shown."""
        return self._groups

    def activity(self, index: AnyIndex) -> ActivityRow | None:
        """The activity at `index`, or None for a group row."""
        if not index.isValid() or index.internalId() == _GROUP:
            return None
        group = self._groups[index.internalId() - 1]
        return group.activities[index.row()]

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GROUP)
        if parent.internalId() != _GROUP:
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == _GROUP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _GROUP)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _GROUP and parent.column() == 0:
            return len(self._groups[parent.row()].activities)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _GROUP:
            group = self._groups[index.row()]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self.group_text(group) if index.column() == 0 else None
            if role == Qt.ItemDataRole.FontRole and index.column() == 0:
                font = QFont()
                font.setBold(True)
                return font
            return None
        row = self.activity(index)
        if row is None:
            return None
        key = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "participants":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if key == "date":
            return date_text(row, self._with_year)
        if key == "kind":
            return row.kind_label
        if key == "title":
            return title_text(row)
        if key == "lecturers":
            return lecturers_text(row)
        if key == "partners":
            return partners_text(row)
        return row.attended

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.headers()[section]
        return None
