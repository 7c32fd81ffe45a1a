"""Importing a roster: see how the columns were understood, map the rest, check, import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.roster import files as roster_files
from app.roster import members
from ui.dialogs.base import BaseDialog
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context
    from app.core.errors import UserError


class RosterImportDialog(BaseDialog):
    """Checks the file with a dry run first; Import is enabled only when nothing is wrong."""

    settings_key = "roster_import"

    def __init__(self, ctx: Context, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(_("Import members from {name}").format(name=path.name), parent)
        self.ctx = ctx
        self.path = path
        self.report: members.ImportReport | None = None
        self.headers: list[str] = []
        self.columns = QTableWidget(0, 2)
        self.columns.setHorizontalHeaderLabels([_("Column in the file"), _("Means")])
        self.columns.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.check_button = QPushButton(_("Check again"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(_("Import"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        self.check_button.clicked.connect(self.check)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("How the columns were understood (change any that are wrong):")))
        layout.addWidget(self.columns, 1)
        layout.addWidget(self.check_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 560)
        self._load_headers()

    def _load_headers(self) -> None:
        Operation(self, lambda: roster_files.read_table(self.path)).success(
            lambda table: self._show_headers(table[0])
        ).failure(self._unreadable).run()

    def _unreadable(self, exc: UserError) -> None:
        self.summary.setText(exc.message)
        self.import_button.setEnabled(False)
        self.check_button.setEnabled(False)

    def _show_headers(self, headers: list[str]) -> None:
        self.headers = headers
        guessed = roster_files.guess_mapping(headers)
        choices = [("", _("(not imported)"))] + roster_files.field_choices()
        self.columns.setRowCount(len(headers))
        for row, header in enumerate(headers):
            self.columns.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox()
            for value, label in choices:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(header, ""))))
            self.columns.setCellWidget(row, 1, combo)
        self.check()

    def mapping(self) -> dict[str, str]:
        """Header → field as chosen in the table."""
        result: dict[str, str] = {}
        for row, header in enumerate(self.headers):
            combo = self.columns.cellWidget(row, 1)
            assert isinstance(combo, QComboBox)
            result[header] = combo.currentData() or ""
        return result

    def check(self) -> Operation[members.ImportReport]:
        """Dry run with the current mapping, in the background: nothing is written."""
        mapping = self.mapping()
        self.import_button.setEnabled(False)
        return (
            Operation(
                self, lambda: members.import_members(self.ctx, self.path, mapping, dry_run=True)
            )
            .success(self._checked)
            .failure(self._refused)
            .run_in_background(_("Checking the file…"))
        )

    def _refused(self, exc: UserError) -> None:
        self.report = None
        self.summary.setText(exc.message)
        self.problems.setPlainText("\n".join(exc.details))
        self.import_button.setEnabled(False)

    def _checked(self, report: members.ImportReport) -> None:
        self.report = report
        self.summary.setText(
            _("Ready: {added} new, {updated} updated, {unchanged} unchanged.").format(
                added=report.added, updated=report.updated, unchanged=report.unchanged
            )
        )
        # Rows that may be members already: listed for a person to decide (members merge),
        # never matched silently.
        self.problems.setPlainText(
            "\n".join(
                _("Line {line} may be the member {name} ({id}): {reasons}").format(
                    line=c.line, name=c.name, id=c.id[:8], reasons=c.reasons_text
                )
                for c in report.candidates
            )
        )
        self.import_button.setEnabled(True)

    def do_import(self) -> Operation[members.ImportReport]:
        """Import for real, all rows or none (in the background); closes when done."""
        mapping = self.mapping()
        return (
            Operation(self, lambda: members.import_members(self.ctx, self.path, mapping))
            .success(self._imported)
            .run_in_background(_("Importing…"))
        )

    def _imported(self, report: members.ImportReport) -> None:
        self.report = report
        self.accept()
