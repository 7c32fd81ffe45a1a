"""Kanji numerals for vertical addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.text.kanji_numerals import postal_digits, vertical_address


@pytest.mark.parametrize(
    ("typed", "vertical"),
    [
        ("西新宿2-8-1", "西新宿二―八―一"),
        ("西新宿２－８－１", "西新宿二―八―一"),
        ("本町4ー5ー6", "本町四―五―六"),
        ("1丁目23番地4号", "一丁目二三番地四号"),
        ("都庁ハイツ301", "都庁ハイツ三〇一"),
        ("A棟 1203号室", "Ａ棟\u3000一二〇三号室"),
        ("コーポ2", "コーポ二"),  # a katakana long mark stays a long mark
    ],
)
def test_numbers_become_kanji_and_dashes_vertical(typed: str, vertical: str) -> None:
    assert vertical_address(typed) == vertical


@given(st.text(alphabet="0123456789-ー－ 丁目番地号ＡＢアイ東京", max_size=40))
def test_no_arabic_digit_or_ascii_survives(text: str) -> None:
    out = vertical_address(text)
    assert not any(ch.isascii() for ch in out)


def test_postal_digits() -> None:
    assert postal_digits("〒160-0023") == "1600023"
    assert postal_digits("１６０－００２３") == "1600023"
    assert postal_digits("160-002") == ""
