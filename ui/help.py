"""The offline user guide (resources/guide, Japanese and English) in a help window; F1 opens
the page for the screen in front."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.core.i18n import current_language
from app.core.i18n import gettext as _
from ui.dialogs.base import BaseDialog

GUIDE = Path(__file__).resolve().parent.parent / "resources" / "guide"
# The guide's page for each page of the window (and for the dialogs that have their own).
TOPICS = {
    "home": "home",
    "members": "members",
    "events": "events",
    "reception": "reception",
    "watch": "watch",
    "partners": "events",
    "reports": "reports",
    "sync": "sync",
    "backups": "backups",
    "first_start": "start",
    "settings": "start",
    # Dialogs, by their settings key: the page of the screen they belong to.
    "member": "members",
    "roster_import": "members",
    "mailing": "members",
    "lapsed": "members",
    "groups": "members",
    "event": "events",
    "event_register": "events",
    "pdf_preview": "events",
    "duty": "events",
    "duty_jobs": "events",
    "duty_member": "events",
    "lecturer": "events",
    "organisation": "events",
    "visit": "watch",
    "visit_history": "watch",
    "watch_person": "watch",
    "watch_settings": "watch",
    "follow_up": "watch",
    "referral_target": "watch",
    "conflict": "sync",
    "login": "start",
    "accounts": "start",
    "account_edit": "start",
    "passphrase": "start",
    "recovery": "start",
    "recovery_key": "start",
}


def guide_page(topic: str, language: str | None = None) -> Path:
    """The guide's file for `topic` (a page key) in the window's language; Home if none."""
    folder = GUIDE / ("en" if (language or current_language()) == "en" else "ja")
    page = folder / f"{TOPICS.get(topic, 'home')}.html"
    return page if page.exists() else folder / "home.html"


class HelpDialog(BaseDialog):
    """The guide in a QTextBrowser: its links move between the pages, pictures included."""

    settings_key = "help"

    def __init__(self, topic: str = "home", parent: QWidget | None = None) -> None:
        super().__init__(_("Tsunagu user guide"), parent)
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)
        self.browser.setSource(QUrl.fromLocalFile(str(guide_page(topic))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            em = self.fontMetrics().horizontalAdvance("あ")
            self.resize(48 * em, 40 * em)

    def open_help(self) -> None:
        """F1 in the guide itself: it is already open."""

    def show_topic(self, topic: str) -> None:
        """Turn to the guide's page for `topic`."""
        self.browser.setSource(QUrl.fromLocalFile(str(guide_page(topic))))
