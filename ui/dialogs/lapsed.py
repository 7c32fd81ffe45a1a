"""Who has stopped coming: regulars not seen for some months, a note of the call made, and,
with the person's consent, a watch-over enrolment suggested."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import events
from app.core.context import Permission
from app.core.i18n import gettext as _
from app.events import attendance
from ui.dialogs.base import BaseDialog, confirm
from ui.models.event_table import Column, RowTableModel
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context
    from ui.dialogs.watch_person import WatchPersonDialog

COLUMNS: list[Column[attendance.LapsedMember]] = [
    Column(lambda: _("Name"), lambda r: r.name),
    Column(lambda: _("Reading"), lambda r: r.reading),
    Column(lambda: _("Times before"), lambda r: str(r.visits), numeric=True),
    Column(lambda: _("Last came"), lambda r: r.last_attended.isoformat()),
    Column(lambda: _("Last event"), lambda r: r.last_event_title),
]


class LapsedDialog(BaseDialog):
    """The lapsed list with its two settings, newest absence first."""

    settings_key = "lapsed"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Who has stopped coming"), parent)
        self.ctx = ctx
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setValue(attendance.DEFAULT_MONTHS)
        self.min_visits = QSpinBox()
        self.min_visits.setRange(1, 1000)
        self.min_visits.setValue(attendance.DEFAULT_MIN_VISITS)
        self.kind = QComboBox()
        self.kind.addItem(_("Every kind of event"), "")
        for code in events.KINDS:
            self.kind.addItem(events.kind_label(code), code)
        self.model: RowTableModel[attendance.LapsedMember] = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel("")
        self.count.setWordWrap(True)
        self.call_button = QPushButton(_("Note a phone call…"))
        # Only for whoever may enrol people under watch (coordinators); never automatic.
        self.can_suggest = ctx.actor.can(Permission.WATCH_WRITE) and ctx.actor.can(
            Permission.ROSTER_CONTACT
        )
        self.watch_button = QPushButton(_("Suggest watch-over…"))
        self.watch_button.setToolTip(
            _("With the person's consent: a new watch-over form filled in from the roster.")
        )
        self.watch_button.setVisible(self.can_suggest)
        close = QPushButton(_("Close"))

        settings = QHBoxLayout()
        settings.addWidget(QLabel(_("Not seen for")))
        settings.addWidget(self.months)
        settings.addWidget(QLabel(_("months,")))
        settings.addWidget(QLabel(_("after coming at least")))
        settings.addWidget(self.min_visits)
        settings.addWidget(QLabel(_("times")))
        settings.addWidget(self.kind, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.call_button)
        buttons.addWidget(self.watch_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.months.valueChanged.connect(lambda _v: self.refresh())
        self.min_visits.valueChanged.connect(lambda _v: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.call_button.clicked.connect(lambda: self.note_call())
        self.watch_button.clicked.connect(lambda: self.suggest_watch())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._buttons())
        close.clicked.connect(self.accept)
        self._buttons()  # nothing chosen until the list is in
        self.refresh()

    def refresh(self) -> None:
        """Ask the service again with the settings shown (in the background: a large roster
        takes a moment)."""
        months, visits = self.months.value(), self.min_visits.value()
        kind = str(self.kind.currentData() or "") or None
        Operation(
            self,
            lambda: attendance.lapsed_members(
                self.ctx, months=months, min_visits=visits, kind=kind
            ),
        ).success(self._show).run_in_background(_("Looking through the attendance…"))

    def _show(self, rows: list[attendance.LapsedMember]) -> None:
        self.model.set_rows(rows)
        self.count.setText(
            _("{count} regulars have not come for {months} months.").format(
                count=len(rows), months=self.months.value()
            )
            if rows
            else _("Everyone who came regularly has been seen lately.")
        )
        if rows:
            self.table.selectRow(0)
        self._buttons()

    def _buttons(self) -> None:
        chosen = self.selected() is not None
        self.call_button.setEnabled(chosen)
        self.watch_button.setEnabled(chosen and self.can_suggest)

    def selected(self) -> attendance.LapsedMember | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def note_call(self, text: str | None = None) -> str | None:
        """Write a dated line about a call to the chosen member's notes; the line written."""
        person = self.selected()
        if person is None:
            return None
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self,
                _("Note a phone call"),
                _("What was said with {name}?").format(name=person.name),
            )
            if not ok:
                return None
        said = text
        done = Operation(self, lambda: attendance.note_call(self.ctx, person.id, said))
        if done.run():
            self.count.setText(_("Noted in {name}'s notes.").format(name=person.name))
            return done.result
        return None

    def suggest_watch(self) -> WatchPersonDialog | None:
        """Once the person has agreed, open a new watch-over form filled in from the roster;
        the coordinator completes and saves it (nothing is made before Save). The form, or
        None when declined."""
        from app.watch.suggest import suggest_from_member
        from ui.dialogs.watch_person import WatchPersonDialog

        person = self.selected()
        if person is None or not self.can_suggest:
            return None
        found = Operation(self, lambda: suggest_from_member(self.ctx, person.id)).value()
        if found is None:
            return None
        question = "\n\n".join(
            (
                _("Has {name} agreed to be registered for watch-over visits?").format(
                    name=person.name
                ),
                _(
                    "Register only with the person's own consent. The form opens filled in "
                    "from the roster; nothing is saved until you save it."
                ),
            )
        )
        if found.same_name:
            question += "\n\n" + _(
                "Already under watch with the same name: {names}. Check it is not the same person."
            ).format(names=", ".join(found.same_name))
        if not confirm(self, _("Suggest watch-over"), question, _("Yes, they agreed")):
            return None
        form = Operation(
            self, lambda: WatchPersonDialog(self.ctx, None, self, initial=found.person)
        ).value()
        if form is None:
            return None
        if form.exec() and form.saved is not None:
            self.count.setText(
                _("{name} was registered for watch-over.").format(name=form.saved.full_name)
            )
        return form
