"""Readings: stored form, phone-book sort keys (against a reference order), search folding."""

from __future__ import annotations

import random
import sqlite3

import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.text.kana import EMPTY_KEY, normalize_reading, reading_sort_key, search_fold

PHONE_BOOK = ["ｱﾍﾞ", "イトウ", "かとう", "ガトウ", "ごとう", "こばやし", "サトウ", "わたなべ"]


# --- normalize_reading ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ｶﾞﾄｳ", "ガトウ"),
        ("がとう", "ガトウ"),
        ("やまだ\u3000たろう", "ヤマダ タロウ"),
        ("  やまだ \t\u3000 たろう  ", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｰ", "ヤマダ タロー"),
        ("か\u309bとう", "ガトウ"),  # spacing dakuten typed after the kana
        ("ゔぁいおりん", "ヴァイオリン"),
        ("ＡＢＣ たろう", "ABC タロウ"),  # not kana: kept, only width-normalised
        ("", ""),
        ("\u3000 ", ""),
    ],
)
def test_normalize_reading(typed: str, stored: str) -> None:
    assert normalize_reading(typed) == stored


def test_normalize_reading_is_for_readings_only() -> None:
    # NFKC rewrites compatibility ideographs (U+FA10 塚 -> U+585A), which real names use:
    # that is why names never go through normalize_reading, and search_fold folds them instead.
    name = "\ufa10田"
    assert normalize_reading(name) == "\u585a田"
    assert name == "\ufa10田"
    assert search_fold(name) == search_fold("\u585a田")


@given(st.text())
def test_normalize_reading_is_idempotent(text: str) -> None:
    once = normalize_reading(text)
    assert normalize_reading(once) == once


# --- reading_sort_key: examples ------------------------------------------------------------


def test_phone_book_order() -> None:
    shuffled = PHONE_BOOK + [""]
    random.Random(4061).shuffle(shuffled)
    assert sorted(shuffled, key=reading_sort_key) == PHONE_BOOK + [""]


def test_plain_code_point_order_would_be_wrong() -> None:
    # The reason for the key: raw ORDER BY puts katakana and half-width after all hiragana.
    assert sorted(PHONE_BOOK) != PHONE_BOOK


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ごとう", "こばやし"),  # 濁点 ignored at the primary level
        ("かとう", "ガトウ"),  # 清 before 濁
        ("はば", "ぱは"),  # primary decides before any tie-break
        ("はな", "ばな"),
        ("ばな", "ぱな"),  # 濁 before 半濁
        ("きっと", "きつと"),  # small before large
        ("しゃく", "しやく"),
        ("あい", "あいう"),  # a prefix first
        ("かあど", "カード"),  # ー reads as あ; the written vowel first
        ("カード", "かあとう"),
        ("おおの", "オーノ"),
        ("いい", "イーダ"),
        ("いる", "ゐる"),  # ゐ reads as い; the modern kana first
        ("ゐる", "うい"),
        ("わたなべ", "をがわ"),
        ("をがわ", "んじゃめな"),
        ("んじゃめな", "abe"),  # not kana: after every kana
        ("abe", "Abf"),
        ("Abe", "abe"),
        ("ｚ", "漢字"),
        ("漢字", ""),
        ("ー", ""),
    ],
)
def test_pairs_in_order(first: str, second: str) -> None:
    assert reading_sort_key(first) < reading_sort_key(second)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ｶﾞﾄｳ", "がとう"),
        ("ガ トウ", "がとう"),
        ("か\u309bとう", "がとう"),
        ("すゞき", "すずき"),  # iteration mark spelled out
        ("サヽキ", "ささき"),
        ("ジョン・スミス", "じょんすみす"),
        ("", "\u3000 "),
    ],
)
def test_same_reading_same_key(one: str, other: str) -> None:
    assert reading_sort_key(one) == reading_sort_key(other)


def test_empty_sorts_last() -> None:
    assert reading_sort_key("") == EMPTY_KEY
    assert all(reading_sort_key(r) < EMPTY_KEY for r in PHONE_BOOK + ["ー", "z", "\U00020bb7"])


def test_sqlite_binary_order_is_phone_book_order() -> None:
    # The key is meant for an indexed column: the database's own ORDER BY must agree.
    rows = PHONE_BOOK + ["", "abe", "カード", "かあど"]
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE m (reading TEXT, sort_key TEXT)")
        db.executemany("INSERT INTO m VALUES (?, ?)", [(r, reading_sort_key(r)) for r in rows])
        by_db = [r for (r,) in db.execute("SELECT reading FROM m ORDER BY sort_key")]
    assert by_db == sorted(rows, key=reading_sort_key)
    assert [r for r in by_db if r in PHONE_BOOK] == PHONE_BOOK
    assert by_db[-2:] == ["abe", ""]


# --- reading_sort_key: against an independent reference --------------------------------------

