"""A person's visits, newest first; a visit logged by mistake is corrected from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import watch
from app.core.i18n import gettext as _
from app.watch import visits
from ui.dialogs.base import BaseDialog
from ui.models.event_table import Column, RowTableModel, short_when
from ui.operations import Operation
from ui.tables import fit_table

if TYPE_CHECKING:
    from app.core.context import Context

VISIT_COLUMNS: list[Column[visits.VisitView]] = [
    Column(lambda: _("When"), lambda v: short_when(v.visited_at)),
    Column(lambda: _("Visitor"), lambda v: v.visitor_name),
    Column(lambda: _("How"), lambda v: watch.label(watch.METHODS, v.method)),
    Column(lambda: _("Result"), lambda v: visits.label(visits.CONTACT_RESULTS, v.contact_result)),
    Column(lambda: _("Outcome"), lambda v: visits.label(visits.OUTCOMES, v.outcome)),
    Column(lambda: _("Notes"), lambda v: v.notes.replace("\n", " ")),
]


class VisitTableModel(RowTableModel[visits.VisitView]):
    """A person's visits."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(VISIT_COLUMNS, parent)


class VisitHistoryDialog(BaseDialog):
    """The visits of one person (looking is written to the audit log by the service)."""

    settings_key = "visit_history"

    def __init__(self, ctx: Context, person_id: str, parent: QWidget | None = None) -> None:
        self.person = watch.get_person(ctx, person_id)
        super().__init__(_("Visits: {name}").format(name=self.person.full_name), parent)
        self.ctx = ctx
        self.model = VisitTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_table(self.table, stretch=self.model.columnCount() - 1, rows=4)
        self.count = QLabel("")
        self.correct_button = QPushButton(_("Correct…"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.correct_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            em = self.fontMetrics().horizontalAdvance("あ")
            self.resize(40 * em, 22 * em)
        self.correct_button.clicked.connect(self.correct)
        self.table.doubleClicked.connect(lambda _i: self.correct())
        self.refresh()

    def refresh(self) -> None:
        """Read the visits again."""
        Operation(self, lambda: visits.list_visits(self.ctx, self.person.id)).success(
            self._show
        ).run()

    def _show(self, rows: list[visits.VisitView]) -> None:
        self.model.set_rows(rows)
        self.count.setText(_("{count} visits").format(count=self.model.rowCount()))
        if self.model.rowCount():
            self.table.selectRow(0)

    def correct(self) -> None:
        """Open the selected visit in the visit form."""
        from ui.dialogs.visit import VisitDialog

        index = self.table.currentIndex()
        visit = self.model.row_at(index.row()) if index.isValid() else None
        if visit is None:
            return
        dialog = Operation(
            self, lambda: VisitDialog(self.ctx, self.person.id, self, visit_id=visit.id)
        ).value()
        if dialog is not None and dialog.exec():
            self.refresh()
