"""Preview a PDF made by the program, print it on a real printer, or save it as a file.

The PDF is made off the GUI thread and shown with QtPdf; printing renders each page at the
printer's resolution (up to 300 dpi) and draws it on the page, centred and scaled to fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.fileio import write_atomically
from ui import files
from ui.dialogs.base import BaseDialog
from ui.keys import shortcut
from ui.operations import Operation

MAX_PRINT_DPI = 300


@dataclass(frozen=True)
class PdfContent:
    """A made PDF and what the maker had to say about it (characters the font lacks …)."""

    data: bytes
    warnings: list[str] = field(default_factory=list)


# make(choice) or, when the dialog offers options, make(choice, **options): `paper` ("A4",
# "B5"), `blank_forms` (int), name tags' `offset_mm` ((right, down)), `outline`, `blank_tags`.
Maker = Callable[..., PdfContent]

PAPERS = {"A4": "A4", "B5": "B5 (JIS)"}


class PdfPreviewDialog(BaseDialog):
    """Shows the PDF `make(choice)` returns; `choices` (name -> description) offer templates.

    `on_output(destination)` is called after the PDF was printed or saved (the take-out log).
    """

    settings_key = "pdf_preview"

    def __init__(
        self,
        title: str,
        make: Maker,
        parent: QWidget | None = None,
        *,
        choices: dict[str, str] | None = None,
        choice: str = "",
        file_name: str = "document.pdf",
        on_output: Callable[[str], None] | None = None,
        choices_label: str = "",
        papers: bool = False,
        paper: str = "A4",
        blank_forms: int | None = None,
        blank_forms_label: str = "",
        name_tag_options: bool = False,
    ) -> None:
        super().__init__(title, parent)
        self.make = make
        self.file_name = file_name
        self.on_output = on_output
        self.content: PdfContent | None = None
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.template = QComboBox()
        for name, text in (choices or {}).items():
            self.template.addItem(text, name)
        if choice:
            at = self.template.findData(choice)
            if at >= 0:
                self.template.setCurrentIndex(at)
        self.template.setVisible(bool(choices))
        self.template_label = QLabel(choices_label or _("Template:"))
        self.template_label.setBuddy(self.template)
        self.template_label.setVisible(bool(choices))
        self._options: list[Callable[[], tuple[str, Any]]] = []
        options = QHBoxLayout()
        if papers:
            self.paper = QComboBox()
            for name, text in PAPERS.items():
                self.paper.addItem(_(text), name)
            self.paper.setCurrentIndex(max(0, self.paper.findData(paper)))
            self._add_option(options, _("Paper:"), self.paper)
            self._options.append(lambda: ("paper", str(self.paper.currentData())))
            self.paper.currentIndexChanged.connect(lambda _i: self.refresh())
        if blank_forms is not None:
            self.blank_forms = QSpinBox()
            # Blank forms alone are at least one; beside round sheets they may be none.
            self.blank_forms.setRange(1 if blank_forms_label else 0, 100)
            self.blank_forms.setValue(blank_forms)
            self._add_option(
                options, blank_forms_label or _("Blank forms per volunteer:"), self.blank_forms
            )
            self._options.append(lambda: ("blank_forms", self.blank_forms.value()))
            self.blank_forms.editingFinished.connect(lambda: self.refresh())
        if name_tag_options:
            self.offset_right = self._mm_box()
            self.offset_down = self._mm_box()
            self._add_option(options, _("Shift right (mm):"), self.offset_right)
            self._add_option(options, _("Shift down (mm):"), self.offset_down)
            self.outline = QCheckBox(_("Label edges (test print)"))
            options.addWidget(self.outline)
            self.blank_tags = QSpinBox()
            self.blank_tags.setRange(0, 100)
            self._add_option(options, _("Blank tags for walk-ins:"), self.blank_tags)
            self._options += [
                lambda: ("offset_mm", (self.offset_right.value(), self.offset_down.value())),
                lambda: ("outline", self.outline.isChecked()),
                lambda: ("blank_tags", self.blank_tags.value()),
            ]
            for box in (self.offset_right, self.offset_down, self.blank_tags):
                box.editingFinished.connect(lambda: self.refresh())
            self.outline.toggled.connect(lambda _on: self.refresh())
        options.addStretch(1)
        self.pages_label = QLabel("")
        self.warnings_label = QLabel("")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #8a4b00;")
        self.warnings_label.hide()
        self.fit_button = QPushButton(_("Whole page"))
        self.width_button = QPushButton(_("Page width"))
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as…"))
        self.close_button = QPushButton(_("Close"))
        self.print_button.setDefault(True)

        top = QHBoxLayout()
        top.addWidget(self.template_label)
        top.addWidget(self.template, 1)
        top.addStretch(1)
        top.addWidget(self.pages_label)
        top.addWidget(self.fit_button)
        top.addWidget(self.width_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if self._options:
            layout.addLayout(options)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        if self._settings().value(f"geometry/{self.settings_key}") is None:
            self.resize(820, 900)

        self.template.currentIndexChanged.connect(lambda _i: self.refresh())
        self.fit_button.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.width_button.clicked.connect(
            lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        )
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.save_button.clicked.connect(lambda: self.save_as())
        self.close_button.clicked.connect(self.accept)
        shortcut(self, QKeySequence(QKeySequence.StandardKey.Print), lambda: self.print_pdf())
        shortcut(self, QKeySequence(QKeySequence.StandardKey.Save), lambda: self.save_as())

    @staticmethod
    def _add_option(row: QHBoxLayout, text: str, widget: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        row.addWidget(label)
        row.addWidget(widget)

    @staticmethod
    def _mm_box() -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-10.0, 10.0)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        return box

    def options(self) -> dict[str, Any]:
        """The options the dialog offers, as make() receives them."""
        return dict(read() for read in self._options)

    def current_choice(self) -> str:
        """The template chosen (empty when the maker offers none)."""
        value = self.template.currentData()
        return str(value) if value is not None else ""

    def refresh(self) -> Operation[PdfContent]:
        """Make the PDF again (off the GUI thread), then show it."""
        choice = self.current_choice()
        options = self.options()  # read on the GUI thread, used off it
        return (
            Operation(self, lambda: self.make(choice, **options))
            .success(self.show_content)
            .run_in_background(_("Making the PDF…"))
        )

    def preview(self) -> Operation[PdfContent]:
        """Make the PDF, then open this dialog (modal) to print or save it; when it cannot be
        made, the refusal is said and nothing opens. The dialog is deleted afterwards."""
        return self.refresh().success(lambda _content: self.exec()).always(self.deleteLater)

    def show_content(self, content: PdfContent) -> None:
        """Show a PDF already made."""
        self.content = content
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(content.data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        count = self.document.pageCount()
        self.pages_label.setText(_("{count} pages").format(count=count))
        if content.warnings:
            self.warnings_label.setText("\n".join(content.warnings))
            self.warnings_label.show()
        else:
            self.warnings_label.hide()
        enabled = self.document.status() == QPdfDocument.Status.Ready and count > 0
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def print_pdf(self, printer: QPrinter | None = None) -> Operation[bool] | None:
        """Print on `printer`, or on the one the user picks in the print dialog (the pages are
        drawn in the background); None when there is nothing to print or it was cancelled."""
        if self.content is None or self.document.pageCount() == 0:
            return None
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(self.windowTitle())
            printer.setFromTo(1, self.document.pageCount())
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(_("Print"))
            if not dialog.exec():
                return None
        chosen = printer
        return (
            Operation(self, lambda: self._paint(chosen))
            .success(lambda _done: self._printed(chosen))
            .run_in_background(_("Printing…"))
        )

    def _printed(self, printer: QPrinter) -> None:
        if self.on_output is not None:
            where = printer.outputFileName() or printer.printerName() or _("printer")
            self.on_output(_("printer: {name}").format(name=where))

    def _paint(self, printer: QPrinter) -> bool:
        count = self.document.pageCount()
        first = max(1, printer.fromPage() or 1)
        last = min(count, printer.toPage() or count)
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError(_("The printer could not be started."))
        try:
            for number in range(first, last + 1):
                if number > first:
                    printer.newPage()
                size = self.document.pagePointSize(number - 1)
                pixels = QSize(round(size.width() / 72 * dpi), round(size.height() / 72 * dpi))
                image = self.document.render(number - 1, pixels)
                area = painter.viewport()
                scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                x = area.x() + (area.width() - scaled.width()) // 2
                y = area.y() + (area.height() - scaled.height()) // 2
                painter.drawImage(QRect(x, y, scaled.width(), scaled.height()), image)
        finally:
            painter.end()
        return True

    def save_as(self, path: Path | None = None) -> Path | None:
        """Write the PDF to `path`, or to where the user chooses."""
        if self.content is None:
            return None
        asked = path is None
        if path is None:
            name, _filter = files.save_file_name(
                self, _("Save PDF"), self.file_name, _("PDF files (*.pdf)")
            )
            if not name:
                return None
            path = Path(name)
            if path.suffix.lower() != ".pdf":
                path = path.with_suffix(".pdf")
        data, target = self.content.data, path
        if not Operation(self, lambda: write_atomically(target, data)).run():
            return None
        if self.on_output is not None:
            self.on_output(str(path))
        if asked:
            files.show_saved(self, path)
        return path
