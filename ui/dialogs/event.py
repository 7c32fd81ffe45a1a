"""The event form: what, when and where, how to apply, partners and lecturers, dates of a
monthly event, quantities of a drive or donation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import events, partners
from app.core.dates import fiscal_year
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.events.views import EventInput, OccurrenceInput, PartnerLink
from ui import files
from ui.dialogs.base import BaseDialog, accept_cancel_buttons
from ui.models.event_table import short_when
from ui.operations import Operation, show_error
from ui.widgets.date_field import DateField, DateTimeField, TimeField
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context
    from app.events.views import EventView

ROLE = Qt.ItemDataRole.UserRole


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _qdatetime(d: datetime) -> QDateTime:
    return QDateTime(_qdate(d.date()), QTime(d.hour, d.minute))


def _pydatetime(q: QDateTime) -> datetime:
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _occurrence_text(o: OccurrenceInput) -> str:
    text = short_when(o.starts_at)
    if o.ends_at:
        text += f"–{o.ends_at:%H:%M}"
    if o.status != events.PLANNED:
        text += f"  [{events.status_label(o.status)}]"
    return text


class EventDialog(BaseDialog):
    """New (event_id None) or edit; saved through the events service."""

    settings_key = "event"

    def __init__(self, ctx: Context, event_id: str | None = None, parent: QWidget | None = None):
        super().__init__(_("Edit event") if event_id else _("New event"), parent)
        self.ctx = ctx
        self.event_id = event_id
        self.saved: EventView | None = None
        # Dates whose attendance is recorded: a new time for "the rest" leaves them as held.
        self._attended_dates: set[str] = set()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._what_tab(), _("Event"))
        self.tabs.addTab(self._when_tab(), _("Date and place"))
        self.tabs.addTab(self._apply_tab(), _("Application"))
        self.tabs.addTab(self._people_tab(), _("Partners and lecturers"))
        self.tabs.addTab(self._quantity_tab(), _("Quantities"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self._fill_directories()
        if event_id:
            self._load(events.get_event(ctx, event_id))
        else:
            self._recurrence_changed()
            self._dated_changed()
            self._usual_time()
            self.kind.currentIndexChanged.connect(lambda _i: self._usual_time())
            self.starts_at.time_field.editingFinished.connect(self._time_chosen)
        self.title.setFocus()

    def _time_chosen(self) -> None:
        self._time_typed = True

    def _usual_time(self) -> None:
        """A new event starts at the time this kind of event usually does (not the clock's
        hour), until the user types a time of their own."""
        if getattr(self, "_time_typed", False):
            return
        found = Operation(
            self, lambda: events.usual_time(self.ctx, str(self.kind.currentData()))
        ).value()
        if found is None:
            return
        start, end = found
        day = self.starts_at.dateTime().date()
        self.starts_at.setDateTime(QDateTime(day, QTime(start.hour, start.minute)))
        self.ends_at.setTime(QTime(end.hour, end.minute))

    # --- tabs ------------------------------------------------------------------------------

    def _what_tab(self) -> QWidget:
        self.kind = QComboBox()
        for key in events.KINDS:
            self.kind.addItem(events.kind_label(key), key)
        self.status = QComboBox()
        for key in events.STATUSES:
            self.status.addItem(events.status_label(key), key)
        self.series = QLineEdit()
        self.series.setPlaceholderText(_("e.g. まちづくり講座"))
        self.series_number = QSpinBox()
        self.series_number.setRange(0, 999)
        self.series_number.setSpecialValueText(_("—"))
        self.series_number.setPrefix(_("No. "))
        self.title = QLineEdit()
        self.catch_copy = QLineEdit()
        self.catch_copy.setPlaceholderText(_("One line above the title on the flyer"))
        self.themes = QListWidget()
        for key in events.THEMES:
            item = QListWidgetItem(events.theme_label(key))
            item.setData(ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self.themes.setMaximumHeight(self.themes.sizeHintForRow(0) * 6 + 8)
        self.other_themes = QLineEdit()
        self.other_themes.setPlaceholderText(_("Other themes, separated by 、"))
        self.scope = QComboBox()
        for key, label in events.SCOPES.items():
            self.scope.addItem(_(label), key)
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(_("What the flyer says about the event"))
        series_row = QHBoxLayout()
        series_row.addWidget(self.series, 1)
        series_row.addWidget(self.series_number)
        form = QFormLayout()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Status"), self.status)
        form.addRow(_("Series"), series_row)
        form.addRow(_("Title"), self.title)
        form.addRow(_("Catch copy"), self.catch_copy)
        form.addRow(_("Themes"), self.themes)
        form.addRow("", self.other_themes)
        form.addRow(_("For"), self.scope)
        form.addRow(_("Description"), self.description)
        page = QWidget()
        page.setLayout(form)
        return page

    def _when_tab(self) -> QWidget:
        self.recurrence = QComboBox()
        for key, label in events.RECURRENCES.items():
            self.recurrence.addItem(_(label), key)
        self.dated = QCheckBox(_("The date is fixed"))
        self.dated.setChecked(True)
        # Typed as people write dates (令和8年12月2日, R8.12.2 …) and times (1330, 午後1時半).
        self.starts_at = DateTimeField()
        now = datetime.now().replace(minute=0, second=0, microsecond=0)
        self.starts_at.setDateTime(_qdatetime(now + timedelta(days=14)))
        self.ends_at = TimeField()
        self.ends_at.setTime(QTime(now.hour + 2 if now.hour < 22 else 23, 0))
        self.has_end = QCheckBox(_("Ends at"))
        self.has_end.setChecked(True)
        self.dates_estimated = QCheckBox(_("The date is an estimate"))
        self.period_label = QLineEdit()
        self.period_label.setPlaceholderText(_("e.g. 6月・7月連続, or the monthly rule"))
        self.rule = QLineEdit()
        self.rule.setPlaceholderText(
            _("e.g. 第3水曜日 10:00～12:00, 毎週水曜 10:00, 隔週土曜 14:00 or 3rd Wednesday 10:00")
        )
        self.rule_year = QSpinBox()
        self.rule_year.setRange(2000, 2100)
        self.rule_year.setPrefix(_("FY "))
        self.rule_year.setValue(fiscal_year(date.today()))
        self.make_dates = QPushButton(_("Make a year of dates"))
        self.skip_holidays = QCheckBox(_("Leave out public holidays"))
        self.occurrences = QListWidget()
        self.add_date = QPushButton(_("Add date"))
        self.remove_date = QPushButton(_("Remove date"))
        self.cancel_date = QPushButton(_("Cancel / restore date"))
        self.move_date = QPushButton(_("Change this date…"))
        self.change_from = QPushButton(_("New time from this date on…"))
        self.venue = QLineEdit()
        self.venue_access = QLineEdit()
        self.venue_access.setPlaceholderText(_("e.g. JR赤羽駅 東口より徒歩5分"))
        self.municipality = QLineEdit()

        one = QHBoxLayout()
        one.addWidget(self.dated)
        one.addWidget(self.starts_at, 1)
        one.addWidget(self.has_end)
        one.addWidget(self.ends_at)
        self.single_box = QWidget()
        self.single_box.setLayout(one)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule, 1)
        rule_row.addWidget(self.rule_year)
        rule_row.addWidget(self.make_dates)
        # Wraps at 200 % text instead of pushing the form wider than a 1366 px screen.
        date_buttons = FlowLayout()
        for button in (
            self.add_date,
            self.remove_date,
            self.cancel_date,
            self.move_date,
            self.change_from,
        ):
            date_buttons.addWidget(button)
        monthly = QVBoxLayout()
        monthly.setContentsMargins(0, 0, 0, 0)
        monthly.addLayout(rule_row)
        monthly.addWidget(self.skip_holidays)
        monthly.addWidget(self.occurrences, 1)
        self.dates_note = QLabel()
        self.dates_note.setWordWrap(True)
        self.dates_note.setVisible(False)
        monthly.addWidget(self.dates_note)
        monthly.addLayout(date_buttons)
        self.monthly_box = QWidget()
        self.monthly_box.setLayout(monthly)
        form = QFormLayout()
        form.addRow(_("Schedule"), self.recurrence)
        form.addRow(_("Date"), self.single_box)
        form.addRow(_("Dates"), self.monthly_box)
        form.addRow("", self.dates_estimated)
        form.addRow(_("Period"), self.period_label)
        form.addRow(_("Venue"), self.venue)
        form.addRow(_("Access"), self.venue_access)
        form.addRow(_("Municipality"), self.municipality)
        self.when_form = form
        self.recurrence.currentIndexChanged.connect(lambda _i: self._recurrence_changed())
        self.dated.toggled.connect(lambda _c: self._dated_changed())
        self.has_end.toggled.connect(self.ends_at.setEnabled)
        self.make_dates.clicked.connect(self.make_year_of_dates)
        self.add_date.clicked.connect(self._add_date)
        self.remove_date.clicked.connect(self._remove_date)
        self.cancel_date.clicked.connect(self._toggle_cancel_date)
        self.move_date.clicked.connect(lambda: self.move_current_date())
        self.change_from.clicked.connect(lambda: self.change_time_from_current())
        page = QWidget()
        page.setLayout(form)
        return page

    def _apply_tab(self) -> QWidget:
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 100000)
        self.capacity.setSpecialValueText(_("no limit"))
        self.fee = QSpinBox()
        self.fee.setRange(-1, 1000000)
        self.fee.setSpecialValueText(_("not stated"))
        self.fee.setSuffix(_(" yen"))
        self.fee.setValue(-1)
        self.apply_how = QPlainTextEdit()
        self.apply_how.setFixedHeight(70)
        self.has_apply_by = QCheckBox(_("Apply by"))
        self.apply_by = DateField()
        self.apply_by.setDate(QDate.currentDate())
        self.apply_by.setEnabled(False)
        self.contact = QLineEdit()
        self.qr_url = QLineEdit()
        self.qr_url.setPlaceholderText("https://")
        self.image_path = QLineEdit()
        self.image_button = QPushButton(_("Choose…"))
        by_row = QHBoxLayout()
        by_row.addWidget(self.has_apply_by)
        by_row.addWidget(self.apply_by, 1)
        image_row = QHBoxLayout()
        image_row.addWidget(self.image_path, 1)
        image_row.addWidget(self.image_button)
        form = QFormLayout()
        form.addRow(_("Capacity"), self.capacity)
        form.addRow(_("Fee"), self.fee)
        form.addRow(_("How to apply"), self.apply_how)
        form.addRow(_("Deadline"), by_row)
        form.addRow(_("Contact"), self.contact)
        form.addRow(_("QR code link"), self.qr_url)
        form.addRow(_("Photo or illustration"), image_row)
        self.has_apply_by.toggled.connect(self.apply_by.setEnabled)
        self.image_button.clicked.connect(self._choose_image)
        page = QWidget()
        page.setLayout(form)
        return page

    def _people_tab(self) -> QWidget:
        self.partners = QListWidget()
        self.org_pick = QComboBox()
        self.org_pick.setEditable(True)
        self.org_pick.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.role_pick = QComboBox()
        for key in events.PARTNER_ROLES:
            self.role_pick.addItem(events.partner_role_label(key), key)
        self.add_partner = QPushButton(_("Add"))
        self.remove_partner = QPushButton(_("Remove"))
        self.new_org = QPushButton(_("New organisation…"))
        self.lecturers = QListWidget()
        self.lecturer_pick = QComboBox()
        self.lecturer_pick.setEditable(True)
        self.lecturer_pick.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.add_lecturer = QPushButton(_("Add"))
        self.remove_lecturer = QPushButton(_("Remove"))
        self.new_lecturer = QPushButton(_("New lecturer…"))
        grid = QGridLayout()
        grid.addWidget(QLabel(_("Organisers, co-hosts, donors, recipients")), 0, 0, 1, 4)
        grid.addWidget(self.partners, 1, 0, 1, 4)
        grid.addWidget(self.org_pick, 2, 0)
        grid.addWidget(self.role_pick, 2, 1)
        grid.addWidget(self.add_partner, 2, 2)
        grid.addWidget(self.remove_partner, 2, 3)
        grid.addWidget(self.new_org, 3, 0)
        grid.addWidget(QLabel(_("Lecturers")), 4, 0, 1, 4)
        grid.addWidget(self.lecturers, 5, 0, 1, 4)
        grid.addWidget(self.lecturer_pick, 6, 0, 1, 2)
        grid.addWidget(self.add_lecturer, 6, 2)
        grid.addWidget(self.remove_lecturer, 6, 3)
        grid.addWidget(self.new_lecturer, 7, 0)
        grid.setColumnStretch(0, 1)
        self.add_partner.clicked.connect(self._add_partner)
        self.remove_partner.clicked.connect(lambda: self._remove_current(self.partners))
        self.add_lecturer.clicked.connect(self._add_lecturer)
        self.remove_lecturer.clicked.connect(lambda: self._remove_current(self.lecturers))
        self.new_org.clicked.connect(self._new_organisation)
        self.new_lecturer.clicked.connect(self._new_lecturer)
        page = QWidget()
        page.setLayout(grid)
        return page

    def _quantity_tab(self) -> QWidget:
        self.quantity = QDoubleSpinBox()
        self.quantity.setRange(-1, 10_000_000)
        self.quantity.setDecimals(1)
        self.quantity.setSpecialValueText(_("—"))
        self.quantity.setValue(-1)
        self.unit = QComboBox()
        for key in events.QUANTITY_UNITS:
            self.unit.addItem(events.unit_label(key), key)
        self.recipients = QPlainTextEdit()
        self.recipients.setPlaceholderText(_("One recipient per line"))
        self.detail = QPlainTextEdit()
        q_row = QHBoxLayout()
        q_row.addWidget(self.quantity, 1)
        q_row.addWidget(self.unit)
        form = QFormLayout()
        form.addRow(_("Quantity"), q_row)
        form.addRow(_("Recipients"), self.recipients)
        form.addRow(_("Details"), self.detail)
        page = QWidget()
        page.setLayout(form)
        return page

    # --- directories -----------------------------------------------------------------------

    def _fill_directories(self) -> None:
        self.org_pick.clear()
        for org in partners.list_organisations(self.ctx):
            label = org.name if not org.short_name else f"{org.name}（{org.short_name}）"
            self.org_pick.addItem(label, org.id)
        self.org_pick.setCurrentIndex(-1)
        self.lecturer_pick.clear()
        for lec in partners.list_lecturers(self.ctx):
            label = lec.full_name
            if lec.affiliation_text:
                label += f"（{lec.affiliation_text}）"
            self.lecturer_pick.addItem(label, lec.id)
        self.lecturer_pick.setCurrentIndex(-1)

    def _picked(self, combo: QComboBox) -> tuple[str, str] | None:
        """(id, label) of the directory entry chosen or typed exactly."""
        at = combo.currentIndex()
        typed = combo.currentText().strip()
        if at < 0 or combo.itemText(at) != typed:
            at = combo.findText(typed)
        if at < 0:
            return None
        return str(combo.itemData(at)), combo.itemText(at)

    def _add_partner(self) -> None:
        picked = self._picked(self.org_pick)
        if picked is None:
            self.show_error(_("Pick an organisation from the directory, or make a new one."))
            return
        role = str(self.role_pick.currentData())
        self._append_partner(picked[0], picked[1], role)
        self.org_pick.setCurrentIndex(-1)
        self.org_pick.setEditText("")

    def _append_partner(self, org_id: str, name: str, role: str) -> None:
        for i in range(self.partners.count()):
            if self.partners.item(i).data(ROLE) == (org_id, role):
                return
        item = QListWidgetItem(f"{name} — {events.partner_role_label(role)}")
        item.setData(ROLE, (org_id, role))
        self.partners.addItem(item)

    def _add_lecturer(self) -> None:
        picked = self._picked(self.lecturer_pick)
        if picked is None:
            self.show_error(_("Pick a lecturer from the directory, or make a new one."))
            return
        self._append_lecturer(*picked)
        self.lecturer_pick.setCurrentIndex(-1)
        self.lecturer_pick.setEditText("")

    def _append_lecturer(self, lecturer_id: str, label: str) -> None:
        for i in range(self.lecturers.count()):
            if self.lecturers.item(i).data(ROLE) == lecturer_id:
                return
        item = QListWidgetItem(label)
        item.setData(ROLE, lecturer_id)
        self.lecturers.addItem(item)

    def _remove_current(self, widget: QListWidget) -> None:
        row = widget.currentRow()
        if row >= 0:
            widget.takeItem(row)

    def _new_organisation(self) -> None:
        from ui.dialogs.partner import OrganisationDialog

        dialog = OrganisationDialog(self.ctx, None, self)
        if dialog.exec() and dialog.saved is not None:
            self._fill_directories()
            self._append_partner(
                dialog.saved.id, dialog.saved.name, str(self.role_pick.currentData())
            )

    def _new_lecturer(self) -> None:
        from ui.dialogs.partner import LecturerDialog

        dialog = LecturerDialog(self.ctx, None, self)
        if dialog.exec() and dialog.saved is not None:
            self._fill_directories()
            label = dialog.saved.full_name
            if dialog.saved.affiliation_text:
                label += f"（{dialog.saved.affiliation_text}）"
            self._append_lecturer(dialog.saved.id, label)

    # --- dates -----------------------------------------------------------------------------

    def is_monthly(self) -> bool:
        """True when the form is set to many dates."""
        return self.recurrence.currentData() == events.MONTHLY

    def _recurrence_changed(self) -> None:
        monthly = self.is_monthly()
        self.when_form.setRowVisible(self.single_box, not monthly)
        self.when_form.setRowVisible(self.monthly_box, monthly)

    def _dated_changed(self) -> None:
        on = self.dated.isChecked()
        self.starts_at.setEnabled(on)
        self.has_end.setEnabled(on)
        self.ends_at.setEnabled(on and self.has_end.isChecked())

    def occurrence_inputs(self) -> list[OccurrenceInput]:
        """The dates in the list, in order."""
        return [self.occurrences.item(i).data(ROLE) for i in range(self.occurrences.count())]

    def _set_occurrences(self, items: list[OccurrenceInput]) -> None:
        self.occurrences.clear()
        for occ in sorted(items, key=lambda o: o.starts_at):
            item = QListWidgetItem(_occurrence_text(occ))
            item.setData(ROLE, occ)
            self.occurrences.addItem(item)

    def make_year_of_dates(self) -> bool:
        """Fill the list with a fiscal year of dates from the rule (dates kept where equal):
        monthly, weekly or every other week, public holidays left out when asked."""
        rule, year = self.rule.text(), self.rule_year.value()
        skip = self.skip_holidays.isChecked()
        making = Operation(
            self,
            lambda: events.rule_occurrences(
                events.parse_rule(rule), date(year, 4, 1), date(year + 1, 3, 31),
                skip_holidays=skip,
            ),
        )  # fmt: skip
        if not making.run():
            return False
        made = making.result
        have = {o.starts_at.date(): o for o in self.occurrence_inputs()}
        merged = dict(have)
        for occ in made:
            old = have.get(occ.starts_at.date())
            merged[occ.starts_at.date()] = (
                replace(old, starts_at=occ.starts_at, ends_at=occ.ends_at) if old else occ
            )
        self._set_occurrences(list(merged.values()))
        if not self.period_label.text().strip():
            self.period_label.setText(self.rule.text().strip())
        return True

    def _add_date(self) -> None:
        items = self.occurrence_inputs()
        last = items[-1].starts_at if items else _pydatetime(self.starts_at.dateTime())
        duration = (
            (items[-1].ends_at - items[-1].starts_at) if items and items[-1].ends_at else None
        )
        start = last + timedelta(days=28)
        items.append(OccurrenceInput(start, start + duration if duration else None))
        self._set_occurrences(items)

    def _remove_date(self) -> None:
        self._remove_current(self.occurrences)

    def _toggle_cancel_date(self) -> None:
        item = self.occurrences.currentItem()
        if item is None:
            return
        occ: OccurrenceInput = item.data(ROLE)
        status = events.PLANNED if occ.status == events.CANCELLED else events.CANCELLED
        changed = replace(occ, status=status)
        item.setData(ROLE, changed)
        item.setText(_occurrence_text(changed))

    def _current_date(self) -> tuple[int, OccurrenceInput] | None:
        row = self.occurrences.currentRow()
        if row < 0:
            return None
        occ: OccurrenceInput = self.occurrences.item(row).data(ROLE)
        return row, occ

    def move_current_date(self, to: datetime | None = None) -> bool:
        """Move the chosen date to another day or time; its registrations go with it."""
        chosen = self._current_date()
        if chosen is None:
            return False
        _row, occ = chosen
        if to is None:
            asked = MomentDialog(_("Change this date"), occ.starts_at, None, day=True, parent=self)
            if not asked.exec():
                return False
            to = asked.start()
        items = self.occurrence_inputs()
        if any(o.starts_at.date() == to.date() and o is not occ for o in items):
            show_error(self, _("The event already has a date on that day."))
            return False
        length = occ.ends_at - occ.starts_at if occ.ends_at else None
        moved = replace(occ, starts_at=to, ends_at=to + length if length else None)
        self._set_occurrences([moved if o is occ else o for o in items])
        self._select_date(moved)
        return True

    def change_time_from_current(self, start: time | None = None, end: time | None = None) -> int:
        """Give the chosen date and every later one a new time; dates that already have
        attendance keep theirs (the record says when people came). Returns how many changed."""
        chosen = self._current_date()
        if chosen is None:
            return 0
        _row, first = chosen
        if start is None:
            asked = MomentDialog(
                _("New time from this date on"), first.starts_at, first.ends_at, day=False,
                parent=self,
            )  # fmt: skip
            if not asked.exec():
                return 0
            start, end = asked.start().time(), asked.end()
        items, changed, kept = [], 0, 0
        for o in self.occurrence_inputs():
            if o.starts_at < first.starts_at or o.status == events.CANCELLED:
                items.append(o)
                continue
            if o.id is not None and o.id in self._attended_dates:
                kept += 1
                items.append(o)
                continue
            day = o.starts_at.date()
            items.append(
                replace(
                    o,
                    starts_at=datetime.combine(day, start),
                    ends_at=datetime.combine(day, end) if end else None,
                )
            )
            changed += 1
        self._set_occurrences(items)
        self.dates_note.setText(
            _("{n} dates with attendance recorded keep their time.").format(n=kept) if kept else ""
        )
        self.dates_note.setVisible(bool(kept))
        return changed

    def _select_date(self, occ: OccurrenceInput) -> None:
        for i in range(self.occurrences.count()):
            if self.occurrences.item(i).data(ROLE) == occ:
                self.occurrences.setCurrentRow(i)
                return

    def _choose_image(self) -> None:
        name = files.open_file_name(
            self, _("Photo or illustration"), _("Images (*.png *.jpg *.jpeg)")
        )
        if name:
            self.image_path.setText(name)

    # --- load and save ---------------------------------------------------------------------

    def _load(self, v: EventView) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(v.kind)))
        self.status.setCurrentIndex(max(0, self.status.findData(v.status)))
        self.series.setText(v.series)
        self.series_number.setValue(v.series_number or 0)
        self.title.setText(v.title)
        self.catch_copy.setText(v.catch_copy)
        known = set(events.THEMES)
        for i in range(self.themes.count()):
            item = self.themes.item(i)
            checked = item.data(ROLE) in v.themes
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.other_themes.setText("、".join(t for t in v.themes if t not in known))
        self.scope.setCurrentIndex(max(0, self.scope.findData(v.scope)))
        self.description.setPlainText(v.description)
        self.recurrence.setCurrentIndex(max(0, self.recurrence.findData(v.recurrence)))
        self.dated.setChecked(v.starts_at is not None)
        if v.starts_at is not None:
            self.starts_at.setDateTime(_qdatetime(v.starts_at))
        self.has_end.setChecked(v.ends_at is not None)
        if v.ends_at is not None:
            self.ends_at.setTime(QTime(v.ends_at.hour, v.ends_at.minute))
        self.dates_estimated.setChecked(v.dates_estimated)
        self.period_label.setText(v.period_label)
        if v.is_monthly:
            self.rule.setText(v.period_label)
            if v.occurrences:
                self.rule_year.setValue(fiscal_year(v.occurrences[-1].starts_at.date()))
        self._set_occurrences(list(v.to_input().occurrences))
        self._attended_dates = {o.id for o in v.occurrences if o.attended}
        self.venue.setText(v.venue)
        self.venue_access.setText(v.venue_access)
        self.municipality.setText(v.municipality)
        self.capacity.setValue(v.capacity or 0)
        self.fee.setValue(-1 if v.fee_yen is None else v.fee_yen)
        self.apply_how.setPlainText(v.apply_how)
        self.has_apply_by.setChecked(v.apply_by is not None)
        if v.apply_by is not None:
            self.apply_by.setDate(_qdate(v.apply_by))
        self.contact.setText(v.contact)
        self.qr_url.setText(v.qr_url)
        self.image_path.setText(v.image_path)
        for p in v.partners:
            self._append_partner(p.organisation_id, p.name, p.role)
        for lec in v.lecturers:
            label = lec.name + (f"（{lec.affiliation}）" if lec.affiliation else "")
            self._append_lecturer(lec.lecturer_id, label)
        self.quantity.setValue(-1 if v.quantity_value is None else v.quantity_value)
        self.unit.setCurrentIndex(max(0, self.unit.findData(v.quantity_unit)))
        self.recipients.setPlainText("\n".join(v.recipients))
        self.detail.setPlainText(v.detail)
        self._recurrence_changed()
        self._dated_changed()

    def value(self) -> EventInput:
        """The form as service input."""
        themes = [
            str(self.themes.item(i).data(ROLE))
            for i in range(self.themes.count())
            if self.themes.item(i).checkState() == Qt.CheckState.Checked
        ]
        themes += [
            t.strip()
            for t in self.other_themes.text().replace(",", "、").replace(";", "、").split("、")
            if t.strip()
        ]
        starts = ends = None
        for field, used in (
            (self.starts_at, self.dated.isChecked()),
            (self.ends_at, self.dated.isChecked() and self.has_end.isChecked()),
            (self.apply_by, self.has_apply_by.isChecked()),
        ):
            if used and field.problem:
                raise UserError(field.problem)
        if self.dated.isChecked():
            starts = _pydatetime(self.starts_at.dateTime())
            if self.has_end.isChecked():
                t = self.ends_at.time()
                ends = datetime.combine(starts.date(), time(t.hour(), t.minute()))
        quantity = self.quantity.value()
        return EventInput(
            title=self.title.text(),
            kind=str(self.kind.currentData()),
            series=self.series.text(),
            series_number=self.series_number.value() or None,
            catch_copy=self.catch_copy.text(),
            themes=tuple(themes),
            starts_at=starts,
            ends_at=ends,
            dates_estimated=self.dates_estimated.isChecked(),
            period_label=self.period_label.text(),
            venue=self.venue.text(),
            venue_access=self.venue_access.text(),
            municipality=self.municipality.text(),
            scope=str(self.scope.currentData()),
            capacity=self.capacity.value() or None,
            fee_yen=None if self.fee.value() < 0 else self.fee.value(),
            apply_how=self.apply_how.toPlainText(),
            apply_by=_pydate(self.apply_by.date()) if self.has_apply_by.isChecked() else None,
            contact=self.contact.text(),
            description=self.description.toPlainText(),
            recurrence=str(self.recurrence.currentData()),
            status=str(self.status.currentData()),
            quantity_value=None if quantity < 0 else quantity,
            quantity_unit=str(self.unit.currentData()) if quantity >= 0 else "",
            recipients=tuple(
                line.strip() for line in self.recipients.toPlainText().splitlines() if line.strip()
            ),
            detail=self.detail.toPlainText(),
            qr_url=self.qr_url.text(),
            image_path=self.image_path.text(),
            partners=tuple(
                PartnerLink(*self.partners.item(i).data(ROLE)) for i in range(self.partners.count())
            ),
            lecturer_ids=tuple(
                str(self.lecturers.item(i).data(ROLE)) for i in range(self.lecturers.count())
            ),
            occurrences=tuple(self.occurrence_inputs()),
        )

    def save(self) -> None:
        """Save through the service; a refusal keeps the form open and says why."""
        self.saved = self.save_record(
            self.ctx, self.event_id, events.create_event, events.update_event, self.value
        )


class MomentDialog(BaseDialog):
    """Asks for a new day and time (moving one date) or a new start and end time (the rest)."""

    settings_key = "moment"

    def __init__(
        self,
        title: str,
        start: datetime,
        end: datetime | None,
        *,
        day: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._day = day
        self._start = start
        form = QFormLayout(self)
        self.when = DateTimeField(start) if day else TimeField(start.time())
        form.addRow(_("Starts") if not day else _("Date and time"), self.when)
        self.has_end = QCheckBox(_("Ends at"))
        self.ends = TimeField((end or start + timedelta(hours=2)).time())
        self.has_end.setChecked(end is not None)
        self.ends.setEnabled(end is not None)
        self.has_end.toggled.connect(self.ends.setEnabled)
        if not day:
            row = QHBoxLayout()
            row.addWidget(self.has_end)
            row.addWidget(self.ends, 1)
            form.addRow("", row)
        form.addRow(accept_cancel_buttons(self, self._accept, _("Change")))
        self.when.setFocus()

    def start(self) -> datetime:
        """The new start (the old day with the new time, when only the time was asked)."""
        if isinstance(self.when, DateTimeField):
            return self.when.value()
        return datetime.combine(self._start.date(), self.when.value())

    def end(self) -> time | None:
        """The new end time, or None for none."""
        return self.ends.value() if self.has_end.isChecked() else None

    def _accept(self) -> None:
        if isinstance(self.when, DateTimeField) and self.when.problem:
            show_error(self, self.when.problem)
            return
        end = self.end()
        if end is not None and end <= self.start().time():
            show_error(self, _("The event ends before it starts."))
            return
        self.accept()
