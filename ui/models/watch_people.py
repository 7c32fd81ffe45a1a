"""People under watch as a table, thin over `watch.list_people`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from app.core.i18n import gettext as _
from app.watch.people import END_REASONS, HOUSEHOLDS, PersonRow, label
from ui.models.event_table import AnyIndex, Column, RowTableModel


def _status(row: PersonRow) -> str:
    if row.status == "active":
        return _("under watch")
    return _("ended: {reason}").format(reason=label(END_REASONS, row.end_reason))


PEOPLE_COLUMNS: list[Column[PersonRow]] = [
    Column(lambda: _("Name"), lambda r: r.name),
    Column(lambda: _("Reading"), lambda r: r.kana),
    Column(lambda: _("Address"), lambda r: r.address),
    Column(lambda: _("Phone"), lambda r: r.phone),
    Column(lambda: _("Household"), lambda r: label(HOUSEHOLDS, r.household)),
    Column(lambda: _("Volunteers"), lambda r: "、".join(r.volunteers)),
    Column(
        lambda: _("Every"),
        lambda r: _("{days} days").format(days=r.visit_interval_days),
        numeric=True,
    ),
    Column(lambda: _("Consent"), lambda r: _("recorded") if r.has_consent else _("missing")),
    Column(lambda: _("Status"), _status),
]


class WatchPeopleModel(RowTableModel[PersonRow]):
    """The people list; a missing consent is said in words and shown in italics."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(PEOPLE_COLUMNS, parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and role == Qt.ItemDataRole.FontRole and not row.has_consent:
            font = QFont()
            font.setItalic(True)
            return font
        return super().data(index, role)
