"""The print matrix: every document × template × paper × language × data size renders,
every glyph stays ≥ 5 mm from each edge, no stray last page, and the text reads back."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app import i18n
from app.printing import (
    render_attendance,
    render_cafe_grid,
    render_flyer,
    render_name_tags,
    render_sign_in,
)
from app.printing.fonts import GOTHIC, register_fonts
from app.printing.model import WAITLISTED, Attendee, EventSheet
from app.printing_watch import FormLabels, RoundEntry, RoundSheet, render_visit_forms
from tests.app.printing.pdfcheck import attendees, reader, seed_sheet, squash

FACES = frozenset(register_fonts())
EDGE = 5 * mm  # many printers cannot print nearer the edge than this
SIZES = ("empty", "typical", "long", "1000")
LONG_FAMILY = "勅使河原"
LONG_GIVEN = "左右衛門之助" * 2
LONG_VENUE = (
    "東京都北区赤羽西一丁目二番三号 赤羽会館 4階 小ホール（エレベーターは正面玄関の右手奥）"
)


@dataclass(frozen=True)
class Glyph:
    """One text run on a page: where its baseline starts and how big it is."""

    text: str
    x: float
    y: float
    size: float
    font: str

    @property
    def width(self) -> float:
        """The run's advance, measured with the same font metrics ReportLab drew it with."""
        return float(stringWidth(self.text, self.font, self.size))


def _font_name(font: Any) -> str:
    """Our registered face of a PDF font: "/AAAAAB+BIZUDPGothic-Regular" -> "BIZUDPGothic"."""
    base = re.sub(r"^/?[A-Z]{6}\+", "", str(font.get("/BaseFont", "")) if font else "")
    base = base.removesuffix("-Regular")
    return base if base in FACES else GOTHIC


def glyphs(pdf: bytes, index: int) -> list[Glyph]:
    out: list[Glyph] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text.strip():
            return
        a, b, c, d, e, f = (float(v) for v in cm)
        x0, y0 = float(tm[4]), float(tm[5])
        x, y = a * x0 + c * y0 + e, b * x0 + d * y0 + f
        scale = abs(float(tm[3]) * d) or 1.0
        for line in text.split("\n"):
            if line.strip():
                out.append(Glyph(line.strip(), x, y, float(size) * scale, _font_name(font)))

    reader(pdf).pages[index].extract_text(visitor_text=visit)
    return out


def _check_margins(pdf: bytes) -> list[str]:
    problems = []
    for i, page in enumerate(reader(pdf).pages):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        for g in glyphs(pdf, i):
            left, right = g.x, g.x + g.width
            bottom, top = g.y - 0.12 * g.size, g.y + 0.88 * g.size
            if left < EDGE - 0.5 or bottom < EDGE - 0.5 or top > h - EDGE + 0.5:
                problems.append(
                    f"p{i + 1} {g.text[:20]!r} at ({left / mm:.1f}, {bottom / mm:.1f}) mm"
                )
            elif right > w - EDGE + 0.5 and len(g.text) < 80:
                problems.append(
                    f"p{i + 1} {g.text[:20]!r} ends at {right / mm:.1f} mm of {w / mm:.0f}"
                )
    return problems


def _last_page_fill(pdf: bytes) -> float:
    """How far down the body the last page's text reaches, as a share of the page."""
    pages = reader(pdf).pages
    last = pages[-1]
    h = float(last.mediabox.height)
    runs = glyphs(pdf, len(pages) - 1)
    # The footer ("n / N", chapter) sits in the bottom margin; the running header above the body.
    body = [g for g in runs if 20 * mm < g.y < h - 20 * mm]
    if not body:
        return 0.0
    return (h - 20 * mm - min(g.y for g in body)) / (h - 40 * mm)


def _people(size: str) -> list[Attendee]:
    if size == "empty":
        return []
    if size == "typical":
        people = attendees(24)
        return [*people[:-2], Attendee("待", "一", "まち", "いち", status=WAITLISTED, sort_key="z")]
    if size == "long":
        return [
            Attendee(
                LONG_FAMILY + str(i),
                LONG_GIVEN,
                "てしがわら",
                "さうえもんのすけ" * 2,
                sort_key=f"て{i:03}",
            )
            for i in range(12)
        ]
    return attendees(1000)


