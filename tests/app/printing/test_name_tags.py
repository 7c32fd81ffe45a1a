"""Name tags on label sheets: layouts as data, order, offsets."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.core.errors import UserError
from app.printing import LABEL_LAYOUTS, render_name_tags
from tests.app.printing.pdfcheck import (
    A4_PT,
    assert_fonts_embedded_subsets,
    attendees,
    fonts,
    page_size,
    page_texts,
    seed_sheet,
    squash,
    text_positions,
)


@pytest.mark.parametrize("key", sorted(LABEL_LAYOUTS))
def test_layouts_fit_on_the_sheet(key: str) -> None:
    spec = LABEL_LAYOUTS[key]
    right = spec.left + (spec.cols - 1) * spec.pitch_x + spec.label_w
    bottom = spec.top + (spec.rows - 1) * spec.pitch_y + spec.label_h
    assert right <= spec.page[0] / mm + 0.01
    assert bottom <= spec.page[1] / mm + 0.01
    assert spec.pitch_x >= spec.label_w and spec.pitch_y >= spec.label_h


def test_the_two_standard_layouts() -> None:
    ten, twelve = LABEL_LAYOUTS["10"], LABEL_LAYOUTS["12"]
    assert (ten.cols, ten.rows, ten.label_w, ten.label_h) == (2, 5, 86.4, 50.8)
    assert (twelve.cols, twelve.rows, twelve.label_w, twelve.label_h) == (2, 6, 86.4, 42.3)


@pytest.mark.parametrize(("key", "pages"), [("10", 3), ("12", 2)])
def test_tags_fill_sheets_in_gojuon_order(tmp_path: Path, key: str, pages: int) -> None:
    people = attendees(23)
    res = render_name_tags(seed_sheet(), people, tmp_path / "tags.pdf", layout=key)
    assert res.pages == pages
    assert page_size(res.output) == pytest.approx(A4_PT, abs=0.05)
    texts = page_texts(res.output)
    per = LABEL_LAYOUTS[key].per_sheet
    ordered = sorted(people, key=lambda a: a.sort_key)
    first_page = squash(texts[0])
    for person in ordered[:per]:
        assert squash(person.name) in first_page
        assert squash(person.reading) in first_page
    assert squash(ordered[per].name) not in first_page
    assert first_page.count("北区まちづくり") == per
    assert_fonts_embedded_subsets(res.output)


def test_name_is_large_reading_above_chapter_below() -> None:
    person = attendees(1)[0]
    res = render_name_tags(seed_sheet(), [person], None)
    runs = {text.strip(): (x, y) for text, x, y in text_positions(res.output)}
    name_y = runs[person.name][1]
    assert runs[person.reading][1] > name_y > runs["北区まちづくり"][1]


def test_offset_moves_everything(tmp_path: Path) -> None:
    person = attendees(1)[0]
    base = text_positions(render_name_tags(seed_sheet(), [person], None).output)
    moved = text_positions(
        render_name_tags(seed_sheet(), [person], None, offset_mm=(3.0, 2.0)).output
    )
    assert len(base) == len(moved) == 3
    for (_t1, x1, y1), (_t2, x2, y2) in zip(base, moved, strict=True):
        assert x2 - x1 == pytest.approx(3 * mm, abs=0.01)
        assert y1 - y2 == pytest.approx(2 * mm, abs=0.01)  # down the page


def test_first_label_sits_at_the_nominal_margin() -> None:
    spec = LABEL_LAYOUTS["10"]
    person = attendees(1)[0]
    runs = text_positions(render_name_tags(seed_sheet(), [person], None).output)
    top_of_label = A4[1] - spec.top * mm
    for _text, _x, y in runs:
        assert top_of_label - spec.label_h * mm < y < top_of_label


def test_blank_tags_and_missing_glyphs() -> None:
    people = attendees(3)
    from app.printing import Attendee

    people.append(Attendee("🍙田", "一", "おにだ", "はじめ", sort_key="おにだ"))
    res = render_name_tags(seed_sheet(), people, None, layout="12", blank_tags=9)
    assert res.pages == 2  # 4 named + 9 blank = 13 tags
    assert any("🍙" in w for w in res.warnings)
    assert "〓田一" in squash(page_texts(res.output)[0])


def test_a_kanji_biz_ud_lacks_prints_from_the_fallback_face() -> None:
    from app.printing import Attendee

    people = [Attendee("𠮷田", "一", "よしだ", "はじめ", sort_key="よしだ")]
    res = render_name_tags(seed_sheet(), people, None)
    assert res.warnings == []  # the old tag printed 〓田 and warned
    assert isinstance(res.output, bytes)
    assert "𠮷田" in squash(page_texts(res.output)[0])
    # 𠮷 is drawn with the second embedded font, whose ToUnicode maps it back.
    names = [str(f["/BaseFont"]) for f in fonts(res.output)]
    assert any("TsunaguFallbackJP" in n for n in names) and any("BIZUD" in n for n in names)
    assert_fonts_embedded_subsets(res.output)
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=res.output, capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert "𠮷田" in out  # poppler reads it back too (ReportLab's own CMap gave ₻7)


def test_unknown_layout() -> None:
    with pytest.raises(UserError):
        render_name_tags(seed_sheet(), [], None, layout="21")
