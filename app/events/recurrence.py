"""The rules of a repeating event: weekly, every other week, monthly by date or nth weekday."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.core.dates import WEEKDAYS_EN, WEEKDAYS_JA
from app.core.errors import UserError
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.events.views import OccurrenceInput

# --- monthly rule ----------------------------------------------------------------------------

_ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "5th": 5,
    "fifth": 5,
    "last": -1,
}
_EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"(\d{1,2})(?::(\d{2})|時(?:(\d{1,2})分|(半))?)"
_TIME_RANGE = rf"{_TIME}(?:\s*[-~〜～]\s*{_TIME})?"
_RULE_EN = re.compile(
    r"^(?:every\s+)?(?:(?P<nth>1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last)\s+"
    r"(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*|(?:day\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?)"
    r"(?:\s+of\s+(?:the|each)\s+month)?[\s,]+(?:at\s+)?" + _TIME_RANGE + "$"
)
_RULE_JA = re.compile(
    r"^(?:毎月)?\s*(?:(?:第(?P<nth>\d)|(?P<last>最終))\s*(?P<wd>[月火水木金土日])曜?日?|"
    r"(?P<day>\d{1,2})日)\s*" + _TIME_RANGE + "$"
)


@dataclass(frozen=True)
class MonthlyRule:
    """A date each month: the nth (or last, -1) weekday, or a day of the month; and the time."""

    start: time
    end: time | None = None
    nth: int | None = None
    weekday: int | None = None  # 0 = Monday
    day: int | None = None

    def date_in(self, year: int, month: int) -> date | None:
        """This rule's date in one month (None when the month has no such day)."""
        if self.day is not None:
            try:
                return date(year, month, self.day)
            except ValueError:
                return None
        assert self.nth is not None and self.weekday is not None
        first = date(year, month, 1)
        offset = (self.weekday - first.weekday()) % 7
        days = [first + timedelta(days=offset + 7 * k) for k in range(5)]
        days = [d for d in days if d.month == month]
        if self.nth == -1:
            return days[-1]
        return days[self.nth - 1] if self.nth <= len(days) else None

    def dates_in_fiscal_year(self, fy: int) -> list[tuple[datetime, datetime | None]]:
        """(start, end) of every date from April of `fy` to March of the next year."""
        out: list[tuple[datetime, datetime | None]] = []
        for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
            year = fy if month >= 4 else fy + 1
            day = self.date_in(year, month)
            if day is None:
                continue
            end = datetime.combine(day, self.end) if self.end else None
            out.append((datetime.combine(day, self.start), end))
        return out

    def dates(self, start: date, end: date) -> Iterator[date]:
        """Every date of this rule from `start` to `end`, both included."""
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            day = self.date_in(year, month)
            if day is not None and start <= day <= end:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def describe(self) -> str:
        """The rule in words, Japanese or English as the program speaks."""
        times = self.start.strftime("%H:%M")
        if self.end:
            times += ("～" if current_language() == "ja" else "–") + self.end.strftime("%H:%M")
        if current_language() == "ja":
            if self.day is not None:
                return f"毎月{self.day}日 {times}"
            nth = "最終" if self.nth == -1 else f"第{self.nth}"
            return f"毎月{nth}{WEEKDAYS_JA[self.weekday or 0]}曜日 {times}"
        if self.day is not None:
            return f"day {self.day} of each month, {times}"
        names = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
        return f"{names[self.nth or 1]} {WEEKDAYS_EN[self.weekday or 0]} of each month, {times}"


def _time(groups: Sequence[str | None]) -> time | None:
    hour, minute, ja_minute, half = groups
    if hour is None:
        return None
    m = int(minute or ja_minute or 0) + (30 if half else 0)
    h = int(hour)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError
    return time(h, m)


def parse_monthly_rule(text: str) -> MonthlyRule:
    """A monthly rule typed by a person: "3rd Wednesday 10:00", "last Fri 13:30-15:00",
    "day 15 10:00", "毎月第3水曜日 10:00～12:00", "第2土曜 14時", "毎月15日 10時半"."""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    plain = " ".join(plain.split())
    bad = UserError(
        _("“{text}” is not a monthly rule; write for example “3rd Wednesday 10:00”.").format(
            text=text
        )
    )
    match = _RULE_EN.match(plain) or _RULE_JA.match(plain)
    if match is None:
        raise bad
    parts = match.groupdict()
    groups = match.groups()
    times = groups[-8:]
    try:
        start = _time(times[:4])
        end = _time(times[4:])
    except ValueError:
        raise bad from None
    if start is None or (end is not None and end <= start):
        raise bad
    if parts.get("day"):
        day = int(parts["day"])
        if not 1 <= day <= 31:
            raise bad
        return MonthlyRule(start=start, end=end, day=day)
    if parts.get("last"):
        nth = -1
    elif parts["nth"] in _ORDINALS:
        nth = _ORDINALS[parts["nth"]]
    else:
        nth = int(parts["nth"])
    if nth not in (1, 2, 3, 4, 5, -1):
        raise bad
    wd = parts["wd"]
    weekday = _EN_WEEKDAYS.index(wd) if wd in _EN_WEEKDAYS else WEEKDAYS_JA.index(wd)
    return MonthlyRule(start=start, end=end, nth=nth, weekday=weekday)


