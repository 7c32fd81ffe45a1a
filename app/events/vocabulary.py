"""Event kinds, themes and registration states: codes stored, labels shown."""

from __future__ import annotations

from app.core.i18n import N_
from app.core.i18n import gettext as _

# --- vocabularies ----------------------------------------------------------------------------

KINDS: dict[str, str] = {
    "lecture": N_("Lecture"),
    "study_session": N_("Study session"),
    "exchange_meeting": N_("Exchange meeting"),
    "community_cafe": N_("Community café"),
    "food_drive": N_("Food drive"),
    "site_tour": N_("Site tour"),
    "workshop": N_("Workshop"),
    "town_meeting": N_("Town meeting"),
    "festival_booth": N_("Festival booth"),
    "donation": N_("Donation"),
    "other": N_("Other"),
}
# Names other files use for the same kinds (the seed's "festival_online", a plain "cafe").
KIND_ALIASES = {"festival_online": "festival_booth", "cafe": "community_cafe"}
# Kinds with people in a room: these take registrations and print attendance sheets.
KINDS_WITH_PEOPLE = (
    "lecture",
    "study_session",
    "exchange_meeting",
    "community_cafe",
    "site_tour",
    "workshop",
    "town_meeting",
)

PLANNED = "planned"
HELD = "held"
CANCELLED = "cancelled"
STATUSES: dict[str, str] = {
    PLANNED: N_("Planned"),
    HELD: N_("Held"),
    CANCELLED: N_("Cancelled"),
}

# Theme keys -> English label (translated when shown); the Japanese words of the seed are aliases.
# The theme key of a report row for events that name none.
NO_THEME = ""
THEMES: dict[str, str] = {
    "disaster": N_("Disaster preparedness"),
    "food_support": N_("Food support"),
    "welfare": N_("Welfare"),
    "dementia": N_("Dementia"),
    "health": N_("Health"),
    "poverty": N_("Support for people in need"),
    "watch_over": N_("Watch-over"),
    "community": N_("Community building"),
    "child_care": N_("Child-raising"),
    "environment": N_("Environment"),
}
THEME_ALIASES = {
    "防災": "disaster",
    "食の支援": "food_support",
    "福祉": "welfare",
    "認知症": "dementia",
    "健康": "health",
    "生活困窮者支援": "poverty",
    "見守り": "watch_over",
    "まちづくり": "community",
    "子育て": "child_care",
    "環境": "environment",
}

PARTNER_ROLES: dict[str, str] = {
    "organiser": N_("Organiser"),
    "co_host": N_("Co-host"),
    "supporter": N_("Supporter"),
    "donor": N_("Donor"),
    "recipient": N_("Recipient"),
}

QUANTITY_UNITS: dict[str, str] = {"kg": N_("kg"), "t": N_("t"), "items": N_("items")}

NO_RECURRENCE = "none"
MONTHLY = "monthly"
RECURRENCES: dict[str, str] = {NO_RECURRENCE: N_("One date"), MONTHLY: N_("Monthly")}

SCOPES: dict[str, str] = {"chapter": N_("This chapter"), "city-wide": N_("City-wide")}

# Registration.status
REGISTERED = "registered"
WAITLISTED = "waitlisted"
REG_CANCELLED = "cancelled"
REGISTRATION_STATUSES: dict[str, str] = {
    REGISTERED: N_("Registered"),
    WAITLISTED: N_("Wait-listed"),
    REG_CANCELLED: N_("Cancelled"),
}


def kind_label(kind: str) -> str:
    """The kind of event in the current language (an old or Japanese code as its kind)."""
    label = KINDS.get(KIND_ALIASES.get(kind, kind))
    return _(label) if label else kind


def status_label(status: str) -> str:
    """An event's status in the current language."""
    label = STATUSES.get(status)
    return _(label) if label else status


def registration_status_label(status: str) -> str:
    """A registration's status in the current language."""
    label = REGISTRATION_STATUSES.get(status)
    return _(label) if label else status


def partner_role_label(role: str) -> str:
    """An organisation's part in an event, in the current language."""
    label = PARTNER_ROLES.get(role)
    return _(label) if label else role


def unit_label(unit: str) -> str:
    """A quantity unit for people (kg, t, items)."""
    label = QUANTITY_UNITS.get(unit)
    return _(label) if label else unit


def theme_key(text: str) -> str:
    """The stored key of a theme given as key, Japanese word or English label; else as typed."""
    text = " ".join(text.split())
    if text in THEMES:
        return text
    if text in THEME_ALIASES:
        return THEME_ALIASES[text]
    folded = text.casefold()
    for key, label in THEMES.items():
        if folded in (label.casefold(), _(label).casefold()):
            return key
    return text


def theme_label(theme: str) -> str:
    """A theme in the current language (a theme typed freely is shown as typed; the empty
    key of a report's "no theme" row as words)."""
    if theme == NO_THEME:
        return _("No theme")
    key = theme_key(theme)
    label = THEMES.get(key)
    return _(label) if label else theme


def series_label(series: str, number: int | None) -> str:
    """As printed: まちづくり講座 第18講 (a 講座 counts 講, anything else 回)."""
    series = series.strip()
    if number is None:
        return series
    counter = "講" if series.endswith("講座") else "回"
    return f"{series} 第{number}{counter}".strip()
