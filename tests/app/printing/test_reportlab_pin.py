"""What app/printing/text.py takes from ReportLab's internals (pyproject bounds the version).

KinsokuParagraph overrides Paragraph.breakLinesCJK and rebuilds cjkFragSplit from ReportLab's
private helpers. A ReportLab release that renames them, changes their signatures or stops
calling breakLinesCJK for wordWrap="CJK" must fail here before it reaches a printed flyer.
"""

from __future__ import annotations

import inspect

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as rl_paragraph

from app.printing import fonts
from app.printing.text import KinsokuParagraph, paragraph, paragraph_lines


def test_the_private_helpers_keep_the_signatures_used() -> None:
    assert list(inspect.signature(rl_paragraph.makeCJKParaLine).parameters) == [
        "U",
        "maxWidth",
        "widthUsed",
        "extraSpace",
        "lineBreak",
        "calcBounds",
    ]
    assert list(inspect.signature(rl_paragraph._handleBulletWidth).parameters) == [
        "bulletText",
        "style",
        "maxWidths",
    ]
    # cjkU(text, frag, encoding): one character that knows its fragment and its width.
    style = ParagraphStyle("s", fontName="Helvetica", fontSize=10)
    frag = Paragraph("x", style).frags[0]
    u = rl_paragraph.cjkU("x", frag, "utf8")
    assert u == "x" and u.frag is frag and float(u.width) > 0
    assert callable(rl_paragraph.ParaLines)
    from reportlab.rl_config import _FUZZ

    assert isinstance(_FUZZ, float)


def test_wrap_still_goes_through_break_lines_cjk() -> None:
    calls: list[object] = []

    class Probe(KinsokuParagraph):
        def breakLinesCJK(self, maxWidths):  # type: ignore[no-untyped-def]  # noqa: N802, N803
            calls.append(maxWidths)
            return super().breakLinesCJK(maxWidths)

    name = fonts.register_family(fonts.GOTHIC)
    style = ParagraphStyle("probe", fontName=name, fontSize=10, leading=12, wordWrap="CJK")
    Probe("あいうえお" * 20, style).wrap(100, 1000)
    assert calls, "ReportLab no longer calls breakLinesCJK for wordWrap='CJK'"
    assert Paragraph.breakLinesCJK is not KinsokuParagraph.breakLinesCJK


def test_an_opening_bracket_never_ends_a_line() -> None:
    name = fonts.register_family(fonts.GOTHIC)
    style = ParagraphStyle("k", fontName=name, fontSize=10, leading=12, wordWrap="CJK")
    text = "あいうえおかきくけ「こさしすせそ」たちつてと" * 3
    para = paragraph(text, style)
    para.wrap(95, 1000)
    lines = paragraph_lines(para)
    assert len(lines) > 1
    assert not any(line.rstrip().endswith("「") for line in lines)
