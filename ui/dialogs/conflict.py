"""A conflict side by side: the version kept and the edit that lost; one click keeps either."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.sync import exchange, labels
from ui.dialogs.base import BaseDialog
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context


class ConflictDialog(BaseDialog):
    """Both versions of one record in plain words, names first; the fields that differ are in
    bold. Sync's bookkeeping columns are not shown."""

    settings_key = "conflict"

    def __init__(self, ctx: Context, conflict_id: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Two versions of one record"), parent)
        self.ctx = ctx
        self.detail = exchange.conflict_detail(ctx, conflict_id)
        readable = labels.readable_conflict(ctx, self.detail)
        self.fields = readable.fields
        self.decided: str | None = None
        self.intro = intro = QLabel(
            _(
                "{kind} “{label}” was changed in two places before they had seen each other's "
                "change. The version on the left is the one in use now. Choose the one to keep."
            ).format(kind=exchange.table_label(self.detail.table), label=readable.title)
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.fields), 3)
        self.table.setHorizontalHeaderLabels([_("Field"), _("In use now"), _("The other version")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, shown in enumerate(self.fields):
            # An empty side reads as a dash, so "nothing" is seen to be a value too.
            cells = (shown.label, shown.kept or _("—"), shown.other or _("—"))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if shown.differs:
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.keep_current = QPushButton(_("Keep the version in use"))
        self.keep_other = QPushButton(_("Keep the other version"))
        self.later = QPushButton(_("Decide later"))
        self.keep_current.clicked.connect(lambda: self._decide(keep_other=False))
        self.keep_other.clicked.connect(lambda: self._decide(keep_other=True))
        self.later.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_current)
        buttons.addWidget(self.keep_other)
        buttons.addStretch(1)
        buttons.addWidget(self.later)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(760, 480)

    def _decide(self, *, keep_other: bool) -> None:
        Operation(
            self, lambda: exchange.resolve_conflict(self.ctx, self.detail.id, keep_other=keep_other)
        ).success(lambda _none: self._decided(keep_other)).run()

    def _decided(self, keep_other: bool) -> None:
        self.decided = "other" if keep_other else "current"
        self.accept()
