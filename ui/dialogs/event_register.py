"""Register someone for an event: a member found in the roster by a few kana, or a guest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import events
from app.core.i18n import gettext as _
from app.events.views import GuestInput, RegistrationView
from app.roster import members
from ui.dialogs.base import BaseDialog, accept_cancel_buttons
from ui.keys import shortcut
from ui.models.member_table import MemberTableModel
from ui.tables import fit_table
from ui.widgets.person_name import PersonNameFields

if TYPE_CHECKING:
    from app.core.context import Context


class RegisterDialog(BaseDialog):
    """Pick a member (type a few kana, Enter, Enter) or fill in a guest; then Register."""

    settings_key = "event_register"

    def __init__(
        self,
        ctx: Context,
        event_id: str,
        occurrence_id: str | None = None,
        parent: QWidget | None = None,
        *,
        guest: bool = False,
    ) -> None:
        view = events.get_event(ctx, event_id)
        super().__init__(_("Register for {title}").format(title=view.title), parent)
        self.ctx = ctx
        self.event_id = event_id
        self.occurrence_id = occurrence_id
        self.saved: RegistrationView | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: name, reading, member no. or phone"))
        self.model = MemberTableModel(
            lambda q, r: members.search_ids(ctx, q, r),
            lambda ids: members.rows_for(ctx, ids),
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_table(self.table, stretch=0, secondary=[1, 3, 2, 4], rows=4)
        member_page = QWidget()
        member_layout = QVBoxLayout(member_page)
        member_layout.addWidget(self.search)
        member_layout.addWidget(self.table, 1)

        self.names = PersonNameFields()
        self.family_name, self.given_name, self.family_kana, self.given_kana = self.names.edits()
        self.contact = QLineEdit()
        self.contact.setPlaceholderText(_("Phone or e-mail"))
        self.note = QLineEdit()
        guest_page = QWidget()
        form = QFormLayout(guest_page)
        self.names.add_rows(form)
        form.addRow(_("Contact"), self.contact)
        form.addRow(_("Note"), self.note)

        self.tabs = QTabWidget()
        self.tabs.addTab(member_page, _("Member"))
        self.tabs.addTab(guest_page, _("Guest"))
        counts = events.registration_counts(ctx, event_id, occurrence_id)
        places = counts.free_places
        self.places = QLabel(
            _("{free} places left").format(free=places)
            if places is not None and places > 0
            else (_("Full: new registrations go on the wait-list.") if places == 0 else "")
        )
        self.buttons = accept_cancel_buttons(
            self, self.register, _("Register"), QDialogButtonBox.StandardButton.Ok
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.places)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._focus_first)
        self.table.doubleClicked.connect(lambda _i: self.register())
        # Enter in the search shows the matches; Enter on a member registers that member.
        shortcut(self.table, QKeySequence(Qt.Key.Key_Return), self.register, local=True)
        shortcut(self.table, QKeySequence(Qt.Key.Key_Enter), self.register, local=True)
        self.refresh()
        if guest:
            self.tabs.setCurrentIndex(1)
            self.names.setFocus()
        else:
            self.search.setFocus()

    def refresh(self) -> None:
        """Search the roster again."""
        self._debounce.stop()
        self.model.refresh(self.search.text(), False)

    def _focus_first(self) -> None:
        self.refresh()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # On the member tab Enter belongs to the search and the list, not the default button.
        if self.tabs.currentIndex() == 0 and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            return
        super().keyPressEvent(event)

    def register(self) -> None:
        """Register the selected member or the guest typed in."""
        if self.tabs.currentIndex() == 0:
            index = self.table.currentIndex()
            member_id = self.model.member_id(index.row()) if index.isValid() else None
            if member_id is None:
                self.show_error(_("Find the member first: type a few kana and press Enter."))
                return
            chosen = member_id
            self.saved = self.accept_unless_refused(
                lambda: events.register_member(self.ctx, self.event_id, chosen, self.occurrence_id)
            )
            return
        self.saved = self.accept_unless_refused(
            lambda: events.register_guest(
                self.ctx,
                self.event_id,
                GuestInput(
                    **self.names.values(), contact=self.contact.text(), note=self.note.text()
                ),
                self.occurrence_id,
            )
        )
