"""The duty roster window (当番表): who does which job at one date, what is short, and the jobs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Permission
from app.core.i18n import gettext as _
from app.core.i18n import list_separator
from app.events import duty
from app.roster import members
from ui.dialogs.base import BaseDialog, accept_cancel_buttons, confirm
from ui.keys import shortcut
from ui.models.event_table import Column, RowTableModel, short_when
from ui.models.member_table import MemberTableModel
from ui.operations import Operation
from ui.tables import fit_table, row_height
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context
    from ui.dialogs.pdf_preview import PdfPreviewDialog

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class JobRow:
    """One line of the table: a job at the chosen date, as the window writes it."""

    id: str  # the job's id
    role: str
    needed: int
    people: tuple[duty.OnDuty, ...]
    cancelled: bool

    @property
    def short(self) -> int:
        """People still needed (none at a cancelled date)."""
        return 0 if self.cancelled else max(0, self.needed - len(self.people))


def _count(row: JobRow) -> str:
    return f"{len(row.people)}/{row.needed}"


def _state(row: JobRow) -> str:
    # In words, not by colour: a short job reads 「あと1人」 on any screen and in any eyes.
    if row.cancelled:
        return _("cancelled")
    if row.short:
        return _("{n} more needed").format(n=row.short)
    return _("enough people")


COLUMNS: list[Column[JobRow]] = [
    Column(lambda: _("Job"), lambda r: r.role),
    Column(lambda: _("People"), _count, numeric=True),
    Column(lambda: _("Status"), _state),
    Column(lambda: _("On duty"), lambda r: list_separator().join(p.name for p in r.people)),
]


def date_label(d: duty.DutyDate) -> str:
    """A date of the roster as the date chooser lists it."""
    text = short_when(d.starts_at)
    return text + "  " + _("(cancelled)") if d.cancelled else text


def default_date(dates: tuple[duty.DutyDate, ...], today: date | None = None) -> int:
    """The index of the next date still to come (not cancelled, when there is one), else the
    last date."""
    today = today or date.today()
    coming = [n for n, d in enumerate(dates) if d.starts_at and d.starts_at.date() >= today]
    held = [n for n in coming if not dates[n].cancelled]
    if held or coming:
        return (held or coming)[0]
    return max(0, len(dates) - 1)


def _file_name(title: str, month: date | None) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_")[:30]
    when = _("{year}-{month}").format(year=month.year, month=month.month) if month else ""
    label = re.sub(r'[\\/:*?"<>|\s]+', "_", _("Duty roster")).strip("_")
    return "_".join(p for p in (label, safe, when) if p) + ".pdf"


class DutyDialog(BaseDialog):
    """An event's 当番表 one date at a time: the jobs, who is on them, what is still short."""

    settings_key = "duty"

    def __init__(self, ctx: Context, event_id: str, parent: QWidget | None = None) -> None:
        roster = duty.duty_roster(ctx, event_id)
        super().__init__(_("Duty roster: {title}").format(title=roster.title), parent)
        self.ctx = ctx
        self.event_id = event_id
        self.roster = roster
        self.writable = ctx.actor.can(Permission.EVENTS_WRITE)
        self.printable = ctx.actor.can(Permission.EVENTS_PEOPLE)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.date = QComboBox()
        date_caption = QLabel(_("&Date:"))
        date_caption.setBuddy(self.date)
        self.model: RowTableModel[JobRow] = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)
        fit_table(self.table, stretch=3, secondary=[2], rows=5)
        table_caption = QLabel(_("Jobs &on this date:"))
        table_caption.setBuddy(self.table)
        self.empty = QLabel("")
        self.empty.setWordWrap(True)
        self.warnings = QLabel("")
        self.warnings.setObjectName("dutyWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.assign_button = QPushButton(_("&Put on duty…"))
        self.remove_button = QPushButton(_("&Take off…"))
        self.jobs_button = QPushButton(_("Set the &jobs…"))
        self.print_button = QPushButton(_("P&rint…"))
        self.close_button = QPushButton(_("Close"))
        for button in (self.assign_button, self.remove_button, self.jobs_button):
            button.setVisible(self.writable)
        self.print_button.setVisible(self.printable)

        top = QHBoxLayout()
        top.addWidget(date_caption)
        top.addWidget(self.date, 1)
        actions = FlowLayout()
        for button in (self.assign_button, self.remove_button, self.jobs_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.print_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(table_caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.warnings)
        layout.addWidget(self.status)
        layout.addLayout(actions)
        layout.addLayout(buttons)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            em = self.fontMetrics().horizontalAdvance("あ")
            self.resize(44 * em, 30 * em)

        self.date.currentIndexChanged.connect(lambda _i: self._show_date())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._buttons())
        self.assign_button.clicked.connect(lambda: self.put_on_duty())
        self.remove_button.clicked.connect(lambda: self.take_off())
        self.jobs_button.clicked.connect(lambda: self.edit_jobs())
        self.print_button.clicked.connect(lambda: self.open_print())
        self.close_button.clicked.connect(self.accept)
        if self.writable:
            shortcut(self.table, QKeySequence(Qt.Key.Key_Delete), self.take_off, local=True)
            shortcut(self.table, QKeySequence(Qt.Key.Key_Return), self.put_on_duty, local=True)
            shortcut(self.table, QKeySequence(Qt.Key.Key_Enter), self.put_on_duty, local=True)
        self._show(roster, keep_date=False)
        self.date.setFocus()

    # --- showing -----------------------------------------------------------------------------

    def _show(self, roster: duty.DutyRoster, keep_date: bool = True) -> None:
        """Show `roster` (after a change), staying at the chosen date and job."""
        keep_day = self.current_day() if keep_date else None
        keep_job = self.current_job()
        self.roster = roster
        self.heading.setText(
            "\u3000".join(p for p in (roster.title, roster.venue) if p)
            if roster.venue
            else roster.title
        )
        self.date.blockSignals(True)
        self.date.clear()
        for d in roster.dates:
            self.date.addItem(date_label(d))
        at = default_date(roster.dates)
        if keep_day is not None:
            at = next(
                (
                    n
                    for n, d in enumerate(roster.dates)
                    if d.starts_at and d.starts_at.date() == keep_day
                ),
                at,
            )
        self.date.setCurrentIndex(at if roster.dates else -1)
        self.date.setEnabled(len(roster.dates) > 1)
        self.date.blockSignals(False)
        self._show_date(keep_job.id if keep_job else None)

    def current_date(self) -> duty.DutyDate | None:
        """The date chosen in the chooser."""
        at = self.date.currentIndex()
        return self.roster.dates[at] if 0 <= at < len(self.roster.dates) else None

    def current_day(self) -> date | None:
        """The chosen date as a day (None for an event without a date yet)."""
        d = self.current_date()
        return d.starts_at.date() if d is not None and d.starts_at else None

    def current_job(self) -> JobRow | None:
        """The job chosen in the table."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_date(self, keep_job: str | None = None) -> None:
        d = self.current_date()
        rows = (
            [JobRow(s.role_id, s.role, s.needed, s.people, d.cancelled) for s in d.slots]
            if d is not None
            else []
        )
        self.model.set_rows(rows)
        if rows:
            at = self.model.row_of(keep_job) if keep_job else -1
            self.table.selectRow(at if at >= 0 else 0)
        if not self.roster.roles:
            self.empty.setText(
                _("No jobs yet: choose them with “Set the jobs…”.")
                if self.writable
                else _("No jobs have been set for this event yet.")
            )
        else:
            self.empty.setText("")
        self.empty.setVisible(not self.roster.roles)
        self.warnings.setText(self.warning_text())
        self._buttons()

    def date_warnings(self) -> list[duty.DutyWarning]:
        """The warnings of the chosen date: double bookings first, then short jobs."""
        day = self.current_day()
        found = [w for w in self.roster.warnings if day is not None and w.day == day]
        return sorted(found, key=lambda w: 0 if w.kind == duty.DOUBLE else 1)

    def warning_text(self) -> str:
        """The warnings line(s) in words, or that all is well."""
        d = self.current_date()
        if d is None:
            return _("This event has no dates yet.")
        if d.cancelled:
            return _("This date is cancelled.")
        if not self.roster.roles:
            return ""
        found = self.date_warnings()
        if not found:
            return _("Every job has its people on this date.")
        return _("Please check:") + "\n" + "\n".join("・" + w.text for w in found)

    def _buttons(self) -> None:
        job = self.current_job()
        self.assign_button.setEnabled(job is not None)
        self.remove_button.setEnabled(job is not None and bool(job.people))
        self.print_button.setEnabled(bool(self.roster.dates) and bool(self.roster.roles))

    # --- changing ----------------------------------------------------------------------------

    def put_on_duty(self) -> duty.DutyAssigned | None:
        """Choose a member (and the job) and put them on duty at the chosen date."""
        if not self.writable or not self.roster.roles:
            return None
        job = self.current_job()
        picker = MemberPickDialog(
            self.ctx, self.roster.roles, job.role if job else "", self.date.currentText(), self
        )
        try:
            if not picker.exec() or picker.member_id is None:
                return None
            member_id, role = picker.member_id, picker.role()
        finally:
            picker.deleteLater()
        day = self.current_day()
        done = Operation(
            self, lambda: duty.assign_duty(self.ctx, self.event_id, day, role, member_id)
        )
        if not done.run():
            return None
        result = done.result
        self._show(result.roster)
        self._select_job(role)
        name = next(
            (
                p.name
                for d in result.roster.dates
                for s in d.slots
                for p in s.people
                if p.assignment_id == result.assignment_id
            ),
            "",
        )
        self.status.setText(_("{name} is on duty as {role}.").format(name=name, role=role))
        return result

    def _select_job(self, role: str) -> None:
        for n, row in enumerate(self.model.rows()):
            if row.role == role:
                self.table.selectRow(n)

    def take_off(self, assignment_id: str | None = None) -> bool:
        """Take one person off the chosen job after asking (which one, when it has several)."""
        job = self.current_job()
        if not self.writable or job is None or not job.people:
            return False
        person = next((p for p in job.people if p.assignment_id == assignment_id), None)
        if person is None and len(job.people) == 1:
            person = job.people[0]
        if person is None:
            names = [p.name for p in job.people]
            chosen, ok = QInputDialog.getItem(
                self, _("Take off"), _("Who is taken off {role}?").format(role=job.role), names, 0
            )
            if not ok or chosen not in names:
                return False
            person = job.people[names.index(chosen)]
        if not confirm(
            self,
            _("Take off"),
            _("Take {name} off {role} on {date}?").format(
                name=person.name, role=job.role, date=self.date.currentText()
            ),
            _("Take off"),
        ):
            return False
        gone = person
        done = Operation(self, lambda: duty.unassign_duty(self.ctx, gone.assignment_id))
        if not done.run():
            return False
        self._show(done.result)
        self.status.setText(_("{name} was taken off {role}.").format(name=gone.name, role=job.role))
        return True

    def edit_jobs(self) -> bool:
        """The jobs editor; True when the jobs were saved."""
        if not self.writable:
            return False
        editor = DutyJobsDialog(self.ctx, self.event_id, self.roster.roles, self)
        try:
            if not editor.exec():
                return False
        finally:
            editor.deleteLater()
        again = Operation(self, lambda: duty.duty_roster(self.ctx, self.event_id))
        if again.run():
            self._show(again.result)
            self.status.setText(_("The jobs were saved."))
        return True

    # --- printing ----------------------------------------------------------------------------

    def preview_dialog(self) -> PdfPreviewDialog | None:
        """The preview of the chosen date's month on paper, its PDF not yet made."""
        from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog

        if not self.printable:
            return None
        day = self.current_day()
        month = day.replace(day=1) if day else None
        ctx, event_id = self.ctx, self.event_id
        made: dict[str, int] = {}

        def make(_choice: str, paper: str = "A4") -> PdfContent:
            # Imported here: ReportLab loads only when something is printed.
            from app.printing.duty import render_duty
            from app.storage.chapter import current_chapter

            ctx.require(Permission.EVENTS_PEOPLE)
            roster = duty.duty_roster(ctx, event_id, month)
            found = current_chapter(ctx)
            done = render_duty(
                roster, None, chapter=found.name if found else "", month=month, paper=paper
            )
            made["people"] = len(
                {p.member_id for d in roster.dates for s in d.slots for p in s.people}
            )
            data = done.output if isinstance(done.output, bytes) else b""
            return PdfContent(data, list(done.warnings))

        def logged(destination: str) -> None:
            from app.printing.mailing import record_output

            if "people" in made:
                record_output(ctx, "duty roster", made["people"], destination)

        return PdfPreviewDialog(
            _("Duty roster: {title}").format(title=self.roster.title),
            make,
            self,
            file_name=_file_name(self.roster.title, month),
            on_output=logged,
            papers=True,
        )

    def open_print(self) -> PdfPreviewDialog | None:
        """Preview the month of the chosen date, to print it or save it as a file."""
        dialog = self.preview_dialog()
        if dialog is not None:
            dialog.preview()
        return dialog


class MemberPickDialog(BaseDialog):
    """Choose who goes on duty: the job, then a member found by a few kana (Enter, Enter)."""

    settings_key = "duty_member"

    def __init__(
        self,
        ctx: Context,
        roles: tuple[duty.DutyRoleView, ...],
        role: str,
        when: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Put on duty: {date}").format(date=when), parent)
        self.ctx = ctx
        self.member_id: str | None = None
        self.job = QComboBox()
        for r in roles:
            self.job.addItem(r.name, r.name)
        self.job.setCurrentIndex(max(0, self.job.findData(role)))
        job_caption = QLabel(_("&Job:"))
        job_caption.setBuddy(self.job)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: name, reading, member no. or phone"))
        self.search.setClearButtonEnabled(True)
        search_caption = QLabel(_("&Member:"))
        search_caption.setBuddy(self.search)
        self.model = MemberTableModel(
            lambda q, r: members.search_ids(ctx, q, r),
            lambda ids: members.rows_for(ctx, ids),
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        fit_table(self.table, stretch=0, secondary=[3, 2, 4, 5, 6], rows=4)
        self.buttons = accept_cancel_buttons(
            self, self.choose, _("Put on duty"), QDialogButtonBox.StandardButton.Ok
        )
        top = QHBoxLayout()
        top.addWidget(job_caption)
        top.addWidget(self.job, 1)
        find = QHBoxLayout()
        find.addWidget(search_caption)
        find.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(find)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            em = self.fontMetrics().horizontalAdvance("あ")
            self.resize(34 * em, 22 * em)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._focus_first)
        self.table.doubleClicked.connect(lambda _i: self.choose())
        # Enter in the search shows the matches; Enter on a member chooses that member.
        shortcut(self.table, QKeySequence(Qt.Key.Key_Return), self.choose, local=True)
        shortcut(self.table, QKeySequence(Qt.Key.Key_Enter), self.choose, local=True)
        self.refresh()
        self.search.setFocus()

    def role(self) -> str:
        """The job chosen."""
        return str(self.job.currentData() or "")

    def refresh(self) -> None:
        """Search the roster again (members still active only: the retired do no duty)."""
        self._debounce.stop()
        self.model.refresh(self.search.text(), False)

    def _focus_first(self) -> None:
        self.refresh()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Enter belongs to the search and the list, not the default button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def choose(self) -> None:
        """Close with the selected member."""
        index = self.table.currentIndex()
        member_id = self.model.member_id(index.row()) if index.isValid() else None
        if member_id is None:
            self.show_error(_("Find the member first: type a few kana and press Enter."))
            return
        self.member_id = member_id
        self.accept()


class _NeededDelegate(QStyledItemDelegate):
    """The people-needed column is edited with a spin box of 0 to duty.MAX_NEEDED."""

    def createEditor(  # noqa: N802 - Qt override
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        box = QSpinBox(parent)
        box.setRange(0, duty.MAX_NEEDED)
        box.setSuffix(" " + _("people"))
        return box

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class DutyJobsDialog(BaseDialog):
    """The jobs of an event (係): names and people needed, in order; saved in one go."""

    settings_key = "duty_jobs"

    def __init__(
        self,
        ctx: Context,
        event_id: str,
        roles: tuple[duty.DutyRoleView, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Jobs of the duty roster"), parent)
        self.ctx = ctx
        self.event_id = event_id
        self.saved: tuple[duty.DutyRoleView, ...] | None = None
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_("Job"), _("People needed")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setItemDelegateForColumn(1, _NeededDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # Rows as tall as the window's other lists, so the spin box fits at large text too.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(row_height(self.table))
        caption = QLabel(
            _("&List of jobs (type to change a name; F2 or a number changes the people needed):")
        )
        caption.setWordWrap(True)
        caption.setBuddy(self.table)
        self.add_button = QPushButton(_("&Add"))
        self.remove_button = QPushButton(_("&Remove"))
        self.up_button = QPushButton(_("Move &up"))
        self.down_button = QPushButton(_("Move &down"))
        self.usual_button = QPushButton(_("The usual &jobs"))
        self.usual_button.setToolTip(
            _("Adds the usual jobs of a café that are not in the list yet.")
        )
        self.buttons = accept_cancel_buttons(self, self.save)
        row_buttons = FlowLayout()
        for b in (
            self.add_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.usual_button,
        ):
            row_buttons.addWidget(b)
        row_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.buttons)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            em = self.fontMetrics().horizontalAdvance("あ")
            self.resize(34 * em, 20 * em)

        for r in roles:
            self.add_row(r.name, r.needed)
        self.add_button.clicked.connect(lambda: self.add_row(edit=True))
        self.remove_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.usual_button.clicked.connect(self.add_usual)
        self.table.currentCellChanged.connect(lambda *_a: self._buttons())
        if self.table.rowCount():
            self.table.setCurrentCell(0, 0)
        self._buttons()
        self.table.setFocus()

    def values(self) -> list[tuple[str, int]]:
        """The rows as (name, people needed); rows left without a name are left out."""
        found: list[tuple[str, int]] = []
        for row in range(self.table.rowCount()):
            name_item, needed_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text().strip() if name_item is not None else ""
            if not name:
                continue
            value = needed_item.data(Qt.ItemDataRole.EditRole) if needed_item else 0
            found.append((name, int(value or 0)))
        return found

    def add_row(self, name: str = "", needed: int = 1, *, edit: bool = False) -> int:
        """Add a job at the end (and start typing its name, `edit`); its row."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._set_row(row, name, needed)
        self.table.setCurrentCell(row, 0)
        if edit:
            item = self.table.item(row, 0)
            if item is not None:
                self.table.editItem(item)
        self._buttons()
        return row

    def _set_row(self, row: int, name: str, needed: int) -> None:
        self.table.setItem(row, 0, QTableWidgetItem(name))
        count = QTableWidgetItem()
        count.setData(Qt.ItemDataRole.EditRole, needed)
        count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 1, count)

    def _row_values(self, row: int) -> tuple[str, int]:
        name_item, needed_item = self.table.item(row, 0), self.table.item(row, 1)
        value = needed_item.data(Qt.ItemDataRole.EditRole) if needed_item else 0
        return (name_item.text() if name_item else "", int(value or 0))

    def remove_row(self) -> None:
        """Remove the chosen job from the list (saved only with Save; a job with people on
        duty is refused then, by the service)."""
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.setCurrentCell(min(row, self.table.rowCount() - 1), 0)
        self._buttons()

    def move_row(self, step: int) -> None:
        """Move the chosen job up (-1) or down (1)."""
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        mine, theirs = self._row_values(row), self._row_values(other)
        self._set_row(row, *theirs)
        self._set_row(other, *mine)
        self.table.setCurrentCell(other, self.table.currentColumn())
        self._buttons()

    def add_usual(self) -> None:
        """Add the usual jobs of a café that the list does not have yet (none is replaced)."""
        have = {name for name, _n in self.values()}
        for name, needed in duty.default_roles():
            if name not in have:
                self.add_row(name, needed)

    def _buttons(self) -> None:
        row = self.table.currentRow()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.table.rowCount() - 1)

    def save(self) -> None:
        """Save the list; a refusal (a job with people on duty removed…) keeps it open."""
        wanted = self.values()
        self.saved = self.accept_unless_refused(
            lambda: duty.set_duty_roles(self.ctx, self.event_id, wanted)
        )
