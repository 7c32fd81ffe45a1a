"""A person's family and given name with katakana readings captured from the IME, for any form."""

from __future__ import annotations

from typing import TypedDict

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit

from app.core.i18n import gettext as _
from ui.widgets.reading_capture import ReadingCaptureLineEdit, ReadingFollower, connect_reading


class PersonName(TypedDict):
    """The four name parts as plain strings, keyed as the services' inputs name them."""

    family_name: str
    given_name: str
    family_kana: str
    given_kana: str


class PersonNameFields:
    """Family and given name, each followed into its reading field as the user types it.

    Not a widget of its own: the two rows ("Name", "Reading (katakana)") go into the dialog's
    form with `add_rows`, so their labels line up with the form's other labels. Tab order is
    family name, given name, family reading, given reading (the order the rows are added in).
    """

    def __init__(self) -> None:
        self.family_name = ReadingCaptureLineEdit()
        self.given_name = ReadingCaptureLineEdit()
        self.family_kana = QLineEdit()
        self.given_kana = QLineEdit()
        self.followers: list[ReadingFollower] = [
            connect_reading(self.family_name, self.family_kana),
            connect_reading(self.given_name, self.given_kana),
        ]

    def add_rows(self, form: QFormLayout) -> None:
        """Append the name row and the reading row to `form`."""
        form.addRow(_("Name"), self._pair(self.family_name, self.given_name))
        form.addRow(_("Reading (katakana)"), self._pair(self.family_kana, self.given_kana))

    @staticmethod
    def _pair(family: QLineEdit, given: QLineEdit) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Family")))
        row.addWidget(family)
        row.addWidget(QLabel(_("Given")))
        row.addWidget(given)
        return row

    def values(self) -> PersonName:
        """What the fields hold, as typed (the services trim and check it)."""
        return PersonName(
            family_name=self.family_name.text(),
            given_name=self.given_name.text(),
            family_kana=self.family_kana.text(),
            given_kana=self.given_kana.text(),
        )

    def edits(self) -> tuple[ReadingCaptureLineEdit, ReadingCaptureLineEdit, QLineEdit, QLineEdit]:
        """The family name, given name, family reading and given reading fields, in tab order."""
        return self.family_name, self.given_name, self.family_kana, self.given_kana

    def set_values(
        self,
        family_name: str = "",
        given_name: str = "",
        family_kana: str = "",
        given_kana: str = "",
    ) -> None:
        """Show a stored name; its readings are kept until the user edits them."""
        self.family_name.setText(family_name)
        self.given_name.setText(given_name)
        self.family_kana.setText(family_kana)
        self.given_kana.setText(given_kana)

    def setFocus(self) -> None:  # noqa: N802 - reads like the widgets' own setFocus
        """Put the cursor in the family name, where a person's name is begun."""
        self.family_name.setFocus()
