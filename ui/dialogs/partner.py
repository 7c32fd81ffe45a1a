"""Forms for the partner directories: an organisation, a lecturer with affiliation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import partners
from app.core.i18n import gettext as _
from app.partners import LecturerInput, LecturerView, OrganisationInput, OrganisationView
from ui.dialogs.base import BaseDialog, accept_cancel_buttons
from ui.widgets.person_name import PersonNameFields
from ui.widgets.reading_capture import ReadingCaptureLineEdit, connect_reading

if TYPE_CHECKING:
    from app.core.context import Context


class OrganisationDialog(BaseDialog):
    """Add (org_id None) or edit an organisation of the directory."""

    settings_key = "organisation"

    def __init__(self, ctx: Context, org_id: str | None = None, parent: QWidget | None = None):
        super().__init__(_("Edit organisation") if org_id else _("New organisation"), parent)
        self.ctx = ctx
        self.org_id = org_id
        self.saved: OrganisationView | None = None
        self.name = ReadingCaptureLineEdit()
        self.kana = QLineEdit()
        self._follower = connect_reading(self.name, self.kana)
        self.short_name = QLineEdit()
        self.kind = QComboBox()
        for key in partners.ORGANISATION_KINDS:
            self.kind.addItem(partners.organisation_kind_label(key), key)
        self.municipality = QLineEdit()
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        form = QFormLayout()
        form.addRow(_("Organisation name"), self.name)
        form.addRow(_("Reading (katakana)"), self.kana)
        form.addRow(_("Short name"), self.short_name)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Municipality"), self.municipality)
        form.addRow(_("Phone"), self.phone)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Notes"), self.note)
        self.buttons = accept_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if org_id:
            self._load(partners.get_organisation(ctx, org_id))
        self.name.setFocus()

    def _load(self, o: OrganisationView) -> None:
        self.name.setText(o.name)
        self.kana.setText(o.kana)
        self.short_name.setText(o.short_name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(o.kind)))
        self.municipality.setText(o.municipality)
        self.phone.setText(o.phone)
        self.address.setText(o.address)
        self.note.setPlainText(o.note)

    def value(self) -> OrganisationInput:
        """The form as service input."""
        return OrganisationInput(
            name=self.name.text(),
            short_name=self.short_name.text(),
            kana=self.kana.text(),
            kind=str(self.kind.currentData()),
            municipality=self.municipality.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        """Save through the service; a refusal keeps the form open."""
        add, update = partners.add_organisation, partners.update_organisation
        self.saved = self.save_record(self.ctx, self.org_id, add, update, self.value)


class LecturerDialog(BaseDialog):
    """Add (lecturer_id None) or edit a lecturer; the affiliation picked from the directory
    or typed (a lecturer's own wording, such as フードバンク昭島代表)."""

    settings_key = "lecturer"

    def __init__(self, ctx: Context, lecturer_id: str | None = None, parent: QWidget | None = None):
        super().__init__(_("Edit lecturer") if lecturer_id else _("New lecturer"), parent)
        self.ctx = ctx
        self.lecturer_id = lecturer_id
        self.saved: LecturerView | None = None
        self.names = PersonNameFields()
        self.family_name, self.given_name, self.family_kana, self.given_kana = self.names.edits()
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("e.g. 代表, 事務局長"))
        self.organisation = QComboBox()
        self.organisation.addItem(_("(none)"), "")
        for org in partners.list_organisations(ctx):
            self.organisation.addItem(org.name, org.id)
        self.affiliation = QLineEdit()
        self.affiliation.setPlaceholderText(_("As printed; empty: the organisation's name"))
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        form = QFormLayout()
        self.names.add_rows(form)
        form.addRow(_("Organisation"), self.organisation)
        form.addRow(_("Affiliation"), self.affiliation)
        form.addRow(_("Job title"), self.title)
        form.addRow(_("Notes"), self.note)
        self.buttons = accept_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if lecturer_id:
            self._load(partners.get_lecturer(ctx, lecturer_id))
        self.names.setFocus()

    def _load(self, v: LecturerView) -> None:
        self.names.set_values(v.family_name, v.given_name, v.family_kana, v.given_kana)
        self.title.setText(v.title)
        self.organisation.setCurrentIndex(max(0, self.organisation.findData(v.organisation_id)))
        self.affiliation.setText(v.affiliation)
        self.note.setPlainText(v.note)

    def value(self) -> LecturerInput:
        """The form as service input."""
        return LecturerInput(
            **self.names.values(),
            title=self.title.text(),
            organisation_id=str(self.organisation.currentData() or "") or None,
            affiliation=self.affiliation.text(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        """Save through the service; a refusal keeps the form open."""
        self.saved = self.save_record(
            self.ctx, self.lecturer_id, partners.add_lecturer, partners.update_lecturer, self.value
        )