GOJUON = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
)
VOWEL_OF = dict(zip(GOJUON, "あいうえお" * 7 + "あうお" + "あいうえお" + "あおん", strict=True))
# kana -> (large unvoiced base, voicing 0/1/2, size 0 small / 1 large)
VARIANTS: dict[str, tuple[str, int, int]] = {k: (k, 0, 1) for k in GOJUON}
VARIANTS.update(
    {
        v: (b, 1, 1)
        for v, b in zip(
            "がぎぐげござじずぜぞだぢづでどばびぶべぼ",
            "かきくけこさしすせそたちつてとはひふへほ",
            strict=True,
        )
    }
)
VARIANTS.update({v: (b, 2, 1) for v, b in zip("ぱぴぷぺぽ", "はひふへほ", strict=True)})
VARIANTS.update(
    {v: (b, 0, 0) for v, b in zip("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ", strict=True)}
)
VARIANTS["ゔ"] = ("う", 1, 1)
OTHER = "aAbZ1"

Ref = tuple[int, tuple[tuple[int, int], ...], tuple[tuple[int, ...], ...]]


def reference(chars: list[str]) -> Ref:
    """Phone-book order written out the slow, obvious way: (empty?, primary, tie-break)."""
    if not chars:
        return (1, (), ())
    primary: list[tuple[int, int]] = []
    secondary: list[tuple[int, ...]] = []
    previous_base: str | None = None
    for c in chars:
        if c in VARIANTS:
            base, voicing, size = VARIANTS[c]
            primary.append((0, GOJUON.index(base)))
            secondary.append((voicing, size, 0))
            previous_base = base
        elif c == "ー" and previous_base is not None:
            previous_base = VOWEL_OF[previous_base]
            primary.append((0, GOJUON.index(previous_base)))
            secondary.append((0, 1, 1))
        else:
            primary.append((1, ord(c.lower())))
            secondary.append((ord(c),))
            previous_base = None
    return (0, tuple(primary), tuple(secondary))


@st.composite
def written_readings(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A reading as a person might type it (hiragana, katakana, half-width, stray spaces), with
    the hiragana it stands for."""
    chars = draw(st.lists(st.sampled_from([*VARIANTS, "ー", *OTHER]), max_size=7))
    parts = []
    for c in chars:
        form = draw(st.sampled_from(["hira", "kata", "half"])) if c in VARIANTS else "hira"
        kata = jaconv.hira2kata(c)
        parts.append({"hira": c, "kata": kata, "half": jaconv.z2h(kata, kana=True)}[form])
        if draw(st.integers(0, 9)) == 0:
            parts.append(draw(st.sampled_from([" ", "\u3000"])))
    return "".join(parts), chars


def _sign(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


@given(st.lists(written_readings(), min_size=2, max_size=12))
def test_key_order_matches_reference_order(readings: list[tuple[str, list[str]]]) -> None:
    for typed_a, chars_a in readings:
        for typed_b, chars_b in readings:
            key_a, key_b = reading_sort_key(typed_a), reading_sort_key(typed_b)
            assert _sign(key_a, key_b) == _sign(reference(chars_a), reference(chars_b)), (
                typed_a,
                typed_b,
                key_a,
                key_b,
            )


@given(st.text())
def test_any_text_gets_a_key(text: str) -> None:
    key = reading_sort_key(text)
    assert key == reading_sort_key(text)
    assert "\x00" not in key
    assert key <= EMPTY_KEY
    if normalize_reading(text) == "":
        assert key == EMPTY_KEY


# --- search_fold ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("𠮷田", "吉田"),
        ("\ufa10田", "\u585a田"),  # compatibility ideograph
        ("ｶﾀｶﾅ", "かたかな"),
        ("カタカナ", "かたかな"),
        ("ヤマダ　タロウ", "やまだたろう"),
        ("０３－１２３４－５６７８", "03-1234-5678"),
        ("03ー1234ー5678", "03-1234-5678"),  # IME long-vowel mark between digits
        ("03 1234 5678", "03‐1234‐5678"),
        ("ＹＡＭＡＤＡ", "yamada"),
        ("ジョン・スミス", "じょんすみす"),
    ],
)
def test_search_fold_meets(query: str, stored: str) -> None:
    assert search_fold(query) == search_fold(stored)


def test_search_fold_finds_a_phone_fragment() -> None:
    assert search_fold("０３－１２３４") in search_fold("03-1234-5678")


def test_search_fold_keeps_long_vowels_and_voicing() -> None:
    assert search_fold("カード") == "かーど"
    assert search_fold("カード") != search_fold("カド")
    assert search_fold("ごとう") != search_fold("ことう")
    assert search_fold("ー1") == "ー1"  # not between two digits


def test_search_fold_keeps_different_names_apart() -> None:
    assert search_fold("斎藤") != search_fold("斉藤")  # different characters, not variants
    assert search_fold("山崎") != search_fold("山埼")


@pytest.mark.parametrize("text", ["か \u3099", "ｶ ﾞ", "か-\u3099", "e \u0301", "ハ　ﾟ"])
def test_search_fold_joins_marks_parted_by_dropped_characters(text: str) -> None:
    folded = search_fold(text)
    assert len(folded) == 1
    assert search_fold(folded) == folded


@given(st.text(alphabet=st.sampled_from("かはｶﾊeI \u3000-ー1\u3099\u309a\u309b\u0301\u0307")))
def test_search_fold_is_idempotent_around_marks(text: str) -> None:
    once = search_fold(text)
    assert search_fold(once) == once


@given(st.text())
def test_search_fold_is_idempotent(text: str) -> None:
    once = search_fold(text)
    assert search_fold(once) == once
