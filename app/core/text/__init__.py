"""Japanese text handling: kana readings, sort keys, search folding."""
