"""Variant-kanji folding: the data file and what it folds."""

from __future__ import annotations

import unicodedata

import pytest

from app.core.text.variants import VARIANT_FILE, fold_variants, variant_map


def test_data_file_is_well_formed() -> None:
    rows = [
        line.split("\t")
        for line in VARIANT_FILE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(rows) >= 40
    for row in rows:
        assert len(row) == 3 and row[2].strip(), row  # variant, standard, a comment saying why
        variant, standard = row[0], row[1]
        assert len(variant) == len(standard) == 1
        assert variant != standard
        for char in (variant, standard):
            assert unicodedata.name(char).startswith("CJK "), char
    assert len({row[0] for row in rows}) == len(rows)


def test_map_is_one_step() -> None:
    pairs = variant_map()
    assert not set(pairs.values()) & set(pairs)


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("髙橋", "高橋"),
        ("山\ufa11", "山崎"),  # 﨑, a compatibility-block ideograph NFC leaves alone
        ("山嵜", "山崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("齋藤", "斎藤"),
        ("齊藤", "斉藤"),
        ("濵田", "浜田"),
        ("濱田", "浜田"),
        ("德永", "徳永"),
        ("\U00020bb7田", "吉田"),
        ("櫻井", "桜井"),
        ("澤田", "沢田"),
        ("廣田", "広田"),
        ("國分", "国分"),
        ("兒玉", "児玉"),
        ("惠子", "恵子"),
        ("眞理子", "真理子"),
        ("冨田", "富田"),
        ("槇原", "槙原"),
        ("桺田", "柳田"),
        ("\ufa10田", "\u585a田"),  # compatibility ideographs decompose
        ("\ufa19社", "\u795e社"),
        ("\uf9dc", "\u9686"),
        ("葛\U000e0100飾", "葛飾"),  # variation selector dropped
    ],
)
def test_folds(variant: str, standard: str) -> None:
    assert fold_variants(variant) == standard
    assert fold_variants(standard) == standard


def test_unrelated_text_untouched() -> None:
    text = "やまだ タロウ 03-1234 Abc 斉藤 斎藤 埼玉"
    assert fold_variants(text) == text
