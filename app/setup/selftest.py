"""The self-test's PDF check: write a page with the bundled font and read its text back."""

from __future__ import annotations

import io
from pathlib import Path

from app.core.errors import UserError
from app.storage.fileio import write_atomically


def check_pdf(path: Path, text: str) -> None:
    """Render `text` with the bundled font into `path`, then confirm the file reads back."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from app.printing.fonts import GOTHIC, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont(GOTHIC, 14)
    canvas.drawString(72, A4[1] - 72, text)
    canvas.showPage()
    canvas.save()
    # Through the one guarded writer, as every file the program writes.
    write_atomically(path, buffer.getvalue())
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"/FontFile2" not in data:
        raise UserError("self-test: the PDF has no embedded font")
    try:
        from pypdf import PdfReader
    except ImportError:  # the installed bundle carries no PDF reader; the bytes check stands
        return
    extracted = PdfReader(str(path)).pages[0].extract_text() or ""
    if text.split()[0] not in extracted:
        raise UserError("self-test: the PDF's text did not read back")
