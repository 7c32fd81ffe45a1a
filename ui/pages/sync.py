"""The Sync page: what waits to go, the last receipt, conflicts, and package export/import.

At headquarters the page lists every chapter's last package, its age and counts, and offers
adding a chapter and writing a package for one.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Permission
from app.core.i18n import gettext as _
from app.sync import exchange, hq
from ui import files
from ui.models.sync_tables import ChapterStatusModel, ConflictListModel, when
from ui.operations import Operation, show_error
from ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from app.core.context import Context
    from app.sync.exchange import ImportResult

PACKAGE_FILTER = "Tsunagu (*.tsync);;All files (*)"


def _table(model: ConflictListModel | ChapterStatusModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().hide()
    return view


class SyncPage(QWidget):
    """Sync with headquarters by file (a USB stick or an e-mail attachment)."""

    # Any one of these lets an account see the page (checked by the main view).
    required_permissions: tuple[Permission, ...] = (Permission.SYNC,)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_hq = ctx.db.mode == "hq"
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.export_button = QPushButton()
        self.import_button = QPushButton()
        self.join_button = QPushButton(_("Join headquarters…"))
        self.add_chapter_button = QPushButton(_("Add a chapter…"))
        self.export_button.clicked.connect(self.export_package)
        self.import_button.clicked.connect(self.import_packages)
        self.join_button.clicked.connect(self.join_headquarters)
        self.add_chapter_button.clicked.connect(self.add_chapter)
        buttons = FlowLayout()
        for b in (self.export_button, self.import_button, self.add_chapter_button):
            buttons.addWidget(b)
        buttons.addWidget(self.join_button)
        buttons.addStretch(1)

        self.chapters = ChapterStatusModel(self)
        self.chapter_view = _table(self.chapters)
        self.chapter_box = QGroupBox(_("Chapters"))
        QVBoxLayout(self.chapter_box).addWidget(self.chapter_view)

        self.conflicts = ConflictListModel(self)
        self.conflict_view = _table(self.conflicts)
        self.conflict_view.doubleClicked.connect(lambda _i: self.decide_conflict())
        self.decide_button = QPushButton(_("Compare and choose…"))
        self.decide_button.clicked.connect(self.decide_conflict)
        self.conflict_box = QGroupBox()
        conflict_layout = QVBoxLayout(self.conflict_box)
        explain = QLabel(
            _(
                "A record changed in two places at once is listed here; nothing is lost "
                "until you choose."
            )
        )
        explain.setWordWrap(True)
        conflict_layout.addWidget(explain)
        conflict_layout.addWidget(self.conflict_view)
        conflict_layout.addWidget(self.decide_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.chapter_box, 2)
        layout.addWidget(self.conflict_box, 1)
        self.refresh()

    # --- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the status again."""
        self.is_hq = self.ctx.db.mode == "hq"
        allowed = self.ctx.actor.can(Permission.SYNC)
        read = Operation(
            self,
            lambda: (
                exchange.sync_status(self.ctx) if allowed else None,
                exchange.list_conflicts(self.ctx) if allowed else [],
            ),
        ).failure(lambda exc: self.summary.setText(exc.message))
        if not read.run():
            return
        status, conflicts = read.result
        self.conflicts.set_items(conflicts)
        self.conflict_box.setTitle(_("Conflicts to decide: {count}").format(count=len(conflicts)))
        self.decide_button.setEnabled(bool(conflicts))
        self.chapter_box.setVisible(self.is_hq)
        self.add_chapter_button.setVisible(self.is_hq and allowed)
        if status is None:
            self.title.setText(_("Sync with headquarters"))
            self.summary.setText(_("Your account may not exchange data with headquarters."))
            for b in (self.export_button, self.import_button, self.join_button):
                b.setVisible(False)
            return
        if self.is_hq:
            self.title.setText(_("Headquarters: packages from and to the chapters"))
            self.chapters.set_items(status.chapters)
            self.summary.setText(
                _("{count} chapters registered. Last package received: {when}.").format(
                    count=len(status.chapters), when=when(status.last_package_at)
                )
            )
            self.export_button.setText(_("Export for the selected chapter…"))
            self.import_button.setText(_("Import chapters' packages…"))
            self.join_button.setVisible(False)
            self.export_button.setEnabled(bool(status.chapters))
            return
        self.title.setText(_("Sync with headquarters"))
        self.export_button.setText(_("Export for headquarters…"))
        self.import_button.setText(_("Import from headquarters…"))
        self.join_button.setVisible(not status.joined)
        self.export_button.setEnabled(status.joined)
        self.import_button.setEnabled(status.joined)
        if not status.joined:
            self.summary.setText(
                _(
                    "This chapter has not joined headquarters yet. Headquarters gives you a "
                    "setup file and a code; choose “Join headquarters…”."
                )
            )
            return
        lines = [_("Waiting to go: {count} changes.").format(count=status.waiting_total)]
        if status.waiting:
            lines.append(
                ", ".join(
                    f"{exchange.table_label(t)} {n}" for t, n in sorted(status.waiting.items())
                )
            )
        if status.last_receipt_at is None:
            lines.append(_("Headquarters has not confirmed a package yet."))
        else:
            days = (datetime.now() - status.last_receipt_at).days
            lines.append(
                _("Last receipt from headquarters: {when} ({days} days ago).").format(
                    when=when(status.last_receipt_at), days=days
                )
            )
        self.summary.setText("\n".join(lines))

    def _selected_chapter(self) -> hq.ChapterRef | None:
        index = self.chapter_view.currentIndex()
        item = self.chapters.item(index.row()) if index.isValid() else None
        if item is None and self.chapters.rowCount() == 1:
            item = self.chapters.item(0)
        return None if item is None else hq.ChapterRef(item.id, item.name)

    # --- actions ---------------------------------------------------------------------------

    def export_package(self) -> None:
        """Write a package (for headquarters, or at HQ for the selected chapter)."""
        title = _("Export package")
        chapter = None
        if self.is_hq:
            chapter = self._selected_chapter()
            if chapter is None:
                show_error(self, _("Choose a chapter in the list first."))
                return
            suggested = f"tsunagu-{chapter.name}-{date.today():%Y%m%d}.tsync"
        else:
            suggested = f"tsunagu-{date.today():%Y%m%d}.tsync"
        name, _filter = files.save_file_name(self, title, suggested, PACKAGE_FILTER)
        if not name:
            return
        path = Path(name)
        ref = chapter.id if chapter is not None else None
        Operation(
            self,
            lambda: (
                hq.hq_export(self.ctx, ref, path)
                if ref is not None
                else exchange.sync_export(self.ctx, path)
            ),
        ).success(self._exported).run_in_background(_("Writing the package…"))

    def _exported(self, result: exchange.ExportResult) -> None:
        self.message.setText(
            _("Wrote {path}: {rows} rows, encrypted. It is entered in the take-out log.").format(
                path=result.path, rows=result.rows
            )
        )
        self.refresh()

    def import_packages(self) -> None:
        """Apply packages: at a chapter, one from headquarters; at HQ, chapters' packages."""
        title = _("Import package")
        if self.is_hq:
            names = files.open_file_names(self, title, PACKAGE_FILTER)
        else:
            one = files.open_file_name(self, title, PACKAGE_FILTER)
            names = [one] if one else []
        if not names:
            return
        paths = [Path(n) for n in names]
        at_hq = self.is_hq
        Operation(
            self,
            lambda: (
                hq.hq_import(self.ctx, paths)
                if at_hq
                else [exchange.sync_import(self.ctx, paths[0])]
            ),
        ).success(lambda results: self._imported(title, results)).run_in_background(_("Merging…"))

    def _imported(self, title: str, results: list[ImportResult]) -> None:
        applied = sum(r.applied_total for r in results)
        conflicts = sum(r.conflicts for r in results)
        text = _("Imported {files} package(s): {applied} rows applied, {conflicts} new conflicts.")
        text = text.format(
            files=sum(not r.repeated for r in results), applied=applied, conflicts=conflicts
        )
        repeated = [Path(r.source).name for r in results if r.repeated]
        if repeated:
            text += " " + _("Left out, imported before: {names}.").format(names=", ".join(repeated))
        self.message.setText(text)
        if any(r.restored_detected for r in results):
            QMessageBox.information(
                self,
                title,
                _(
                    "This database was restored from a backup since its last package. The next "
                    "package to headquarters will hold everything again, so nothing is lost."
                ),
            )
        self.refresh()

    def decide_conflict(self) -> None:
        """Open the side-by-side comparison for the selected conflict."""
        from ui.dialogs.conflict import ConflictDialog

        index = self.conflict_view.currentIndex()
        item = self.conflicts.item(index.row() if index.isValid() else 0)
        if item is None:
            return
        opened = Operation(self, lambda: ConflictDialog(self.ctx, item.id, self))
        if opened.run():
            opened.result.exec()
        self.refresh()

    def add_chapter(self) -> None:
        """At HQ: register a chapter, write its setup file, show its one-time code once."""
        title = _("Add a chapter")
        name, ok = QInputDialog.getText(self, title, _("The chapter's name:"))
        if not ok or not name.strip():
            return
        target, _filter = files.save_file_name(
            self, title, f"{name.strip()}.tsunagu-setup", _("Setup file (*.tsunagu-setup)")
        )
        if not target:
            return
        made = Operation(self, lambda: hq.add_chapter(self.ctx, name, Path(target)))
        if not made.run():
            return
        new = made.result
        box = QMessageBox(QMessageBox.Icon.Information, title, "", parent=self)
        box.setText(
            _(
                "The setup file for {name} is written. Give the chapter the file, and this "
                "one-time code separately (by phone or on paper). It is shown only now:"
            ).format(name=new.name)
        )
        box.setInformativeText(new.code)
        box.exec()
        self.refresh()

    def join_headquarters(self) -> None:
        """At a chapter: choose the setup file and type the code from headquarters."""
        title = _("Join headquarters")
        name = files.open_file_name(self, title, _("Setup file (*.tsunagu-setup);;All files (*)"))
        if not name:
            return
        code, ok = QInputDialog.getText(
            self, title, _("The code from headquarters:"), QLineEdit.EchoMode.Normal
        )
        if not ok or not code.strip():
            return
        Operation(self, lambda: exchange.join(self.ctx, Path(name), code)).success(
            lambda result: self._joined(result.chapter_name)
        ).run()

    def _joined(self, chapter_name: str) -> None:
        self.message.setText(
            _("This database is now the chapter {name}.").format(name=chapter_name)
        )
        self.refresh()
