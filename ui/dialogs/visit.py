"""Logging a watch-over visit in under a minute, with the keyboard alone.

Tab goes down the form in reading order, every field has an Alt mnemonic, the signs are
checkboxes (Space ticks), and Ctrl+Enter saves from anywhere in the form.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import watch
from app.core.context import Permission
from app.core.i18n import gettext as _
from app.watch import visits
from ui import fit
from ui.dialogs.base import BaseDialog
from ui.keys import shortcut
from ui.widgets.date_field import DateField, DateTimeField

if TYPE_CHECKING:
    from app.core.context import Context

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


def qdate(d: date) -> QDate:
    """A QDate from a date."""
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    """A date from a QDate."""
    return date(q.year(), q.month(), q.day())


def qdatetime(d: datetime) -> QDateTime:
    """A QDateTime from a naive local datetime."""
    return QDateTime(qdate(d.date()), QTime(d.hour, d.minute))


def pydatetime(q: QDateTime) -> datetime:
    """A naive local datetime, to the minute, from a QDateTime."""
    day, t = q.date(), q.time()
    return datetime(day.year(), day.month(), day.day(), t.hour(), t.minute())


def fill_combo(combo: QComboBox, codes: dict[str, str], current: str = "") -> None:
    """Codes as the items' data, their translated labels as the text."""
    combo.clear()
    for code in codes:
        combo.addItem(visits.label(codes, code), code)
    index = combo.findData(current)
    combo.setCurrentIndex(max(0, index))


class VisitDialog(BaseDialog):
    """Log a visit to one person (or correct one already logged, with `visit_id`)."""

    settings_key = "visit"

    def __init__(
        self,
        ctx: Context,
        person_id: str,
        parent: QWidget | None = None,
        *,
        visit_id: str | None = None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(_("Correct visit") if visit_id else _("Log a visit"), parent)
        self.ctx = ctx
        self.visit_id = visit_id
        self.saved: visits.VisitView | None = None
        self.person = watch.get_person(ctx, person_id)
        started = (now or datetime.now()).replace(second=0, microsecond=0)

        self.who = QLabel(
            _("{name} ({kana})").format(name=self.person.full_name, kana=self.person.full_kana)
        )
        font = self.who.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.who.setFont(font)
        self.consent_note = QLabel(
            _("No consent on record: notes and signs cannot be saved until it is recorded.")
        )
        self.consent_note.setWordWrap(True)
        self.consent_note.setVisible(self.person.consent is None)

        self.when = DateTimeField(qdatetime(started))
        self.visitor = QComboBox()
        self.visitor.addItem(_("(not recorded)"), "")
        for v in watch.volunteer_choices(ctx):
            self.visitor.addItem(v.name, v.id)
        default_visitor = ctx.actor.member_id or (
            self.person.volunteer_ids[0] if self.person.volunteer_ids else ""
        )
        self.visitor.setCurrentIndex(max(0, self.visitor.findData(default_visitor)))
        self.visitor.setEnabled(ctx.actor.can(Permission.WATCH_READ_ALL))
        self.method = QComboBox()
        fill_combo(self.method, watch.METHODS, self.person.preferred_method)
        self.contact_result = QComboBox()
        fill_combo(self.contact_result, visits.CONTACT_RESULTS, "met")
        self.outcome = QComboBox()
        fill_combo(self.outcome, visits.OUTCOMES, "no_change")
        self.sign_boxes: dict[str, QCheckBox] = {}
        # The group's mnemonic (Alt+S) moves the focus to its first checkbox.
        signs_box = QGroupBox(_("&Signs noticed"))
        grid = QGridLayout(signs_box)
        for sign in visits.sign_checklist(ctx):
            self.sign_boxes[sign.code] = QCheckBox(sign.label)
        # Two columns when two of the longest fit the screen, else one (large text).
        widest = max((b.sizeHint().width() for b in self.sign_boxes.values()), default=0)
        columns = 2 if 2 * widest + 400 <= fit.client_room(self).width() else 1
        for n, box in enumerate(self.sign_boxes.values()):
            grid.addWidget(box, n // columns, n % columns)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
        self.next_on = QCheckBox(_("Ne&xt visit planned"))
        self.next_date = DateField(
            qdate(started.date() + timedelta(days=self.person.visit_interval_days))
        )
        self.next_date.setEnabled(False)
        self.next_on.toggled.connect(self.next_date.setEnabled)
        for widget in (self.notes, *self.sign_boxes.values()):
            widget.setEnabled(self.person.consent is not None)
        self.follow_note = QLabel(
            _("“Contact needed” and “Emergency” open a follow-up on the home page.")
        )
        self.follow_note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self._buddy(_("&When"), self.when), self.when)
        form.addRow(self._buddy(_("Visit&or"), self.visitor), self.visitor)
        form.addRow(self._buddy(_("&How"), self.method), self.method)
        form.addRow(self._buddy(_("&Result"), self.contact_result), self.contact_result)
        form.addRow(self._buddy(_("Out&come"), self.outcome), self.outcome)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(_("Save (Ctrl+Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        notes_form = QFormLayout()
        notes_form.addRow(self._buddy(_("&Notes"), self.notes), self.notes)
        notes_form.addRow(self.next_on, self.next_date)
        layout = QVBoxLayout(self)
        layout.addWidget(self.who)
        layout.addWidget(self.consent_note)
        layout.addLayout(form)
        layout.addWidget(self.follow_note)
        layout.addWidget(signs_box)
        layout.addLayout(notes_form)
        layout.addWidget(self.buttons)

        order: list[QWidget] = [self.when, self.visitor, self.method]
        order += [self.contact_result, self.outcome]
        order += list(self.sign_boxes.values())
        order += [self.notes, self.next_on, self.next_date, save]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        for key in SAVE_KEYS:
            shortcut(self, QKeySequence(key), self.save)
        if visit_id:
            self._load(visits.get_visit(ctx, visit_id))
        self.when.setFocus()

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _load(self, v: visits.VisitView) -> None:
        self.when.setDateTime(qdatetime(v.visited_at))
        self.visitor.setCurrentIndex(max(0, self.visitor.findData(v.visitor_member_id or "")))
        self.method.setCurrentIndex(max(0, self.method.findData(v.method)))
        self.contact_result.setCurrentIndex(max(0, self.contact_result.findData(v.contact_result)))
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(v.outcome)))
        for code, box in self.sign_boxes.items():
            box.setChecked(code in v.signs)
        self.notes.setPlainText(v.notes)
        self.next_on.setChecked(v.next_visit_on is not None)
        if v.next_visit_on:
            self.next_date.setDate(qdate(v.next_visit_on))

    def value(self) -> visits.VisitInput:
        """The form as service input."""
        return visits.VisitInput(
            person_id=self.person.id,
            visited_at=pydatetime(self.when.dateTime()),
            visitor_member_id=self.visitor.currentData() or None,
            method=self.method.currentData(),
            contact_result=self.contact_result.currentData(),
            outcome=self.outcome.currentData(),
            signs=tuple(code for code, box in self.sign_boxes.items() if box.isChecked()),
            notes=self.notes.toPlainText(),
            next_visit_on=pydate(self.next_date.date()) if self.next_on.isChecked() else None,
        )

    def save(self) -> None:
        """Save through the service; on refusal say why and keep the form open."""
        self.when.value()  # reads what was typed last
        if self.when.problem:
            self.show_error(self.when.problem)
            self.when.setFocus()
            return
        self.saved = self.save_record(
            self.ctx, self.visit_id, visits.log_visit, visits.update_visit, self.value
        )
