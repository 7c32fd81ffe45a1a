"""Dates the Japanese way: era (和暦) years, 年度 (April fiscal years), formatting and parsing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from app.core.errors import UserError
from app.core.i18n import current_language
from app.core.i18n import gettext as _


@dataclass(frozen=True)
class Era:
    """One imperial era: its name, the letter used in short dates (R4.6.10) and when it ran from."""

    name: str
    letter: str
    start: date
    first_year: int  # the Gregorian year of 元年


# Newest first. Babel has no Japanese calendar, so the table is ours. 明治 starts at the
# Gregorian calendar's adoption (明治6年 = 1873-01-01): earlier 明治 dates were lunar.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1), 2019),
    Era("平成", "H", date(1989, 1, 8), 1989),
    Era("昭和", "S", date(1926, 12, 25), 1926),
    Era("大正", "T", date(1912, 7, 30), 1912),
    Era("明治", "M", date(1873, 1, 1), 1868),
)
FIRST_ERA_DATE = ERAS[-1].start

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def era_of(d: date) -> Era:
    """The era in force on `d`; ValueError before 1873-01-01, where the table stops."""
    for era in ERAS:
        if d >= era.start:
            return era
    raise ValueError(f"{d} is before {FIRST_ERA_DATE}, the first date with an era year")


def era_year(d: date) -> tuple[str, int]:
    """("令和", 4) for 2022-06-10; ValueError before 1873-01-01."""
    era = era_of(d)
    return era.name, d.year - era.first_year + 1


def _era_year_text(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def format_era_year(d: date) -> str:
    """The era year as 令和4年 or 令和元年; a Gregorian 1872年 before the era table starts."""
    if d < FIRST_ERA_DATE:
        return f"{d.year}年"
    return _era_year_text(*era_year(d))


def format_date_ja(d: date, era: bool = True, weekday: bool = True) -> str:
    """As 令和4年6月10日(金), or 2022年6月10日(金) with era=False."""
    year = format_era_year(d) if era else f"{d.year}年"
    text = f"{year}{d.month}月{d.day}日"
    return f"{text}({WEEKDAYS_JA[d.weekday()]})" if weekday else text


def format_date_en(d: date, weekday: bool = True) -> str:
    """As Fri 10 Jun 2022, or 10 Jun 2022 with weekday=False."""
    text = f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{WEEKDAYS_EN[d.weekday()]} {text}" if weekday else text


def format_date(d: date, language: str) -> str:
    """`d` for display in `language` ("ja" or "en")."""
    if language == "ja":
        return format_date_ja(d)
    if language == "en":
        return format_date_en(d)
    raise ValueError(f"unsupported language {language!r}")


# The window's one date style (a preference: 令和8年12月2日 or 2026年12月2日), set when a
# database opens and when the settings change.
DATE_STYLES = ("era", "western")
_style = "era"


def set_date_style(style: str) -> None:
    """Write every later date on screen in `style` ("era" or "western")."""
    global _style
    if style not in DATE_STYLES:
        raise ValueError(f"unknown date style {style!r}")
    _style = style


def date_style() -> str:
    """The style dates are written in now."""
    return _style


def show_date(d: date, style: str | None = None, *, weekday: bool = True) -> str:
    """The one way the window writes a day: 令和8年12月2日(水) (era), 2026年12月2日(水)
    (western) or Wed 2 Dec 2026 (English); `style` None is the preference in force."""
    if current_language() == "en":
        return format_date_en(d, weekday=weekday)
    return format_date_ja(d, era=(style or _style) == "era", weekday=weekday)


def show_when(moment: datetime, style: str | None = None, *, with_time: bool = True) -> str:
    """A day and its time, as show_date then 13:30."""
    text = show_date(moment.date(), style)
    return f"{text} {moment:%H:%M}" if with_time else text


def show_fiscal_year(fy: int, style: str | None = None) -> str:
    """The fiscal year as the dates around it: 令和8年度, 2026年度 or FY2026."""
    language = "en" if current_language() == "en" else "ja"
    return format_fiscal_year(fy, language, era=(style or _style) == "era")


def fiscal_year(d: date) -> int:
    """The 年度 of `d`: fiscal years start on April 1 (2023-03-31 is in 2022)."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year `fy`: (fy-04-01, fy+1-03-31)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_year_era(fy: int, prefer_new_era: bool = False) -> Era | None:
    """The era that names fiscal year `fy` (None before the era table starts).

    By default the era on April 1 (FY2019 -> 平成). With `prefer_new_era`, an era that began
    during the fiscal year names it from its 元年 on (FY2019 -> 令和, as many organisations
    relabelled 2019), but never a year before its 元年 (FY1988 stays 昭和).
    """
    start, end = fiscal_year_range(fy)
    if start < FIRST_ERA_DATE:
        return None
    if prefer_new_era:
        return next(era for era in ERAS if era.start <= end and era.first_year <= fy)
    return era_of(start)


