"""The form of a person under watch: consent first, then who they are, contacts and the watch."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import watch
from app.core import postal
from app.core.dates import show_date
from app.core.i18n import gettext as _
from ui.dialogs.base import BaseDialog, accept_cancel_buttons
from ui.dialogs.visit import SAVE_KEYS, fill_combo, pydate, qdate
from ui.keys import shortcut
from ui.widgets.date_field import DateField
from ui.widgets.person_name import PersonNameFields

if TYPE_CHECKING:
    from app.core.context import Context


class WatchPersonDialog(BaseDialog):
    """Enrol (person_id None) or edit one person under watch (coordinators).

    `initial` starts a new person's form with what is known already (a member suggested from
    the lapsed list): names, postal code, address and phone; nothing is saved until Save.
    """

    settings_key = "watch_person"

    def __init__(
        self,
        ctx: Context,
        person_id: str | None = None,
        parent: QWidget | None = None,
        *,
        initial: watch.PersonInput | None = None,
    ) -> None:
        super().__init__(
            _("Edit person under watch") if person_id else _("New person under watch"), parent
        )
        self.ctx = ctx
        self.person_id = person_id
        self.saved: watch.PersonView | None = None
        self.existing: watch.PersonView | None = None

        # Consent comes first: without it no note about the person can be kept.
        self.consent_given = QCheckBox(_("The person has &agreed"))
        self.consent_on = DateField(date.today())
        self.consent_scope = QLineEdit(
            _("Watch-over visits and their records; contact with the support centre")
        )
        self.consent_by = QLineEdit(ctx.actor.name)
        self.consent_sharing = QCheckBox(_("May be shared with the support centre in an emergency"))
        consent = QGroupBox(_("Consent"))
        consent_form = QFormLayout(consent)
        consent_form.addRow(self.consent_given)
        consent_form.addRow(_("Date"), self.consent_on)
        consent_form.addRow(_("Scope"), self.consent_scope)
        consent_form.addRow(_("Obtained by"), self.consent_by)
        consent_form.addRow(self.consent_sharing)
        self.consent_given.toggled.connect(self._consent_toggled)

        self.names = PersonNameFields()
        self.family_name, self.given_name, self.family_kana, self.given_kana = self.names.edits()
        self.postal_code = QLineEdit()
        self.postal_code.setPlaceholderText("123-4567")
        self.postal_button = QPushButton(_("Find address"))
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.household = QComboBox()
        fill_combo(self.household, watch.HOUSEHOLDS, "alone")
        who = QGroupBox(_("Person"))
        who_form = QFormLayout(who)
        self.names.add_rows(who_form)
        postal_row = QHBoxLayout()
        postal_row.addWidget(self.postal_code)
        postal_row.addWidget(self.postal_button)
        who_form.addRow(_("Postal code"), postal_row)
        who_form.addRow(_("Address"), self.address)
        who_form.addRow(_("Phone"), self.phone)
        who_form.addRow(_("Household"), self.household)

        self.contacts = QTableWidget(0, 3)
        self.contacts.setHorizontalHeaderLabels([_("Name"), _("Relation"), _("Phone")])
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts.setFixedHeight(self.contacts.fontMetrics().lineSpacing() * 6)
        self.add_contact = QPushButton(_("Add contact"))
        self.remove_contact = QPushButton(_("Remove contact"))
        contacts = QGroupBox(_("Emergency contacts"))
        contacts_layout = QVBoxLayout(contacts)
        contacts_layout.addWidget(self.contacts)
        contact_buttons = QHBoxLayout()
        contact_buttons.addWidget(self.add_contact)
        contact_buttons.addWidget(self.remove_contact)
        contact_buttons.addStretch(1)
        contacts_layout.addLayout(contact_buttons)

        self.support_centre = QComboBox()
        self.support_centre.addItem(_("(none)"), "")
        for t in watch.list_referral_targets(ctx, "support_centre"):
            self.support_centre.addItem(t.name, t.id)
        self.volunteers = QListWidget()
        self.volunteers.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.volunteers.setFixedHeight(self.volunteers.fontMetrics().lineSpacing() * 6)
        for v in watch.volunteer_choices(ctx):
            item = QListWidgetItem(f"{v.name}（{v.kana}）" if v.kana else v.name)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.volunteers.addItem(item)
        self.interval = QSpinBox()
        self.interval.setRange(watch.MIN_INTERVAL, watch.MAX_INTERVAL)
        self.interval.setValue(14)
        self.interval.setSuffix(_(" days"))
        self.method = QComboBox()
        fill_combo(self.method, watch.METHODS, "visit")
        self.started_on = DateField(date.today())
        self.watch_for = QPlainTextEdit()
        self.watch_for.setTabChangesFocus(True)
        self.watch_for.setFixedHeight(self.watch_for.fontMetrics().lineSpacing() * 3 + 12)
        self.care_notes = QPlainTextEdit()
        self.care_notes.setTabChangesFocus(True)
        self.care_notes.setFixedHeight(self.care_notes.fontMetrics().lineSpacing() * 3 + 12)
        self.status = QLabel(_("under watch"))
        care = QGroupBox(_("Watch-over"))
        care_form = QFormLayout(care)
        care_form.addRow(_("Support centre"), self.support_centre)
        care_form.addRow(_("Volunteers (first is the main one)"), self.volunteers)
        care_form.addRow(_("Visit every"), self.interval)
        care_form.addRow(_("Preferred way"), self.method)
        care_form.addRow(_("Watch since"), self.started_on)
        care_form.addRow(_("What to watch for"), self.watch_for)
        care_form.addRow(_("Care notes (special-care data)"), self.care_notes)
        care_form.addRow(_("Status"), self.status)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        for box in (consent, who, contacts, care):
            body_layout.addWidget(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        # As wide as the form needs (the screen still bounds it): a scroll area alone asks for
        # a fixed small size and the form would scroll sideways.
        bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        scroll.setMinimumWidth(body.minimumSizeHint().width() + bar + 2 * scroll.frameWidth())
        self.buttons = accept_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)

        self.postal_button.clicked.connect(self.find_address)
        self.add_contact.clicked.connect(lambda: self._add_contact_row())
        self.remove_contact.clicked.connect(self._remove_contact_row)
        for key in SAVE_KEYS:
            shortcut(self, QKeySequence(key), self.save)
        if person_id:
            self.existing = watch.get_person(ctx, person_id)
            self._load(self.existing)
        elif initial is not None:
            self.names.set_values(
                initial.family_name, initial.given_name, initial.family_kana, initial.given_kana
            )
            self.postal_code.setText(initial.postal_code)
            self.address.setText(initial.address)
            self.phone.setText(initial.phone)
        self._consent_toggled(self.consent_given.isChecked())
        self.consent_given.setFocus()

    def _consent_toggled(self, given: bool) -> None:
        for widget in (self.consent_on, self.consent_scope, self.consent_by, self.consent_sharing):
            widget.setEnabled(given)
        for notes in (self.watch_for, self.care_notes):
            notes.setEnabled(given)
            notes.setPlaceholderText("" if given else _("Record the consent first."))

    def _add_contact_row(self, c: watch.EmergencyContact | None = None) -> None:
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        values = (c.name, c.relation, c.phone) if c else ("", "", "")
        for column, value in enumerate(values):
            self.contacts.setItem(row, column, QTableWidgetItem(value))
        self.contacts.setCurrentCell(row, 0)

    def _remove_contact_row(self) -> None:
        row = self.contacts.currentRow()
        if row >= 0:
            self.contacts.removeRow(row)

    def _load(self, p: watch.PersonView) -> None:
        if p.consent is not None:
            self.consent_given.setChecked(True)
            # Consent on record is withdrawn by ending the watch, not by unticking a box.
            self.consent_given.setEnabled(False)
            self.consent_given.setToolTip(
                _("If the person withdraws consent, end the watch with the reason “Withdrew”.")
            )
            self.consent_on.setDate(qdate(p.consent.on))
            self.consent_scope.setText(p.consent.scope)
            self.consent_by.setText(p.consent.obtained_by)
            self.consent_sharing.setChecked(p.consent.emergency_sharing)
        self.names.set_values(p.family_name, p.given_name, p.family_kana, p.given_kana)
        self.postal_code.setText(p.postal_code)
        self.address.setText(p.address)
        self.phone.setText(p.phone)
        self.household.setCurrentIndex(max(0, self.household.findData(p.household)))
        for c in p.emergency_contacts:
            self._add_contact_row(c)
        self.support_centre.setCurrentIndex(
            max(0, self.support_centre.findData(p.support_centre_id or ""))
        )
        # Checked volunteers go first, in their order (the first is the main volunteer).
        for position, member_id in enumerate(p.volunteer_ids):
            for i in range(self.volunteers.count()):
                item = self.volunteers.item(i)
                if item.data(Qt.ItemDataRole.UserRole) == member_id:
                    taken = self.volunteers.takeItem(i)
                    taken.setCheckState(Qt.CheckState.Checked)
                    self.volunteers.insertItem(position, taken)
                    break
        self.interval.setValue(p.visit_interval_days)
        self.method.setCurrentIndex(max(0, self.method.findData(p.preferred_method)))
        if p.started_on:
            self.started_on.setDate(qdate(p.started_on))
        self.watch_for.setPlainText(p.watch_for)
        self.care_notes.setPlainText(p.care_notes)
        if p.status != watch.ACTIVE:
            self.status.setText(
                _("ended {date}: {reason}").format(
                    date=show_date(p.ended_on) if p.ended_on else "",
                    reason=watch.label(watch.END_REASONS, p.end_reason),
                )
            )

    def find_address(self) -> None:
        """Fill the address from the postal code (the first place when there are several)."""
        code = postal.normalize_postal_code(self.postal_code.text())
        if code is None:
            self.show_error(_("Type a postal code of 7 digits first."))
            return
        self.postal_code.setText(code)
        found = postal.lookup(code)
        if found:
            self.address.setText(found[0].address)
            self.address.setFocus()
            self.address.end(False)

    def _contacts(self) -> tuple[watch.EmergencyContact, ...]:
        out = []
        for row in range(self.contacts.rowCount()):
            cells = [self.contacts.item(row, c) for c in range(3)]
            name, relation, phone = (cell.text() if cell else "" for cell in cells)
            out.append(watch.EmergencyContact(name, relation, phone))
        return tuple(out)

    def _volunteer_ids(self) -> tuple[str, ...]:
        ids = []
        for i in range(self.volunteers.count()):
            item = self.volunteers.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(ids)

    def value(self) -> watch.PersonInput:
        """The form as service input."""
        consent = None
        if self.consent_given.isChecked():
            consent = watch.Consent(
                on=pydate(self.consent_on.date()),
                scope=self.consent_scope.text(),
                obtained_by=self.consent_by.text(),
                emergency_sharing=self.consent_sharing.isChecked(),
            )
        return watch.PersonInput(
            **self.names.values(),
            postal_code=self.postal_code.text(),
            address=self.address.text(),
            phone=self.phone.text(),
            household=self.household.currentData(),
            emergency_contacts=self._contacts(),
            support_centre_id=self.support_centre.currentData() or None,
            volunteer_ids=self._volunteer_ids(),
            visit_interval_days=self.interval.value(),
            preferred_method=self.method.currentData(),
            watch_for=self.watch_for.toPlainText() if self.consent_given.isChecked() else "",
            care_notes=self.care_notes.toPlainText() if self.consent_given.isChecked() else "",
            started_on=pydate(self.started_on.date()),
            consent=consent,
        )

    def save(self) -> None:
        """Save through the service; on refusal say why and keep the form open."""
        self.saved = self.save_record(
            self.ctx, self.person_id, watch.add_person, watch.update_person, self.value
        )
