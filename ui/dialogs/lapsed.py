"""Who has stopped coming: regulars not seen for some months, and a note of the call made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import events
from app.core.i18n import gettext as _
from app.events import attendance
from ui.dialogs.base import BaseDialog
from ui.models.event_table import Column, RowTableModel
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context

COLUMNS: list[Column[attendance.LapsedMember]] = [
    Column(lambda: _("Name"), lambda r: r.name),
    Column(lambda: _("Reading"), lambda r: r.reading),
    Column(lambda: _("Times before"), lambda r: str(r.visits), numeric=True),
    Column(lambda: _("Last came"), lambda r: r.last_attended.isoformat()),
    Column(lambda: _("Last event"), lambda r: r.last_event_title),
]


class LapsedDialog(BaseDialog):
    """The lapsed list with its two settings, newest absence first."""

    settings_key = "lapsed"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Who has stopped coming"), parent)
        self.ctx = ctx
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setValue(attendance.DEFAULT_MONTHS)
        self.min_visits = QSpinBox()
        self.min_visits.setRange(1, 1000)
        self.min_visits.setValue(attendance.DEFAULT_MIN_VISITS)
        self.kind = QComboBox()
        self.kind.addItem(_("Every kind of event"), "")
        for code in events.KINDS:
            self.kind.addItem(events.kind_label(code), code)
        self.model: RowTableModel[attendance.LapsedMember] = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel("")
        self.count.setWordWrap(True)
        self.call_button = QPushButton(_("Note a phone call…"))
        close = QPushButton(_("Close"))

        settings = QHBoxLayout()
        settings.addWidget(QLabel(_("Not seen for")))
        settings.addWidget(self.months)
        settings.addWidget(QLabel(_("months,")))
        settings.addWidget(QLabel(_("after coming at least")))
        settings.addWidget(self.min_visits)
        settings.addWidget(QLabel(_("times")))
        settings.addWidget(self.kind, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.call_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.months.valueChanged.connect(lambda _v: self.refresh())
        self.min_visits.valueChanged.connect(lambda _v: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.call_button.clicked.connect(lambda: self.note_call())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._buttons())
        close.clicked.connect(self.accept)
        self.refresh()

    def refresh(self) -> None:
        """Ask the service again with the settings shown (in the background: a large roster
        takes a moment)."""
        months, visits = self.months.value(), self.min_visits.value()
        kind = str(self.kind.currentData() or "") or None
        Operation(
            self,
            lambda: attendance.lapsed_members(
                self.ctx, months=months, min_visits=visits, kind=kind
            ),
        ).success(self._show).run_in_background(_("Looking through the attendance…"))

    def _show(self, rows: list[attendance.LapsedMember]) -> None:
        self.model.set_rows(rows)
        self.count.setText(
            _("{count} regulars have not come for {months} months.").format(
                count=len(rows), months=self.months.value()
            )
            if rows
            else _("Everyone who came regularly has been seen lately.")
        )
        if rows:
            self.table.selectRow(0)
        self._buttons()

    def _buttons(self) -> None:
        self.call_button.setEnabled(self.selected() is not None)

    def selected(self) -> attendance.LapsedMember | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def note_call(self, text: str | None = None) -> str | None:
        """Write a dated line about a call to the chosen member's notes; the line written."""
        person = self.selected()
        if person is None:
            return None
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self,
                _("Note a phone call"),
                _("What was said with {name}?").format(name=person.name),
            )
            if not ok:
                return None
        said = text
        done = Operation(self, lambda: attendance.note_call(self.ctx, person.id, said))
        if done.run():
            self.count.setText(_("Noted in {name}'s notes.").format(name=person.name))
            return done.result
        return None