def format_fiscal_year(
    fy: int, language: str, prefer_new_era: bool = False, era: bool = True
) -> str:
    """As 令和4年度 (ja), 2022年度 (ja, era=False) or FY2022 (en)."""
    if language == "en":
        return f"FY{fy}"
    if language != "ja":
        raise ValueError(f"unsupported language {language!r}")
    named_by = fiscal_year_era(fy, prefer_new_era) if era else None
    if named_by is None:
        return f"{fy}年度"
    return _era_year_text(named_by.name, fy - named_by.first_year + 1) + "度"


# Parsing. Input is NFKC-normalised first, so full-width digits, （）, ／ and ㍻ are covered.
_WEEKDAY_JA = r"(?:\s*\(\s*(?P<wd>[月火水木金土日])(?:曜日?)?\s*\))?"
_SEP_YEAR = r"\s*(?:[-/.]|年)\s*"
_SEP_MONTH = r"\s*(?:[-/.]|月)\s*"
_GREGORIAN = re.compile(
    r"(?P<y>[0-9]{4})" + _SEP_YEAR + r"(?P<m>[0-9]{1,2})" + _SEP_MONTH + r"(?P<d>[0-9]{1,2})"
    r"\s*日?" + _WEEKDAY_JA
)
_COMPACT = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})")
_ERA_NAMES = "|".join([era.name for era in ERAS] + [era.letter for era in ERAS])
_WAREKI = re.compile(
    rf"(?P<era>{_ERA_NAMES})\s*(?P<y>元|[0-9]{{1,2}})"
    + _SEP_YEAR
    + r"(?P<m>[0-9]{1,2})"
    + _SEP_MONTH
    + r"(?P<d>[0-9]{1,2})\s*日?"
    + _WEEKDAY_JA,
    re.IGNORECASE,
)
_ENGLISH_DAY_FIRST = re.compile(
    r"(?:(?P<wd>[a-z]+)\.?,?\s+)?(?P<d>[0-9]{1,2})\s+(?P<mon>[a-z]+)\.?,?\s+(?P<y>[0-9]{4})",
    re.IGNORECASE,
)
_ENGLISH_MONTH_FIRST = re.compile(
    r"(?:(?P<wd>[a-z]+)\.?,?\s+)?(?P<mon>[a-z]+)\.?\s+(?P<d>[0-9]{1,2}),?\s+(?P<y>[0-9]{4})",
    re.IGNORECASE,
)
_FULL_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _english_index(word: str, full_names: tuple[str, ...]) -> int | None:
    """Index of a month or weekday written in full or as its first three letters (or "sept")."""
    word = word.lower()
    for index, name in enumerate(full_names):
        if word == name or word == name[:3] or (word == "sept" and name == "september"):
            return index
    return None


def _era_named(name: str) -> Era:
    return next(era for era in ERAS if name in (era.name, era.letter, era.letter.lower()))


