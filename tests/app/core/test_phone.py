"""Phone numbers by libphonenumber: Japan's layouts, refusals, and what the forms store."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.context import Context
from app.core.errors import UserError
from app.core.phone import NotAPhoneNumber, clean_phone, normalize_phone, phone_digits
from app.roster.members import import_members, list_members, search_ids


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0312345678", "03-1234-5678"),  # Tokyo: a 1-digit area code
        ("0426263111", "042-626-3111"),  # Hachiōji: 2 digits
        ("0422515131", "0422-51-5131"),  # Musashino: 3 digits
        ("0499221234", "04992-2-1234"),  # Izu Ōshima: 4 digits
        ("09012345678", "090-1234-5678"),
        ("08012345678", "080-1234-5678"),
        ("07012345678", "070-1234-5678"),
        ("0120444444", "0120-444-444"),
        ("08001234567", "0800-123-4567"),
        ("0570064444", "0570-064-444"),
        ("05012345678", "050-1234-5678"),
        ("０３－１２３４－５６７８", "03-1234-5678"),  # full-width digits and dash
        ("03ー1234ー5678", "03-1234-5678"),  # the IME's prolonged sound mark for "-"
        ("03 1234 5678", "03-1234-5678"),
        ("03(1234)5678", "03-1234-5678"),
        ("+81 3-1234-5678", "03-1234-5678"),
        ("110", "110"),
        ("119", "119"),
        ("  ", ""),
    ],
)
def test_numbers_are_stored_as_japan_writes_them(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["123", "0312345", "031234567890", "0308001001", "09001234567", "abc", "03-1234-5678 内線12"],
)
def test_numbers_the_library_rejects_are_refused(typed: str) -> None:
    with pytest.raises(NotAPhoneNumber):
        normalize_phone(typed)


def test_a_form_field_gets_one_line_naming_the_value() -> None:
    with pytest.raises(UserError) as caught:
        clean_phone(" 0312345 ")
    assert "0312345" in caught.value.message
    assert "\n" not in caught.value.message


_DIGITS = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(area=st.sampled_from(["3", "42", "422", "4992", "90", "80", "50"]), rest=_DIGITS)
def test_formatting_keeps_the_digits_and_is_stable(area: str, rest: str) -> None:
    typed = "0" + area + rest[: (10 if area in ("90", "80", "50") else 9) - len(area)]
    try:
        stored = normalize_phone(typed)
    except NotAPhoneNumber:
        return
    assert phone_digits(stored) == typed
    assert normalize_phone(stored) == stored


def _cp932_roster(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["氏名,フリガナ,電話番号,携帯電話"] + [f"{n},ヤマダ ハナコ,{p},{m}" for n, p, m in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def test_a_cp932_roster_comes_in_formatted_and_searchable(ctx: Context, tmp_path: Path) -> None:
    roster = _cp932_roster(
        tmp_path / "名簿.csv", [("山田　花子", "０３１２３４５６７８", "09012345678")]
    )
    assert import_members(ctx, roster).added == 1
    (member,) = list_members(ctx)
    assert (member.phone, member.mobile) == ("03-1234-5678", "090-1234-5678")
    for typed in ("0312345678", "03-1234-5678", "090 1234 5678"):
        assert search_ids(ctx, typed) == [member.id]


def test_a_rejected_number_refuses_the_file_naming_its_row(ctx: Context, tmp_path: Path) -> None:
    roster = _cp932_roster(
        tmp_path / "名簿.csv", [("山田　花子", "0312345678", ""), ("山田　一郎", "0312345", "")]
    )
    with pytest.raises(UserError) as caught:
        import_members(ctx, roster)
    problems = [caught.value.message, *caught.value.details]
    assert any("3" in line and "0312345" in line for line in problems), problems
    assert list_members(ctx) == []


@given(st.from_regex(r"0[0-9]{9,11}", fullmatch=True), st.sampled_from(["", "-", " "]))
def test_the_fast_reading_is_the_library_own(digits: str, sep: str) -> None:
    import phonenumbers

    from app.core.phone import parse_number

    typed = sep.join([digits[:3], digits[3:6], digits[6:]])
    assert parse_number(typed) == phonenumbers.parse(typed, "JP")
