"""The window's content: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Permission
from app.core.errors import PermissionDenied
from app.core.i18n import gettext as _
from app.storage import chapter as chapter_service
from ui.keys import shortcut
from ui.operations import Operation
from ui.pages.placeholder import PlaceholderPage

if TYPE_CHECKING:
    from app.core.context import Context


class CurrentPageStack(QStackedWidget):
    """A stack whose size is that of the page on show.

    A plain QStackedWidget asks for the largest size of all its pages (height-for-width
    included), so in the main view's scroll area a short page would scroll because the
    Events page is tall at large text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The page on show's."""
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The page on show's."""
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        """The page on show's."""
        page = self.currentWidget()
        return page is not None and page.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        """The page on show's."""
        page = self.currentWidget()
        return page.heightForWidth(width) if page is not None else -1


class MainView(QWidget):
    """Navigation and pages; every page gets the Context through its constructor."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.2)
        self.nav.setFont(nav_font)
        self.nav.setSpacing(4)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = CurrentPageStack()
        self.settings_button = QPushButton(_("Settings…"))
        self.settings_button.clicked.connect(self.open_settings)
        left = QVBoxLayout()
        left.addWidget(self.nav, 1)
        left.addWidget(self.settings_button)
        # A page taller or wider than the screen (the Events page at 200 % text on a 768-pixel
        # laptop) scrolls instead of pushing the window's bottom edge off the screen.
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.stack)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addWidget(self.scroller, 1)
        self.pages: dict[str, QWidget] = {}
        self._build_pages()
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        shortcut(self, QKeySequence("Ctrl+,"), self.open_settings)
        for i in range(self.nav.count()):
            shortcut(self, f"Alt+{i + 1}", partial(self.nav.setCurrentRow, i))

    def _build_pages(self) -> None:
        later = _("This page comes in a later version of Tsunagu. Nothing here works yet.")
        entries: list[tuple[str, str, Callable[[], QWidget | None]]] = []
        for key, label, module, cls in (
            ("home", _("Home"), "ui.pages.home", "HomePage"),
            ("members", _("Members"), "ui.pages.members", "MembersPage"),
            ("events", _("Events"), "ui.pages.events", "EventsPage"),
            ("watch", _("Watch-over"), "ui.pages.watch", "WatchPage"),
            ("partners", _("Partners"), "ui.pages.partners", "PartnersPage"),
            ("reports", _("Reports"), "ui.pages.reports", "ReportsPage"),
            ("sync", _("Sync"), "ui.pages.sync", "SyncPage"),
            ("backups", _("Backups"), "ui.pages.backups", "BackupsPage"),
        ):
            entries.append((key, label, partial(self._page, module, cls, label, later)))
        for key, label, make in entries:
            page = make()
            if page is None:
                continue  # not for this role: no dead end in the menu
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        # As wide as the longest label in this language and text size, never cut off.
        metrics = self.nav.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(self.nav.item(i).text()) for i in range(self.nav.count())
        )
        self.nav.setFixedWidth(widest + metrics.horizontalAdvance("あ") * 2)

    def _page(self, module: str, cls: str, label: str, later: str) -> QWidget | None:
        """The page class `cls` from `module`, a plain 'comes later' page until it exists, or
        None when the account's role cannot use it (a viewer or visitor sees only theirs)."""
        page_class = _page_classes().get((module, cls))
        if page_class is None:
            return PlaceholderPage(label, later)
        needed: tuple[Permission, ...] = getattr(page_class, "required_permissions", ())
        if needed and not any(self.ctx.actor.can(p) for p in needed):
            return None
        try:
            page: QWidget = page_class(self.ctx)
        except PermissionDenied:
            return None
        if hasattr(page, "open_page"):
            # A page whose items lead elsewhere (the home page) asks the view to go there.
            page.open_page.connect(self.show_page)
        return page

    def show_page(self, key: str) -> None:
        """Bring page `key` to the front."""
        for i in range(self.nav.count()):
            if self.nav.item(i).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(i)

    def window_title(self) -> str:
        """The window title: program and chapter."""
        info = chapter_service.current_chapter(self.ctx)
        if info is None:
            return _("Tsunagu")
        return _("Tsunagu — {chapter}").format(chapter=info.name)

    def open_settings(self) -> None:
        """The settings dialog; a new language or text size rebuilds the pages at once."""
        from ui.dialogs.settings import SettingsDialog

        dialog = Operation(self, lambda: SettingsDialog(self.ctx, self)).value()
        if dialog is not None and dialog.exec():
            self.rebuild()

    def rebuild(self) -> None:
        """Recreate every page (after a language change)."""
        current = self.nav.currentRow()
        self.nav.clear()
        while self.stack.count():
            page = self.stack.widget(0)
            if page is None:
                break
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._build_pages()
        self.settings_button.setText(_("Settings…"))
        self.nav.setCurrentRow(max(0, current))
        window = self.window()
        if window is not None:
            window.setWindowTitle(self.window_title())


def _page_classes() -> dict[tuple[str, str], Any]:
    """Every page class by (module, class): imported when the pages are built."""
    from ui.pages.backups import BackupsPage
    from ui.pages.events import EventsPage
    from ui.pages.home import HomePage
    from ui.pages.members import MembersPage
    from ui.pages.partners import PartnersPage
    from ui.pages.reports import ReportsPage
    from ui.pages.sync import SyncPage
    from ui.pages.watch import WatchPage

    return {
        ("ui.pages.home", "HomePage"): HomePage,
        ("ui.pages.members", "MembersPage"): MembersPage,
        ("ui.pages.events", "EventsPage"): EventsPage,
        ("ui.pages.watch", "WatchPage"): WatchPage,
        ("ui.pages.partners", "PartnersPage"): PartnersPage,
        ("ui.pages.reports", "ReportsPage"): ReportsPage,
        ("ui.pages.sync", "SyncPage"): SyncPage,
        ("ui.pages.backups", "BackupsPage"): BackupsPage,
    }
