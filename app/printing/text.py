"""Japanese text on paper: line breaking with kinsoku on both line ends, and missing glyphs."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import (
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)
from reportlab.rl_config import _FUZZ

from app.core.i18n import gettext as _
from app.printing.fonts import FALLBACK, fallback_charset, font_charset, register_fallback

# A line must not END with one of these (行末禁則). ReportLab's wordWrap="CJK" only knows the
# line-start side, so it happily leaves 「 alone at the right margin.
OPENING_BRACKETS = frozenset("「（『【〔［｛〈《([{｢“‘")

# A line must not START with one of these (行頭禁則): closing brackets and sentence marks.
CLOSING_MARKS = frozenset("、。，．・：；？！」』）】〕］｝〉》)]}!?,.:;｣”’")
# Small kana, the long-vowel mark and iteration marks belong to the character before them.
_CONTINUATIONS = frozenset("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶーゝゞヽヾ々")
CANNOT_START = CLOSING_MARKS | _CONTINUATIONS
# Only the comma and the full stop may hang past the line end (ぶら下げ): their ink sits in the
# left half of the em. A hung 」, ー or small kana would print across a column rule or past
# the margin, so those are pushed to the next line with the character before them (追い出し).
HANGING = frozenset("、。，．,.")

# Printed instead of a character the font cannot draw: the customary "geta" mark, which a
# reader knows means "a character went missing here" (a blank box looks like a tick box).
GETA = "〓"


def fallback_glyphs(text: str, font: str) -> set[str]:
    """The characters of `text` that `font` lacks and the fallback face draws instead."""
    missing = missing_glyphs(text, font, fallback=False)
    if not missing:
        return set()
    charset = fallback_charset()
    return {ch for ch in missing if ord(ch) in charset}


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """`text` cut into (piece, font) runs: the fallback face for what `font` lacks."""
    use = fallback_glyphs(text, font)
    if not use:
        return [(text, font)] if text else []
    out: list[tuple[str, str]] = []
    for ch in text:
        face = FALLBACK if ch in use else font
        if out and out[-1][1] == face:
            out[-1] = (out[-1][0] + ch, face)
        else:
            out.append((ch, face))
    register_fallback()
    return out


def run_width(text: str, font: str, size: float) -> float:
    """The advance of `text` as `draw_text` sets it (fallback characters included)."""
    return float(sum(stringWidth(piece, face, size) for piece, face in runs(text, font)))


def draw_text(
    canvas: Any, x: float, y: float, text: str, font: str, size: float, anchor: str = "start"
) -> None:
    """drawString with per-character fallback; `anchor` "start", "middle" or "end"."""
    width = run_width(text, font, size)
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    for piece, face in runs(text, font):
        canvas.setFont(face, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, face, size)
    canvas.setFont(font, size)


def missing_glyphs(text: str, font: str, *, fallback: bool = True) -> set[str]:
    """The characters of `text` that the registered TrueType font `font` has no glyph for
    (with `fallback`, that the fallback face has none for either: those print as 〓).

    Control characters (newline, tab) are never drawn, so they are not reported.
    """
    charset = font_charset(font)
    missing = {ch for ch in text if ord(ch) not in charset and unicodedata.category(ch) != "Cc"}
    if fallback and missing:
        spare = fallback_charset()
        missing = {ch for ch in missing if ord(ch) not in spare}
    return missing


class TextGuard:
    """Every string bound for the page passes through here once: a character the font lacks
    is drawn from the fallback face (markup() and draw_text() switch per character); one
    neither has is replaced by 〓 and reported in `warnings` (in order, without repeats)."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def text(self, value: str) -> str:
        """`value` ready to draw with the guard's font."""
        missing = missing_glyphs(value, self.font)
        if not missing:
            return value
        chars = " ".join(sorted(missing))
        self.warn(
            _('"{text}": the font has no glyph for {chars}; {geta} is printed instead.').format(
                text=value, chars=chars, geta=GETA
            )
        )
        return "".join(GETA if ch in missing else ch for ch in value)

    def markup(self, value: str) -> str:
        """`value` as Paragraph markup: checked, XML-escaped, newlines kept as line breaks,
        each fallback character in a <font> of the fallback face."""
        out = []
        for piece, face in runs(self.text(value), self.font):
            text = escape(piece).replace("\r\n", "\n").replace("\n", "<br/>")
            out.append(text if face == self.font else f'<font name="{face}">{text}</font>')
        return "".join(out)


