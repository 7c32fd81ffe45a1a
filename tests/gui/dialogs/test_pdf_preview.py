"""The preview's options say what they count: blank forms alone are not "per volunteer"."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog


def _labels(dialog: PdfPreviewDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]


def test_blank_forms_alone_are_counted_as_forms(qtbot: QtBot) -> None:
    dialog = PdfPreviewDialog(
        "Blank visit forms",
        lambda _c, **_k: PdfContent(b"", []),
        blank_forms=4,
        blank_forms_label="Number of blank forms:",
    )
    qtbot.addWidget(dialog)
    assert "Number of blank forms:" in _labels(dialog)
    assert "Blank forms per volunteer:" not in _labels(dialog)
    assert dialog.blank_forms.minimum() == 1


def test_round_sheets_count_blank_forms_per_volunteer(qtbot: QtBot) -> None:
    dialog = PdfPreviewDialog("Round sheets", lambda _c, **_k: PdfContent(b"", []), blank_forms=4)
    qtbot.addWidget(dialog)
    assert "Blank forms per volunteer:" in _labels(dialog)
    assert dialog.blank_forms.minimum() == 0
