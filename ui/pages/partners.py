"""The Partners page: the directories of organisations and lecturers that events pick from."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import partners
from app.core.context import Permission
from app.core.i18n import gettext as _
from ui.dialogs.base import confirm
from ui.keys import shortcut
from ui.models.partner_table import LecturerTableModel, OrganisationTableModel
from ui.operations import Operation
from ui.tables import fit_table

if TYPE_CHECKING:
    from app.core.context import Context
    from ui.models.event_table import RowTableModel


class DirectoryTab(QWidget):
    """One directory: a search box, the table, and New / Edit / Remove."""

    def __init__(
        self,
        ctx: Context,
        model: RowTableModel[Any],
        search: Callable[[str], list[Any]],
        open_dialog: Callable[[str | None], str | None],
        remove: Callable[[str], None],
        describe: Callable[[Any], str],
        new_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self._search = search
        self._open = open_dialog
        self._remove = remove
        self._describe = describe
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: name, reading or affiliation"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel("")
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        fit_table(self.table, stretch=0, secondary=list(range(1, model.columnCount())))
        self.new_button = QPushButton(new_label)
        self.edit_button = QPushButton(_("Edit…"))
        self.remove_button = QPushButton(_("Remove…"))
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._buttons())
        writable = ctx.actor.can(Permission.EVENTS_WRITE)
        for b in (self.new_button, self.edit_button, self.remove_button):
            b.setVisible(writable)
        self.refresh()

    def refresh(self) -> None:
        """Search again."""
        self._debounce.stop()
        text = self.search.text()
        Operation(self, lambda: self._search(text)).success(self._show).run()

    def _show(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        self.count_label.setText(_("{count} entries").format(count=self.model.rowCount()))
        self._buttons()

    def _buttons(self) -> None:
        selected = self.current_id() is not None
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

    def current_id(self) -> str | None:
        """The selected entry's id."""
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select(self, row_id: str) -> None:
        """Select the entry `row_id`."""
        row = self.model.row_of(row_id)
        if row >= 0:
            self.table.selectRow(row)

    def edit(self, row_id: str | None) -> None:
        """Open the form (a new entry when `row_id` is None)."""
        saved = self._open(row_id)
        if saved:
            self.refresh()
            self.select(saved)

    def edit_selected(self) -> None:
        """Open the form of the selected entry."""
        row_id = self.current_id()
        if row_id is not None:
            self.edit(row_id)

    def remove(self) -> None:
        """Remove the selected entry after asking."""
        row_id = self.current_id()
        item = self.model.row_at(self.table.currentIndex().row())
        if row_id is None or item is None:
            return
        if not confirm(
            self,
            _("Remove from the directory"),
            _("Remove {name} from the directory?").format(name=self._describe(item)),
            _("Remove"),
        ):
            return
        Operation(self, lambda: self._remove(row_id)).success(lambda _none: self.refresh()).run()


class PartnersPage(QWidget):
    """Organisations (co-ops, councils, food banks …) and lecturers, for the event forms."""

    # Any one of these lets an account see the page (checked by the main view).
    required_permissions: tuple[Permission, ...] = (Permission.EVENTS_READ,)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.organisations = DirectoryTab(
            ctx,
            OrganisationTableModel(self),
            lambda q: partners.list_organisations(ctx, q),
            self._edit_organisation,
            lambda i: partners.remove_organisation(ctx, i),
            lambda o: o.name,
            _("New organisation…"),
        )
        self.lecturers = DirectoryTab(
            ctx,
            LecturerTableModel(self),
            lambda q: partners.list_lecturers(ctx, q),
            self._edit_lecturer,
            lambda i: partners.remove_lecturer(ctx, i),
            lambda v: v.full_name,
            _("New lecturer…"),
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.organisations, _("Organisations"))
        self.tabs.addTab(self.lecturers, _("Lecturers"))
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        shortcut(self, QKeySequence("Ctrl+F"), lambda: self.current_tab().search.setFocus())
        shortcut(self, QKeySequence("Ctrl+N"), lambda: self.current_tab().edit(None))

    def current_tab(self) -> DirectoryTab:
        """The directory shown."""
        widget = self.tabs.currentWidget()
        assert isinstance(widget, DirectoryTab)
        return widget

    def _refresh_current(self) -> None:
        self.current_tab().refresh()

    def _edit_organisation(self, org_id: str | None) -> str | None:
        from ui.dialogs.partner import OrganisationDialog

        dialog = Operation(self, lambda: OrganisationDialog(self.ctx, org_id, self)).value()
        if dialog is not None and dialog.exec() and dialog.saved is not None:
            return dialog.saved.id
        return None

    def _edit_lecturer(self, lecturer_id: str | None) -> str | None:
        from ui.dialogs.partner import LecturerDialog

        dialog = Operation(self, lambda: LecturerDialog(self.ctx, lecturer_id, self)).value()
        if dialog is not None and dialog.exec() and dialog.saved is not None:
            return dialog.saved.id
        return None
