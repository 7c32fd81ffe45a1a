"""Shared pieces of every printed sheet: paper, styles, Japanese dates, footers, safe writing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import TableStyle

from app.core.dates import WEEKDAYS_JA, format_date_ja, format_fiscal_year
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, PGOTHIC, PGOTHIC_BOLD, register_family
from app.printing.model import RenderResult
from app.storage.fileio import write_atomically

CREATOR = "Tsunagu"

# "B5" in a Japanese office means JIS B5 (182 × 257 mm), not ISO B5 (176 × 250 mm).
PAPERS: dict[str, tuple[float, float]] = {
    "A4": A4,
    "B5": (182 * mm, 257 * mm),
}

# Elderly readers: running text never below 12 pt unless the caller asks.
BODY_PT = 12.0
BLACK = colors.black
WHITE = colors.white


def page_size(paper: str, *, wide: bool = False) -> tuple[float, float]:
    """Page size in points for "A4" or "B5"; `wide` turns it to landscape."""
    try:
        size = PAPERS[paper.upper()]
    except KeyError:
        raise UserError(
            _("Unknown paper size {paper}; use one of {choices}.").format(
                paper=paper, choices=", ".join(PAPERS)
            )
        ) from None
    return landscape(size) if wide else size


def date_ja(d: date | datetime) -> str:
    """令和4年6月10日(金): era year and weekday, as a Japanese reader expects on paper."""
    day = d.date() if isinstance(d, datetime) else d
    return format_date_ja(day, era=True, weekday=True)


def fiscal_year_label(fiscal_year: int) -> str:
    """令和4年度（2022年度）: named by the era in force on April 1 of that year."""
    with_era = format_fiscal_year(fiscal_year, "ja")
    return f"{with_era}（{format_fiscal_year(fiscal_year, 'ja', era=False)}）"


def _hm(t: datetime) -> str:
    return f"{t.hour}:{t.minute:02d}"


def time_range(starts: datetime, ends: datetime | None) -> str:
    """13:30～15:30, or only the start; an end on another day carries its date."""
    if ends is None:
        if starts.hour == 0 and starts.minute == 0:
            return ""
        return _("from {time}").format(time=_hm(starts))
    if ends.date() != starts.date():
        end_day = f"{ends.month}月{ends.day}日({WEEKDAYS_JA[ends.weekday()]}) "
        return f"{_hm(starts)}～{end_day}{_hm(ends)}"
    return f"{_hm(starts)}～{_hm(ends)}"


def yen(amount: int) -> str:
    return _("{amount} yen").format(amount=f"{amount:,}")


def fee_text(fee_yen: int | None) -> str:
    if fee_yen is None:
        return ""
    if fee_yen == 0:
        return _("Free")
    return yen(fee_yen)


def people(count: int) -> str:
    return _("{count} people").format(count=f"{count:,}")


def style(
    name: str,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    proportional: bool = True,
    leading: float | None = None,
    align: int = TA_LEFT,
    color: Any = BLACK,
    space_after: float = 0.0,
) -> ParagraphStyle:
    """A CJK-wrapping paragraph style in one of the bundled faces."""
    if proportional:
        font = PGOTHIC_BOLD if bold else PGOTHIC
    else:
        font = GOTHIC_BOLD if bold else GOTHIC
    register_family(font)
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=leading if leading is not None else size * 1.35,
        alignment=align,
        textColor=color,
        wordWrap="CJK",
        spaceAfter=space_after,
    )


def centred(name: str, size: float, **kwargs: Any) -> ParagraphStyle:
    return style(name, size, align=TA_CENTER, **kwargs)


def new_canvas(
    buffer: io.BytesIO, pagesize: tuple[float, float], title: str, author: str, subject: str
) -> Canvas:
    """A canvas with the document metadata a reader's PDF viewer shows."""
    register_family(PGOTHIC)
    canvas = Canvas(
        buffer, pagesize=pagesize, pageCompression=1, lang="ja-JP", initialFontName=PGOTHIC
    )
    canvas.setTitle(title)
    canvas.setAuthor(author or CREATOR)
    canvas.setSubject(subject)
    canvas.setCreator(CREATOR)
    return canvas


def numbered_canvas_class(
    draw_page: Callable[[Canvas, int, int], None], font: str = GOTHIC
) -> type[Canvas]:
    """A Canvas class that holds pages back until the end so each can show "n / N".

    `draw_page(canvas, page_number, page_count)` draws the header and footer of one page.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("lang", "ja-JP")
            # Otherwise every page names Helvetica, a font the PDF would not carry.
            kwargs["initialFontName"] = register_family(font)
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                draw_page(self, self._pageNumber, count)
                Canvas.showPage(self)
            self.page_count = count
            Canvas.save(self)

    return NumberedCanvas


def write_pdf(data: bytes, out: Path | None) -> Path | bytes:
    """Write `data` to `out` through the guarded atomic writer (app/storage/fileio.py), or return
    the bytes when `out` is None. A failed or refused write leaves any old file untouched."""
    if out is None:
        return data
    target = Path(out)
    write_atomically(target, data)
    return target


def result(data: bytes, out: Path | None, pages: int, warnings: list[str]) -> RenderResult:
    return RenderResult(output=write_pdf(data, out), pages=pages, warnings=list(warnings))


def table_style(commands: list[tuple[Any, ...]], font: str = PGOTHIC) -> TableStyle:
    """A TableStyle whose cells default to the bundled font (ReportLab's default is
    Helvetica, which would be named in the PDF without being embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), register_family(font)), *commands])
