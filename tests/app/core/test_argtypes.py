"""Argument types: any number, any bytes give a value or one UserError, never another exception."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import argtypes
from app.core.errors import UserError


@given(st.integers())
def test_a_fiscal_year_is_in_range_or_refused(year: int) -> None:
    if argtypes.FIRST_FISCAL_YEAR <= year <= argtypes.LAST_FISCAL_YEAR:
        assert argtypes.fiscal_year(str(year)) == year
    else:
        with pytest.raises(UserError, match="between 1989 and 2200"):
            argtypes.fiscal_year(str(year))


@given(st.integers())
def test_a_limit_fits_sqlite_or_is_refused(number: int) -> None:
    if 1 <= number < 2**63:
        assert argtypes.limit(str(number)) == number
    else:
        with pytest.raises(UserError):
            argtypes.limit(str(number))


@given(st.one_of(st.floats(allow_nan=True).map(repr), st.text()))
def test_any_text_is_a_number_or_one_refusal(value: str) -> None:
    try:
        argtypes.limit(value)
    except UserError as exc:
        assert "\n" not in exc.message


@pytest.mark.parametrize("value", ["1e400", "nan", "inf", "-5", "0", "9" * 5000, "１e3"])
def test_odd_numbers_are_refused(value: str) -> None:
    with pytest.raises(UserError):
        argtypes.limit(value)


def test_full_width_digits_are_read() -> None:
    assert argtypes.fiscal_year("２０２２") == 2022


@given(st.binary(max_size=40))
def test_argv_bytes_are_text_or_refused(raw: bytes) -> None:
    # On Linux argv is decoded with surrogateescape: undecodable bytes become lone surrogates.
    value = raw.decode("utf-8", "surrogateescape")
    for parse in (argtypes.text, argtypes.path, argtypes.fiscal_year):
        try:
            parse(value)
        except UserError as exc:
            exc.message.encode("utf-8")  # printable, whatever the bytes were


def test_an_account_variable_with_odd_bytes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSUNAGU_USER", os.fsdecode(b"\xff\xfe"))
    with pytest.raises(UserError, match="TSUNAGU_USER"):
        argtypes.environment("TSUNAGU_USER")


def test_the_module_stays_light() -> None:
    import subprocess
    import sys

    code = "import sys, app.core.argtypes; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
