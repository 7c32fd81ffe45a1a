"""Variant-kanji (異体字) folding for search, driven by resources/data/variant_kanji.tsv."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

VARIANT_FILE = Path(__file__).resolve().parents[3] / "resources" / "data" / "variant_kanji.tsv"

# CJK compatibility ideographs: NFC maps most of them to a unified ideograph, which is exactly
# the fold search wants (U+FA10 塚 -> U+585A 塚). Names keep them; only search folds them.
_COMPAT_RANGES = (range(0xF900, 0xFB00), range(0x2F800, 0x2FA20))

# Variation selectors (IVS such as 葛 + U+E0100) pick a glyph, never a different name.
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


@functools.cache
def variant_map() -> dict[str, str]:
    """The variant -> standard pairs from the data file (one code point each)."""
    pairs: dict[str, str] = {}
    text = VARIANT_FILE.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or len(fields[0]) != 1 or len(fields[1]) != 1:
            raise ValueError(f"{VARIANT_FILE.name} line {number}: expected variant<TAB>standard")
        variant, standard = fields[0], fields[1]
        if variant in pairs:
            raise ValueError(f"{VARIANT_FILE.name} line {number}: {variant} listed twice")
        pairs[variant] = standard
    chained = set(pairs.values()) & pairs.keys()
    if chained:
        # A one-pass translate table must land on a final form.
        raise ValueError(f"{VARIANT_FILE.name}: standard forms also listed as variants: {chained}")
    return pairs


@functools.cache
def variant_table() -> dict[int, str | None]:
    """A `str.translate` table: compatibility ideographs and listed variants to the standard form,
    variation selectors dropped."""
    pairs = variant_map()
    table: dict[int, str | None] = {}
    for block in _COMPAT_RANGES:
        for code in block:
            unified = unicodedata.normalize("NFC", chr(code))
            if unified != chr(code):
                table[code] = pairs.get(unified, unified)
    for variant, standard in pairs.items():
        table[ord(variant)] = standard
    for block in _VARIATION_SELECTORS:
        for code in block:
            table[code] = None
    return table


def fold_variants(text: str) -> str:
    """`text` with variant kanji replaced by their standard form, for search columns only."""
    return text.translate(variant_table())
