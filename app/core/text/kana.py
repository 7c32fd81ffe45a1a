"""Kana readings: storage form, phone-book (gojūon) sort keys and search folding."""

from __future__ import annotations

import functools
import re
import unicodedata

import jaconv

from app.core.text.variants import variant_table

# Sort key layout: PRIMARY + " " + SECONDARY.
# PRIMARY has one weight per kana: the large, unvoiced hiragana (ゐ/ゑ as い/え, ー as the vowel
# before it). The hiragana code points of those kana already run in gojūon order (あ < … < ん).
# Anything else becomes _ESCAPE + the lower-cased character, so it sorts after every kana and
# among itself by code point. The space separator is below every primary weight, so a key whose
# primary part is a prefix of another's sorts first (あい < あいう). SECONDARY is the exact
# hiragana, compared only when the primaries are equal: the code points of one kana's variants
# already run small < large < 濁 < 半濁 (ぁ < あ, か < が, は < ば < ぱ), and ー follows the vowel.
_ESCAPE = "\u30ff"
_SEPARATOR = " "
EMPTY_KEY = "\uffff"
"""The key of an empty reading: above every other key, so members without furigana sort last."""

_SMALL_TO_LARGE = dict(zip("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ", strict=True))
_GOJUON_ROWS = (
    "あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの",
    "はひふへほ", "まみむめも", "やいゆえよ", "らりるれろ", "わゐうゑを",
)  # fmt: skip
_VOWEL = {
    kana: row_vowel
    for row in _GOJUON_ROWS
    for kana, row_vowel in zip(row, "あいうえお", strict=True)
}
_VOWEL["ん"] = "ん"

# Small katakana for Ainu (U+31F0-31FF) have no hiragana; they sort as their large kana.
_AINU_SMALL = dict(
    zip("ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ", "くしすとぬはひふへほむらりるれろ", strict=True)
)

_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()] + list(_INVISIBLE)
_CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
_MIDDLE_DOT = "・"  # ジョン・スミス: a word break in a reading, like a space
_DASHES = (
    "-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u30a0"
)
# Long-vowel-like marks that an IME gives for "-" typed between digits (03ー1234).
_DIGIT_DASH = re.compile("(?<=[0-9])[ー\u2500\u2501]+(?=[0-9])")
_COMBINING_MARKS = ("\u3099", "\u309a")


def _base_table() -> dict[int, str | None]:
    """Katakana to hiragana; whitespace, control characters and the middle dot dropped."""
    table: dict[int, str | None] = {c: chr(c - 0x60) for c in range(0x30A1, 0x30F7)}
    table[ord("ヽ")] = "ゝ"
    table[ord("ヾ")] = "ゞ"
    for char in [*_WHITESPACE, _MIDDLE_DOT, *_CONTROLS]:
        table[ord(char)] = None
    return table


_TO_HIRAGANA = _base_table()


def _nfkc(text: str) -> str:
    """NFKC, with the spacing ゛゜ first made combining so that か゛ becomes が, not "か ゙"."""
    if "\u309b" in text or "\u309c" in text:
        text = text.replace("\u309b", "\u3099").replace("\u309c", "\u309a")
    if "\u3000" in text:
        # NFKC would do this too, but slowly: the quick check only passes a string it keeps.
        text = text.replace("\u3000", " ")
    return unicodedata.normalize("NFKC", text)


def normalize_reading(text: str) -> str:
    """A reading (furigana) in its stored form: NFKC, full-width katakana, single spaces.

    Only for readings: NFKC rewrites compatibility ideographs, so names never pass through here.
    """
    return " ".join(jaconv.hira2kata(_nfkc(text)).split())


class _PrimaryTable(dict[int, str | None]):
    """Primary weights for `str.translate`; characters that are not kana are escaped on demand."""

    def __missing__(self, code: int) -> str:
        weight = "".join(_ESCAPE + char for char in chr(code).lower())
        self[code] = weight
        return weight