# --- weekly and every-other-week rules -------------------------------------------------------

_WEEKLY_EN = re.compile(
    r"^(?:(?:every|each)\s+(?P<other>other\s+|alternate\s+)?|(?P<fortnightly>fortnightly\s+(?:on\s+)?)"
    r"|weekly\s+on\s+)(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*[\s,]+(?:at\s+)?" + _TIME_RANGE + "$"
)
_WEEKLY_JA = re.compile(
    r"^(?P<kind>毎週|隔週)\s*(?P<wd>[月火水木金土日])曜?日?\s*" + _TIME_RANGE + "$"
)


@dataclass(frozen=True)
class WeeklyRule:
    """A weekday every week, or every other week counted from the first such day of a period."""

    weekday: int  # 0 = Monday
    start: time
    end: time | None = None
    every: int = 1  # weeks between dates: 1 weekly, 2 every other week

    def dates(self, start: date, end: date) -> Iterator[date]:
        """Every date of this rule from `start` to `end`; every other week is anchored on the
        first such weekday on or after `start`."""
        day = start + timedelta(days=(self.weekday - start.weekday()) % 7)
        while day <= end:
            yield day
            day += timedelta(days=7 * self.every)

    def describe(self) -> str:
        """The rule in words, Japanese or English as the program speaks."""
        times = self.start.strftime("%H:%M")
        if self.end:
            times += ("～" if current_language() == "ja" else "–") + self.end.strftime("%H:%M")
        if current_language() == "ja":
            word = "毎週" if self.every == 1 else "隔週"
            return f"{word}{WEEKDAYS_JA[self.weekday]}曜日 {times}"
        word = "every" if self.every == 1 else "every other"
        return f"{word} {WEEKDAYS_EN[self.weekday]}, {times}"


Rule = MonthlyRule | WeeklyRule


def parse_rule(text: str) -> Rule:
    """Any rule typed by a person: "毎週水曜 10:00", "every Wednesday 10:00", "隔週土曜 14時",
    "every other Saturday 14:00", or a monthly rule (see parse_monthly_rule)."""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    plain = " ".join(plain.split())
    match = _WEEKLY_EN.match(plain) or _WEEKLY_JA.match(plain)
    if match is None:
        try:
            return parse_monthly_rule(text)
        except UserError:
            raise UserError(
                _(
                    "“{text}” is not a rule of dates; write for example “every Wednesday 10:00”, "
                    "“every other Saturday 14:00” or “3rd Wednesday 10:00”."
                ).format(text=text)
            ) from None
    bad = UserError(
        _("“{text}” is not a weekly rule; write for example “every Wednesday 10:00”.").format(
            text=text
        )
    )
    parts = match.groupdict()
    try:
        start = _time(match.groups()[-8:-4])
        end = _time(match.groups()[-4:])
    except ValueError:
        raise bad from None
    if start is None or (end is not None and end <= start):
        raise bad
    wd = parts["wd"]
    weekday = _EN_WEEKDAYS.index(wd) if wd in _EN_WEEKDAYS else WEEKDAYS_JA.index(wd)
    every = (
        2 if parts.get("other") or parts.get("fortnightly") or parts.get("kind") == "隔週" else 1
    )
    return WeeklyRule(weekday=weekday, start=start, end=end, every=every)


def is_public_holiday(day: date) -> bool:
    """Whether `day` is a Japanese public holiday (祝日, including substitute holidays)."""
    import jpholiday

    return bool(jpholiday.is_holiday(day))


def rule_dates(
    rule: Rule,
    start: date,
    end: date,
    exclude: Iterable[date] = (),
    skip_holidays: bool = False,
) -> Iterator[date]:
    """The rule's dates in a period, leaving out the excluded dates and, when asked, holidays."""
    left_out = set(exclude)
    for day in rule.dates(start, end):
        if day in left_out or (skip_holidays and is_public_holiday(day)):
            continue
        yield day


def rule_occurrences(
    rule: Rule,
    start: date,
    end: date,
    exclude: Iterable[date] = (),
    skip_holidays: bool = False,
) -> list[OccurrenceInput]:
    """rule_dates with the rule's times, ready to put in EventInput.occurrences."""
    return [
        OccurrenceInput(
            starts_at=datetime.combine(day, rule.start),
            ends_at=datetime.combine(day, rule.end) if rule.end else None,
        )
        for day in rule_dates(rule, start, end, exclude, skip_holidays)
    ]


def fiscal_year_dates(rule_text: str, fy: int) -> list[OccurrenceInput]:
    """A fiscal year (April to March) of dates from any rule, weekly or monthly."""
    rule = parse_rule(rule_text)
    return rule_occurrences(rule, date(fy, 4, 1), date(fy + 1, 3, 31))


def monthly_dates(rule_text: str, fy: int) -> list[OccurrenceInput]:
    """A fiscal year of dates from a rule, ready to put in EventInput.occurrences."""
    rule = parse_monthly_rule(rule_text)
    return [OccurrenceInput(starts_at=s, ends_at=e) for s, e in rule.dates_in_fiscal_year(fy)]
