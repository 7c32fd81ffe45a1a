"""A font loaded from the metrics cache is the font ReportLab parses, and draws the same PDF."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont
from reportlab.pdfgen.canvas import Canvas

from app.printing import font_cache
from app.printing.fonts import FALLBACK_FILE, FONT_DIR


def _same(a: Any, b: Any) -> None:
    assert vars(a).keys() == vars(b).keys()
    for attr, value in vars(a).items():
        other = vars(b)[attr]
        if attr == "_pdfScale":
            assert [value(x) for x in (0, 1, 1000, 2048, -77)] == [
                other(x) for x in (0, 1, 1000, 2048, -77)
            ]
        elif attr in ("face", "encoding", "state"):
            continue
        else:
            assert type(value) is type(other), attr
            assert value == other, attr
            if isinstance(value, TTFNameBytes):
                assert value.ustr == other.ustr, attr


def _pdf(font: TTFont, path: Path) -> bytes:
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font)
    c = Canvas(str(path), invariant=1)
    c.setFont(font.fontName, 12)
    c.drawString(72, 720, "山田 太郎 ヤマダ タロウ 令和8年10月15日（木） 𠮷")
    c.save()
    return path.read_bytes()


@pytest.mark.parametrize("file", ["BIZUDGothic-Regular.ttf", FALLBACK_FILE])
def test_a_cached_font_equals_a_parsed_one(tmp_path: Path, file: str) -> None:
    source = FONT_DIR / file
    parsed = TTFont("Parsed", str(source))
    first = font_cache.load_ttfont("Cached", source)  # parses and writes the cache
    assert (font_cache.cache_folder() / f"{source.stem}.metrics").exists()
    second = font_cache.load_ttfont("Cached", source)  # reads it
    for font in (first, second):
        _same(font, TTFont("Cached", str(source)))
        _same(font.face, parsed.face)
        assert font.face._ttf_data == parsed.face._ttf_data
    assert _pdf(second, tmp_path / "a.pdf") == _pdf(
        TTFont("Cached2", str(source)), tmp_path / "b.pdf"
    ).replace(b"Cached2", b"Cached")


def test_a_changed_or_broken_cache_is_parsed_again(tmp_path: Path) -> None:
    source = tmp_path / "Copy.ttf"
    shutil.copyfile(FONT_DIR / FALLBACK_FILE, source)
    cache = font_cache.cache_folder() / "Copy.metrics"
    font_cache.load_ttfont("Copy", source)
    cache.write_bytes(b"\x00not marshal")
    _same(font_cache.load_ttfont("Copy", source).face, TTFont("P", str(source)).face)
    # The font file changes (size and time): the stored metrics no longer match it.
    source.write_bytes((FONT_DIR / "BIZUDGothic-Regular.ttf").read_bytes())
    _same(
        font_cache.load_ttfont("Copy", source).face,
        TTFont("P", str(source)).face,
    )
