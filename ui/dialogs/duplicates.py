"""Likely duplicates on demand: pairs and their reasons; merge one, undo it straight after."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.roster import duplicates
from app.roster.likeness import MEMBER, CandidatePair, PersonView
from ui.dialogs.base import BaseDialog, confirm
from ui.models.event_table import Column, RowTableModel
from ui.operations import Operation
from ui.tables import TableFit

if TYPE_CHECKING:
    from app.core.context import Context


def _side(p: PersonView) -> str:
    if p.kind != MEMBER:
        return _("{name} (guest at an event)").format(name=p.name)
    if p.member_number:
        return f"{p.name} ({p.member_number})"
    return p.name


COLUMNS: list[Column[CandidatePair]] = [
    Column(lambda: _("Score"), lambda r: str(r.score), numeric=True),
    Column(lambda: _("Keep"), lambda r: _side(r.first)),
    Column(lambda: _("Reading"), lambda r: r.first.reading),
    Column(lambda: _("Merge into it"), lambda r: _side(r.second)),
    Column(lambda: _("Reading"), lambda r: r.second.reading),
    Column(lambda: _("Why"), lambda r: r.reasons_text),
]


class DuplicatesDialog(BaseDialog):
    """Every likely pair, best first; the coordinator decides each one, nothing is automatic."""

    settings_key = "duplicates"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Possible duplicates"), parent)
        self.ctx = ctx
        self.last: duplicates.MergeOutcome | None = None
        self.merged = 0
        self.model: RowTableModel[CandidatePair] = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The reasons take the spare width; at large text the readings go before it scrolls.
        self.fit = TableFit(self.table, stretch=5, secondary=(4, 2))
        # Wide enough for both names and the reasons whatever size was remembered.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("あ") * 36)
        self.count = QLabel("")
        self.count.setWordWrap(True)
        self.merge_button = QPushButton(_("Make these two one person…"))
        self.undo_label = QLabel("")
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton(_("Undo"))
        close = QPushButton(_("Close"))
        self.undo_bar = QWidget()
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(0, 0, 0, 0)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(_("Records that may be the same person. Check each pair before you merge it."))
        )
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.undo_bar)
        layout.addLayout(buttons)
        self.merge_button.clicked.connect(lambda: self.merge_selected())
        self.undo_button.clicked.connect(self.undo)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._buttons())
        self.table.doubleClicked.connect(lambda _i: self.merge_selected())
        close.clicked.connect(self.accept)
        self.refresh()

    def refresh(self) -> None:
        """Look for pairs again (in the background: a large roster takes a moment)."""
        Operation(self, lambda: duplicates.find_duplicates(self.ctx)).success(
            self._show
        ).run_in_background(_("Looking for records of the same person…"))

    def _show(self, rows: list[CandidatePair]) -> None:
        self.model.set_rows(rows)
        self.fit.relayout()  # now, not on the next turn of the event loop: never wider
        self.count.setText(
            _("{count} pairs to check.").format(count=len(rows))
            if rows
            else _("No likely duplicates.")
        )
        if rows:
            self.table.selectRow(0)
        self._buttons()

    def _buttons(self) -> None:
        self.merge_button.setEnabled(self.selected() is not None)

    def selected(self) -> CandidatePair | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def merge_selected(self, ask: bool = True) -> bool:
        """Merge the chosen pair into its first record, after asking."""
        pair = self.selected()
        if pair is None:
            return False
        question = _(
            "Make {other} and {keep} one person? {other}'s registrations, attendance, duties "
            "and watch-over roles move to {keep}, and {other}'s record is removed. You can "
            "undo this straight after."
        ).format(keep=_side(pair.first), other=_side(pair.second))
        if ask and not confirm(self, _("Merge members"), question, _("Merge")):
            return False
        done = Operation(
            self, lambda: duplicates.merge_members(self.ctx, pair.first.id, pair.second.id)
        )
        if not done.run():
            return False
        self.last = done.result
        self.merged += 1
        self.undo_label.setText(
            _("{other} was merged into {keep} ({count} registrations moved).").format(
                other=pair.second.name, keep=pair.first.name, count=done.result.registrations
            )
        )
        self.undo_bar.show()
        QTimer.singleShot(20000, self.undo_bar.hide)
        self.refresh()
        return True

    def undo(self) -> None:
        """Take the last merge back."""
        outcome, self.last = self.last, None
        self.undo_bar.hide()
        if outcome is None:
            return
        Operation(self, lambda: duplicates.undo_merge(self.ctx, outcome)).success(
            lambda _r: self.refresh()
        ).run()
