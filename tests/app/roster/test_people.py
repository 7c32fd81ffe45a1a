"""The shared person helpers give exactly what members, watch and partners each computed before."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app import partners, watch
from app.core.errors import UserError
from app.core.postal import normalize_postal_code
from app.core.text.kana import normalize_reading, reading_sort_key, search_fold
from app.core.text.safety import bad_name_char
from app.roster import members
from app.roster.people import (
    NamedView,
    clean_names,
    clean_postal_code,
    full_kana,
    full_name,
    person_search_columns,
    search_fold_digits,
    search_terms,
)
from db.models import Lecturer, Member, WatchedPerson

# Characters that the readings, folding and digit rules treat specially, mixed with anything.
_TRICKY = list(
    "やまだタロウｶﾞﾄｳかﾞ゛゜\u3099\u309aーゝゞヽヾゐゑヷㇰゕ髙﨑葛\U000e0100\ufa10"
    "０１２３４５６７８９0123456789²①٣-－‐―−ー（）()＋+・ \u3000\t\n\u200b\x00AaＡ"
)
TEXT = st.text(st.sampled_from(_TRICKY) | st.characters(codec="utf-8"), max_size=12)


# --- the old code, copied as it stood before the helpers (the oracle) ---------------------


def _old_member_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _old_watch_digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _old_member_derived(
    family: str, given: str, fk: str, gk: str, number: str, phone: str, mobile: str
) -> tuple[str, str]:
    reading_key = reading_sort_key(f"{fk} {gk}".strip())
    parts = [family + given, fk + gk, number, _old_member_digits(phone), _old_member_digits(mobile)]
    return reading_key, "\n".join(search_fold(p) for p in parts if p)


def _old_watch_refresh_keys(
    family: str, given: str, fk: str, gk: str, phone: str, address: str
) -> tuple[str, str]:
    reading_key = reading_sort_key(f"{fk} {gk}".strip())
    parts = [family + given, fk + gk, _old_watch_digits(phone), address]
    return reading_key, "\n".join(search_fold(p) for p in parts if p)


def _old_lecturer_keys(
    family: str, given: str, fk: str, gk: str, affiliation: str
) -> tuple[str, str]:
    reading_key = reading_sort_key(f"{fk} {gk}".strip())
    parts = [family + given, fk + gk, affiliation]
    return reading_key, "\n".join(search_fold(p) for p in parts if p)


def _old_search_terms(query: str, digits: Callable[[str], str]) -> list[str]:
    """members._search_terms with members' digits, list_people's loop with watch's."""
    terms = []
    for term in query.split():
        folded = search_fold(term)
        if re.match(r"^[0-9+()\- ]*$", folded) and any(c.isdigit() for c in folded):
            folded = digits(folded)
        if folded:
            terms.append(folded)
    return terms


def _old_clean_names(family_name: str, given_name: str, fk: str, gk: str) -> tuple[str, ...]:
    family = family_name.strip()
    given = given_name.strip()
    if not family and not given:
        raise UserError("no name")
    return family, given, normalize_reading(fk), normalize_reading(gk)


def _old_postal(typed: str) -> str:
    postal = typed.strip()
    if postal:
        normalised = normalize_postal_code(postal)
        if normalised is None:
            raise UserError(f"{postal} is not a postal code")
        postal = normalised
    return postal


_OLD_DIGITS = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{c: "-" for c in "－‐‑‒–—―ー−"},
        "（": "(",
        "）": ")",
        "＋": "+",
        "\u3000": " ",
    }
)


# --- search columns, through each service's own entry point -------------------------------

NAMES = st.fixed_dictionaries(
    {"family_name": TEXT, "given_name": TEXT, "family_kana": TEXT, "given_kana": TEXT}
)


def _four(names: dict[str, str]) -> list[str]:
    return [names[k] for k in ("family_name", "given_name", "family_kana", "given_kana")]


@settings(max_examples=300)
@given(NAMES, st.lists(TEXT, min_size=3, max_size=3))
def test_member_columns_are_byte_identical(names: dict[str, str], more: list[str]) -> None:
    number, phone, mobile = more
    row = Member(**names, member_number=number, phone=phone, mobile=mobile)
    members._derived(row)
    expected = _old_member_derived(*_four(names), number, phone, mobile)
    assert (row.reading_key, row.search_text) == expected


