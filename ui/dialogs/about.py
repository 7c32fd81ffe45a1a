"""About Tsunagu: version, where the data is, the postal data's date, every licence shipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from ui.dialogs.base import BaseDialog

if TYPE_CHECKING:
    from app.setup.about import AboutInfo


class AboutDialog(BaseDialog):
    """The facts of this installation above the third-party notices (scrollable)."""

    settings_key = "about"

    def __init__(
        self, info: AboutInfo, data_location: str, notices: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("About Tsunagu"), parent)
        facts = QFormLayout()
        self.version = QLabel(info.version)
        self.location = QLabel(data_location or _("(in memory)"))
        self.location.setWordWrap(True)
        if info.postal_table_installed:
            postal = _("{version} (Japan Post data of {month})").format(
                version=info.postal_data_version, month=info.postal_data_month
            )
        else:
            postal = _("not installed (addresses are typed by hand)")
        self.postal = QLabel(postal)
        self.postal.setWordWrap(True)
        for label in (self.version, self.location, self.postal):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts.addRow(_("Version:"), self.version)
        facts.addRow(_("Data location:"), self.location)
        facts.addRow(_("Postal code data:"), self.postal)
        self.notices = QPlainTextEdit(notices)
        self.notices.setReadOnly(True)
        self.notices.setAccessibleName(_("Third-party notices"))
        # Licence texts are laid out for a fixed-width font.
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(QFont(self.font()).pointSizeF())
        self.notices.setFont(mono)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(facts)
        layout.addWidget(QLabel(_("Third-party notices (the licences of what Tsunagu ships):")))
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            self.resize(760, 640)


def open_about(parent: QWidget, data_location: str) -> AboutDialog | None:
    """Build the About box through an Operation (it reads the postal table and the notices)."""
    from app.setup import about
    from ui.operations import Operation

    return Operation(
        parent,
        lambda: AboutDialog(about.about_info(), data_location, about.third_party_notices(), parent),
    ).value()
