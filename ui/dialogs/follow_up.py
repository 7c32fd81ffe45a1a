"""A follow-up: whom it was referred to, when and by whom, what came of it, and closing it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import watch
from app.core.i18n import gettext as _
from app.watch import visits
from ui.dialogs.base import BaseDialog
from ui.dialogs.visit import fill_combo, pydatetime, qdatetime
from ui.keys import shortcut
from ui.models.event_table import short_when
from ui.operations import Operation
from ui.widgets.date_field import DateTimeField

if TYPE_CHECKING:
    from app.core.context import Context

OTHER = "__other__"


class FollowUpDialog(BaseDialog):
    """Refer, record the result, close (or reopen) one follow-up."""

    settings_key = "follow_up"

    def __init__(
        self,
        ctx: Context,
        follow_id: str,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(_("Follow-up"), parent)
        self.ctx = ctx
        self.follow = visits.get_follow_up(ctx, follow_id)
        self.changed = False
        f = self.follow
        started = (now or datetime.now()).replace(second=0, microsecond=0)

        heading = QLabel(
            _("{name}: {outcome}, opened {date}").format(
                name=f.person_name,
                outcome=visits.label(visits.OUTCOMES, f.urgency),
                date=short_when(f.opened_at),
            )
        )
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        heading.setWordWrap(True)
        self.sharing_note = QLabel(
            _(
                "The person did not agree to sharing in an emergency: share only what is "
                "needed to protect their life or health."
            )
            if f.has_consent
            else _("No consent on record: share only what is needed to protect their life.")
        )
        self.sharing_note.setWordWrap(True)
        self.sharing_note.setVisible(not (f.has_consent and f.emergency_sharing))
        self.state = QLabel("")

        self.target = QComboBox()
        self.target.addItem(_("Choose…"), "")
        for t in watch.list_referral_targets(ctx):
            self.target.addItem(
                _("{name} ({kind})").format(
                    name=t.name, kind=watch.label(watch.REFERRAL_KINDS, t.kind)
                ),
                t.id,
            )
        self.target.addItem(_("Someone else…"), OTHER)
        self.other_kind = QComboBox()
        fill_combo(self.other_kind, watch.REFERRAL_KINDS, "family")
        self.other_name = QLineEdit()
        self.other_name.setPlaceholderText(_("Name (e.g. the eldest daughter)"))
        self.referred_at = DateTimeField(qdatetime(started))
        self.referred_by = QLineEdit(ctx.actor.name)
        self.refer_button = QPushButton(_("Save &referral"))
        refer = QGroupBox(_("Referred to"))
        refer_form = QFormLayout(refer)
        refer_form.addRow(self._buddy(_("&To"), self.target), self.target)
        other = QHBoxLayout()
        other.addWidget(self.other_kind)
        other.addWidget(self.other_name, 1)
        self.other_row = QWidget()
        self.other_row.setLayout(other)
        refer_form.addRow("", self.other_row)
        refer_form.addRow(self._buddy(_("&When"), self.referred_at), self.referred_at)
        refer_form.addRow(self._buddy(_("&By"), self.referred_by), self.referred_by)
        refer_form.addRow("", self.refer_button)

        self.result_text = QPlainTextEdit(f.result)
        self.result_text.setTabChangesFocus(True)
        self.result_text.setFixedHeight(self.result_text.fontMetrics().lineSpacing() * 4 + 12)
        self.result_text.setEnabled(f.has_consent)
        self.save_result_button = QPushButton(_("Save r&esult"))
        self.close_button = QPushButton(_("C&lose follow-up"))
        self.reopen_button = QPushButton(_("Re&open"))
        self.done_button = QPushButton(_("Done"))
        result_box = QGroupBox(_("Result"))
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.result_text)
        buttons = QHBoxLayout()
        for b in (self.save_result_button, self.close_button, self.reopen_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.sharing_note)
        layout.addWidget(self.state)
        layout.addWidget(refer)
        layout.addWidget(result_box)
        layout.addLayout(buttons)

        self.target.currentIndexChanged.connect(lambda _i: self._target_changed())
        self.refer_button.clicked.connect(self.refer)
        self.save_result_button.clicked.connect(self.save_result)
        self.close_button.clicked.connect(self.close_follow_up)
        self.reopen_button.clicked.connect(self.reopen)
        self.done_button.clicked.connect(self.accept)
        shortcut(self, QKeySequence("Ctrl+Return"), self.close_follow_up)
        if f.referred_to_id:
            self.target.setCurrentIndex(max(0, self.target.findData(f.referred_to_id)))
        elif f.referred_to_kind:
            self.target.setCurrentIndex(self.target.findData(OTHER))
            self.other_kind.setCurrentIndex(max(0, self.other_kind.findData(f.referred_to_kind)))
            self.other_name.setText(f.referred_to_name)
        if f.referred_at:
            self.referred_at.setDateTime(qdatetime(f.referred_at))
            self.referred_by.setText(f.referred_by)
        self._target_changed()
        self._show_state()
        self.target.setFocus()

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _target_changed(self) -> None:
        self.other_row.setVisible(self.target.currentData() == OTHER)

    def _show_state(self) -> None:
        f = self.follow
        if f.closed_at is not None:
            text = _("Closed {date}.").format(date=short_when(f.closed_at))
        elif f.referred_at is not None:
            text = _("Referred to {name} on {date}; still open.").format(
                name=f.referred_to_name, date=short_when(f.referred_at)
            )
        else:
            text = _("Open: not referred yet.")
        self.state.setText(text)
        closed = f.closed_at is not None
        self.close_button.setVisible(not closed)
        self.reopen_button.setVisible(closed)
        self.refer_button.setEnabled(not closed)

    def referral(self) -> visits.Referral:
        """The referral section as service input."""
        chosen = self.target.currentData()
        when = pydatetime(self.referred_at.dateTime())
        if chosen == OTHER:
            return visits.Referral(
                kind=self.other_kind.currentData(),
                name=self.other_name.text(),
                at=when,
                by=self.referred_by.text(),
            )
        return visits.Referral(target_id=chosen or None, at=when, by=self.referred_by.text())

    def _run(self, action: Callable[[], object]) -> bool:
        return Operation(self, action).success(self._done).run()

    def _done(self, result: object) -> None:
        if isinstance(result, visits.FollowUpView):
            self.follow = result
        self.changed = True
        self._show_state()

    def refer(self) -> None:
        """Save whom it was referred to."""
        self._run(lambda: visits.refer_follow_up(self.ctx, self.follow.id, self.referral()))

    def save_result(self) -> None:
        """Save what came of it, leaving it open."""
        text = self.result_text.toPlainText()
        self._run(lambda: visits.record_follow_up_result(self.ctx, self.follow.id, text))

    def close_follow_up(self) -> None:
        """Close it with the result written; it leaves the home page."""
        if self.follow.closed_at is not None:
            return
        text = self.result_text.toPlainText() if self.follow.has_consent else None
        if self._run(lambda: visits.close_follow_up(self.ctx, self.follow.id, text)):
            self.accept()

    def reopen(self) -> None:
        """Put it back on the home page."""
        self._run(lambda: visits.reopen_follow_up(self.ctx, self.follow.id))