@settings(max_examples=300)
@given(NAMES, TEXT, TEXT)
def test_watch_columns_are_byte_identical(names: dict[str, str], phone: str, address: str) -> None:
    row = WatchedPerson(**names, phone=phone, address=address)
    watch.refresh_keys(row)
    expected = _old_watch_refresh_keys(*_four(names), phone, address)
    assert (row.reading_key, row.search_text) == expected


@settings(max_examples=300)
@given(NAMES, TEXT)
def test_lecturer_columns_are_byte_identical(names: dict[str, str], affiliation: str) -> None:
    row = Lecturer()
    # No organisation linked: the session is never asked anything.
    partners._apply_lecturer(
        Session(), row, partners.LecturerInput(**names, affiliation=affiliation)
    )
    expected = _old_lecturer_keys(*_four(names), affiliation)
    assert (row.reading_key, row.search_text) == expected


def test_search_columns_by_example() -> None:
    assert person_search_columns("山田", "太郎", "ヤマダ", "タロウ", "", "03-1234") == (
        reading_sort_key("ヤマダ タロウ"),
        "山田太郎\nやまだたろう\n031234",
    )
    assert person_search_columns("", "", "", "") == (reading_sort_key(""), "")


# --- typed input ------------------------------------------------------------------------------


@given(TEXT)
def test_search_terms_match_both_old_versions(query: str) -> None:
    assert search_terms(query) == _old_search_terms(query, _old_member_digits)
    assert search_terms(query) == _old_search_terms(query, _old_watch_digits)


@pytest.mark.parametrize(
    ("query", "terms"),
    [("03(1234)5678", ["0312345678"]), ("ﾔﾏﾀﾞ 髙橋", ["やまだ", "高橋"]), ("- 　", [])],
)
def test_search_terms_by_example(query: str, terms: list[str]) -> None:
    assert search_terms(query) == terms


@dataclass(frozen=True)
class _Form:
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str


@given(TEXT, TEXT, TEXT, TEXT)
def test_clean_names_as_before(family: str, given_: str, fk: str, gk: str) -> None:
    try:
        expected: tuple[str, ...] | None = _old_clean_names(family, given_, fk, gk)
    except UserError:
        expected = None
    try:
        names = clean_names(_Form(family, given_, fk, gk), "no name")
    except UserError as refused:
        if refused.message != "no name":
            # New since issue 11: control characters and direction marks are refused in names.
            assert any(bad_name_char(part) for part in (family, given_, fk, gk))
            return
        assert expected is None
        return
    assert expected == (
        names["family_name"],
        names["given_name"],
        names["family_kana"],
        names["given_kana"],
    )


@given(TEXT | st.from_regex(r"\A[〒 ]?[0-9０-９]{3}[-ー－]?[0-9０-９]{4} ?\Z"))
def test_clean_postal_code_as_before(typed: str) -> None:
    try:
        expected: str | None = _old_postal(typed)
    except UserError:
        expected = None
    try:
        got: str | None = clean_postal_code(typed)
    except UserError:
        got = None
    assert got == expected


@given(TEXT)
def test_search_fold_digits_as_before(text: str) -> None:
    assert search_fold_digits(text) == " ".join(text.translate(_OLD_DIGITS).split())


# --- names as shown ---------------------------------------------------------------------------


@given(TEXT, TEXT, TEXT, TEXT)
def test_views_show_names_as_before(family: str, given_: str, fk: str, gk: str) -> None:
    old_name = f"{family}\u3000{given_}".strip("\u3000")
    old_kana = f"{fk} {gk}".strip()
    assert full_name(family, given_) == old_name
    assert full_kana(fk, gk) == old_kana
    names = {"family_name": family, "given_name": given_, "family_kana": fk, "given_kana": gk}
    for view in (members.MemberView(**names), watch.PersonView(**names)):
        assert isinstance(view, NamedView)
        assert (view.full_name, view.full_kana) == (old_name, old_kana)


def test_lecturer_keeps_its_flyer_spacing() -> None:
    """Lecturers print "family given" with an ASCII space: deliberately not the shared form."""
    view = partners.LecturerView(family_name="鈴木", given_name="花子", family_kana="スズキ")
    assert view.full_name == "鈴木 花子"
    assert members.MemberView(family_name="鈴木", given_name="花子").full_name == "鈴木\u3000花子"