def _sheet(size: str) -> EventSheet:
    if size == "empty":
        return EventSheet(title="集まり", starts=datetime(2026, 5, 9, 10, 0))
    if size == "long":
        return seed_sheet(
            title="「三鷹をつなげようプロジェクト」地域で支え合うフードパントリーと見守り活動の報告会",
            venue=LONG_VENUE,
            chapter_name="東京都生活協同組合連合会 三鷹・武蔵野・小金井地域まちづくり委員会",
            contact="三鷹・武蔵野・小金井地域まちづくり委員会 事務局（0422-12-3456 平日10時〜17時）",
        )
    return seed_sheet()


def _labels() -> FormLabels:
    return FormLabels(
        methods=("訪問", "電話", "手紙"),
        results=("会えた", "不在", "断られた"),
        outcomes=("変わりなし", "気になる様子", "すぐに連絡"),
        signs=("郵便物がたまっている", "洗濯物が出たまま", "元気がない様子"),
        referrals=("地域包括支援センター", "民生委員", "家族"),
    )


def _rounds(size: str) -> list[RoundSheet]:
    if size == "empty":
        return []
    count = {"typical": 8, "long": 6, "1000": 1000}[size]
    people = _people("1000" if size == "1000" else "typical")
    entries = tuple(
        RoundEntry(
            name=(LONG_FAMILY + "\u3000" + LONG_GIVEN)
            if size == "long"
            else people[i % len(people)].name,
            reading=people[i % len(people)].reading,
            address=LONG_VENUE if size == "long" else f"荒川区荒川4-29-{i + 1}",
            phone="03-1234-5678",
            last_contact=date(2026, 10, 3),
            last_method="訪問",
            due_on=date(2026, 11, 7),
            watch_for="足が悪いので玄関まで時間がかかる" * (3 if size == "long" else 1),
        )
        for i in range(count)
    )
    return [RoundSheet("上野 和子", "090-1111-2222", entries)]


def _render(doc: str, template: str, paper: str, size: str) -> bytes:
    sheet, people = _sheet(size), _people(size)
    if doc == "flyer":
        data = render_flyer(sheet, None, template, paper).output
    elif doc == "attendance":
        data = render_attendance(sheet, people, None, paper=paper).output
    elif doc == "sign-in":
        data = render_sign_in(sheet, people, None, paper=paper).output
    elif doc == "name-tags":
        data = render_name_tags(sheet, people, None, layout=template).output
    elif doc == "cafe-grid":
        data = render_cafe_grid(sheet, people, 2026, None, paper=paper).output
    else:
        data, _pages, _warnings = render_visit_forms(
            _rounds(size),
            _labels(),
            None,
            chapter_name=sheet.chapter_name,
            printed_on=date(2026, 11, 1),
            paper=paper,
        )
    assert isinstance(data, bytes)
    return data


def _cases() -> Iterator[Any]:
    docs: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
        "flyer": (("clean", "poster", "slip"), ("A4", "B5"), ("empty", "typical", "long")),
        "attendance": (("",), ("A4", "B5"), SIZES),
        "sign-in": (("",), ("A4", "B5"), SIZES),
        "name-tags": (("10", "12"), ("A4",), SIZES),
        "cafe-grid": (("",), ("A4", "B5"), SIZES),
        "visit-forms": (("",), ("A4", "B5"), SIZES),
    }
    for doc, (templates, papers, sizes) in docs.items():
        for template in templates:
            for paper in papers:
                for size in sizes:
                    for lang in ("ja", "en"):
                        marks = [pytest.mark.slow] if size == "1000" else []
                        name = "-".join(p for p in (doc, template, paper, size, lang) if p)
                        yield pytest.param(doc, template, paper, size, lang, id=name, marks=marks)


@pytest.fixture
def language() -> Iterator[Callable[[str], None]]:
    yield i18n.set_language
    i18n.set_language("en")


@pytest.mark.parametrize(("doc", "template", "paper", "size", "lang"), list(_cases()))
def test_print_matrix(
    doc: str, template: str, paper: str, size: str, lang: str, language: Callable[[str], None]
) -> None:
    language(lang)
    pdf = _render(doc, template, paper, size)
    pages = reader(pdf).pages
    assert _check_margins(pdf) == []
    # A label sheet is cut up; its unused labels are kept for next time, so not "stray".
    if len(pages) > 1 and doc != "name-tags":
        assert _last_page_fill(pdf) >= 0.25, f"last of {len(pages)} pages nearly empty"
    text = squash("".join(p.extract_text() or "" for p in pages))
    sheet = _sheet(size)
    if doc not in ("visit-forms", "name-tags"):
        assert squash(sheet.title)[:8] in text
    for person in _people(size)[:3]:
        if doc in ("attendance", "sign-in", "name-tags", "cafe-grid"):
            assert squash(person.family_name) in text
