"""The due list as a table: overdue first (red, bold), then due soon, then open follow-ups."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.watch.due import DueItem
from app.watch.signs import FOLLOW_UP, OUTCOMES, OVERDUE, label
from ui.models.event_table import AnyIndex, Column, RowTableModel, short_when

URGENT = QColor("#A4262C")  # dark red: 7:1 on white, readable for low vision
LONG_OVERDUE_BACKGROUND = QColor("#FDE7E9")


def status_text(item: DueItem) -> str:
    """What the line is about, in words (never colour alone)."""
    if item.kind == FOLLOW_UP:
        text = _("Follow-up: {outcome}").format(outcome=label(OUTCOMES, item.urgency))
        if item.referred_to:
            text += " — " + _("referred to {name}").format(name=item.referred_to)
        return text
    if item.kind == OVERDUE:
        days = item.days_late
        text = ngettext("Overdue by {days} day", "Overdue by {days} days", days).format(days=days)
        if item.long_overdue:
            text += " " + _("(no contact for twice the interval)")
        return text
    if item.days_late == 0:
        return _("Due today")
    days = -item.days_late
    return ngettext("Due in {days} day", "Due in {days} days", days).format(days=days)


def _day(value: date | None) -> str:
    return short_when(datetime.combine(value, time()), with_time=False) if value else "—"


def _last(item: DueItem) -> str:
    if item.kind == FOLLOW_UP:
        return _("opened {date}").format(date=short_when(item.opened_at, with_time=False))
    if item.never_contacted:
        return _("not visited yet")
    return _day(item.last_contact)


DUE_COLUMNS: list[Column[DueItem]] = [
    Column(lambda: _("Status"), status_text),
    Column(lambda: _("Name"), lambda i: i.name),
    Column(lambda: _("Last contact"), _last),
    Column(lambda: _("Due"), lambda i: _day(i.due_on) if i.kind != FOLLOW_UP else ""),
    Column(lambda: _("Volunteers"), lambda i: "、".join(i.volunteers)),
    Column(lambda: _("Phone"), lambda i: i.phone),
]


class DueTableModel(RowTableModel[DueItem]):
    """Lines of `visits.due_list`: urgent ones in dark red and bold, the longest-unseen
    shaded as well, and every state also said in the Status column's words."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(DUE_COLUMNS, parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_at(index.row()) if index.isValid() else None
        if item is None:
            return super().data(index, role)
        urgent = item.kind == OVERDUE or (item.kind == FOLLOW_UP and item.urgency == "emergency")
        if role == Qt.ItemDataRole.ForegroundRole and urgent:
            return QBrush(URGENT)
        if role == Qt.ItemDataRole.FontRole and urgent:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and item.long_overdue:
            return QBrush(LONG_OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{status_text(item)}, {item.name}"
        return super().data(index, role)
