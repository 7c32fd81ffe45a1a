"""Helpers for tests that read printed PDFs back with pypdf."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from app.printing.model import Attendee, EventSheet

A4_PT = (595.2756, 841.8898)
B5_JIS_PT = (515.9055, 728.5039)

SUBSET_NAME = re.compile(r"^/?[A-Z]{6}\+")


def seed_sheet(**changes: Any) -> EventSheet:
    """まちづくり講座 第18講 from the seed file, on an invented date."""
    values: dict[str, Any] = dict(
        title="「私もやりたい!」共感からつながる仲間づくりとまちづくり",
        catch="地域で人と人をつなぐ人から学ぶ",
        kind_label="講座",
        series_label="まちづくり講座 第18講",
        starts=datetime(2022, 6, 10, 13, 30),
        ends=datetime(2022, 6, 10, 15, 30),
        venue="北区赤羽会館 4階 小ホール",
        venue_access="JR赤羽駅 東口より徒歩5分",
        lecturers=[("小原 宗一", "北区社会福祉協議会")],
        organisers=["北区まちづくり"],
        co_hosts=["北区社会福祉協議会"],
        fee_yen=0,
        capacity=30,
        apply_how="電話でお申し込みください",
        apply_by=date(2022, 6, 3),
        contact="北区まちづくり 事務局（03-1234-5678）",
        description="共感から仲間が生まれ、まちづくりが広がっていくお話をうかがいます。",
        qr_url="https://example.org/tsunagu/events/18",
        image_path=None,
        chapter_name="北区まちづくり",
    )
    values.update(changes)
    return EventSheet(**values)


FAMILIES = [
    ("髙﨑", "たかさき"),
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("渡邊", "わたなべ"),
    ("齋藤", "さいとう"),
    ("小林", "こばやし"),
    ("伊藤", "いとう"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("井上", "いのうえ"),
    ("木村", "きむら"),
    ("清水", "しみず"),
    ("池田", "いけだ"),
    ("阿部", "あべ"),
    ("橋本", "はしもと"),
    ("森", "もり"),
    ("岡田", "おかだ"),
    ("上野", "うえの"),
]
GIVENS = [
    ("花子", "はなこ"),
    ("太郎", "たろう"),
    ("美咲", "みさき"),
    ("健一", "けんいち"),
    ("和子", "かずこ"),
    ("節子", "せつこ"),
    ("誠", "まこと"),
    ("陽子", "ようこ"),
    ("翔", "しょう"),
    ("恵美", "えみ"),
]


def attendees(count: int) -> list[Attendee]:
    """`count` people with unique names, handed over in a scrambled (non-gojūon) order."""
    people = []
    for i in range(count):
        family, family_kana = FAMILIES[i % len(FAMILIES)]
        given, given_kana = GIVENS[(i // len(FAMILIES)) % len(GIVENS)]
        suffix = "" if i < len(FAMILIES) * len(GIVENS) else str(i)
        people.append(
            Attendee(
                family_name=family,
                given_name=given + suffix,
                family_kana=family_kana,
                given_kana=given_kana,
                kind="guest" if i % 3 == 0 else "member",
                sort_key=f"{family_kana} {given_kana} {suffix}",
            )
        )
    return people[::2] + people[1::2][::-1]


def reader(pdf: Path | bytes) -> PdfReader:
    if isinstance(pdf, bytes):
        import io

        return PdfReader(io.BytesIO(pdf))
    return PdfReader(str(pdf))


def page_texts(pdf: Path | bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def squash(text: str) -> str:
    """Text without any whitespace, so that line breaks on paper do not matter."""
    return re.sub(r"\s+", "", text)


def _fonts_in(resources: Any, seen: set[int]) -> Iterator[DictionaryObject]:
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for ref in fonts.get_object().values():
            yield ref.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            yield from _fonts_in(obj.get("/Resources"), seen)


def fonts(pdf: Path | bytes) -> list[DictionaryObject]:
    out: dict[str, DictionaryObject] = {}
    for page in reader(pdf).pages:
        for font in _fonts_in(page.get("/Resources"), set()):
            out[str(font.get("/BaseFont"))] = font
    return list(out.values())


def assert_fonts_embedded_subsets(pdf: Path | bytes) -> None:
    """Every font is a TrueType subset carried in the file: nothing left to the viewer."""
    found = fonts(pdf)
    assert found, "no fonts at all"
    for font in found:
        base = str(font["/BaseFont"])
        assert font["/Subtype"] == "/TrueType", (base, font["/Subtype"])
        assert SUBSET_NAME.match(base), base
        assert "BIZUD" in base or "TsunaguFallbackJP" in base, base
        descriptor = font["/FontDescriptor"].get_object()
        assert isinstance(descriptor, DictionaryObject), base
        assert "/FontFile2" in descriptor, base


def page_size(pdf: Path | bytes, index: int = 0) -> tuple[float, float]:
    box = reader(pdf).pages[index].mediabox
    return float(box.width), float(box.height)


def text_positions(pdf: Path | bytes, index: int = 0) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text run on a page, from the text matrix."""
    runs: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            runs.append((text, float(tm[4]), float(tm[5])))

    reader(pdf).pages[index].extract_text(visitor_text=visit)
    return runs


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix m then n (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n  # noqa: N806 - the PDF reference's names
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def rules(pdf: Path | bytes, index: int = 0) -> list[tuple[float, float, float, float]]:
    """Every straight stroke drawn on a page as (x0, y0, x1, y1) in page space: table rules,
    cell borders and the edges of stroked rectangles (cut lines, frames, tick boxes)."""
    from pypdf.generic import ContentStream

    page = reader(pdf).pages[index]
    contents = page.get_contents()
    if contents is None:
        return []
    ops = ContentStream(contents, page.pdf).operations
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    stack: list[tuple[float, ...]] = []
    path: list[tuple[float, float, float, float]] = []
    here = (0.0, 0.0)
    out: list[tuple[float, float, float, float]] = []

    def pt(x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = ctm
        return a * x + c * y + e, b * x + d * y + f

    for operands, op in ops:
        name = op.decode() if isinstance(op, bytes) else str(op)
        if name == "q":
            stack.append(ctm)
        elif name == "Q":
            ctm = stack.pop() if stack else ctm
        elif name == "cm":
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif name == "m":
            here = pt(float(operands[0]), float(operands[1]))
        elif name == "l":
            nxt = pt(float(operands[0]), float(operands[1]))
            path.append((*here, *nxt))
            here = nxt
        elif name == "re":
            x, y, w, h = (float(v) for v in operands)
            corners = [pt(x, y), pt(x + w, y), pt(x + w, y + h), pt(x, y + h)]
            for p0, p1 in zip(corners, corners[1:] + corners[:1], strict=True):
                path.append((*p0, *p1))
        elif name in ("S", "s", "B", "B*", "b", "b*"):
            out += path
            path = []
        elif name in ("n", "f", "F", "f*"):
            path = []
    return out
