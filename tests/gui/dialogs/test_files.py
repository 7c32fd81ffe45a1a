"""File choosers start in Documents or the last folder; a saved file says where it went (13.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QStandardPaths, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from reportlab.pdfgen.canvas import Canvas

from app.core import i18n
from app.printing import events as event_print
from ui import files
from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog
from ui.pages.events import _file_name


class Opened(QObject):
    """Receives the file: URLs Qt would hand to Explorer."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_a_chooser_starts_in_documents_then_in_the_folder_used_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    files.settings().remove(files.LAST_FOLDER_KEY)
    asked: list[str] = []
    target = tmp_path / "out" / "名簿.xlsx"
    target.parent.mkdir()

    def chooser(_parent: object, _title: str, where: str, _filters: str) -> tuple[str, str]:
        asked.append(where)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert files.save_file_name(None, "t", "名簿.xlsx", "*.xlsx")[0] == str(target)  # type: ignore[arg-type]
    assert asked[0] == str(Path(documents) / "名簿.xlsx")
    files.save_file_name(None, "t", "次.xlsx", "*.xlsx")  # type: ignore[arg-type]
    assert asked[1] == str(target.parent / "次.xlsx")


def test_default_print_file_names_are_in_the_ui_language() -> None:
    i18n.set_language("ja")
    assert (
        _file_name(event_print.FLYER, "まちづくり講座 第18講") == "チラシ_まちづくり講座_第18講.pdf"
    )
    i18n.set_language("en")
    assert _file_name(event_print.FLYER, "Lecture 18") == "Flyer_Lecture_18.pdf"


def test_saving_a_pdf_says_which_folder_and_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    pdf = tmp_path / "src.pdf"
    canvas = Canvas(str(pdf))
    canvas.drawString(100, 700, "one")
    canvas.save()
    saved = tmp_path / "チラシ" / "チラシ_第18講.pdf"
    saved.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(saved), ""))
    dialog = PdfPreviewDialog("Flyer", lambda _c: PdfContent(pdf.read_bytes(), []))
    qtbot.addWidget(dialog)
    made = dialog.refresh()
    qtbot.waitUntil(lambda: made.done, timeout=10000)
    assert made.succeeded
    assert dialog.save_as() == saved
    assert saved.read_bytes() == pdf.read_bytes()
    box = dialog.findChild(QMessageBox, "savedMessage")
    assert box is not None and box.isVisible()
    assert str(saved.parent) in box.text()
    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        button = next(b for b in box.findChildren(QPushButton) if b.text() == "Open folder")
        button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in opened.urls] == [str(saved.parent)]
