"""The plain values a report returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LecturerLine:
    """A lecturer as printed: 出野 紀子さん（Studio-L）."""

    name: str
    affiliation: str
    title: str = ""


@dataclass(frozen=True)
class ActivityRow:
    """One activity of the year, as the report prints it. No personal data."""

    id: str
    kind: str
    kind_label: str
    catch_copy: str
    title: str
    series_label: str
    themes: tuple[str, ...]  # theme keys (or the text as typed)
    theme_labels: tuple[str, ...]
    first_date: date
    dates: tuple[date, ...]  # the dates held inside the fiscal year
    ends_on: date | None
    dates_estimated: bool
    period_label: str
    recurrence: str
    status: str
    venue: str
    municipality: str
    chapter_name: str
    scope: str
    group_key: str
    group_label: str
    lecturers: tuple[LecturerLine, ...]
    organisers: tuple[str, ...]
    co_hosts: tuple[str, ...]
    supporters: tuple[str, ...]
    donors: tuple[str, ...]
    recipients: tuple[str, ...]
    detail: str
    quantity_kg: float | None
    quantity_text: str
    registered: int | None  # None: no registrations were taken for it
    attended: int | None
    walk_ins: int
    attended_registered: int

    @property
    def participants(self) -> int:
        """People who took part (0 when nobody was counted)."""
        return self.attended or 0

    @property
    def is_monthly(self) -> bool:
        """Held on many dates (a monthly café)."""
        return self.recurrence == "monthly" or len(self.dates) > 1


@dataclass(frozen=True)
class ActivityGroup:
    """A month, a chapter or a municipality, with its activities in date order."""

    key: str
    label: str
    activities: tuple[ActivityRow, ...]


@dataclass(frozen=True)
class ThemeLine:
    """A theme of the year: how many activities, people and kilograms it gathered."""

    key: str
    label: str
    activities: int
    participants: int
    quantity_kg: float
    quantity_text: str


@dataclass(frozen=True)
class Connection:
    """An organisation worked with for the first time this year (no earlier event)."""

    organisation: str
    kind_label: str
    roles: tuple[str, ...]
    first_activity: str
    first_date: date


@dataclass(frozen=True)
class CountLine:
    """A code, its label and a count (anonymous figures)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class WatchFigures:
    """Watch-over in numbers only: never a name, an address or a note."""

    people_under_watch: int
    people_started: int
    people_ended: int
    ended_by_reason: tuple[CountLine, ...]
    visits: int
    visits_by_method: tuple[CountLine, ...]
    visits_by_outcome: tuple[CountLine, ...]
    follow_ups_opened: int
    follow_ups_by_urgency: tuple[CountLine, ...]
    follow_ups_closed: int
    follow_ups_open_at_year_end: int


@dataclass(frozen=True)
class MonthStat:
    """One month of the fiscal year in numbers."""

    year: int
    month: int
    label: str
    short_label: str
    events: int  # dates held (a monthly café counts once a month)
    participants: int
    visits: int
    follow_ups: int
    members_joined: int
    members_retired: int


@dataclass(frozen=True)
class GroupStat:
    """Activities and participants for one kind or one theme."""

    key: str
    label: str
    activities: int
    participants: int


@dataclass(frozen=True)
class ReportStats:
    """The year's statistics; every total equals the sum of its rows."""

    fiscal_year: int
    fiscal_year_label: str
    scope_label: str
    activities: int
    event_dates: int
    participants: int
    registered: int
    attended_registered: int
    attendance_rate: float | None  # attended / registered, walk-ins aside
    quantity_kg: float
    visits: int
    follow_ups: int
    members_joined: int
    members_retired: int
    months: tuple[MonthStat, ...]
    by_kind: tuple[GroupStat, ...]
    by_theme: tuple[GroupStat, ...]


@dataclass(frozen=True)
class AnnualReport:
    """The annual activity report of one fiscal year (令和4年度 まちづくり活動報告)."""

    fiscal_year: int
    fiscal_year_label: str
    title: str
    scope_label: str
    chapter_filter: str | None
    group_by: str
    first_day: date
    last_day: date
    groups: tuple[ActivityGroup, ...]
    themes: tuple[ThemeLine, ...]
    quantity_kg: float
    quantity_text: str
    connections: tuple[Connection, ...]
    watch: WatchFigures
    stats: ReportStats
    any_estimated: bool
    made_on: date

    @property
    def activities(self) -> list[ActivityRow]:
        """Every activity, in group order."""
        return [a for g in self.groups for a in g.activities]
