"""Era years, fiscal years, formatting and parsing of dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import i18n
from app.core.dates import (
    era_year,
    fiscal_year,
    fiscal_year_range,
    format_date,
    format_date_en,
    format_date_ja,
    format_era_year,
    format_fiscal_year,
    parse_date,
)
from app.core.errors import UserError

ERA_DATES = st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31))


@pytest.fixture
def english() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1873, 1, 1), ("明治", 6)),
        (date(1912, 7, 29), ("明治", 45)),
        (date(1912, 7, 30), ("大正", 1)),
        (date(1926, 12, 24), ("大正", 15)),
        (date(1926, 12, 25), ("昭和", 1)),
        (date(1989, 1, 7), ("昭和", 64)),
        (date(1989, 1, 8), ("平成", 1)),
        (date(2019, 4, 30), ("平成", 31)),
        (date(2019, 5, 1), ("令和", 1)),
        (date(2022, 6, 10), ("令和", 4)),
    ],
)
def test_era_boundaries(day: date, expected: tuple[str, int]) -> None:
    assert era_year(day) == expected


def test_no_era_before_the_gregorian_calendar() -> None:
    with pytest.raises(ValueError):
        era_year(date(1872, 12, 31))
    assert format_era_year(date(1872, 12, 31)) == "1872年"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(1989, 1, 7), "昭和64年"),
        (date(1989, 1, 8), "平成元年"),
        (date(2019, 4, 30), "平成31年"),
        (date(2019, 5, 1), "令和元年"),
        (date(2022, 6, 10), "令和4年"),
    ],
)
def test_format_era_year(day: date, text: str) -> None:
    assert format_era_year(day) == text


def test_format_date() -> None:
    day = date(2022, 6, 10)
    assert format_date_ja(day) == "令和4年6月10日(金)"
    assert format_date_ja(day, era=False) == "2022年6月10日(金)"
    assert format_date_ja(day, weekday=False) == "令和4年6月10日"
    assert format_date_ja(date(2019, 5, 1)) == "令和元年5月1日(水)"
    assert format_date_en(day) == "Fri 10 Jun 2022"
    assert format_date_en(day, weekday=False) == "10 Jun 2022"
    assert format_date(day, "ja") == "令和4年6月10日(金)"
    assert format_date(day, "en") == "Fri 10 Jun 2022"
    assert format_date_ja(date(2024, 2, 29)) == "令和6年2月29日(木)"
    with pytest.raises(ValueError):
        format_date(day, "fr")


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2023, 3, 31), 2022),
        (date(2023, 4, 1), 2023),
        (date(2022, 4, 1), 2022),
        (date(2024, 2, 29), 2023),
        (date(2024, 1, 1), 2023),
        (date(2024, 12, 31), 2024),
    ],
)
def test_fiscal_year(day: date, fy: int) -> None:
    assert fiscal_year(day) == fy


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_fiscal_year_range_holds_its_days(day: date) -> None:
    start, end = fiscal_year_range(fiscal_year(day))
    assert start <= day <= end
    assert fiscal_year(start - timedelta(days=1)) == fiscal_year(day) - 1
    assert fiscal_year(end + timedelta(days=1)) == fiscal_year(day) + 1


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2023) == (date(2023, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize(
    ("fy", "default", "new_era"),
    [
        (2022, "令和4年度", "令和4年度"),
        (2019, "平成31年度", "令和元年度"),
        (2020, "令和2年度", "令和2年度"),
        (2018, "平成30年度", "平成30年度"),
        (1988, "昭和63年度", "昭和63年度"),  # 平成 began in January 1989, before its 元年度
        (1989, "平成元年度", "平成元年度"),
        (1926, "大正15年度", "昭和元年度"),
        (1872, "1872年度", "1872年度"),
    ],
)
def test_format_fiscal_year(fy: int, default: str, new_era: str) -> None:
    assert format_fiscal_year(fy, "ja") == default
    assert format_fiscal_year(fy, "ja", prefer_new_era=True) == new_era
    assert format_fiscal_year(fy, "ja", era=False) == f"{fy}年度"
    assert format_fiscal_year(fy, "en") == f"FY{fy}"


@pytest.mark.parametrize(
    "text",
    [
        "2022-06-10",
        "2022/6/10",
        "2022.6.10",
        "20220610",
        " 2022年6月10日 ",
        "2022年6月10日(金)",
        "2022年6月10日（金曜日）",
        "令和4年6月10日",
        "令和4年6月10日(金)",
        "令和 4 年 6 月 10 日",
        "R4.6.10",
        "r04/06/10",
        "Ｒ４．６．１０",
        "２０２２－０６－１０",
        "令和４年６月１０日",
        "Fri 10 Jun 2022",
        "10 June 2022",
        "Friday, June 10, 2022",
        "jun 10 2022",
    ],
)
def test_parse_date_forms(text: str) -> None:
    assert parse_date(text) == date(2022, 6, 10)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("昭和15年3月1日", date(1940, 3, 1)),
        ("S15.3.1", date(1940, 3, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("\u337b31年4月30日", date(2019, 4, 30)),  # ㍻, one square character
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("令和6年2月29日", date(2024, 2, 29)),
    ],
)
def test_parse_era_dates(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "tomorrow",
        "2023-02-29",  # not a leap year
        "2022-13-01",
        "2022-06-31",
        "22/6/10",  # two-digit year: ambiguous
        "令和0年1月1日",
        "昭和64年1月8日",  # that day was 平成元年
        "平成31年5月1日",  # that day was 令和元年
        "平成32年1月1日",
        "明治5年12月1日",  # lunar calendar days
        "X4.6.10",
        "2022-06-10 extra",
        "10 Jux 2022",
    ],
)
def test_parse_date_refuses(text: str, english: None) -> None:
    with pytest.raises(UserError) as refused:
        parse_date(text)
    assert refused.value.message == f"Not a date: {text.strip()}"


@pytest.mark.parametrize("text", ["2022年6月10日(木)", "Thu 10 Jun 2022", "令和4年6月10日(月)"])
def test_parse_date_refuses_a_wrong_weekday(text: str, english: None) -> None:
    with pytest.raises(UserError, match="weekday does not match"):
        parse_date(text)


@given(ERA_DATES)
def test_round_trip(day: date) -> None:
    assert parse_date(format_date_ja(day)) == day
    assert parse_date(format_date_ja(day, era=False)) == day
    assert parse_date(format_date_ja(day, weekday=False)) == day
    assert parse_date(format_date_en(day)) == day
    assert parse_date(day.isoformat()) == day


def test_round_trip_at_every_era_boundary() -> None:
    for first in [date(1873, 1, 1), date(1912, 7, 30), date(1926, 12, 25), date(1989, 1, 8),
                  date(2019, 5, 1)]:  # fmt: skip
        for day in (first - timedelta(days=1), first):
            assert parse_date(format_date_ja(day)) == day
