"""Kinsoku line breaking, phrase-balanced titles and missing-glyph reports."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.rl_config import _FUZZ

from app.printing.fonts import GOTHIC, PGOTHIC, PGOTHIC_BOLD, register_fonts
from app.printing.text import (
    CANNOT_START,
    GETA,
    HANGING,
    OPENING_BRACKETS,
    TextGuard,
    balanced_lines,
    missing_glyphs,
    paragraph,
    paragraph_lines,
    phrase_breaks,
)

OPENERS = "「（『【〔［｛〈《(["


def _style(font: str = GOTHIC, size: float = 12) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle("t", fontName=font, fontSize=size, leading=size * 1.3, wordWrap="CJK")


def _lines(text: str, width: float, font: str = GOTHIC, size: float = 12) -> list[str]:
    para = paragraph(escape(text), _style(font, size))
    para.wrap(width, 100_000)
    return paragraph_lines(para)


def _ends_open(line: str) -> bool:
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in OPENING_BRACKETS


def test_reportlab_alone_leaves_an_opening_bracket_at_the_line_end() -> None:
    # The reason for our own splitter: with plain ReportLab 「 ends the first line here.
    text = "あいうえおかき「くけこ」さしすせそ"
    plain = Paragraph(escape(text), _style())
    plain.wrap(8 * 12, 1000)
    first = (
        "".join(w.text for w in plain.blPara.lines[0].words)
        if plain.blPara.kind
        else (plain.blPara.lines[0][1][0])
    )
    assert first.endswith("「")
    ours = _lines(text, 8 * 12)
    assert ours[0] == "あいうえおかき"
    assert ours[1].startswith("「くけこ」")


def test_every_opening_bracket_moves_to_the_next_line() -> None:
    for opener in OPENERS:
        lines = _lines(f"あいうえおかき{opener}くけこさしすせそたちつてと", 8 * 12)
        assert not any(_ends_open(line) for line in lines[:-1]), (opener, lines)
        assert "".join(lines) == f"あいうえおかき{opener}くけこさしすせそたちつてと"


def test_one_closing_mark_hangs_two_are_pushed_back() -> None:
    assert _lines("あいうえおかきく。けこ", 8 * 12)[0] == "あいうえおかきく。"
    lines = _lines("あいうえおかきく」。けこ", 8 * 12)
    # Pushed back with the character before them, here to the phrase boundary (BudouX).
    assert lines[0] in ("あいうえおかき", "あいうえ")
    assert "く」。" in lines[1]


def test_explicit_line_breaks_are_kept() -> None:
    para = paragraph("あいう<br/>えお", _style())
    para.wrap(500, 1000)
    assert paragraph_lines(para) == ["あいう", "えお"]


ALPHABET = st.sampled_from(
    list("あいうえおかきくけこ漢字仲間共感ーっゃアイウ")
    + list(OPENERS)
    + list("」』）】〕］｝〉》)]、。！？")
    + list("abcXYZ019 ")
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(ALPHABET, min_size=1, max_size=80).map("".join),
    chars_per_line=st.integers(min_value=2, max_value=20),
    size=st.sampled_from([10.0, 12.0, 14.0]),
    font=st.sampled_from([GOTHIC, PGOTHIC, PGOTHIC_BOLD]),
)
def test_no_line_ends_with_an_opening_bracket(
    text: str, chars_per_line: int, size: float, font: str
) -> None:
    width = chars_per_line * size
    lines = _lines(text, width, font, size)
    # Nothing lost or duplicated (spaces aside: the parser folds them, breaks eat them).
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines[:-1]:
        assert not _ends_open(line), (text, lines)
    for line in lines:
        body = line.rstrip()
        if stringWidth(body, font, size) <= width + _FUZZ:
            continue
        # Only two reasons to pass the margin: one hanging comma or full stop (ぶら下げ), or a
        # run of opening brackets longer than a line, which takes the next character along.
        hangs = body[-1] in HANGING and stringWidth(body[:-1], font, size) <= width + _FUZZ
        bracket_run = all(c in OPENING_BRACKETS or c == " " for c in body[:-1])
        assert hangs or bracket_run, (text, lines)


def test_missing_glyphs_reports_characters_outside_the_font() -> None:
    register_fonts()
    # BIZ UD lacks 𠮷; the fallback face (Noto Sans CJK JP subset) has it: nothing missing.
    assert missing_glyphs("𠮷田 花子", PGOTHIC, fallback=False) == {"𠮷"}
    assert missing_glyphs("𠮷田 花子", PGOTHIC) == set()
    assert missing_glyphs("🍙田", PGOTHIC) == {"🍙"}
    assert missing_glyphs("髙﨑 邊 齋藤～", PGOTHIC) == set()
    assert missing_glyphs("改行\nタブ\t", PGOTHIC) == set()
    # The word joiner is not in BIZ UD Gothic either: binding brackets with it would print
    # a box, which is why kinsoku is done in the line breaker instead.
    assert missing_glyphs("\u2060", PGOTHIC) == {"\u2060"}


def test_guard_substitutes_geta_and_warns_once() -> None:
    guard = TextGuard(PGOTHIC)
    assert guard.text("🍙田") == GETA + "田"
    assert guard.text("🍙田") == GETA + "田"
    assert guard.text("山田") == "山田"
    assert guard.text("𠮷田") == "𠮷田"  # the fallback face draws it: no 〓, no warning
    assert len(guard.warnings) == 1
    assert "🍙" in guard.warnings[0]
    assert guard.markup("𠮷田") == '<font name="TsunaguFallbackJP">𠮷</font>田'
    assert guard.markup("A&B\n<C>") == "A&amp;B<br/>&lt;C&gt;"


def test_phrase_breaks_respect_kinsoku() -> None:
    text = "「私もやりたい!」共感からつながる仲間づくりとまちづくり"
    breaks = phrase_breaks(text)
    assert text.index("共") in breaks  # after the closing bracket
    assert text.index("仲") in breaks  # hiragana る, then kanji 仲
    for i in breaks:
        assert text[i - 1] not in OPENING_BRACKETS
        assert text[i] not in CANNOT_START


def test_balanced_title_lines() -> None:
    register_fonts()
    text = "「私もやりたい!」共感からつながる仲間づくりとまちづくり"
    fitted = balanced_lines(text, PGOTHIC_BOLD, 516, list(range(72, 29, -2)), 3)
    assert fitted is not None
    size, lines = fitted
    assert lines == ["「私もやりたい!」", "共感からつながる", "仲間づくりとまちづくり"]
    assert all(stringWidth(line, PGOTHIC_BOLD, size) <= 516 for line in lines)
    one = balanced_lines("北区タウンミーティング", PGOTHIC_BOLD, 516, [30], 3)
    assert one == (30, ["北区タウンミーティング"])
    assert balanced_lines("一行目\n二行目", PGOTHIC_BOLD, 516, [40], 3) == (
        40,
        ["一行目", "二行目"],
    )
    # No phrase boundary and far too long: the caller falls back to character wrapping.
    assert balanced_lines("あ" * 80, PGOTHIC_BOLD, 100, [30, 20], 2) is None


def test_a_long_vowel_mark_or_small_kana_never_hangs_past_the_line_end() -> None:
    # The old breaker hung these past the margin: 「多目的ホー」 over the poster's margin and
    # 「三鷹をつなげようプロジェ」 across the report's column rule.
    assert _lines("あいうえおかきホール", 8 * 12)[-1].endswith("ホール")
    assert _lines("三鷹をつなげようプロジェクト", 11 * 12) == ["三鷹をつなげよう", "プロジェクト"]
    assert _lines("あいうえおかきく、けこ", 8 * 12)[0] == "あいうえおかきく、"


KEEP_WHOLE = [
    # The bad breaks the issue found on paper: 「フードパント / リー」, 「寄り / 添い」,
    # 「(2023年2 / 月5日(日))」, a house number 「荒川4-29-1 / 3」 and 「(土)」 pushed off its date.
    ("地域で支え合うフードパントリーと見守り活動", ["フードパントリー", "支え合う"]),
    ("寄り添いの現場から見えること", ["寄り添い", "現場"]),
    ("2022年度「まちづくり・組合員活動交流のつどい」(2023年2月5日(日))", ["2023年2月5日(日)"]),
    ("荒川区荒川4-29-13 電話 03-1234-5678", ["4-29-13", "03-1234-5678"]),
    ("前回は令和8年10月3日(土) 13:30～15:30に訪問しました", ["10月3日(土)", "13:30～15:30"]),
]


@pytest.mark.parametrize(("text", "whole"), KEEP_WHOLE)
def test_phrase_breaks_never_cut_a_word_number_or_date(text: str, whole: list[str]) -> None:
    for chars in range(10, 40):  # from the width where the longest fits on a line
        lines = _lines(text, chars * 12)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for word in whole:
            assert any(word in line for line in lines), (chars, lines, word)
