"""The annual report: every section together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from app.core.context import Context, Permission
from app.core.dates import (
    fiscal_year_range,
)
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.reports.activities import _Attendance, _connections, _group, _rows, _themes
from app.reports.common import (
    GROUP_BY_MONTH,
    GROUP_CHOICES,
    NO_THEME,
    fiscal_months,
    format_fiscal_year,
    format_quantity,
    kind_label,
    month_label,
    short_month_label,
    theme_label,
)
from app.reports.figures import _members, _watch
from app.reports.results import (
    ActivityRow,
    AnnualReport,
    GroupStat,
    MonthStat,
    ReportStats,
    WatchFigures,
)
from app.reports.scope import _event_refs, _scope_label
from app.storage.chapter import resolve_chapter

# --- the report ----------------------------------------------------------------------------------


def _check_year(fy: int) -> None:
    if not 1900 <= fy <= 2200:
        raise UserError(_("{year} is not a fiscal year Tsunagu can report on.").format(year=fy))


def _stats(
    fy: int,
    scope_label: str,
    rows: Sequence[ActivityRow],
    attendance: dict[str, _Attendance],
    watch: WatchFigures,
    visits: Counter[tuple[int, int]],
    follows: Counter[tuple[int, int]],
    joined: Counter[tuple[int, int]],
    retired: Counter[tuple[int, int]],
) -> ReportStats:
    dates_by_month: Counter[tuple[int, int]] = Counter()
    people_by_month: Counter[tuple[int, int]] = Counter()
    for r in rows:
        for d in r.dates:
            dates_by_month[(d.year, d.month)] += 1
        att = attendance.get(r.id)
        if att is not None:
            people_by_month.update(att.by_month)
    months = tuple(
        MonthStat(
            year=y,
            month=m,
            label=month_label(y, m),
            short_label=short_month_label(m),
            events=dates_by_month[(y, m)],
            participants=people_by_month[(y, m)],
            visits=visits[(y, m)],
            follow_ups=follows[(y, m)],
            members_joined=joined[(y, m)],
            members_retired=retired[(y, m)],
        )
        for y, m in fiscal_months(fy)
    )
    kinds: Counter[str] = Counter()
    kind_people: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    theme_people: Counter[str] = Counter()
    for r in rows:
        kinds[r.kind] += 1
        kind_people[r.kind] += r.participants
        for t in r.themes or (NO_THEME,):
            themes[t] += 1
            theme_people[t] += r.participants
    by_kind = tuple(
        GroupStat(k, kind_label(k), kinds[k], kind_people[k])
        for k in sorted(kinds, key=lambda k: (-kinds[k], kind_label(k)))
    )
    by_theme = tuple(
        GroupStat(t, theme_label(t), themes[t], theme_people[t])
        for t in sorted(themes, key=lambda t: (t == NO_THEME, -themes[t], theme_label(t)))
    )
    registered = sum((a.registered for a in attendance.values()), 0)
    attended_registered = sum((a.attended_registered for a in attendance.values()), 0)
    return ReportStats(
        fiscal_year=fy,
        fiscal_year_label=format_fiscal_year(fy),
        scope_label=scope_label,
        activities=len(rows),
        event_dates=sum(len(r.dates) for r in rows),
        participants=sum(r.participants for r in rows),
        registered=registered,
        attended_registered=attended_registered,
        attendance_rate=attended_registered / registered if registered else None,
        quantity_kg=sum(r.quantity_kg or 0.0 for r in rows),
        visits=watch.visits,
        follow_ups=watch.follow_ups_opened,
        members_joined=sum(joined.values()),
        members_retired=sum(retired.values()),
        months=months,
        by_kind=by_kind,
        by_theme=by_theme,
    )


def annual_report(
    ctx: Context,
    fy: int,
    group_by: str = GROUP_BY_MONTH,
    chapter: str | None = None,
    today: date | None = None,
) -> AnnualReport:
    """The fiscal year's report: activities (by month or by chapter/municipality), themes and
    quantities, new connections, watch-over counts and statistics. `chapter` is a chapter's
    name or id prefix (headquarters reports on one chapter)."""
    ctx.require(Permission.REPORTS_READ)
    _check_year(fy)
    if group_by not in GROUP_CHOICES:
        raise UserError(
            _("Group the report by one of: {choices}").format(choices=", ".join(GROUP_CHOICES))
        )
    chosen = resolve_chapter(ctx, chapter) if chapter else None
    chapter_id = chosen.id if chosen else None
    first, last = fiscal_year_range(fy)
    with ctx.db.transaction() as s:
        refs = _event_refs(s, chapter_id)
        rows, attendance = _rows(s, refs, first, last)
        connections = _connections(s, refs, first, last)
        watch, visits, follows = _watch(s, first, last, chapter_id)
        joined, retired = _members(s, first, last, chapter_id)
        scope = _scope_label(ctx, s, chosen)
    stats = _stats(fy, scope, rows, attendance, watch, visits, follows, joined, retired)
    fy_label = format_fiscal_year(fy)
    return AnnualReport(
        fiscal_year=fy,
        fiscal_year_label=fy_label,
        title=_("{year} community-building activity report").format(year=fy_label),
        scope_label=scope,
        chapter_filter=chosen.name if chosen else None,
        group_by=group_by,
        first_day=first,
        last_day=last,
        groups=_group(rows, group_by),
        themes=_themes(rows),
        quantity_kg=stats.quantity_kg,
        quantity_text=format_quantity(stats.quantity_kg) if stats.quantity_kg else "",
        connections=connections,
        watch=watch,
        stats=stats,
        any_estimated=any(r.dates_estimated for r in rows),
        made_on=today or date.today(),
    )


def report_stats(ctx: Context, fy: int, chapter: str | None = None) -> ReportStats:
    """Only the statistics of `annual_report` (for `reports stats` and the XLSX export)."""
    return annual_report(ctx, fy, GROUP_BY_MONTH, chapter).stats
