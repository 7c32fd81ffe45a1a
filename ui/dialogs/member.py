"""The member form: names with readings captured from the IME, postal lookup, roles, consent."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import postal
from app.core.context import Permission
from app.core.dates import show_date
from app.core.errors import PermissionDenied, UserError
from app.core.i18n import gettext as _
from app.events import attendance, duty
from app.roster.duplicates import similar_members
from app.roster.members import MemberInput, MemberView, add_member, get_member, update_member
from ui.dialogs.base import BaseDialog, accept_cancel_buttons, confirm
from ui.widgets.date_field import DateField
from ui.widgets.person_name import PersonNameFields

if TYPE_CHECKING:
    from app.core.context import Context


class MemberDialog(BaseDialog):
    """Add (member_id None) or edit one member; saving goes through the member service."""

    settings_key = "member"

    def __init__(self, ctx: Context, member_id: str | None = None, parent: QWidget | None = None):
        super().__init__(_("Edit member") if member_id else _("New member"), parent)
        self.ctx = ctx
        self.member_id = member_id
        self.saved: MemberView | None = None
        self.names = PersonNameFields()
        self.family_name, self.given_name, self.family_kana, self.given_kana = self.names.edits()
        self.member_number = QLineEdit()
        self.coop = QLineEdit()
        self.postal_code = QLineEdit()
        self.postal_code.setPlaceholderText("123-4567")
        self.postal_code.setMaxLength(10)
        self.postal_button = QPushButton(_("Find address"))
        self.postal_note = QLabel("")
        self.postal_note.setWordWrap(True)
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.mobile = QLineEdit()
        self.email = QLineEdit()
        self.role_boxes = {
            "coordinator": QCheckBox(_("Coordinator")),
            "volunteer": QCheckBox(_("Volunteer")),
            "visitor": QCheckBox(_("Watch-over visitor")),
        }
        # Typed as people write dates: 令和8年4月1日, R8.4.1, 2026/4/1 …
        self.joined_on = DateField()
        self.consent_contact = QCheckBox(_("Agrees to be contacted"))
        self.consent_photo = QCheckBox(_("Agrees to photos"))
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(70)
        self.household = QLineEdit()
        self.household.setMaxLength(40)
        self.household.setToolTip(_("the same number for everyone at one address"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(_("e.g. 3班、年賀状"))

        form = QFormLayout()
        self.names.add_rows(form)
        # The name is the one field a member needs (the service refuses a record without it).
        name_item = form.itemAt(0, QFormLayout.ItemRole.LabelRole)
        name_label = name_item.widget() if name_item is not None else None
        if isinstance(name_label, QLabel):
            name_label.setText(_("Name (required)"))
        form.addRow(_("Member no."), self.member_number)
        form.addRow(_("Co-op"), self.coop)
        postal_row = QHBoxLayout()
        postal_row.addWidget(self.postal_code)
        postal_row.addWidget(self.postal_button)
        form.addRow(_("Postal code"), postal_row)
        form.addRow("", self.postal_note)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Phone"), self.phone)
        form.addRow(_("Mobile"), self.mobile)
        form.addRow(_("E-mail"), self.email)
        roles = QHBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        form.addRow(_("Roles"), roles)
        form.addRow(_("Household no."), self.household)
        form.addRow(_("Groups"), self.tags)
        form.addRow(_("Joined"), self.joined_on)
        consent = QHBoxLayout()
        consent.addWidget(self.consent_contact)
        consent.addWidget(self.consent_photo)
        form.addRow(_("Consent"), consent)
        form.addRow(_("Notes"), self.note)

        self.buttons = accept_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        self.history_table: QTableWidget | None = None
        self.history_summary = QLabel("")
        if member_id and ctx.actor.can(Permission.EVENTS_PEOPLE):
            # An existing member's events on a second tab, so the form itself stays as it was.
            details = QWidget()
            details.setLayout(form)
            self.tabs = QTabWidget()
            self.tabs.addTab(details, _("Details"))
            self.tabs.addTab(self._history_tab(member_id), _("Attendance history"))
            layout.addWidget(self.tabs)
        else:
            layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.postal_button.clicked.connect(self.find_address)
        self.postal_code.editingFinished.connect(self._postal_finished)
        if member_id:
            self._load(get_member(ctx, member_id))
        self.names.setFocus()

    def _history_tab(self, member_id: str) -> QWidget:
        history = attendance.member_history(self.ctx, member_id)
        years = [
            _("FY{year}: registered {registered}, came {attended}").format(
                year=y.fiscal_year, registered=y.registered, attended=y.attended
            )
            for y in history.fiscal_years
        ]
        self.history_summary.setText("\n".join(years) or _("No registrations yet."))
        self.history_summary.setWordWrap(True)
        table = QTableWidget(len(history.entries), 4)
        table.setHorizontalHeaderLabels([_("Date"), _("Event"), _("Kind"), _("Attendance")])
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        for row, e in enumerate(history.entries):
            came = _("came") if e.attended else _("did not come")
            for col, text in enumerate((str(e.on or ""), e.event_title, e.kind_label, came)):
                table.setItem(row, col, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        self.history_table = table
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(self.history_summary)
        box.addWidget(table)
        self.duties_label = QLabel(self._coming_duties(member_id))
        self.duties_label.setWordWrap(True)
        box.addWidget(self.duties_label)
        return tab

    def _coming_duties(self, member_id: str) -> str:
        """The member's duties (当番) still to come, to read only; the roster changes them."""
        if not self.ctx.actor.can(Permission.ROSTER_READ):
            return ""
        coming = duty.member_duties(self.ctx, member_id, since=date.today())
        if not coming:
            return _("No duties to come.")
        shown = 8
        lines = [f"・{show_date(d.day)} {d.title} {d.role}" for d in coming[:shown]]
        if len(coming) > shown:
            lines.append(_("and {n} more").format(n=len(coming) - shown))
        return _("Duties to come:") + "\n" + "\n".join(lines)

    def _load(self, m: MemberView) -> None:
        self.names.set_values(m.family_name, m.given_name, m.family_kana, m.given_kana)
        self.member_number.setText(m.member_number)
        self.coop.setText(m.coop)
        self.postal_code.setText(m.postal_code)
        self.address.setText(m.address)
        self.phone.setText(m.phone)
        self.mobile.setText(m.mobile)
        self.email.setText(m.email)
        for role, box in self.role_boxes.items():
            box.setChecked(role in m.roles)
        if m.joined_on:
            self.joined_on.setDate(QDate(m.joined_on.year, m.joined_on.month, m.joined_on.day))
        self.consent_contact.setChecked(m.consent_contact)
        self.consent_photo.setChecked(m.consent_photo)
        self.note.setPlainText(m.note)
        self.household.setText(m.household)
        self.tags.setText("、".join(m.tags))

    def _postal_finished(self) -> None:
        if not self.address.text().strip():
            self.find_address(quiet=True)

    def find_address(self, quiet: bool = False) -> None:
        """Fill the address from the postal code; the user chooses among alternatives."""
        code = postal.normalize_postal_code(self.postal_code.text())
        if code is None:
            if not quiet:
                self.show_error(_("Type a postal code of 7 digits first."))
            return
        self.postal_code.setText(code)
        found = postal.lookup(code)
        if not found:
            self.postal_note.setText(_("No address is known for {code}.").format(code=code))
            return
        choice = found[0]
        if len(found) > 1:
            labels = [f"{a.address}" + (f"（{a.note}）" if a.note else "") for a in found]
            picked, ok = QInputDialog.getItem(
                self,
                _("Choose the address"),
                _("This postal code covers several places:"),
                labels,
                0,
                False,
            )
            if not ok:
                return
            choice = found[labels.index(picked)]
        # The note (such as 以下に掲載がない場合) is shown, never pasted into the address.
        self.address.setText(choice.address)
        self.postal_note.setText(choice.note)
        self.address.setFocus()
        self.address.end(False)

    def value(self) -> MemberInput:
        """The form's content as service input."""
        if self.joined_on.problem:
            raise UserError(self.joined_on.problem)
        joined = self.joined_on.date()
        return MemberInput(
            **self.names.values(),
            member_number=self.member_number.text(),
            coop=self.coop.text(),
            postal_code=self.postal_code.text(),
            address=self.address.text(),
            phone=self.phone.text(),
            mobile=self.mobile.text(),
            email=self.email.text(),
            roles=tuple(r for r, box in self.role_boxes.items() if box.isChecked()),
            joined_on=date(joined.year(), joined.month(), joined.day()),
            consent_contact=self.consent_contact.isChecked(),
            consent_photo=self.consent_photo.isChecked(),
            note=self.note.toPlainText(),
            household=self.household.text(),
            # Split and checked by the service (a bad group name is its one-line refusal).
            tags=(self.tags.text(),),
        )

    def similar(self) -> list[str]:
        """Lines naming existing members much like a new one (empty when editing)."""
        if self.member_id:
            return []
        try:
            found = similar_members(self.ctx, self.value())
        except (UserError, PermissionDenied):
            return []  # saving says what is wrong with the input
        return [
            _("{name} ({reading}) {number}: {reasons}").format(
                name=m.name, reading=m.reading, number=m.member_number, reasons=m.reasons_text
            )
            for m in found[:5]
        ]

    def save(self) -> None:
        """Save through the service; on refusal say why and keep the form open. A new member
        much like an existing one is a question first (a warning, never a refusal)."""
        lines = self.similar()
        if lines and not confirm(
            self,
            _("Already in the roster?"),
            _(
                "This may be a member the roster already has:\n{people}\n\n"
                "Save a second member anyway?"
            ).format(people="\n".join(lines)),
            _("Save as a new member"),
        ):
            return
        self.saved = self.save_record(
            self.ctx, self.member_id, add_member, update_member, self.value
        )
