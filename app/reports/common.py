"""Codes, labels and quantities every report shares."""

from __future__ import annotations

from datetime import date

from app.core.dates import (
    MONTHS_EN,
    WEEKDAYS_EN,
    WEEKDAYS_JA,
)
from app.core.dates import format_fiscal_year as _format_fiscal_year
from app.core.i18n import N_, current_language
from app.events.vocabulary import NO_THEME as NO_THEME
from app.events.vocabulary import kind_label as kind_label
from app.events.vocabulary import series_label as series_label
from app.events.vocabulary import theme_key as theme_key
from app.events.vocabulary import theme_label as theme_label

GROUP_BY_MONTH = "month"
GROUP_BY_CHAPTER = "chapter"
GROUP_CHOICES = (GROUP_BY_MONTH, GROUP_BY_CHAPTER)

CITY_WIDE = "city-wide"
CANCELLED = "cancelled"

ORGANISATION_KINDS: dict[str, str] = {
    "coop": N_("Co-op"),
    "coop_federation": N_("Co-op federation"),
    "medical_coop": N_("Medical co-op"),
    "social_welfare_council": N_("Social welfare council"),
    "food_bank": N_("Food bank / pantry"),
    "npo": N_("NPO"),
    "municipality": N_("Municipal office"),
    "support_centre": N_("Community support centre"),
    "community_group": N_("Community group"),
    "company": N_("Company"),
    "other": N_("Other"),
}
CONNECTION_ROLES: dict[str, str] = {
    "organiser": N_("Organiser"),
    "co_host": N_("Co-host"),
    "supporter": N_("Supporter"),
    "donor": N_("Donor"),
    "recipient": N_("Recipient"),
    "lecturer": N_("Lecturer's organisation"),
}
VISIT_METHODS: dict[str, str] = {
    "visit": N_("Home visit"),
    "phone": N_("Phone call"),
    "outside": N_("Seen from outside"),
    "delivery": N_("At delivery"),
}
VISIT_OUTCOMES: dict[str, str] = {
    "no_change": N_("No change"),
    "watch": N_("Something to watch"),
    "contact": N_("Contact needed"),
    "emergency": N_("Emergency"),
}
FOLLOW_UP_URGENCIES: dict[str, str] = {
    "contact": N_("Contact needed"),
    "emergency": N_("Emergency"),
}
END_REASONS: dict[str, str] = {
    "moved": N_("Moved away"),
    "in_care": N_("Moved into care"),
    "hospital": N_("In hospital"),
    "died": N_("Died"),
    "withdrew": N_("Withdrew"),
}
# Quantities of food drives and donations, normalised to kilograms.
KG_PER_UNIT = {"kg": 1.0, "t": 1000.0, "g": 0.001}


def format_fiscal_year(fy: int) -> str:
    """令和4年度 in Japanese, FY2022 in English."""
    return _format_fiscal_year(fy, "ja" if current_language() == "ja" else "en")


def month_label(year: int, month: int) -> str:
    """2022年4月 / Apr 2022."""
    if current_language() == "ja":
        return f"{year}年{month}月"
    return f"{MONTHS_EN[month - 1]} {year}"


def short_month_label(month: int) -> str:
    """4月 / Apr: the month axis of a chart."""
    return f"{month}月" if current_language() == "ja" else MONTHS_EN[month - 1]


def day_label(d: date) -> str:
    """2022年6月19日(日) / Sun 19 Jun 2022, without the era (a report page is dense)."""
    if current_language() == "ja":
        return f"{d.year}年{d.month}月{d.day}日({WEEKDAYS_JA[d.weekday()]})"
    return f"{WEEKDAYS_EN[d.weekday()]} {d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def format_quantity(kg: float) -> str:
    """A weight in the larger unit that keeps it readable: 26 t, 850 kg, 1.25 t."""
    if kg >= 1000:
        value, unit = kg / 1000, "t"
    else:
        value, unit = kg, "kg"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def fiscal_months(fy: int) -> list[tuple[int, int]]:
    """(year, month) of the twelve months of fiscal year `fy`, April first."""
    return [(fy if m >= 4 else fy + 1, m) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
