"""Spreadsheet and name safety: formula cells neutralised, numbers kept, direction marks refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import UserError
from app.core.text.safety import (
    BIDI_CONTROLS,
    from_spreadsheet,
    refuse_bad_name,
    shown,
    spreadsheet_safe,
    strip_bidi,
)

FORMULA_STARTS = "=+-@\t\r"


@given(st.text())
def test_no_cell_starts_a_formula_unless_it_is_a_plain_number(value: str) -> None:
    safe = spreadsheet_safe(value)
    assert safe in (value, "'" + value)
    if safe and safe[0] in FORMULA_STARTS:
        assert safe == "-" or float(safe) == float(safe)  # a number: data, not a formula


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r0123456789.eEa ")) | st.text())
def test_reading_back_gives_what_was_written(value: str) -> None:
    assert from_spreadsheet(spreadsheet_safe(value)) == value


@given(st.sampled_from(FORMULA_STARTS), st.text())
def test_a_would_be_formula_gets_an_apostrophe(start: str, rest: str) -> None:
    value = start + rest
    try:
        float(value)
        numeric = True
    except ValueError:
        numeric = False
    if not numeric and value != "-" and "_" not in value:
        assert spreadsheet_safe(value) == "'" + value


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_negative_numbers_stay_readable(number: int) -> None:
    assert spreadsheet_safe(str(number)) == str(number)
    assert spreadsheet_safe(f"{number}.5") == f"{number}.5"


@pytest.mark.parametrize(
    "value", ["=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|' /C calc'!A0", "\t=1", "-2+3"]
)
def test_owasp_examples_are_prefixed(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["-", "-5", "-1.5", "+81", "", "山田", "0012345"])
def test_genuine_values_are_unchanged(value: str) -> None:
    assert spreadsheet_safe(value) == value


@given(st.text(), st.sampled_from(sorted(BIDI_CONTROLS)), st.text())
def test_a_direction_mark_in_a_name_is_refused_and_stripped_from_notes(
    before: str, mark: str, after: str
) -> None:
    with pytest.raises(UserError):
        refuse_bad_name(before + mark + after)
    assert not BIDI_CONTROLS & set(strip_bidi(before + mark + after))


@given(st.text())
def test_shown_is_one_printable_line(value: str) -> None:
    line = shown(value)
    line.encode("utf-8")
    assert "\n" not in line and "\r" not in line


@pytest.mark.parametrize("name", ["山田\n太郎", "a\x00b", "Eve\u202e", "x\x1b[2J"])
def test_control_characters_are_refused_in_names(name: str) -> None:
    with pytest.raises(UserError, match="control characters"):
        refuse_bad_name(name)