def _primary_table() -> _PrimaryTable:
    table = _PrimaryTable()
    for code in range(0x3041, 0x3097):
        base = unicodedata.normalize("NFD", chr(code))[0]
        large = _SMALL_TO_LARGE.get(base, base)
        table[code] = {"ゐ": "い", "ゑ": "え"}.get(large, large)
    for voiced in "ヷヸヹヺ":
        table[ord(voiced)] = table[ord(unicodedata.normalize("NFD", voiced)[0]) - 0x60]
    for small, large in _AINU_SMALL.items():
        table[ord(small)] = large
    for mark in _COMBINING_MARKS:
        # A mark NFC could not attach to anything: no primary weight, kept in the secondary.
        table[ord(mark)] = None
    return table


_PRIMARY = _primary_table()

# Secondary weights: the exact kana, except small kana whose code point is above their large
# form; those get the code point just below it (only ever compared with the same large kana).
_SECONDARY = {
    ord(small): chr(ord(large) - 1)
    for small, large in [("ゕ", "か"), ("ゖ", "け"), *_AINU_SMALL.items()]
}

_NEEDS_SECONDARY = re.compile("[\u3095\u3096\u31f0-\u31ff]")


def _expand_iteration_marks(kana: str) -> str:
    """ゝ/ゞ spelled out (すゞき -> すずき) so that they sort as the kana they repeat."""
    chars = list(kana)
    for i, char in enumerate(chars):
        if char in "ゝゞ" and i > 0 and 0x3041 <= ord(chars[i - 1]) <= 0x3096:
            base = unicodedata.normalize("NFD", chars[i - 1])[0]
            if char == "ゞ":
                voiced = unicodedata.normalize("NFC", base + "\u3099")
                base = voiced if len(voiced) == 1 else base
            chars[i] = base
    return "".join(chars)


def _resolve_long_vowels(kana: str) -> str:
    """ー replaced by the vowel of the kana before it (かーど -> かあど); a leading ー is kept."""
    chars = list(kana)
    for i, char in enumerate(chars):
        if char == "ー" and i > 0:
            previous = _PRIMARY.get(ord(chars[i - 1]))
            vowel = _VOWEL.get(previous) if previous else None
            if vowel:
                chars[i] = vowel
    return "".join(chars)


def reading_sort_key(reading: str) -> str:
    """A key whose plain code-point order (SQLite BINARY, PostgreSQL "C") is phone-book order.

    Gojūon order ignoring 濁点, small kana, ー (read as its vowel) and katakana/hiragana/width;
    ties broken on the exact kana (清 < 濁 < 半濁, small before large). Characters that are not
    kana sort after all kana, by code point, case-insensitively. An empty reading sorts last.
    """
    kana = _nfkc(reading).translate(_TO_HIRAGANA)
    if not kana:
        return EMPTY_KEY
    if "\u3099" in kana or "\u309a" in kana:
        kana = unicodedata.normalize("NFC", kana)  # marks parted from their kana by a space
    if "ゝ" in kana or "ゞ" in kana:
        kana = _expand_iteration_marks(kana)
    spelled = _resolve_long_vowels(kana) if "ー" in kana else kana
    secondary = kana.translate(_SECONDARY) if _NEEDS_SECONDARY.search(kana) else kana
    return spelled.translate(_PRIMARY) + _SEPARATOR + secondary


@functools.cache
def _fold_table() -> dict[int, str | None]:
    table = dict(_TO_HIRAGANA)
    for dash in _DASHES:
        table[ord(dash)] = None
    table.update(variant_table())
    return table


def search_fold(text: str) -> str:
    """The form in which search input and searched names, readings, numbers and phones meet.

    NFKC, lower case, katakana to hiragana, variant kanji to their standard form; spaces, the
    middle dot, hyphens and dashes removed, and ー too when it stands between digits (an IME's
    "03ー1234"). ー elsewhere is a long vowel and stays. For search columns only.
    """
    folded = _nfkc(text).lower().translate(_fold_table())
    if not unicodedata.is_normalized("NFC", folded):
        folded = unicodedata.normalize("NFC", folded)  # a dropped space parted か from ゛
    if "ー" in folded or "\u2500" in folded or "\u2501" in folded:
        folded = _DIGIT_DASH.sub("", folded)
    return folded
