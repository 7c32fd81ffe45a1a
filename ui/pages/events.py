"""The Events page: the year's events by date, their registrations, the desk and the prints."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import events
from app.core.context import Permission
from app.core.dates import fiscal_year, show_date, show_fiscal_year
from app.core.i18n import gettext as _
from app.printing import events as event_print
from ui import files
from ui.dialogs.base import confirm
from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog
from ui.keys import shortcut
from ui.models.event_table import EventTableModel, short_when
from ui.models.registration_table import RegistrationTableModel
from ui.operations import Operation
from ui.tables import fit_table
from ui.widgets.chapter_filter import ChapterFilter
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context
    from app.events.views import EventView


def _table(model: Any) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _file_name(kind: str, title: str) -> str:
    """A default file name in the UI language: チラシ_第18講….pdf, not flyer-….pdf."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_")[:30]
    label = re.sub(r'[\\/:*?"<>|\s]+', "_", event_print.print_kind_label(kind)).strip("_")
    return f"{label}_{safe}.pdf"


class EventsPage(QWidget):
    """Events by date (one fiscal year, kind or status at a time) above the registrations of
    the chosen event; buttons for the forms, the reception desk and every print."""

    # Any one of these lets an account see the page (checked by the main view).
    required_permissions: tuple[Permission, ...] = (Permission.EVENTS_READ,)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # (event, date) pairs already confirmed for checking in after the day.
        self._past_days_ok: set[tuple[str, str | None]] = set()
        self.writable = ctx.actor.can(Permission.EVENTS_WRITE)
        self.model = EventTableModel(self)
        self.reg_model = RegistrationTableModel(self)
        self.current: EventView | None = None

        self.year = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem(_("All kinds"), "")
        for key in events.KINDS:
            self.kind.addItem(events.kind_label(key), key)
        self.status = QComboBox()
        self.status.addItem(_("Any status"), "")
        for key in events.STATUSES:
            self.status.addItem(events.status_label(key), key)
        self.chapter_filter = ChapterFilter(ctx, area="events")
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: title, series or venue"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel("")
        self.table = _table(self.model)
        # The title takes the width; walk-ins, attended and kind go first when it is short.
        fit_table(self.table, stretch=2, secondary=[3, 1, 5, 6])

        self.new_button = QPushButton(_("New event…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.cancel_button = QPushButton(_("Cancel event…"))
        self.held_button = QPushButton(_("Mark as held"))
        self.import_button = QPushButton(_("Import…"))
        self.duty_button = QPushButton(_("Duty roster…"))
        self.print_buttons: dict[str, QPushButton] = {
            event_print.FLYER: QPushButton(_("Flyer…")),
            event_print.ATTENDANCE: QPushButton(_("Attendance sheet…")),
            event_print.SIGN_IN: QPushButton(_("Sign-in sheet…")),
            event_print.NAME_TAGS: QPushButton(_("Name tags…")),
            event_print.CAFE_GRID: QPushButton(_("Café year grid…")),
        }

        self.occurrence = QComboBox()
        self.occurrence_label = QLabel(_("Date:"))
        self.occurrence_label.setBuddy(self.occurrence)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.reg_counts = QLabel("")
        self.reg_table = _table(self.reg_model)
        fit_table(self.reg_table, stretch=1, secondary=[2, 4, 3, 5, 6, 7])
        self.member_button = QPushButton(_("Register member…"))
        self.guest_button = QPushButton(_("Register guest…"))
        self.check_button = QPushButton(_("Check in"))
        self.cancel_reg_button = QPushButton(_("Cancel registration…"))
        self.reception_button = QPushButton(_("Reception desk…"))

        # The search box takes a line of its own so the choices can wrap on a narrow screen.
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        filters = FlowLayout()
        filters.addWidget(self.year)
        filters.addWidget(self.kind)
        filters.addWidget(self.status)
        filters.addWidget(self.chapter_filter)
        plan_buttons = FlowLayout()
        for b in (self.new_button, self.edit_button, self.cancel_button, self.held_button):
            plan_buttons.addWidget(b)
        plan_buttons.addWidget(self.duty_button)
        plan_buttons.addStretch(1)
        plan_buttons.addWidget(self.import_button)
        print_row = FlowLayout()
        print_row.addWidget(QLabel(_("Print:")))
        for b in self.print_buttons.values():
            print_row.addWidget(b)
        self.mailing_button = QPushButton(_("Call list, labels…"))
        print_row.addWidget(self.mailing_button)
        print_row.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(search_row)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.count_label)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(plan_buttons)
        top_layout.addLayout(print_row)

        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.occurrence_label)
        head.addWidget(self.occurrence)
        reg_buttons = FlowLayout()
        for b in (
            self.member_button,
            self.guest_button,
            self.check_button,
            self.cancel_reg_button,
        ):
            reg_buttons.addWidget(b)
        reg_buttons.addStretch(1)
        reg_buttons.addWidget(self.reception_button)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(head)
        bottom_layout.addWidget(self.reg_counts)
        bottom_layout.addWidget(self.reg_table, 1)
        bottom_layout.addLayout(reg_buttons)
        # Five lines of each list always show (TableFit); on a small screen at large text the
        # page scrolls (ui/main_view.py) rather than squeeze a list to its header.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self._fill_years()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.year, self.kind, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.chapter_filter.changed.connect(lambda _c: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._event_chosen())
        self.table.doubleClicked.connect(lambda _i: self.edit_event())
        self.occurrence.currentIndexChanged.connect(lambda _i: self.refresh_registrations())
        self.reg_table.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._update_buttons()
        )
        self.new_button.clicked.connect(self.new_event)
        self.edit_button.clicked.connect(self.edit_event)
        self.cancel_button.clicked.connect(self.cancel_event)
        self.held_button.clicked.connect(self.mark_held)
        self.import_button.clicked.connect(self.import_file)
        for kind, button in self.print_buttons.items():
            button.clicked.connect(lambda _c=False, k=kind: self.open_print(k))
        self.member_button.clicked.connect(lambda: self.register(guest=False))
        self.guest_button.clicked.connect(lambda: self.register(guest=True))
        self.check_button.clicked.connect(self.toggle_check_in)
        self.cancel_reg_button.clicked.connect(self.cancel_registration)
        self.reception_button.clicked.connect(self.open_reception)
        self.mailing_button.clicked.connect(self.open_mailing)
        self.duty_button.clicked.connect(self.open_duty)
        shortcut(self, QKeySequence("Ctrl+N"), self.new_event)
        shortcut(self, QKeySequence("Ctrl+F"), self.search.setFocus)
        shortcut(self, QKeySequence("Ctrl+P"), lambda: self.open_print(event_print.FLYER))
        shortcut(self.table, QKeySequence(Qt.Key.Key_Return), self.edit_event, local=True)
        shortcut(self.reg_table, QKeySequence(Qt.Key.Key_Space), self.toggle_check_in, local=True)
        for b in (
            self.new_button,
            self.edit_button,
            self.cancel_button,
            self.held_button,
            self.import_button,
            self.member_button,
            self.guest_button,
            self.check_button,
            self.cancel_reg_button,
            self.reception_button,
        ):
            b.setVisible(self.writable)
        # Lists of people are a coordinator's: a visitor sees the flyer only, no dead buttons.
        people = ctx.actor.can(Permission.EVENTS_PEOPLE)
        for kind, button in self.print_buttons.items():
            button.setVisible(kind not in event_print.PERSONAL or people)
        self.mailing_button.setVisible(
            ctx.actor.can(Permission.ROSTER_EXPORT) and ctx.actor.can(Permission.ROSTER_CONTACT)
        )
        # The 当番表 names people: a visitor may read it, changing it is a coordinator's.
        self.duty_button.setVisible(
            ctx.actor.can(Permission.EVENTS_READ) and ctx.actor.can(Permission.ROSTER_READ)
        )
        self.refresh()

    # --- the event list --------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # A sync may have brought a new chapter since the page was last shown.
        self.chapter_filter.reload()
        super().showEvent(event)

    def _fill_years(self) -> None:
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(_("All years"), None)
        listed = Operation(self, lambda: events.fiscal_years(self.ctx)).failure(lambda _exc: None)
        years = listed.result if listed.run() else []
        this_year = fiscal_year(date.today())
        for fy in sorted({*years, this_year}, reverse=True):
            self.year.addItem(show_fiscal_year(fy), fy)
        chosen = this_year if this_year in years else (years[0] if years else None)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))
        self.year.blockSignals(False)

    def chosen_year(self) -> int | None:
        """The fiscal year shown (None: every year)."""
        value = self.year.currentData()
        return int(value) if value is not None else None

    def refresh(self) -> None:
        """List the events again, keeping the chosen one."""
        self._debounce.stop()
        keep = self.current_id()
        year, query = self.chosen_year(), self.search.text()
        chapter_id = self.chapter_filter.chapter_id()
        kind = str(self.kind.currentData() or "") or None
        status = str(self.status.currentData() or "") or None
        listed = Operation(
            self,
            lambda: events.list_events(
                self.ctx, year, kind=kind, status=status, query=query, chapter_id=chapter_id
            ),
        )
        if not listed.run():
            return
        rows = listed.result
        self.model.set_rows(rows)
        self.count_label.setText(_("{count} events").format(count=len(rows)))
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
        self._event_chosen()

    def current_id(self) -> str | None:
        """The chosen event's id."""
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_event(self, event_id: str) -> None:
        """Choose `event_id` in the list (showing every year if it is in another)."""
        row = self.model.row_of(event_id)
        if row < 0:
            self.year.setCurrentIndex(0)
            self.kind.setCurrentIndex(0)
            self.status.setCurrentIndex(0)
            self.search.clear()
            self.refresh()
            row = self.model.row_of(event_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _event_chosen(self) -> None:
        event_id = self.current_id()
        self.current = None
        if event_id is not None:
            found = Operation(self, lambda: events.get_event(self.ctx, event_id))
            if found.failure(lambda _exc: None).run():
                self.current = found.result
        self._fill_occurrences()
        self._show_summary()
        self.refresh_registrations()

    def _show_summary(self) -> None:
        v = self.current
        if v is None:
            self.summary.setText(_("Choose an event to see its registrations."))
            return
        parts = [" ".join(p for p in (v.series_label, v.title) if p)]
        if v.venue:
            parts.append(v.venue)
        if v.lecturers:
            parts.append(", ".join(lec.name for lec in v.lecturers))
        self.summary.setText("\u3000".join(parts))

    def _fill_occurrences(self) -> None:
        self.occurrence.blockSignals(True)
        self.occurrence.clear()
        v = self.current
        monthly = v is not None and v.is_monthly
        if v is not None and monthly:
            for occ in v.occurrences:
                label = short_when(occ.starts_at)
                if occ.status == events.CANCELLED:
                    label += f" [{events.status_label(occ.status)}]"
                self.occurrence.addItem(label, occ.id)
            chosen = events.default_occurrence(v)
            self.occurrence.setCurrentIndex(max(0, self.occurrence.findData(chosen)))
        self.occurrence.setVisible(monthly)
        self.occurrence_label.setVisible(monthly)
        self.occurrence.blockSignals(False)

    def current_occurrence(self) -> str | None:
        """The chosen date of a monthly event (None for a single-date event)."""
        if self.current is None or not self.current.is_monthly:
            return None
        value = self.occurrence.currentData()
        return str(value) if value else None

    # --- registrations ---------------------------------------------------------------------

    def refresh_registrations(self) -> None:
        """Show the registrations (and counts) of the chosen event or date."""
        v = self.current
        if v is None:
            self.reg_model.set_rows([])
            self.reg_counts.setText("")
            self._update_buttons()
            return
        keep = self.current_registration_id()
        occ = self.current_occurrence()
        regs = events.list_registrations(self.ctx, v.id, occ)
        self.reg_model.set_rows(regs)
        c = events.registration_counts(self.ctx, v.id, occ)
        text = _("Registered {registered}").format(registered=c.registered)
        if c.capacity is not None:
            text = _("Registered {registered} of {capacity}").format(
                registered=c.registered, capacity=c.capacity
            )
        text += "   " + _(
            "wait-listed {waitlisted}, present {attended}, walk-ins {walk_ins}, "
            "cancelled {cancelled}"
        ).format(
            waitlisted=c.waitlisted,
            attended=c.attended,
            walk_ins=c.walk_ins,
            cancelled=c.cancelled,
        )
        self.reg_counts.setText(text)
        row = self.reg_model.row_of(keep) if keep else -1
        if row >= 0:
            self.reg_table.selectRow(row)
        self._update_buttons()

    def current_registration_id(self) -> str | None:
        """The chosen registration's id."""
        index = self.reg_table.currentIndex()
        return self.reg_model.id_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        v = self.current
        chosen = v is not None
        open_event = chosen and v is not None and v.status != events.CANCELLED
        dated = chosen and v is not None and (v.starts_at is not None or bool(v.occurrences))
        self.edit_button.setEnabled(chosen)
        self.cancel_button.setEnabled(bool(open_event))
        self.held_button.setEnabled(bool(open_event) and v is not None and v.status != events.HELD)
        for kind, button in self.print_buttons.items():
            ok = bool(dated)
            if kind == event_print.CAFE_GRID:
                ok = ok and v is not None and v.is_monthly
            button.setEnabled(ok)
        self.member_button.setEnabled(bool(open_event))
        self.guest_button.setEnabled(bool(open_event))
        self.reception_button.setEnabled(bool(dated))
        self.mailing_button.setEnabled(chosen)
        self.duty_button.setEnabled(chosen)
        reg = self.reg_model.row_at(self.reg_table.currentIndex().row())
        live = reg is not None and reg.status != events.REG_CANCELLED
        self.check_button.setEnabled(live)
        self.cancel_reg_button.setEnabled(live)
        self.check_button.setText(
            _("Undo check-in") if reg is not None and reg.attended else _("Check in")
        )

    def register(self, guest: bool) -> None:
        """Register a member or a guest for the chosen event (or date)."""
        from ui.dialogs.event_register import RegisterDialog

        v = self.current
        if v is None:
            return
        occurrence = self.current_occurrence()
        dialog = Operation(
            self, lambda: RegisterDialog(self.ctx, v.id, occurrence, self, guest=guest)
        ).value()
        if dialog is not None and dialog.exec() and dialog.saved is not None:
            self._after_change()
            row = self.reg_model.row_of(dialog.saved.id)
            if row >= 0:
                self.reg_table.selectRow(row)

    def confirm_past_day(self) -> bool:
        """True to go on checking people in: at once on the day or before it; after it, once
        asked (the check-in keeps the event's own date, app.events.registrations._check_in_time)."""
        v = self.current
        if v is None:
            return False
        occurrence = self.current_occurrence()
        when = v.starts_at
        for occ in v.occurrences:
            if occ.id == occurrence:
                when = occ.starts_at
        key = (v.id, occurrence)
        if when is None or when.date() >= date.today() or key in self._past_days_ok:
            return True
        day = show_date(when.date())
        if not confirm(
            self,
            _("This event has ended"),
            _(
                "This event was on {date}. Check people in for that day? "
                "Their attendance is recorded on {date}."
            ).format(date=day),
            _("Check in for that day"),
        ):
            return False
        self._past_days_ok.add(key)
        return True

    def toggle_check_in(self) -> None:
        """Check the chosen person in, or take the check-in back."""
        reg = self.reg_model.row_at(self.reg_table.currentIndex().row())
        if reg is None:
            return
        if not reg.attended and not self.confirm_past_day():
            return
        toggle = events.undo_check_in if reg.attended else events.check_in
        Operation(self, lambda: toggle(self.ctx, reg.id)).success(
            lambda _r: self._after_change()
        ).run()

    def cancel_registration(self) -> None:
        """Cancel the chosen registration after asking; say who moved up."""
        reg = self.reg_model.row_at(self.reg_table.currentIndex().row())
        if reg is None:
            return
        if not confirm(
            self,
            _("Cancel registration"),
            _("Cancel the registration of {name}?").format(name=reg.name),
            _("Cancel registration"),
        ):
            return
        Operation(self, lambda: events.cancel_registration(self.ctx, reg.id)).success(
            self._cancelled
        ).run()

    def _cancelled(self, result: events.CancelResult) -> None:
        self._after_change()
        if result.moved_up:
            names = "、".join(r.name for r in result.moved_up)
            self.reg_counts.setText(
                self.reg_counts.text()
                + "\n"
                + _("{names} moved up from the wait-list.").format(names=names)
            )

    def open_reception(self) -> None:
        """The reception desk for the chosen event (or date)."""
        from ui.dialogs.reception import ReceptionDialog

        v = self.current
        if v is None or not self.confirm_past_day():
            return
        occurrence = self.current_occurrence()
        dialog = Operation(self, lambda: ReceptionDialog(self.ctx, v.id, occurrence, self)).value()
        if dialog is not None:
            dialog.exec()
        self._after_change()

    def _after_change(self) -> None:
        keep_reg = self.current_registration_id()
        self.refresh()
        if keep_reg:
            row = self.reg_model.row_of(keep_reg)
            if row >= 0:
                self.reg_table.selectRow(row)

    # --- planning --------------------------------------------------------------------------

    def new_event(self) -> None:
        """The form for a new event."""
        from ui.dialogs.event import EventDialog

        if not self.writable:
            return
        dialog = Operation(self, lambda: EventDialog(self.ctx, None, self)).value()
        if dialog is not None and dialog.exec() and dialog.saved is not None:
            self._fill_years()
            self.refresh()
            self.select_event(dialog.saved.id)

    def edit_event(self) -> None:
        """The form of the chosen event."""
        from ui.dialogs.event import EventDialog

        event_id = self.current_id()
        if event_id is None or not self.writable:
            return
        dialog = Operation(self, lambda: EventDialog(self.ctx, event_id, self)).value()
        if dialog is not None and dialog.exec():
            self._fill_years()
            self.refresh()
            self.select_event(event_id)

    def cancel_event(self) -> None:
        """Cancel the chosen event after asking (registrations stay, to tell the people)."""
        v = self.current
        if v is None:
            return
        if not confirm(
            self,
            _("Cancel event"),
            _("Cancel {title}? Its registrations stay so that the people can be told.").format(
                title=v.title
            ),
            _("Cancel event"),
        ):
            return
        Operation(self, lambda: events.cancel_event(self.ctx, v.id)).success(
            lambda _r: self.refresh()
        ).run()

    def mark_held(self) -> None:
        """Mark the chosen event as held."""
        v = self.current
        if v is not None:
            Operation(self, lambda: events.set_event_status(self.ctx, v.id, events.HELD)).success(
                lambda _r: self.refresh()
            ).run()

    def import_file(self) -> Operation[events.EventImportReport] | None:
        """Import events from a JSON, CSV or XLSX file (in the background)."""
        name = files.open_file_name(
            self, _("Import events"), _("Event files (*.json *.csv *.xlsx);;All files (*)")
        )
        if not name:
            return None
        return (
            Operation(self, lambda: events.import_events(self.ctx, Path(name)))
            .success(self._imported)
            .run_in_background(_("Importing…"))
        )

    def _imported(self, report: events.EventImportReport) -> None:
        self._fill_years()
        self.refresh()
        self.count_label.setText(
            _("{added} events added, {updated} updated.").format(
                added=report.added, updated=report.updated
            )
        )

    # --- prints ----------------------------------------------------------------------------

    def make_preview(self, kind: str) -> PdfPreviewDialog | None:
        """The preview of a print of the chosen event, its PDF being made in the background
        (not yet executed; deleted again if the PDF cannot be made)."""
        dialog = self.preview_dialog(kind)
        if dialog is not None:
            made = dialog.refresh()
            made.always(lambda: None if made.succeeded else dialog.deleteLater())
        return dialog

    def preview_dialog(self, kind: str) -> PdfPreviewDialog | None:
        """The preview of a print of the chosen event, its PDF not yet made."""
        v = self.current
        if v is None:
            return None
        occurrence_id = self.current_occurrence()
        fy = self.chosen_year()
        if kind == event_print.CAFE_GRID and v.occurrences:
            chosen = next((o for o in v.occurrences if o.id == occurrence_id), v.occurrences[0])
            fy = fiscal_year(chosen.starts_at.date())
        job = event_print.PrintJob(kind, v.id, occurrence_id=occurrence_id, fiscal_year=fy)
        made: dict[str, event_print.PrintOutcome] = {}

        def make(choice: str, **options: Any) -> PdfContent:
            outcome = event_print.render(self.ctx, replace(job, template=choice, **options))
            made["last"] = outcome
            return PdfContent(outcome.data or b"", list(outcome.warnings))

        def logged(destination: str) -> None:
            if "last" in made:
                event_print.record_output(self.ctx, made["last"], destination)

        dialog = PdfPreviewDialog(
            f"{event_print.print_kind_label(kind)}: {v.title}",
            make,
            self,
            choices=event_print.templates_for(kind),
            choice=event_print.default_template(kind),
            file_name=_file_name(kind, v.title),
            on_output=logged,
            choices_label={
                event_print.FLYER: _("Template:"),
                event_print.NAME_TAGS: _("Label sheet:"),
            }.get(kind, _("Paper:")),
            papers=kind == event_print.FLYER,
            name_tag_options=kind == event_print.NAME_TAGS,
        )
        return dialog

    def open_mailing(self) -> None:
        """The event's call list, or labels and postcards for its registrants."""
        from ui.dialogs.mailing import MailingDialog

        v = self.current
        if v is None:
            return
        dialog = Operation(
            self, lambda: MailingDialog(self.ctx, self, event_id=v.id, event_title=v.title)
        ).value()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def open_duty(self) -> None:
        """The duty roster (当番表) of the chosen event."""
        from ui.dialogs.duty import DutyDialog

        v = self.current
        if v is None or self.duty_button.isHidden():
            return
        dialog = Operation(self, lambda: DutyDialog(self.ctx, v.id, self)).value()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def open_print(self, kind: str) -> None:
        """Preview a print of the chosen event, to print or save it."""
        dialog = self.preview_dialog(kind)
        if dialog is not None:
            dialog.preview()
