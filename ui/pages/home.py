"""The home page: what needs doing today, most urgent first; each line opens its page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import reports
from app.core.context import Permission
from app.core.dates import show_date
from app.core.i18n import gettext as _
from ui.keys import shortcut
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context
    from app.core.errors import UserError

PAGE_ROLE = Qt.ItemDataRole.UserRole
URGENT = QColor("#A4262C")


def role_note(ctx: Context) -> str:
    """What this account is here for, in a sentence ("" for a coordinator)."""
    if ctx.actor.can(Permission.ADMIN) or ctx.actor.can(Permission.WATCH_READ_ALL):
        return ""
    if ctx.actor.can(Permission.WATCH_OWN):
        return _(
            "You visit people for the chapter's watch-over. Below are the people you visit and "
            "when each is due; choose one and press Enter to log your visit. You can also see "
            "the events and the fellow volunteers' phone numbers."
        )
    return _(
        "You can read the chapter's figures: this year's report and the watch-over in "
        "numbers. Names and contact details stay with the coordinators."
    )


def _error_section(exc: UserError) -> reports.HomeSection:
    """A refusal said in the list itself, where the day's items would be."""
    return reports.HomeSection("error", _("Home"), (reports.HomeItem("", exc.message),))


class HomePage(QWidget):
    """Overdue watch-over visits and open follow-ups first, then coming events, sync and the
    last backup. Enter or a double click on a line opens the page where it is dealt with."""

    open_page = Signal(str)

    def __init__(
        self,
        ctx: Context,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.heading = QLabel("")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.hint = QLabel(_("Choose a line and press Enter to go where it is dealt with."))
        # Home speaks to the job of the one logged in: a viewer reads figures, a visitor visits.
        self.role_note = QLabel(role_note(ctx))
        self.role_note.setObjectName("roleNote")
        self.role_note.setWordWrap(True)
        self.role_note.setVisible(bool(self.role_note.text()))
        self.hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("home-list")
        self.list.setAccessibleName(_("What needs doing today"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        list_font = self.list.font()
        list_font.setPointSizeF(list_font.pointSizeF() * 1.25)
        self.list.setFont(list_font)
        self.refresh_button = QPushButton(_("Refresh"))
        self.open_button = QPushButton(_("Open"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.role_note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        # itemActivated is Enter and double click (or a single click where the desktop says so).
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(lambda _c, _p: self._update_buttons())
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(self.open_current)
        shortcut(self, "F5", self.refresh)

    def refresh(self) -> None:
        """Ask the services again and rebuild the list, keeping the chosen line if it stays."""
        today = self.today()
        self.heading.setText(_("Today, {date}").format(date=show_date(today)))
        chosen = self.current_page()
        chosen_text = self.list.currentItem().text() if self.list.currentItem() else None
        Operation(self, lambda: reports.home_overview(self.ctx, today)).success(
            lambda sections: self._show(sections, chosen, chosen_text)
        ).failure(lambda exc: self._show([_error_section(exc)], chosen, chosen_text)).run()

    def _show(
        self, sections: list[reports.HomeSection], chosen: str | None, chosen_text: str | None
    ) -> None:
        self.list.clear()
        header_font = QFont(self.list.font())
        header_font.setPointSizeF(header_font.pointSizeF() * 1.15)
        header_font.setBold(True)
        urgent_font = QFont(self.list.font())
        urgent_font.setBold(True)
        for section in sections:
            header = QListWidgetItem(section.title)
            header.setFont(header_font)
            # Room above each heading so that the blocks read apart.
            header.setSizeHint(QSize(0, int(QFontMetrics(header_font).height() * 1.9)))
            header.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            # A heading is read but not chosen: without flags the arrow keys skip it, and its
            # own colour keeps it from looking greyed out.
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setForeground(QBrush(self.palette().windowText().color()))
            header.setData(Qt.ItemDataRole.AccessibleTextRole, section.title)
            self.list.addItem(header)
            for item in section.items:
                line = QListWidgetItem(("！ " if item.urgent else "　") + item.text)
                line.setData(PAGE_ROLE, item.page)
                line.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if item.urgent:
                    line.setFont(urgent_font)
                    line.setForeground(QBrush(URGENT))
                self.list.addItem(line)
        self._choose(chosen, chosen_text)
        self._update_buttons()

    def _choose(self, page: str | None, text: str | None) -> None:
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            if not item.flags() & Qt.ItemFlag.ItemIsSelectable:
                continue
            if first is None:
                first = row
            if item.text() == text and item.data(PAGE_ROLE) == page:
                self.list.setCurrentRow(row)
                return
        if first is not None:
            self.list.setCurrentRow(first)

    def current_page(self) -> str | None:
        """The page key of the chosen line."""
        item = self.list.currentItem()
        value = item.data(PAGE_ROLE) if item is not None else None
        return str(value) if value else None

    def lines(self) -> list[tuple[str, str | None]]:
        """(text, page key or None for a heading) of every line, for tests and speech."""
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            page = item.data(PAGE_ROLE)
            out.append((item.text(), str(page) if page else None))
        return out

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.current_page() is not None)

    def _activated(self, item: QListWidgetItem) -> None:
        page = item.data(PAGE_ROLE)
        if page:
            self.open_page.emit(str(page))

    def open_current(self) -> None:
        """Open the page of the chosen line."""
        item = self.list.currentItem()
        if item is not None:
            self._activated(item)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Filled when shown, and again on coming back: the state of now, not of the morning.
        if not event.spontaneous():
            self.refresh()
        self.list.setFocus()
        super().showEvent(event)
