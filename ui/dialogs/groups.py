"""Groups and household for several members at once (a selection in the member list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core.i18n import gettext as _
from app.roster import households
from ui.dialogs.base import BaseDialog, accept_cancel_buttons

if TYPE_CHECKING:
    from app.core.context import Context


class GroupsDialog(BaseDialog):
    """Add or remove groups, or set one household number, for the chosen members."""

    settings_key = "groups"

    def __init__(self, ctx: Context, member_ids: Sequence[str], parent: QWidget | None = None):
        super().__init__(_("Groups and household"), parent)
        self.ctx = ctx
        self.member_ids = list(member_ids)
        self.changed = 0
        self.add = QLineEdit()
        self.add.setPlaceholderText(_("e.g. 3班、年賀状"))
        self.remove = QLineEdit()
        self.set_household = QCheckBox(_("Put them in one household, number:"))
        self.household = QLineEdit()
        self.household.setEnabled(False)
        self.set_household.toggled.connect(self.household.setEnabled)
        count = QLabel(_("{count} members chosen.").format(count=len(self.member_ids)))
        count.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Add to groups"), self.add)
        form.addRow(_("Take out of groups"), self.remove)
        form.addRow(self.set_household, self.household)
        layout = QVBoxLayout(self)
        layout.addWidget(count)
        layout.addLayout(form)
        layout.addWidget(accept_cancel_buttons(self, self.apply))

    def apply(self) -> None:
        """Change every chosen member in one step; on a refusal say why and stay open."""
        household = self.household.text() if self.set_household.isChecked() else None
        done = self.accept_unless_refused(
            lambda: households.edit_in_bulk(
                self.ctx,
                self.member_ids,
                add=(self.add.text(),),
                remove=(self.remove.text(),),
                household=household,
            )
        )
        self.changed = done or 0
