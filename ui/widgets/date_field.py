"""Date and time fields one types into: R8.12.2, 1330 or 午後1時半; a calendar on request."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import dates
from app.core.errors import UserError
from app.core.i18n import gettext as _
from ui.keys import shortcut


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _pydatetime(q: QDateTime) -> datetime:
    day, t = q.date(), q.time()
    return datetime(day.year(), day.month(), day.day(), t.hour(), t.minute())


class DateField(QWidget):
    """A line to type a date in any way people write one (2026/12/2, 令和8年12月2日, R8.12.2,
    8/12/2 in the era style); it shows the date back in the window's style with its weekday
    beside it, read-only; 📅 (or Alt+↓) opens a calendar. The QDateEdit calls the forms use
    (date, setDate, dateChanged) work the same."""

    dateChanged = Signal(QDate)  # noqa: N815 (as QDateEdit)

    def __init__(self, value: QDate | date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = date.today()
        self.edit = QLineEdit()
        self.edit.setAccessibleName(_("Date"))
        self.edit.setToolTip(_("Type a date such as R8.12.2, 令和8年12月2日 or 2026/12/2"))
        self.weekday = QLabel("")
        self.weekday.setObjectName("weekday")
        self.calendar_button = QPushButton(_("Calendar…"))
        self.calendar_button.setAutoDefault(False)
        # Why no Tab stop: a form is walked with Tab; the calendar is Alt+↓ or a click.
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.problem = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.weekday)
        layout.addWidget(self.calendar_button)
        self.setFocusProxy(self.edit)
        self.edit.editingFinished.connect(self._read)
        # Alt+↓ as on a combo box; only while this field has the focus.
        shortcut(self.edit, QKeySequence("Alt+Down"), self.open_calendar, local=True)
        self.set_value(_pydate(value) if isinstance(value, QDate) else value or date.today())

    def value(self) -> date:
        """The date shown (what was typed, once it reads as a date)."""
        self._read()
        return self._value

    def set_value(self, value: date) -> None:
        """Show `value` in the window's date style."""
        changed = value != self._value
        self._value = value
        self.problem = ""
        self.edit.setText(dates.show_date(value, weekday=False))
        self.weekday.setText(dates.show_date(value).removeprefix(self.edit.text()).strip())
        self.edit.setStyleSheet("")
        if changed:
            self.dateChanged.emit(_qdate(value))

    def _read(self) -> None:
        text = self.edit.text().strip()
        if text == dates.show_date(self._value, weekday=False):
            return
        try:
            typed = dates.parse_typed_date(text)
        except UserError as exc:
            # Why keep the text: the person sees what they typed and can correct it.
            self.problem = exc.message
            self.weekday.setText(_("(not a date)"))
            self.edit.setStyleSheet("color: #b00020;")
            return
        self.set_value(typed)

    def open_calendar(self) -> None:
        """A month calendar to pick the day from."""
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Choose a date"))
        calendar = QCalendarWidget()
        calendar.setGridVisible(True)
        calendar.setSelectedDate(_qdate(self.value()))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        calendar.activated.connect(lambda _d: dialog.accept())
        layout = QVBoxLayout(dialog)
        layout.addWidget(calendar)
        layout.addWidget(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_value(_pydate(calendar.selectedDate()))
        self.edit.setFocus()

    # QDateEdit's names, so the forms keep their calls.
    def date(self) -> QDate:
        """The date as a QDate."""
        return _qdate(self.value())

    def setDate(self, value: QDate) -> None:  # noqa: N802
        """Show the QDate `value`."""
        self.set_value(_pydate(value))


class TimeField(QLineEdit):
    """A time typed as 1330, 13:30, 13時30分 or 午後1時半; shown back as 13:30."""

    def __init__(self, value: time | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = value or time(13, 30)
        self.problem = ""
        self.setAccessibleName(_("Time"))
        self.setToolTip(_("Type a time such as 1330, 13:30 or 午後1時半"))
        self.setMaxLength(12)
        self.editingFinished.connect(self._read)
        self.set_value(self._value)

    def value(self) -> time:
        """The time shown."""
        self._read()
        return self._value

    def set_value(self, value: time) -> None:
        """Show `value` as 13:30."""
        self._value = value
        self.problem = ""
        self.setText(f"{value:%H:%M}")
        self.setStyleSheet("")

    # QTimeEdit's names, so the forms keep their calls.
    def time(self) -> QTime:
        """The time as a QTime."""
        moment = self.value()
        return QTime(moment.hour, moment.minute)

    def setTime(self, value: QTime) -> None:  # noqa: N802
        """Show the QTime `value`."""
        self.set_value(time(value.hour(), value.minute()))

    def _read(self) -> None:
        try:
            typed = dates.parse_time(self.text())
        except UserError as exc:
            self.problem = exc.message
            self.setStyleSheet("color: #b00020;")
            return
        self.set_value(typed)


class DateTimeField(QWidget):
    """A DateField and a TimeField side by side (QDateTimeEdit's dateTime/setDateTime)."""

    def __init__(self, value: QDateTime | datetime | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if isinstance(value, QDateTime):
            moment = _pydatetime(value)
        else:
            moment = value or datetime.now().replace(second=0, microsecond=0)
        self.date_field = DateField(moment.date())
        self.time_field = TimeField(moment.time().replace(second=0, microsecond=0))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date_field, 1)
        layout.addWidget(self.time_field)
        self.setFocusProxy(self.date_field)

    @property
    def problem(self) -> str:
        """Why the typed date or time does not read ("" when it does)."""
        return self.date_field.problem or self.time_field.problem

    def value(self) -> datetime:
        """The date and time shown."""
        return datetime.combine(self.date_field.value(), self.time_field.value())

    def dateTime(self) -> QDateTime:  # noqa: N802
        """As a QDateTime."""
        moment = self.value()
        return QDateTime(_qdate(moment.date()), QTime(moment.hour, moment.minute))

    def setDateTime(self, value: QDateTime) -> None:  # noqa: N802
        """Show the QDateTime `value`."""
        moment = _pydatetime(value)
        self.date_field.set_value(moment.date())
        self.time_field.set_value(moment.time().replace(second=0, microsecond=0))
