"""Addresses as vertical postcards write them: kanji numerals, full-width letters, vertical dashes.

Japan Post reads either, but a vertical address with Arabic numerals reads sideways, so
house numbers are written digit by digit in kanji (一〇一号室, 二丁目八番一号) and the
hyphens between them as a long dash (1-2-3 → 一―二―三), as printers of 宛名 do. Latin
letters and other ASCII become full-width so that each stands upright in its cell.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

KANJI_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")

# Dashes people type between numbers (and ー from a full-width IME) once NFKC has folded
# full-width forms to ASCII.
_DASH_CHARS = "-‐‑‒–—―−ーｰ﹣"
_NUMBER_DASH = re.compile(rf"(?<=\d)\s*[{re.escape(_DASH_CHARS)}]\s*(?=\d)")
VERTICAL_DASH = "―"


def vertical_address(text: str) -> str:
    """`text` (an address or building line) with kanji numerals, ready for vertical setting.

    >>> vertical_address("西新宿2-8-1 都庁ハイツ301")
    '西新宿二―八―一\u3000都庁ハイツ三〇一'
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = _NUMBER_DASH.sub(VERTICAL_DASH, folded)
    folded = folded.translate(KANJI_DIGITS)
    # Letters and remaining ASCII symbols full-width (A棟 → Ａ棟); a space becomes an
    # ideographic space so the two parts stay apart on paper.
    return jaconv.h2z(folded, kana=False, ascii=True, digit=True).replace(" ", "\u3000")


def postal_digits(postal_code: str) -> str:
    """The seven digits of a postal code ("" when it has not seven)."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", postal_code) if ch.isdigit())
    return digits if len(digits) == 7 else ""
