"""The Watch-over page: who is overdue or due, open follow-ups, and the people under watch."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import watch
from app.core.context import Permission
from app.core.dates import fiscal_year, show_fiscal_year
from app.core.i18n import gettext as _
from app.printing import watch as printing_watch
from app.watch import visits
from ui.dialogs.base import confirm
from ui.keys import shortcut
from ui.models.due_table import DueTableModel
from ui.models.watch_people import WatchPeopleModel
from ui.operations import Operation
from ui.tables import fit_table
from ui.widgets.chapter_filter import ChapterFilter
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context


def _table(model: QAbstractItemModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.25)
    label.setFont(font)
    return label


class WatchPage(QWidget):
    """Due and overdue on top (Enter logs a visit or opens the follow-up), the people below.

    Visitors see only their own people and cannot export; viewers see counts only.
    """

    # Any one of these lets an account see the page (checked by the main view); a viewer
    # (reports.read) gets the anonymous counts.
    required_permissions: tuple[Permission, ...] = (
        Permission.WATCH_READ_ALL,
        Permission.WATCH_OWN,
        Permission.REPORTS_READ,
    )

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.allowed = ctx.actor.can(Permission.WATCH_READ_ALL) or (
            ctx.actor.can(Permission.WATCH_OWN) and bool(ctx.actor.member_id)
        )
        self.coordinator = ctx.actor.can(Permission.WATCH_WRITE)
        layout = QVBoxLayout(self)
        if not self.allowed:
            self._counts_only(layout)
            return

        # One filter for both lists: at headquarters one looks after one chapter at a time.
        self.chapter_filter = ChapterFilter(ctx, area="watch")
        self.due_model = DueTableModel(self)
        self.due_table = _table(self.due_model)
        self.due_table.setAccessibleName(_("Due and overdue visits, open follow-ups"))
        self.due_count = QLabel("")
        self.log_button = QPushButton(_("&Log a visit…"))
        # Ctrl+R (record): Ctrl+L is the window's Lock now.
        self.log_button.setToolTip("Ctrl+R")
        self.follow_button = QPushButton(_("&Follow-up…"))
        self.refresh_button = QPushButton(_("Refresh"))
        due_box = QWidget()
        due_layout = QVBoxLayout(due_box)
        due_layout.setContentsMargins(0, 0, 0, 0)
        top = FlowLayout()
        top.addWidget(_heading(_("Due and overdue")))
        top.addWidget(self.due_count)
        top.addStretch(1)
        top.addWidget(self.log_button)
        top.addWidget(self.follow_button)
        top.addWidget(self.refresh_button)
        due_layout.addLayout(top)
        due_layout.addWidget(self.due_table, 1)

        self.people_model = WatchPeopleModel(self)
        self.people_table = _table(self.people_model)
        self.people_table.setAccessibleName(_("People under watch"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: name, reading, phone or address"))
        self.search.setClearButtonEnabled(True)
        self.show_ended = QCheckBox(_("Show ended"))
        self.people_count = QLabel("")
        self.new_button = QPushButton(_("&New person…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.history_button = QPushButton(_("&Visits…"))
        self.end_button = QPushButton(_("End watch…"))
        self.resume_button = QPushButton(_("Resume watch"))
        self.erase_button = QPushButton(_("Erase personal data…"))
        self.print_button = QPushButton(_("&Print round sheets…"))
        self.blank_button = QPushButton(_("Print blank forms…"))
        self.settings_button = QPushButton(_("Settings…"))
        people_box = QWidget()
        people_layout = QVBoxLayout(people_box)
        people_layout.setContentsMargins(0, 0, 0, 0)
        search_row = FlowLayout()
        search_row.addWidget(_heading(_("People under watch")))
        search_row.addWidget(self.search)
        search_row.addWidget(self.show_ended)
        search_row.addWidget(self.people_count)
        buttons = FlowLayout()
        for b in (
            self.new_button,
            self.edit_button,
            self.history_button,
            self.end_button,
            self.resume_button,
            self.erase_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.print_button, self.blank_button, self.settings_button):
            buttons.addWidget(b)
        people_layout.addLayout(search_row)
        people_layout.addWidget(self.people_table, 1)
        people_layout.addLayout(buttons)

        # Status and name first; volunteers, phone and last contact give way at large text.
        fit_table(self.due_table, stretch=0, secondary=[3, 2, 5, 4])
        fit_table(self.people_table, stretch=0, secondary=list(range(2, 8)))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(due_box)
        splitter.addWidget(people_box)
        splitter.setChildrenCollapsible(False)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.chapter_filter)
        filter_row.addStretch(1)
        layout.addLayout(filter_row)
        layout.addWidget(splitter, 1)

        for b in (
            self.new_button,
            self.edit_button,
            self.end_button,
            self.resume_button,
            self.erase_button,
            self.settings_button,
        ):
            b.setVisible(self.coordinator)
        self.print_button.setVisible(ctx.actor.can(Permission.WATCH_EXPORT))
        self.erase_button.setVisible(self.coordinator and ctx.actor.can(Permission.ADMIN))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh_people)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.show_ended.toggled.connect(lambda _c: self.refresh_people())
        self.chapter_filter.changed.connect(lambda _c: self.refresh())
        self.due_table.activated.connect(lambda _i: self.open_due())
        self.people_table.activated.connect(lambda _i: self._person_activated())
        self.log_button.clicked.connect(self.log_visit)
        self.follow_button.clicked.connect(self.open_follow_up)
        self.refresh_button.clicked.connect(self.refresh)
        self.new_button.clicked.connect(self.add_person)
        self.edit_button.clicked.connect(self.edit_person)
        self.history_button.clicked.connect(self.show_visits)
        self.end_button.clicked.connect(self.end_watch)
        self.resume_button.clicked.connect(self.resume_watch)
        self.erase_button.clicked.connect(self.erase_person)
        self.print_button.clicked.connect(self.print_round_sheets)
        self.blank_button.clicked.connect(self.print_blank_forms)
        self.settings_button.clicked.connect(self.open_settings)
        self.due_table.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._update_buttons()
        )
        self.people_table.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._update_buttons()
        )
        shortcut(self, QKeySequence("Ctrl+R"), self.log_visit)
        shortcut(self, QKeySequence("F5"), self.refresh)
        shortcut(self, QKeySequence("Ctrl+F"), self.search.setFocus)
        if self.coordinator:
            shortcut(self, QKeySequence("Ctrl+N"), self.add_person)
        self.refresh()

    # --- viewers -------------------------------------------------------------------------------

    def _counts_only(self, layout: QVBoxLayout) -> None:
        """Viewers see the year's anonymous figures, never a name."""
        self.year = QComboBox()
        current = fiscal_year(date.today())
        for fy in range(current, current - 6, -1):
            self.year.addItem(show_fiscal_year(fy), fy)
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout.addWidget(_heading(_("Watch-over in numbers")))
        layout.addWidget(
            QLabel(_("Your account sees anonymous counts only; names stay with the coordinators."))
        )
        layout.addWidget(self.year)
        layout.addWidget(self.counts)
        layout.addStretch(1)
        self.year.currentIndexChanged.connect(lambda _i: self.show_counts())
        self.show_counts()

    def show_counts(self) -> None:
        """The chosen fiscal year's counts, in words."""
        year = int(self.year.currentData())
        Operation(self, lambda: watch.anonymous_counts(self.ctx, year)).success(
            self._show_counts
        ).failure(lambda exc: self.counts.setText(exc.message)).run()

    def _show_counts(self, c: watch.WatchCounts) -> None:
        lines = [
            _("People under watch: {count}").format(count=c.people_under_watch),
            _("Started this year: {count}").format(count=c.people_started),
            _("Ended this year: {count}").format(count=sum(c.people_ended.values())),
            _("Visits and calls: {count}").format(count=c.visits),
        ]
        lines += [
            "    " + _("{label}: {count}").format(label=visits.label(visits.OUTCOMES, k), count=n)
            for k, n in sorted(c.visits_by_outcome.items())
        ]
        lines.append(_("Follow-ups opened: {count}").format(count=c.follow_ups_opened))
        lines.append(_("Follow-ups closed: {count}").format(count=c.follow_ups_closed))
        self.counts.setText("\n".join(lines))

    # --- lists ----------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self.allowed:
            # A sync may have brought a new chapter (reload refreshes if the choice went).
            self.chapter_filter.reload()
            self.refresh_due()
        super().showEvent(event)

    def refresh(self) -> None:
        """Read the due list and the people again."""
        if not self.allowed:
            return
        self.refresh_due()
        self.refresh_people()

    def refresh_due(self) -> None:
        """The due list, keeping the selection where it can."""
        keep = self.current_due_id()
        items = visits.due_list(self.ctx, chapter_id=self.chapter_filter.chapter_id())
        self.due_model.set_rows(items)
        overdue = sum(1 for i in items if i.kind == visits.OVERDUE)
        follow = sum(1 for i in items if i.kind == visits.FOLLOW_UP)
        self.due_count.setText(
            _("{overdue} overdue, {due} due this week, {follow} open follow-ups").format(
                overdue=overdue, due=len(items) - overdue - follow, follow=follow
            )
        )
        row = self.due_model.row_of(keep) if keep else -1
        self._reselect(self.due_table, row if row >= 0 else (0 if items else -1))
        self._update_buttons()

    def refresh_people(self) -> None:
        """The people list for the search and filter."""
        keep = self.current_person_id()
        rows = watch.list_people(
            self.ctx,
            self.search.text(),
            self.show_ended.isChecked(),
            chapter_id=self.chapter_filter.chapter_id(),
        )
        self.people_model.set_rows(rows)
        self.people_count.setText(_("{count} people").format(count=len(rows)))
        self._reselect(self.people_table, self.people_model.row_of(keep) if keep else -1)
        self._update_buttons()

    def _reselect(self, table: QTableView, row: int) -> None:
        if row >= 0:
            table.selectRow(row)

    def current_due(self) -> visits.DueItem | None:
        """The selected line of the due list."""
        index = self.due_table.currentIndex()
        return self.due_model.row_at(index.row()) if index.isValid() else None

    def current_due_id(self) -> str | None:
        """The id of the selected due line."""
        item = self.current_due()
        return item.id if item else None

    def current_person_id(self) -> str | None:
        """The selected person in the people list."""
        index = self.people_table.currentIndex()
        return self.people_model.id_at(index.row()) if index.isValid() else None

    def _target_person(self) -> str | None:
        """The person to act on: the people list's selection when it has the focus (or
        the due list has none), else the due list's."""
        person = self.current_person_id()
        due = self.current_due()
        if self.people_table.hasFocus() and person:
            return person
        if due is not None:
            return due.person_id
        return person

    def _update_buttons(self) -> None:
        person = self.current_person_id()
        row = self.people_model.row_at(self.people_table.currentIndex().row())
        due = self.current_due()
        self.follow_button.setEnabled(due is not None and due.kind == visits.FOLLOW_UP)
        self.log_button.setEnabled(self._target_person() is not None)
        for b in (self.edit_button, self.history_button, self.erase_button):
            b.setEnabled(person is not None)
        ended = row is not None and row.status != watch.ACTIVE
        self.end_button.setEnabled(person is not None and not ended)
        self.resume_button.setEnabled(ended)

    # --- actions --------------------------------------------------------------------------------

    def open_due(self) -> None:
        """Enter on the due list: a follow-up opens, anyone else gets a visit logged."""
        item = self.current_due()
        if item is None:
            return
        if item.kind == visits.FOLLOW_UP:
            self.open_follow_up()
        else:
            self.log_visit(item.person_id)

    def _person_activated(self) -> None:
        if self.coordinator:
            self.edit_person()
        else:
            self.log_visit(self.current_person_id())

    def log_visit(self, person_id: str | None = None) -> None:
        """The visit form for the chosen person."""
        from ui.dialogs.visit import VisitDialog

        person_id = person_id or self._target_person()
        if not person_id:
            return
        opened = Operation(self, lambda: VisitDialog(self.ctx, person_id, self))
        if not opened.run():
            return
        dialog = opened.result
        if dialog.exec():
            self.refresh()
            saved = dialog.saved
            if saved is not None and saved.follow_up_id:
                row = self.due_model.row_of(saved.follow_up_id)
                self._reselect(self.due_table, row)
                self.due_table.setFocus()

    def open_follow_up(self) -> None:
        """Refer, record or close the selected follow-up."""
        from ui.dialogs.follow_up import FollowUpDialog

        item = self.current_due()
        if item is None or item.kind != visits.FOLLOW_UP:
            return
        opened = Operation(self, lambda: FollowUpDialog(self.ctx, item.id, self))
        if not opened.run():
            return
        dialog = opened.result
        dialog.exec()
        if dialog.changed:
            self.refresh()

    def add_person(self) -> None:
        """Enrol someone."""
        from ui.dialogs.watch_person import WatchPersonDialog

        dialog = Operation(self, lambda: WatchPersonDialog(self.ctx, None, self)).value()
        if dialog is not None and dialog.exec() and dialog.saved is not None:
            self.refresh()
            self._reselect(self.people_table, self.people_model.row_of(dialog.saved.id))

    def edit_person(self) -> None:
        """The selected person's form."""
        from ui.dialogs.watch_person import WatchPersonDialog

        person_id = self.current_person_id()
        if person_id is None or not self.coordinator:
            return
        opened = Operation(self, lambda: WatchPersonDialog(self.ctx, person_id, self))
        if opened.run() and opened.result.exec():
            self.refresh()

    def show_visits(self) -> None:
        """The selected person's visits."""
        from ui.dialogs.visit_history import VisitHistoryDialog

        person_id = self.current_person_id()
        if person_id is None:
            return
        opened = Operation(self, lambda: VisitHistoryDialog(self.ctx, person_id, self))
        if not opened.run():
            return
        opened.result.exec()
        self.refresh()

    def end_watch(self) -> None:
        """End the watch over the selected person, with the reason."""
        person_id = self.current_person_id()
        if person_id is None:
            return
        reasons = {watch.label(watch.END_REASONS, code): code for code in watch.END_REASONS}
        picked, ok = QInputDialog.getItem(
            self, _("End watch"), _("Why does the watch end?"), list(reasons), 0, False
        )
        if not ok:
            return
        Operation(self, lambda: watch.end_watch(self.ctx, person_id, reasons[picked])).success(
            lambda _r: self.refresh()
        ).run()

    def resume_watch(self) -> None:
        """Take an ended watch up again."""
        person_id = self.current_person_id()
        if person_id is None:
            return
        Operation(self, lambda: watch.resume_watch(self.ctx, person_id)).success(
            lambda _r: self.refresh()
        ).run()

    def erase_person(self) -> None:
        """Erase the selected person's personal data on their request, after asking."""
        person_id = self.current_person_id()
        row = self.people_model.row_at(self.people_table.currentIndex().row())
        if person_id is None or row is None:
            return
        if not confirm(
            self,
            _("Erase personal data"),
            _(
                "Erase everything that identifies {name}: name, address, phone, contacts, "
                "notes and visit notes? Only anonymous counts remain. This cannot be undone."
            ).format(name=row.name),
            _("Erase"),
        ):
            return
        Operation(self, lambda: watch.erase_person(self.ctx, person_id)).success(
            lambda _r: self.refresh()
        ).run()

    def print_round_sheets(self) -> None:
        """Preview, print or save the round sheets (every print goes to the take-out log)."""
        from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog

        choices = {"": _("Every volunteer")}
        for v in watch.assigned_volunteers(self.ctx):
            choices[v.id] = v.name
        made: dict[str, printing_watch.WatchPrint] = {}

        def make(choice: str, paper: str = "A4", blank_forms: int = 4) -> PdfContent:
            result = printing_watch.print_visit_forms(
                self.ctx, None, choice or None, paper=paper, blank_forms=blank_forms, prefilled=True
            )
            made["last"] = result
            return PdfContent(result.data or b"", result.warnings)

        def output(destination: str) -> None:
            if "last" in made:
                printing_watch.record_printed(self.ctx, made["last"], destination)

        dialog = PdfPreviewDialog(
            _("Round sheets"),
            make,
            self,
            choices=choices,
            file_name=_("round-sheets") + ".pdf",
            on_output=output,
            choices_label=_("Volunteer:"),
            papers=True,
            blank_forms=4,
        )
        dialog.preview()

    def print_blank_forms(self) -> None:
        """Blank visit forms (no personal data on them)."""
        from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog

        def make(_choice: str, paper: str = "A4", blank_forms: int = 4) -> PdfContent:
            result = printing_watch.print_blank_forms(self.ctx, None, max(1, blank_forms), paper)
            return PdfContent(result.data or b"", result.warnings)

        dialog = PdfPreviewDialog(
            _("Blank visit forms"),
            make,
            self,
            file_name=_("visit-forms") + ".pdf",
            papers=True,
            blank_forms=4,
            blank_forms_label=_("Number of blank forms:"),
        )
        dialog.preview()

    def open_settings(self) -> None:
        """Referral targets, the signs checklist and retention."""
        from ui.dialogs.watch_settings import WatchSettingsDialog

        dialog = Operation(self, lambda: WatchSettingsDialog(self.ctx, self)).value()
        if dialog is not None:
            dialog.exec()
        self.refresh()