# A number with what belongs to it: dates (2023年2月5日(日)), times (13:30～15:30), house
# numbers (4-29-13), phone numbers (03-1234-5678), amounts (1,000円). Never broken inside.
_NUMBER_RUN = re.compile(
    r"[0-9０-９][0-9０-９,，.．:：/／\-‐－−–〜～年月日時分]*[0-9０-９年月日時分]"
    r"(?:[(（][月火水木金土日祝][)）])?"
)
# A katakana word (フードパントリー) moves whole to the next line when it fits there.
_KATAKANA_RUN = re.compile(r"[ァ-ヺーｦ-ﾟ]{2,}")  # ・ joins two words: a break after it is fine
# A line broken at a phrase may end this far short of the margin before a plain character
# break is taken instead: ragged, not gappy.
PHRASE_FILL = 0.5


@functools.cache
def _budoux() -> Any:
    import budoux  # ~16 ms: loaded with the first paragraph

    return budoux.load_default_japanese_parser()


@functools.cache
def break_points(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """(phrase boundaries, positions inside a number or katakana word) of `text`.

    Phrases come from BudouX's Japanese model (Apache-2.0), plus spaces and line ends; a
    boundary BudouX puts inside a number (「202 / 3年」) or a katakana word is dropped. Both
    sets hold indices i meaning "between text[i-1] and text[i]".
    """
    inside: set[int] = set()
    for run in (_NUMBER_RUN, _KATAKANA_RUN):
        for m in run.finditer(text):
            inside.update(range(m.start() + 1, m.end()))
    bounds: set[int] = set()
    pos = 0
    for part in text.splitlines(keepends=True):
        if any(ord(ch) >= 0x3000 for ch in part):
            at = pos
            for chunk in _budoux().parse(part)[:-1]:
                at += len(chunk)
                bounds.add(at)
        pos += len(part)
        bounds.add(pos)
    bounds.update(i + 1 for i, ch in enumerate(text) if ch.isspace() or ch in CLOSING_MARKS)
    bounds.update(i for i, ch in enumerate(text) if ch in OPENING_BRACKETS)
    bounds.update(i for i, ch in enumerate(text) if ch.isspace())
    return frozenset(bounds - inside), frozenset(inside)


def _is_space(u: str) -> bool:
    return u != "" and u.isspace()


def _ends_open(chars: Sequence[str], start: int, end: int) -> bool:
    """Whether the line chars[start:end] ends (trailing spaces aside) with an opening bracket."""
    k = end - 1
    while k >= start and _is_space(chars[k]):
        k -= 1
    return k >= start and chars[k] in OPENING_BRACKETS


def choose_break(chars: Sequence[str], start: int, overflow: int) -> int:
    """Where the line starting at `start` ends, given that chars[overflow] no longer fits.

    Returns `end` (exclusive), with end > start. The rules, in order:
    a Latin word is moved whole to the next line when there is a space or a kanji/kana to
    break after; one comma or full stop may hang past the margin (ぶら下げ); any other mark
    that cannot start a line (」, ー, small kana), or two or more, is pushed to the next line
    with the character before them; then the line is shortened until it no longer ends with
    an opening bracket. Only a line made entirely of opening brackets grows
    past the margin instead, taking the next character with it.
    """
    n = len(chars)
    end = overflow
    first = chars[end]
    if first and ord(first) < 0x3000 and not _is_space(first):
        for j in range(end - 1, (start + end) // 2, -1):
            cj = chars[j]
            if _is_space(cj) or (cj and ord(cj) >= 0x3000):
                end = j + 1
                break
    if end < n and chars[end] in CANNOT_START:
        if chars[end] in HANGING and (end + 1 >= n or chars[end + 1] not in CANNOT_START):
            end += 1
        else:
            while end > start + 1 and chars[end] in CANNOT_START:
                end -= 1
    while end > start + 1 and _ends_open(chars, start, end):
        end -= 1
    if _ends_open(chars, start, end):
        end = max(overflow, start + 1)
        while end < n and _ends_open(chars, start, end):
            end += 1
    return end


def _kinsoku_ok(chars: Sequence[Any], start: int, end: int) -> bool:
    return (end >= len(chars) or chars[end] not in CANNOT_START) and not _ends_open(
        chars, start, end
    )


def _phrase_end(chars: Sequence[Any], start: int, end: int, max_width: float, text: str) -> int:
    """Move the character break `end` back to the nearest phrase boundary when the line then
    still fills PHRASE_FILL of the width; else at least out of a number or katakana word."""
    if end >= len(chars) or end <= start + 1:
        return end
    bounds, inside = break_points(text)
    if end in bounds:
        return end
    widths = list(itertools.accumulate(_width(u, max_width) for u in chars[start:end]))

    def fill(p: int) -> float:
        return widths[p - start - 1] / max_width if max_width else 1.0

    for p in range(end - 1, start, -1):
        if fill(p) < PHRASE_FILL:
            break
        if p in bounds and _kinsoku_ok(chars, start, p):
            return p
    if end not in inside:
        return end
    for p in range(end - 1, start, -1):
        if p not in inside and _kinsoku_ok(chars, start, p):
            return p
    return end


def _widow_after(chars: Sequence[Any], end: int) -> bool:
    """Whether the paragraph's text after `end` (up to a forced break) is one character."""
    rest = 0
    for u in chars[end:]:
        if hasattr(u.frag, "lineBreak"):
            break
        if not _is_space(u):
            rest += 1
            if rest > 1:
                return False
    return rest == 1


def _width(u: Any, max_width: float) -> float:
    w = u.width
    if hasattr(w, "normalizedValue"):
        w._normalizer = max_width
        w = w.normalizedValue(max_width)
    return float(w)


def kinsoku_frag_split(frags: Sequence[Any], max_widths: Sequence[float], calc_bounds: bool) -> Any:
    """ReportLab's cjkFragSplit with line-end kinsoku added (see `choose_break`)."""
    chars: list[Any] = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if text:
            chars.extend(cjkU(t, f, "utf8") for t in text)
        else:
            chars.append(cjkU(text, f, "utf8"))
    lines: list[Any] = []
    n = len(chars)
    start = 0
    # The paragraph's text, index for index with `chars` (a forced break stands as "\n").
    text = "".join(str(u) or "\n" for u in chars)

    def max_width_for(line_no: int) -> float:
        return float(max_widths[line_no] if line_no < len(max_widths) else max_widths[-1])

    def emit(end: int, line_break: bool) -> None:
        stop = end
        while stop > start and _is_space(chars[stop - 1]) and not line_break:
            stop -= 1
        mw = max_width_for(len(lines))
        used = sum(_width(u, mw) for u in chars[start:stop])
        lines.append(
            makeCJKParaLine(chars[start:stop], mw, used, mw - used, line_break, calc_bounds)
        )

    while start < n:
        max_width = max_width_for(len(lines))
        used = 0.0
        i = start
        end = -1
        line_break = False
        while i < n:
            u = chars[i]
            if hasattr(u.frag, "lineBreak"):
                end, line_break = i + 1, True
                break
            w = _width(u, max_width)
            if used + w > max_width + _FUZZ and i > start:
                end = choose_break(chars, start, i)
                end = _phrase_end(chars, start, end, max_width, text)
                if _widow_after(chars, end) and end - start > 3:
                    # One character alone on the last line (「ホー / ル」) reads as a
                    # mistake: take one more along so it has company.
                    end = choose_break(chars, start, end - 1)
                break
            used += w
            i += 1
        if end < 0:
            emit(n, False)
            break
        emit(end, line_break)
        start = end
        if not line_break:
            while start < n and _is_space(chars[start]):
                start += 1
    return ParaLines(kind=1, lines=lines)


class KinsokuParagraph(Paragraph):
    """A Paragraph whose CJK line breaking also keeps opening brackets off the line end."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - ReportLab's names
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        if len(self.frags) <= 0:
            style = self.style
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return kinsoku_frag_split(self.frags, maxWidths, auto_leading not in ("", "off"))


def paragraph(markup: str, style: ParagraphStyle) -> KinsokuParagraph:
    """A CJK-wrapping paragraph with kinsoku on both line ends; `markup` is already escaped."""
    if style.wordWrap != "CJK":
        style = ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK")
    return KinsokuParagraph(markup, style)


def paragraph_lines(para: Paragraph) -> list[str]:
    """The text of each line as the paragraph was broken by its last wrap()."""
    bl = para.blPara
    out: list[str] = []
    for line in bl.lines:
        if bl.kind == 1:
            out.append("".join(getattr(w, "text", "") for w in line.words))
        else:
            out.append(" ".join(line[1]))
    return out


def _script(ch: str) -> str:
    o = ord(ch)
    if 0x3041 <= o <= 0x309F:
        return "hira"
    if 0x30A0 <= o <= 0x30FF or 0xFF66 <= o <= 0xFF9F:
        return "kata"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or o >= 0x20000:
        return "kanji"
    if ch.isalnum():
        return "latin"
    return "other"


def phrase_breaks(text: str) -> list[int]:
    """Positions where a display line (a title) may break without cutting a phrase.

    Japanese has no spaces: BudouX's phrase boundaries, and after a closing bracket or
    sentence mark, before an opening bracket, around a space, and where hiragana (a particle
    or an ending) is followed by kanji, katakana or Latin. Never inside a number, date or
    katakana word; kinsoku holds at every position returned.
    """
    out = []
    bounds, inside = break_points(text)
    for i in range(1, len(text)):
        prev, nxt = text[i - 1], text[i]
        if prev in OPENING_BRACKETS or nxt in CANNOT_START or i in inside:
            continue
        if (
            i in bounds
            or prev in CLOSING_MARKS
            or nxt in OPENING_BRACKETS
            or prev.isspace()
            or (_script(prev) == "hira" and _script(nxt) in ("kanji", "kata", "latin"))
        ):
            out.append(i)
    return out


def balanced_lines(
    text: str, font: str, width: float, sizes: Sequence[float], max_lines: int
) -> tuple[float, list[str]] | None:
    """Break a short display text (a title) at phrase boundaries into at most `max_lines`
    lines of similar length, at the largest of `sizes` (descending) where that fits `width`.

    Newlines in `text` are kept as forced breaks. None when no size fits: the caller then
    falls back to ordinary character wrapping.
    """
    forced = [part.strip() for part in text.splitlines() if part.strip()]
    if not forced:
        return None
    if len(forced) > 1:
        unit = max(stringWidth(part, font, 1.0) for part in forced)
        for size in sizes:
            if len(forced) <= max_lines and unit * size <= width + _FUZZ:
                return size, forced
        return None
    line = forced[0]
    cuts = [0, *phrase_breaks(line), len(line)]

    @functools.cache
    def seg_width(a: int, b: int) -> float:  # at 1 pt; widths scale with the size
        return float(stringWidth(line[a:b].strip(), font, 1.0))

    for size in sizes:
        limit = (width + _FUZZ) / size
        # Fewest lines first, then the most even split (the smallest longest line).
        for count in range(1, max_lines + 1):
            choice: tuple[float, list[int]] | None = None
            for picks in itertools.combinations(range(1, len(cuts) - 1), count - 1):
                bounds = [0, *(cuts[p] for p in picks), len(line)]
                widest = max(seg_width(a, b) for a, b in itertools.pairwise(bounds))
                if widest <= limit and (choice is None or widest < choice[0]):
                    choice = (widest, bounds)
            if choice is not None:
                return size, [line[a:b].strip() for a, b in itertools.pairwise(choice[1])]
    return None
