"""The reception desk on the day: type a few kana, Enter, and the person is checked in.

Made for the keyboard alone and for reading at arm's length: text at 160% of the program's
font, the search field always ready, Up/Down to choose among several matches, a two-field row
for people who come without registering, live counts. Escape clears, it never closes the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import events
from app.core.i18n import gettext as _
from ui.dialogs.base import BaseDialog
from ui.keys import shortcut
from ui.models.event_table import short_when
from ui.models.registration_table import ReceptionListModel
from ui.operations import Operation
from ui.style import BASE_POINT_SIZE
from ui.tables import fit_table
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.reading_capture import ReadingCaptureLineEdit, connect_reading

if TYPE_CHECKING:
    from app.core.context import Context
    from app.events.views import RegistrationView

T = TypeVar("T")

TEXT_SCALE = 1.6  # of the program's font: readable at arm's length across a desk


class ReceptionDialog(BaseDialog):
    """Check people in for one event (one date of a monthly event), by keyboard."""

    settings_key = "reception"

    def __init__(
        self,
        ctx: Context,
        event_id: str,
        occurrence_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        view = events.get_event(ctx, event_id)
        super().__init__(_("Reception: {title}").format(title=view.title), parent)
        self.ctx = ctx
        self.event_id = event_id
        if view.is_monthly and occurrence_id is None:
            occurrence_id = events.default_occurrence(view)
        self.occurrence_id = occurrence_id
        self._done: list[tuple[str, bool]] = []  # (registration id, was a walk-in) for Undo
        when = view.starts_at
        for occ in view.occurrences:
            if occ.id == occurrence_id:
                when = occ.starts_at
        font = QFont(QApplication.font())
        # Why not always ×1.6: at 200 % text the program's font is already large enough.
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE * TEXT_SCALE))
        self.setFont(font)

        self.heading = QLabel(" ".join(p for p in (view.series_label, view.title) if p))
        self.heading.setWordWrap(True)
        heading_font = QFont(font)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.when = QLabel(short_when(when))
        self.counts_label = QLabel("")
        counts_font = QFont(font)
        counts_font.setPointSizeF(font.pointSizeF() * 1.4)
        counts_font.setBold(True)
        self.counts_label.setFont(counts_font)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type a few kana of the name, then Enter"))
        self.search.setClearButtonEnabled(True)
        self.model = ReceptionListModel(self)
        self.matches = QTableView()
        self.matches.setModel(self.model)
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matches.verticalHeader().hide()
        fit_table(self.matches, stretch=1, secondary=[3], rows=3)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.walk_in_name = ReadingCaptureLineEdit()
        self.walk_in_name.setPlaceholderText(_("Name"))
        self.walk_in_reading = QLineEdit()
        self.walk_in_reading.setPlaceholderText(_("Reading"))
        self._follower = connect_reading(self.walk_in_name, self.walk_in_reading)
        self.walk_in_button = QPushButton(_("Add walk-in"))
        self.undo_button = QPushButton(_("Undo last"))
        self.close_button = QPushButton(_("Close"))
        for button in (self.walk_in_button, self.undo_button, self.close_button):
            button.setAutoDefault(False)

        top = FlowLayout()
        top.addWidget(self.when)
        top.addStretch(1)
        top.addWidget(self.counts_label)
        walk = FlowLayout()
        walk.addWidget(QLabel(_("Walk-in:")))
        walk.addWidget(self.walk_in_name)
        walk.addWidget(self.walk_in_reading)
        walk.addWidget(self.walk_in_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.matches, 1)
        layout.addWidget(self.message)
        layout.addLayout(walk)
        layout.addLayout(bottom)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            self.resize(1000, 760)
        self.setTabOrder(self.search, self.walk_in_name)
        self.setTabOrder(self.walk_in_name, self.walk_in_reading)
        self.setTabOrder(self.walk_in_reading, self.walk_in_button)

        self.search.textChanged.connect(lambda _t: self.refresh_matches())
        self.search.returnPressed.connect(self.check_in_selected)
        self.search.installEventFilter(self)
        self.walk_in_name.returnPressed.connect(self.walk_in_reading.setFocus)
        self.walk_in_reading.returnPressed.connect(self.add_walk_in)
        self.walk_in_button.clicked.connect(self.add_walk_in)
        self.undo_button.clicked.connect(self.undo_last)
        self.close_button.clicked.connect(self.accept)
        shortcut(self, QKeySequence("Ctrl+Z"), self.undo_last)
        shortcut(self, QKeySequence("Ctrl+F"), self.focus_search)
        shortcut(self, QKeySequence("Ctrl+J"), self.walk_in_name.setFocus)
        self.refresh_matches()
        self.refresh_counts()
        self.search.setFocus()

    # --- keys ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:
                self.move_selection(1)
                return True
            if event.key() == Qt.Key.Key_Up:
                self.move_selection(-1)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Escape clears and goes back to the search; a reception desk is closed on purpose.
        if event.key() == Qt.Key.Key_Escape:
            self.focus_search()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def focus_search(self) -> None:
        """Empty the search field and put the cursor there."""
        self.search.clear()
        self.search.setFocus()

    def move_selection(self, step: int) -> None:
        """Choose the next (step 1) or previous (step -1) match."""
        count = self.model.rowCount()
        if not count:
            return
        row = self.matches.currentIndex().row()
        row = min(count - 1, max(0, row + step))
        self.matches.selectRow(row)

    # --- work ------------------------------------------------------------------------------

    def _call(self, call: Callable[[], T]) -> Operation[T]:
        """A service call whose refusal is said in the desk's message line (no box to close)."""
        return Operation(self, call).failure(lambda exc: self.message.setText(exc.message))

    def refresh_matches(self) -> None:
        """Show who matches the search (those not yet here first) and choose the first."""
        text = self.search.text()
        self._call(
            lambda: events.find_for_reception(self.ctx, self.event_id, text, self.occurrence_id)
        ).success(self._show_matches).run()

    def _show_matches(self, found: list[RegistrationView]) -> None:
        self.model.set_rows(found)
        if found:
            self.matches.selectRow(0)

    def refresh_counts(self) -> None:
        """The live counts: present of expected, and walk-ins."""
        c = events.registration_counts(self.ctx, self.event_id, self.occurrence_id)
        text = _("Present {attended} / {expected}").format(attended=c.attended, expected=c.expected)
        if c.walk_ins:
            text += "  " + _("(walk-ins {n})").format(n=c.walk_ins)
        self.counts_label.setText(text)

    def selected(self) -> RegistrationView | None:
        """The match Enter would check in."""
        index = self.matches.currentIndex()
        row = index.row() if index.isValid() else 0
        return self.model.row_at(row)

    def check_in_selected(self) -> None:
        """Check in the chosen match; say who, or why not."""
        person = self.selected()
        typed = self.search.text().strip()
        if person is None:
            if typed:
                self.message.setText(
                    _("No one matches “{text}”. Add the person as a walk-in below.").format(
                        text=typed
                    )
                )
            return
        if person.attended:
            when = person.checked_in_at.strftime("%H:%M") if person.checked_in_at else ""
            self.message.setText(
                _("{name} is already checked in ({time}).").format(name=person.name, time=when)
            )
            self.search.selectAll()
            return
        self._call(lambda: events.check_in(self.ctx, person.id)).success(self._checked_in).run()

    def _checked_in(self, done: RegistrationView) -> None:
        self._done.append((done.id, False))
        self.message.setText(_("✓ {name} checked in.").format(name=done.name))
        self.search.clear()
        self.refresh_matches()
        self.refresh_counts()

    def add_walk_in(self) -> None:
        """Add the person in the walk-in row as come without registering."""
        name = self.walk_in_name.text().strip()
        if not name:
            self.walk_in_name.setFocus()
            return
        reading = self.walk_in_reading.text()
        self._call(
            lambda: events.add_walk_in(self.ctx, self.event_id, name, reading, self.occurrence_id)
        ).success(self._walked_in).run()

    def _walked_in(self, done: RegistrationView) -> None:
        self._done.append((done.id, True))
        self.message.setText(_("✓ {name} added as a walk-in.").format(name=done.name))
        self.walk_in_name.clear()
        self.walk_in_reading.clear()
        self.search.clear()
        self.refresh_matches()
        self.refresh_counts()
        self.search.setFocus()

    def undo_last(self) -> None:
        """Take back the last check-in or walk-in."""
        if not self._done:
            return
        registration_id, walk_in = self._done.pop()
        self._call(
            lambda: (
                events.cancel_registration(self.ctx, registration_id).cancelled
                if walk_in
                else events.undo_check_in(self.ctx, registration_id)
            )
        ).success(self._undone).run()

    def _undone(self, undone: RegistrationView) -> None:
        self.message.setText(_("Undone: {name}.").format(name=undone.name))
        self.refresh_matches()
        self.refresh_counts()
        self.search.setFocus()
