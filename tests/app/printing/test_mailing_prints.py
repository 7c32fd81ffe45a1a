"""Postcards, address labels, the printed roster and the call list, read back from the PDF."""

from __future__ import annotations

from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from app.core.errors import UserError
from app.printing.address_labels import SHEETS, render_labels, sheet_for
from app.printing.member_lists import (
    CallEntry,
    RosterEntry,
    gojuon_row,
    render_call_list,
    render_member_roster,
)
from app.printing.postcards import (
    BOX_H,
    BOX_LEFTS,
    BOX_TOP,
    BOX_W,
    Address,
    Name,
    Sender,
    render_postcards,
)
from tests.app.printing.pdfcheck import reader

CARD_H = 148 * mm
EDGE = 5 * mm


def runs(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size) of each text run on a page, in points from the bottom left."""
    out: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text.strip():
            return
        a, b, c, d, e, f = (float(v) for v in cm)
        x0, y0 = float(tm[4]), float(tm[5])
        x, y = a * x0 + c * y0 + e, b * x0 + d * y0 + f
        scale = abs(float(tm[3]) * d) or abs(float(tm[3]) * b) or 1.0
        out.append((text.strip(), x, y, float(size) * scale))

    reader(pdf).pages[page].extract_text(visitor_text=visit)
    return out


HOUSEHOLD = Address(
    "160-0023",
    "東京都新宿区西新宿2-8-1 都庁ハイツ301",
    (Name("山田", "太郎"), Name("山田", "花子")),
)


def _card(*pieces: Address, **kw: Any) -> bytes:
    done = render_postcards(list(pieces), None, **kw)
    assert isinstance(done.output, bytes)
    return done.output


def test_postal_code_digits_sit_centred_in_japan_posts_boxes() -> None:
    pdf = _card(HOUSEHOLD)
    digits = [r for r in runs(pdf) if r[0].isdigit() and len(r[0]) == 1 and r[2] > 120 * mm]
    assert "".join(d[0] for d in digits) == "1600023"
    box_bottom = CARD_H - (BOX_TOP + BOX_H) * mm
    for (text, x, y, size), left in zip(digits, BOX_LEFTS, strict=True):
        width = size * 0.5  # BIZ UD Gothic digits are half-width
        centre = x + width / 2
        assert abs(centre - (left + BOX_W / 2) * mm) < 0.3 * mm, text
        # The digit's body (baseline to cap height) stays inside the 8 mm box.
        assert box_bottom < y and y + 0.75 * size < box_bottom + BOX_H * mm, text
    # The frames themselves, to Japan Post's specification: 47.7 mm wide, 8 mm from the right.
    assert BOX_LEFTS[0] == pytest.approx(100 - 8 - 47.7)
    assert BOX_LEFTS[-1] + BOX_W == pytest.approx(100 - 8)


def test_address_is_vertical_with_kanji_numerals_and_every_glyph_inside() -> None:
    pdf = _card(HOUSEHOLD, sender=Sender("116-0002", "東京都荒川区南千住6-1-1", "荒川区まちづくり"))
    # The recipient's address columns (right of the names, below the boxes): one character
    # per cell, every number in kanji.
    address = [r for r in runs(pdf) if r[1] > 70 * mm and r[2] < CARD_H - 22 * mm]
    # (pypdf reads a turned dash together with the character before it.)
    assert all(len(t.replace("―", "")) == 1 for t, *_rest in address)
    column = "".join(t for t, *_rest in address)
    assert "西新宿二―八―一" in column and "都庁ハイツ三〇一" in column
    assert not any(ch.isascii() for ch in column)
    for t, x, y, _size in runs(pdf):
        assert EDGE <= x <= 100 * mm - EDGE and EDGE <= y <= CARD_H - EDGE, t
    # Down the columns: 東 above 京 in the first address column.
    first = {t: (x, y) for t, x, y, _s in runs(pdf) if t in "東京都"}
    assert first["東"][1] > first["京"][1]


def test_renmei_shares_the_family_name_and_every_sama_is_level() -> None:
    pdf = _card(HOUSEHOLD)
    samas = [r for r in runs(pdf) if r[0] == "様"]
    assert len(samas) == 2
    assert samas[0][2] == pytest.approx(samas[1][2], abs=0.5)
    names = "".join(r[0] for r in runs(pdf))
    assert names.count("山") == 1 and names.count("田") == 1  # 山田 once, 花子 beside 太郎


def test_more_than_three_in_a_household_ends_with_gokazokusama() -> None:
    family = tuple(Name("髙橋", g) for g in ("一", "美和子", "翔", "凛"))
    pdf = _card(Address("1800004", "東京都武蔵野市吉祥寺本町1-23-4", family))
    text = "".join(r[0] for r in runs(pdf))
    assert "凛" not in text and "翔" not in text
    assert "族" in text


def test_labels_fill_the_sheet_from_label_n_at_the_tables_positions() -> None:
    pieces = [HOUSEHOLD] * 3
    sheet = SHEETS["24"]
    done = render_labels(pieces, None, layout="24", start=5, offset_mm=(1.0, 2.0))
    assert isinstance(done.output, bytes)
    page_h = 297 * mm
    marks = [r for r in runs(done.output) if r[0].startswith("〒")]
    assert len(marks) == 3
    for n, (_t, x, y, _size) in enumerate(sorted(marks, key=lambda r: (-r[2], r[1])), start=4):
        row, col = divmod(n, sheet.cols)
        left = (sheet.left + 1.0 + col * sheet.pitch_x) * mm
        top = page_h - (sheet.top + 2.0 + row * sheet.pitch_y) * mm
        assert left < x < left + sheet.label_w * mm
        assert top - sheet.label_h * mm < y < top
        assert x >= left + 4.9 * mm  # 5 mm inside the label, so inside the printer's reach


def test_custom_layout_and_refusals() -> None:
    sheet = sheet_for("2x5:90x50:15,20")
    assert (sheet.cols, sheet.rows, sheet.pitch_x) == (2, 5, 90.0)
    with pytest.raises(UserError):
        sheet_for("4x4:90x50:15,20")  # wider than A4
    with pytest.raises(UserError):
        sheet_for("9x9")
    with pytest.raises(UserError):
        render_labels([HOUSEHOLD], None, layout="24", start=25)


def test_roster_has_gojuon_headings_in_order() -> None:
    entries = [
        RosterEntry("阿部　一郎", "アベ イチロウ", phone="03-1111-2222"),
        RosterEntry("伊藤　花子", "イトウ ハナコ"),
        RosterEntry("加藤　誠", "カトウ マコト"),
        RosterEntry("髙橋　翔", "タカハシ ショウ"),
    ]
    done = render_member_roster(entries, None, chapter="北区まちづくり")
    assert isinstance(done.output, bytes)
    text = PdfReader(__import__("io").BytesIO(done.output)).pages[0].extract_text()
    order = [text.index(k) for k in ("あ", "阿部", "伊藤", "か", "加藤", "た", "髙橋")]
    assert order == sorted(order)
    assert gojuon_row("ガンマ") == "か" and gojuon_row("ぱ") == "は" and gojuon_row("X") == ""


def test_call_list_carries_numbers_and_a_tick_column() -> None:
    done = render_call_list(
        [CallEntry("阿部　一郎", "アベ イチロウ", "03-1111-2222"), CallEntry("伊藤　花子", "", "")],
        None,
        event_title="地域カフェ",
        event_when="令和8年12月5日(土)",
        chapter="北区まちづくり",
    )
    assert isinstance(done.output, bytes)
    text = PdfReader(__import__("io").BytesIO(done.output)).pages[0].extract_text()
    assert "03-1111-2222" in text and "地域カフェ" in text