def _match_date(text: str) -> tuple[date, int | None] | None:
    """The date in `text` and the weekday (0 = Monday) it names, if any; None if not a date."""
    try:
        if match := _GREGORIAN.fullmatch(text) or _COMPACT.fullmatch(text):
            parts = match.groupdict()
            day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            return day, WEEKDAYS_JA.index(parts["wd"]) if parts.get("wd") else None
        if match := _WAREKI.fullmatch(text):
            era = _era_named(match["era"])
            year = 1 if match["y"] == "元" else int(match["y"])
            day = date(era.first_year + year - 1, int(match["m"]), int(match["d"]))
            if year < 1 or era_of(day) != era:
                return None  # 平成32年, 昭和64年1月8日: not a day of that era
            return day, WEEKDAYS_JA.index(match["wd"]) if match["wd"] else None
        if match := _ENGLISH_DAY_FIRST.fullmatch(text) or _ENGLISH_MONTH_FIRST.fullmatch(text):
            month = _english_index(match["mon"], _FULL_MONTHS)
            weekday = _english_index(match["wd"], _FULL_WEEKDAYS) if match["wd"] else None
            if month is None or (match["wd"] and weekday is None):
                return None
            return date(int(match["y"]), month + 1, int(match["d"])), weekday
    except ValueError:  # 2023-02-29, or a 明治 date before 1873
        return None
    return None


def parse_date(text: str) -> date:
    """A date typed by a person: 2022-06-10, 2022/6/10, 20220610, 2022年6月10日(金),
    令和4年6月10日, 令和元年5月1日, R4.6.10, 昭和15年3月1日, Fri 10 Jun 2022, full-width digits.

    Raises UserError for anything else, for a day outside the era named, or a wrong weekday.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    found = _match_date(cleaned)
    if found is None:
        raise UserError(_("Not a date: {text}").format(text=text.strip()))
    day, weekday = found
    if weekday is not None and weekday != day.weekday():
        raise UserError(_("The weekday does not match the date: {text}").format(text=text.strip()))
    return day


_ERA_SHORT = re.compile(r"(?P<y>[0-9]{1,2})[/.\-](?P<m>[0-9]{1,2})[/.\-](?P<d>[0-9]{1,2})")


def parse_typed_date(text: str, style: str | None = None) -> date:
    """A date typed into a field: whatever parse_date reads, and in the era style also 8/12/2
    (a year of two digits or fewer is a year of the present era: 令和8年12月2日)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _ERA_SHORT.fullmatch(cleaned)
    if match and (style or _style) == "era":
        era = ERAS[0]
        try:
            day = date(era.first_year + int(match["y"]) - 1, int(match["m"]), int(match["d"]))
        except ValueError:
            raise UserError(_("Not a date: {text}").format(text=text.strip())) from None
        if int(match["y"]) < 1 or day < era.start:
            raise UserError(_("Not a date: {text}").format(text=text.strip()))
        return day
    return parse_date(text)


_TIME = re.compile(
    r"(?P<ampm>午前|午後|am|pm)?\s*(?P<h>[0-9]{1,2})\s*(?:[:：時]\s*(?P<m>[0-9]{1,2}|半)?\s*分?)?"
    r"\s*(?P<ampm2>am|pm)?",
    re.IGNORECASE,
)


def parse_time(text: str) -> time:
    """A time typed into a field: 1330, 13:30, 13時30分, 午後1時半, 9時, 1:30 pm."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    if re.fullmatch(r"[0-9]{3,4}", cleaned):
        hour, minute = int(cleaned[:-2]), int(cleaned[-2:])
        ampm = None
    else:
        match = _TIME.fullmatch(cleaned)
        if match is None:
            raise UserError(_("Not a time: {text}").format(text=text.strip()))
        hour = int(match["h"])
        minute = 30 if match["m"] == "半" else int(match["m"] or 0)
        ampm = (match["ampm"] or match["ampm2"] or "").replace("午前", "am").replace("午後", "pm")
    if ampm and not 1 <= hour <= 12:
        raise UserError(_("Not a time: {text}").format(text=text.strip()))
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UserError(_("Not a time: {text}").format(text=text.strip()))
    return time(hour, minute)
