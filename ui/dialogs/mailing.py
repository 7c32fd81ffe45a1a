"""The mailing dialog: who (everyone, groups, an event's people), what (labels, postcards, roster,
call list), then a preview to print or save; the count of pieces and who is left out shown first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.printing import mailing
from app.printing.address_labels import SHEETS
from app.roster import households
from ui.dialogs.base import BaseDialog
from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog
from ui.operations import Operation, show_error

if TYPE_CHECKING:
    from app.core.context import Context

LABELS, POSTCARDS, ROSTER, CALL_LIST = "labels", "postcards", "roster", "call_list"
EVERYONE, GROUPS, EVENT, CHOSEN = "everyone", "groups", "event", "chosen"


@dataclass(frozen=True)
class _Selection:
    event_id: str | None
    tags: list[str]
    per_household: bool
    member_ids: list[str]


class MailingDialog(BaseDialog):
    """Choose the recipients and the print; `event_id` offers that event's registrants."""

    settings_key = "mailing"

    def __init__(
        self,
        ctx: Context,
        parent: QWidget | None = None,
        *,
        event_id: str | None = None,
        event_title: str = "",
        member_ids: list[str] | None = None,
    ) -> None:
        super().__init__(_("Mailing and lists"), parent)
        self.ctx = ctx
        self.event_id = event_id
        self.who = QButtonGroup(self)
        self.everyone = QRadioButton(_("All active members"))
        self.in_groups = QRadioButton(_("Members in these groups:"))
        self.registrants = QRadioButton(
            _("The people registered for {title}").format(title=event_title or _("this event"))
        )
        self.registrants.setVisible(event_id is not None)
        self.member_ids = list(member_ids or [])
        self.chosen = QRadioButton(
            _("The {count} members chosen in the list").format(count=len(self.member_ids))
        )
        self.chosen.setVisible(bool(self.member_ids))
        for value, button in (
            (EVERYONE, self.everyone),
            (GROUPS, self.in_groups),
            (EVENT, self.registrants),
            (CHOSEN, self.chosen),
        ):
            button.setProperty("who", value)
            self.who.addButton(button)
        self.groups = QListWidget()
        for tag, count in Operation(self, lambda: households.list_tags(ctx)).value() or []:
            item = QListWidgetItem(_("{tag} ({count})").format(tag=tag, count=count))
            item.setData(Qt.ItemDataRole.UserRole, tag)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.groups.addItem(item)
        self.in_groups.setEnabled(self.groups.count() > 0)
        # No groups yet: no empty list taking the room of six lines.
        self.groups.setVisible(self.groups.count() > 0)
        self.groups.setMaximumHeight(self.fontMetrics().height() * min(6, self.groups.count() + 1))
        self.per_household = QCheckBox(_("One piece per household (names together, 連名)"))
        self.per_household.setChecked(True)
        first = self.registrants if event_id else self.chosen if self.member_ids else self.everyone
        first.setChecked(True)

        self.what = QComboBox()
        self.what.addItem(_("Address labels"), LABELS)
        self.what.addItem(_("Postcards (vertical address)"), POSTCARDS)
        self.what.addItem(_("Member roster"), ROSTER)
        if event_id is not None:
            self.what.addItem(_("Call list for the day before"), CALL_LIST)
        self.sheet = QComboBox()
        for key, sheet in SHEETS.items():
            self.sheet.addItem(_(sheet.description), key)
        self.sheet.setCurrentIndex(self.sheet.findData("24"))
        self.start = QSpinBox()
        self.start.setRange(1, 24)
        self.outline = QCheckBox(_("Draw outlines (test print on plain paper)"))
        self.with_sender = QCheckBox(_("Print the chapter's return address"))

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.left_out_button = QPushButton(_("Who is left out…"))
        self.preview_button = QPushButton(_("Preview…"))
        self.preview_button.setDefault(True)
        close = QPushButton(_("Close"))

        who_box = QGroupBox(_("Send to"))
        who_layout = QVBoxLayout(who_box)
        for widget in (
            self.everyone,
            self.in_groups,
            self.groups,
            self.registrants,
            self.chosen,
            self.per_household,
        ):
            who_layout.addWidget(widget)
        what_box = QGroupBox(_("What to print"))
        form = QFormLayout(what_box)
        form.addRow(_("Print:"), self.what)
        form.addRow(_("Label sheet:"), self.sheet)
        form.addRow(_("Start at label:"), self.start)
        form.addRow(self.outline)
        form.addRow(self.with_sender)
        self._form = form
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.left_out_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(who_box)
        layout.addWidget(what_box)
        layout.addLayout(summary_row)
        layout.addLayout(buttons)

        self.who.buttonToggled.connect(self._who_toggled)
        self.groups.itemChanged.connect(lambda _i: self._groups_changed())
        self.per_household.toggled.connect(lambda _c: self.refresh())
        self.what.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.sheet.currentIndexChanged.connect(
            lambda _i: self.start.setMaximum(SHEETS[str(self.sheet.currentData())].per_sheet)
        )
        self.left_out_button.clicked.connect(self.show_left_out)
        self.preview_button.clicked.connect(lambda: self.open_preview())
        close.clicked.connect(self.reject)
        self.recipients: mailing.Recipients | None = None
        self._kind_changed()

    # --- choices ------------------------------------------------------------------------------

    def chosen_tags(self) -> list[str]:
        return [
            str(self.groups.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.groups.count())
            if self.groups.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _who_toggled(self, _button: object, on: bool) -> None:
        if on:
            self.refresh()

    def who_value(self) -> str:
        button = self.who.checkedButton()
        return str(button.property("who")) if button is not None else EVERYONE

    def kind(self) -> str:
        return str(self.what.currentData())

    def _groups_changed(self) -> None:
        if self.chosen_tags() and not self.in_groups.isChecked():
            self.in_groups.setChecked(True)
        else:
            self.refresh()

    def _kind_changed(self) -> None:
        kind = self.kind()
        for widget in (self.sheet, self.start):
            widget.setVisible(kind == LABELS)
            label = self._form.labelForField(widget)
            if label is not None:
                label.setVisible(kind == LABELS)
        self.outline.setVisible(kind in (LABELS, POSTCARDS))
        self.with_sender.setVisible(kind in (LABELS, POSTCARDS))
        self.per_household.setEnabled(kind in (LABELS, POSTCARDS))
        self.refresh()

    def _selection(self) -> _Selection:
        who = self.who_value()
        return _Selection(
            event_id=self.event_id if who == EVENT else None,
            tags=self.chosen_tags() if who == GROUPS else [],
            per_household=self.per_household.isChecked(),
            member_ids=self.member_ids if who == CHOSEN else [],
        )

    # --- work ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count the pieces and who is left out, before anything prints."""
        kind = self.kind()
        if kind in (ROSTER, CALL_LIST):
            self.summary.setText(
                _("The roster lists every active member.")
                if kind == ROSTER
                else _("The call list has everyone registered, with their phone numbers.")
            )
            self.left_out_button.setEnabled(False)
            self.preview_button.setEnabled(True)
            return
        chosen = self._selection()
        done = Operation(
            self,
            lambda: mailing.select_recipients(
                self.ctx,
                event_id=chosen.event_id,
                member_ids=chosen.member_ids,
                tags=chosen.tags,
                per_household=chosen.per_household,
            ),
        ).value()
        self.recipients = done
        if done is None:
            self.summary.setText("")
            self.preview_button.setEnabled(False)
            return
        self.summary.setText(done.summary())
        self.left_out_button.setEnabled(bool(done.left_out))
        self.preview_button.setEnabled(bool(done.pieces))

    def show_left_out(self) -> None:
        """Who the mailing leaves out, and why."""
        if self.recipients is None or not self.recipients.left_out:
            return
        lines = [
            _("{name}: {reason}").format(name=p.name, reason=mailing.reason_label(p.reason))
            for p in self.recipients.left_out
        ]
        show_error(self, self.recipients.summary(), lines)

    def make(self) -> tuple[str, PdfContent, int]:
        """The chosen print as a PDF (not yet written anywhere), its name and people."""
        kind = self.kind()
        chosen = self._selection()
        if kind == LABELS:
            done = mailing.print_labels(
                self.ctx,
                None,
                event_id=chosen.event_id,
                member_ids=chosen.member_ids,
                tags=chosen.tags,
                per_household=chosen.per_household,
                layout=str(self.sheet.currentData()),
                start=self.start.value(),
                outline=self.outline.isChecked(),
                sender=self.with_sender.isChecked(),
            )
        elif kind == POSTCARDS:
            done = mailing.print_postcards(
                self.ctx,
                None,
                event_id=chosen.event_id,
                member_ids=chosen.member_ids,
                tags=chosen.tags,
                per_household=chosen.per_household,
                sender=self.with_sender.isChecked(),
                outline=self.outline.isChecked(),
            )
        elif kind == ROSTER:
            done = mailing.print_roster(self.ctx, None, tags=chosen.tags)
        else:
            assert self.event_id is not None
            done = mailing.print_call_list(self.ctx, self.event_id, None)
        return kind, PdfContent(done.data or b"", list(done.warnings)), done.recipients.people

    def open_preview(self) -> PdfPreviewDialog | None:
        """Make the PDF in the background, then show it to print or save."""
        made: dict[str, tuple[str, int]] = {}

        def make(_choice: str) -> PdfContent:
            kind, content, people = self.make()
            made["last"] = (kind, people)
            return content

        def logged(destination: str) -> None:
            if "last" in made:
                kind, people = made["last"]
                mailing.record_output(self.ctx, kind, people, destination)

        names = {
            LABELS: _("Address labels"),
            POSTCARDS: _("Postcards"),
            ROSTER: _("Member roster"),
            CALL_LIST: _("Call list"),
        }
        title = names.get(self.kind(), _("Mailing"))
        dialog = PdfPreviewDialog(title, make, self, file_name=f"{title}.pdf", on_output=logged)
        dialog.preview()
        return dialog
