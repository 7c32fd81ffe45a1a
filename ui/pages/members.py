"""The Members page: find by a few kana, add, edit, retire or merge (with undo), import, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Permission
from app.core.i18n import gettext as _
from app.roster import duplicates, households, members
from ui import files
from ui.dialogs.base import confirm
from ui.keys import shortcut
from ui.models.member_table import MemberTableModel
from ui.operations import Operation
from ui.tables import fit_table
from ui.widgets.chapter_filter import ChapterFilter
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context


class MembersPage(QWidget):
    """The roster: a search box over a list that stays smooth at 100,000 members."""

    # Any one of these lets an account see the page (checked by the main view).
    required_permissions: tuple[Permission, ...] = (Permission.ROSTER_READ,)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = MemberTableModel(
            self._search_ids,
            lambda ids: members.rows_for(ctx, ids),
            self,
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: name, reading, member no. or phone"))
        self.search.setClearButtonEnabled(True)
        self.chapter_filter = ChapterFilter(ctx, area="members")
        self.show_retired = QCheckBox(_("Show retired members"))
        self.group_filter = QComboBox()
        self.group_filter.setAccessibleName(_("Group"))
        self._reload_groups()
        self.count_label = QLabel("")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows at once (Shift/Ctrl) for groups and households; editing takes the current.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        # The name takes the width; status, co-op, number, phone, reading give way in turn.
        fit_table(self.table, stretch=0, secondary=[1, 3, 2, 4, 5, 6])
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        self.add_button = QPushButton(_("New member…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.retire_button = QPushButton(_("Retire…"))
        self.import_button = QPushButton(_("Import from Excel/CSV…"))
        self.export_button = QPushButton(_("Export for Excel…"))
        self.mailing_button = QPushButton(_("Labels and postcards…"))
        self.lapsed_button = QPushButton(_("Stopped coming…"))
        self.groups_button = QPushButton(_("Groups and household…"))
        self.merge_button = QPushButton(_("Merge two…"))
        self.merge_button.setToolTip(_("Select the two records of one person to make them one."))
        self.duplicates_button = QPushButton(_("Possible duplicates…"))
        self.undo_bar = QWidget()
        self.undo_label = QLabel("")
        self.undo_button = QPushButton(_("Undo"))
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(0, 0, 0, 0)
        undo_layout.addWidget(self.undo_label, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._undo_id: str | None = None
        self._undo_action: Callable[[], None] | None = None

        # The search box takes a line of its own so the choices can wrap on a narrow screen.
        top = QVBoxLayout()
        top.addWidget(self.search)
        choices = FlowLayout()
        choices.addWidget(self.chapter_filter)
        choices.addWidget(self.show_retired)
        choices.addWidget(self.group_filter)
        top.addLayout(choices)
        buttons = FlowLayout()
        for b in (
            self.add_button,
            self.edit_button,
            self.retire_button,
            self.groups_button,
            self.merge_button,
            self.duplicates_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.mailing_button)
        buttons.addWidget(self.lapsed_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.undo_bar)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._focus_first)
        self.show_retired.toggled.connect(lambda _c: self.refresh())
        self.chapter_filter.changed.connect(lambda _c: self.refresh())
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.retire_button.clicked.connect(self.retire_or_reinstate)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)
        self.mailing_button.clicked.connect(self.open_mailing)
        self.lapsed_button.clicked.connect(self.open_lapsed)
        self.duplicates_button.clicked.connect(self.open_duplicates)
        self.groups_button.clicked.connect(self.edit_groups)
        self.merge_button.clicked.connect(self.merge_selected)
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._update_buttons())
        self.group_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.undo_button.clicked.connect(self.undo)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        shortcut(self, QKeySequence("Ctrl+N"), self.add_member)
        shortcut(self, QKeySequence("Ctrl+F"), self.search.setFocus)
        shortcut(self.table, QKeySequence(Qt.Key.Key_Return), self.edit_member, local=True)
        writable = ctx.actor.can(Permission.ROSTER_WRITE)
        for b in (
            self.add_button,
            self.edit_button,
            self.retire_button,
            self.import_button,
            self.groups_button,
        ):
            b.setVisible(writable)
        self.export_button.setVisible(ctx.actor.can(Permission.ROSTER_EXPORT))
        self.mailing_button.setVisible(ctx.actor.can(Permission.ROSTER_EXPORT))
        self.lapsed_button.setVisible(writable and ctx.actor.can(Permission.EVENTS_WRITE))
        self.merge_button.setVisible(writable and ctx.actor.can(Permission.EVENTS_WRITE))
        self.duplicates_button.setVisible(writable and ctx.actor.can(Permission.EVENTS_WRITE))
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # A sync may have brought a new chapter since the page was last shown.
        self.chapter_filter.reload()
        self._reload_groups()
        super().showEvent(event)

    def refresh(self) -> None:
        """Search again and show the count."""
        self.model.refresh(self.search.text(), self.show_retired.isChecked())
        self.count_label.setText(_("{count} members").format(count=self.model.rowCount()))
        self._update_buttons()

    def _focus_first(self) -> None:
        self._debounce.stop()
        self.refresh()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def current_id(self) -> str | None:
        """The selected member's id."""
        index = self.table.currentIndex()
        return self.model.member_id(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        selected = self.current_id() is not None
        self.edit_button.setEnabled(selected)
        self.retire_button.setEnabled(selected)
        self.groups_button.setEnabled(selected)
        self.merge_button.setEnabled(len(self.selected_ids()) == 2)
        if selected:
            status = self.model.data(self.model.index(self.table.currentIndex().row(), 5))
            self.retire_button.setText(_("Reinstate") if status == _("retired") else _("Retire…"))

    def _select(self, member_id: str) -> None:
        row = self.model.row_of(member_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def open_mailing(self) -> None:
        """Address labels, postcards or the printed roster for everyone or some groups."""
        from ui.dialogs.mailing import MailingDialog

        chosen = self.selected_ids()
        picked = chosen if len(chosen) > 1 else None
        dialog = Operation(self, lambda: MailingDialog(self.ctx, self, member_ids=picked)).value()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def _search_ids(self, query: str, include_retired: bool) -> list[str]:
        ids = members.search_ids(
            self.ctx, query, include_retired, chapter_id=self.chapter_filter.chapter_id()
        )
        tag = self.group_filter.currentData() if hasattr(self, "group_filter") else None
        if tag:
            carrying = households.member_ids_with_tags(self.ctx, [str(tag)])
            ids = [i for i in ids if i in carrying]
        return ids

    def _reload_groups(self) -> None:
        """The groups in use, to narrow the list to one (kept when it still exists)."""
        chosen = self.group_filter.currentData()
        found = Operation(self, lambda: households.list_tags(self.ctx)).value() or []
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        self.group_filter.addItem(_("All groups"), None)
        for tag, count in found:
            self.group_filter.addItem(_("{tag} ({count})").format(tag=tag, count=count), tag)
        at = self.group_filter.findData(chosen) if chosen else 0
        self.group_filter.setCurrentIndex(max(0, at))
        self.group_filter.blockSignals(False)
        self.group_filter.setVisible(bool(found))

    def selected_ids(self) -> list[str]:
        """The members chosen in the list (the current one when no rows are selected)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [mid for mid in (self.model.member_id(r) for r in rows) if mid]
        current = self.current_id()
        return ids or ([current] if current else [])

    def edit_groups(self) -> None:
        """Add or remove groups, or set a household, for every member chosen."""
        from ui.dialogs.groups import GroupsDialog

        chosen = self.selected_ids()
        if not chosen:
            return
        dialog = GroupsDialog(self.ctx, chosen, self)
        if dialog.exec():
            self._reload_groups()
            self.refresh()
        dialog.deleteLater()

    def open_lapsed(self) -> None:
        """The regulars who have not come for some months, to ring them."""
        from ui.dialogs.lapsed import LapsedDialog

        dialog = Operation(self, lambda: LapsedDialog(self.ctx, self)).value()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def open_duplicates(self) -> None:
        """The likely pairs of one person's records, to merge one by one."""
        from ui.dialogs.duplicates import DuplicatesDialog

        dialog = Operation(self, lambda: DuplicatesDialog(self.ctx, self)).value()
        if dialog is not None:
            dialog.exec()
            if dialog.merged:
                self.refresh()
            dialog.deleteLater()

    def add_member(self) -> None:
        """Open the form for a new member."""
        from ui.dialogs.member import MemberDialog

        dialog = Operation(self, lambda: MemberDialog(self.ctx, None, self)).value()
        if dialog is not None and dialog.exec() and dialog.saved is not None:
            self.refresh()
            self._select(dialog.saved.id)

    def edit_member(self) -> None:
        """Open the form for the selected member."""
        from ui.dialogs.member import MemberDialog

        member_id = self.current_id()
        if member_id is None or not self.ctx.actor.can(Permission.ROSTER_WRITE):
            return
        dialog = Operation(self, lambda: MemberDialog(self.ctx, member_id, self)).value()
        if dialog is not None and dialog.exec():
            self.refresh()
            self._select(member_id)

    def retire_or_reinstate(self) -> None:
        """Retire the selected member after asking, with an Undo; or reinstate."""
        member_id = self.current_id()
        if member_id is None:
            return
        looked_up = Operation(self, lambda: members.get_member(self.ctx, member_id))
        if not looked_up.run():
            return
        view = looked_up.result
        if view.status == members.RETIRED:
            Operation(self, lambda: members.reinstate_member(self.ctx, member_id)).success(
                lambda _none: self._changed(member_id)
            ).run()
            return
        if not confirm(
            self,
            _("Retire member"),
            _("Retire {name}? They stay in the roster and can be reinstated.").format(
                name=view.full_name
            ),
            _("Retire"),
        ):
            return
        Operation(self, lambda: members.retire_member(self.ctx, member_id)).success(
            lambda _none: self._retired(member_id, view.full_name)
        ).run()

    def _changed(self, member_id: str) -> None:
        self.refresh()
        self._select(member_id)

    def merge_selected(self) -> None:
        """Make the two chosen records one person, after asking; the current one is kept."""
        chosen = self.selected_ids()
        if len(chosen) != 2:
            return
        current = self.current_id()
        keep_id = current if current in chosen else chosen[0]
        other_id = next(i for i in chosen if i != keep_id)
        looked_up = Operation(
            self,
            lambda: (members.get_member(self.ctx, keep_id), members.get_member(self.ctx, other_id)),
        )
        if not looked_up.run():
            return
        keep, other = looked_up.result
        question = _(
            "Merge {other} ({other_number}) into {keep} ({keep_number})? "
            "{other}'s registrations and attendance, watch-over roles, visits and groups move "
            "to {keep}; details {keep} lacks are filled from {other}. {other}'s record is then "
            "removed. You can undo this straight after."
        ).format(
            keep=keep.full_name,
            keep_number=keep.member_number or "-",
            other=other.full_name,
            other_number=other.member_number or "-",
        )
        if not confirm(self, _("Merge members"), question, _("Merge")):
            return
        Operation(self, lambda: duplicates.merge_members(self.ctx, keep_id, other_id)).success(
            lambda outcome: self._merged(outcome, keep.full_name, other.full_name)
        ).run()

    def _merged(self, outcome: duplicates.MergeOutcome, keep: str, other: str) -> None:
        def undo_it() -> None:
            Operation(self, lambda: duplicates.undo_merge(self.ctx, outcome)).run()

        self._undo_id = None
        self._undo_action = undo_it
        self.undo_label.setText(
            _("{other} was merged into {keep} ({count} registrations moved).").format(
                other=other, keep=keep, count=outcome.registrations
            )
        )
        self.undo_bar.show()
        QTimer.singleShot(20000, self.undo_bar.hide)
        self.refresh()
        self._select(outcome.kept)

    def _retired(self, member_id: str, name: str) -> None:
        self._undo_action = None
        self._undo_id = member_id
        self.undo_label.setText(_("{name} was retired.").format(name=name))
        self.undo_bar.show()
        QTimer.singleShot(20000, self.undo_bar.hide)
        self.refresh()

    def undo(self) -> None:
        """Take the last retirement or merge back."""
        member_id, self._undo_id = self._undo_id, None
        action, self._undo_action = self._undo_action, None
        if action is not None:
            action()
        elif member_id is not None:
            Operation(self, lambda: members.reinstate_member(self.ctx, member_id)).run()
        self.undo_bar.hide()
        self.refresh()

    def import_file(self) -> None:
        """Choose a roster file and import it through the import dialog."""
        from ui.dialogs.roster_import import RosterImportDialog

        name = files.open_file_name(
            self, _("Import members"), _("Rosters (*.xlsx *.csv *.txt);;All files (*)")
        )
        if not name:
            return
        dialog = Operation(self, lambda: RosterImportDialog(self.ctx, Path(name), self)).value()
        if dialog is not None and dialog.exec():
            self.refresh()

    def export_file(self) -> Operation[int] | None:
        """Write the roster as XLSX (default) or CSV for Excel (in the background)."""
        name, chosen = files.save_file_name(
            self,
            _("Export members"),
            _("members") + ".xlsx",
            _("Excel workbook (*.xlsx);;CSV for Excel, UTF-8 (*.csv)"),
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".csv" if "csv" in chosen.lower() else ".xlsx")
        return (
            Operation(self, lambda: members.export_members(self.ctx, path))
            .success(
                lambda count: self.count_label.setText(
                    _("Exported {count} members to {path}").format(count=count, path=path)
                )
            )
            .run_in_background(_("Exporting…"))
        )

    def index_of(self, row: int) -> QModelIndex:
        """The model index of a row (for tests and keyboard handling)."""
        return self.model.index(row, 0)
