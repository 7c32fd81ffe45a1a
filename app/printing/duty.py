"""The duty roster on paper (当番表): jobs by date for the month, then each volunteer's own list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from app.core.context import Context, Permission
from app.core.dates import format_date
from app.core.errors import UserError
from app.core.i18n import current_language, list_separator
from app.core.i18n import gettext as _
from app.events.duty import DutyRoster, duty_roster
from app.printing.common import BLACK, date_ja, page_size, style, table_style
from app.printing.fonts import GOTHIC, GOTHIC_BOLD, register_family
from app.printing.member_lists import MARGIN, _build, _text
from app.printing.model import RenderResult
from app.printing.text import TextGuard, paragraph
from app.storage.chapter import current_chapter
from app.storage.takeout import export_transaction, record_take_out

# A job's column holds a name at 10 pt; jobs that do not fit side by side go into a
# second table below.
MIN_ROLE_COLUMN = 27 * mm
# One volunteer's duties per row of their list; more continue on the next row, so a row is
# never taller than a page.
DUTIES_PER_ROW = 24
DATE_COLUMN = 46 * mm  # 令和8年10月15日(木) on one line


def _day(d: date) -> str:
    if current_language() == "ja":
        return date_ja(d)
    return f"{format_date(d, 'en')} ({d:%a})"


def _short_day(d: date) -> str:
    if current_language() == "ja":
        return f"{d.month}月{d.day}日({'月火水木金土日'[d.weekday()]})"
    return f"{d:%a} {d.day} {d:%b}"


def _month_label(month: date) -> str:
    if current_language() == "ja":
        return f"{month.year}年{month.month}月"
    return f"{month:%B %Y}"


def _people_text(names: list[str], short: int) -> str:
    lines = [escape(n) for n in names]
    if short:
        lines.append(
            f'<font color="#595959">{escape(_("({n} more needed)").format(n=short))}</font>'
        )
    return "<br/>".join(lines) or "&nbsp;"


def render_duty(
    roster: DutyRoster,
    out: Path | None,
    *,
    chapter: str,
    month: date | None = None,
    paper: str = "A4",
    printed_on: date | None = None,
) -> RenderResult:
    """当番表: one row per date, one column per job; then who is on duty when, per person."""
    printed_on = printed_on or date.today()
    guard = TextGuard(GOTHIC)
    register_family(GOTHIC_BOLD)
    title = _("Duty roster")
    width = page_size(paper)[0] - 2 * MARGIN
    head = style("duty-head", 10, bold=True)
    cell = style("duty-cell", 10, leading=13)
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.5, BLACK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), (0.92, 0.92, 0.92)),
    ]
    heading = f"{title}：{guard.text(roster.title)}"
    if month is not None:
        heading += f"（{_month_label(month)}）"
    story: list[Any] = [paragraph(escape(heading), style("title", 15, bold=True))]
    if roster.venue:
        story += [
            Spacer(1, 1.5 * mm),
            paragraph(
                escape(_("Venue: {venue}").format(venue=guard.text(roster.venue))),
                style("sub", 10),
            ),
        ]
    story.append(Spacer(1, 4 * mm))
    if not roster.roles:
        story.append(paragraph(escape(_("No duties have been set for this event.")), cell))
    if roster.roles and not roster.dates:
        story.append(paragraph(escape(_("No dates in this period.")), cell))
    roles = list(roster.roles)
    per_table = max(1, int((width - DATE_COLUMN) // MIN_ROLE_COLUMN))
    for start in range(0, len(roles), per_table) if roster.dates else ():
        part = roles[start : start + per_table]
        column = (width - DATE_COLUMN) / len(part)
        rows: list[list[Any]] = [
            [paragraph(escape(_("Date")), head)]
            + [
                paragraph(
                    escape(
                        _("{role} ({n})").format(role=guard.text(r.name), n=r.needed)
                        if r.needed
                        else guard.text(r.name)
                    ),
                    head,
                )
                for r in part
            ]
        ]
        for d in roster.dates:
            day = _day(d.starts_at.date()) if d.starts_at else "-"
            if d.starts_at is not None:
                day += f"<br/>{d.starts_at:%H:%M}"
                if d.ends_at is not None:
                    day += f"～{d.ends_at:%H:%M}"
            if d.cancelled:
                day += "<br/>" + escape(_("(cancelled)"))
            line = [paragraph(day, cell)]
            slots = {s.role_id: s for s in d.slots}
            for r in part:
                slot = slots.get(r.id)
                names = [guard.text(p.name) for p in slot.people] if slot else []
                short = 0 if d.cancelled or slot is None else slot.short
                line.append(paragraph(_people_text(names, short), cell))
            rows.append(line)
        table = Table(rows, colWidths=[DATE_COLUMN] + [column] * len(part), repeatRows=1)
        table.setStyle(table_style(list(grid), font=GOTHIC))
        story += [table, Spacer(1, 5 * mm)]
    duties: dict[str, tuple[str, str, list[str]]] = {}
    for d in roster.dates:
        if d.cancelled or d.starts_at is None:
            continue
        for slot in d.slots:
            for p in slot.people:
                entry = duties.setdefault(p.member_id, (p.name, p.reading, []))
                entry[2].append(f"{_short_day(d.starts_at.date())} {guard.text(slot.role)}")
    if duties:
        sep = list_separator()
        rows = [[paragraph(escape(_("Name")), head), paragraph(escape(_("Duties")), head)]]
        for name, _reading, lines in sorted(duties.values(), key=lambda e: (e[1], e[0])):
            for at in range(0, len(lines), DUTIES_PER_ROW):
                part_lines = lines[at : at + DUTIES_PER_ROW]
                rows.append(
                    [
                        _text(guard, name) if at == 0 else "",
                        paragraph(escape(sep.join(part_lines)), cell),
                    ]
                )
        table = Table(rows, colWidths=[44 * mm, width - 44 * mm], repeatRows=1)
        table.setStyle(table_style(list(grid), font=GOTHIC))
        story.append(
            KeepTogether(
                [
                    paragraph(escape(_("Each volunteer's duties")), style("h2", 12, bold=True)),
                    Spacer(1, 2 * mm),
                    table,
                ]
            )
        )
    return _build(story, out, title, chapter, printed_on, paper, guard)


def print_duty(
    ctx: Context,
    event_id: str,
    out: Path,
    *,
    month: date | None = None,
    paper: str = "A4",
    today: date | None = None,
) -> RenderResult:
    """Write an event's 当番表 (one month of it, when given) as a PDF; logged as a take-out."""
    ctx.require(Permission.EVENTS_PEOPLE)
    if Path(out).suffix.lower() != ".pdf":
        raise UserError(_("The output file must end in .pdf: {path}").format(path=out))
    roster = duty_roster(ctx, event_id, month)
    people = {p.member_id for d in roster.dates for s in d.slots for p in s.people}
    found = current_chapter(ctx)
    chapter = found.name if found else ""
    with export_transaction(ctx, out) as s:
        done = render_duty(roster, out, chapter=chapter, month=month, paper=paper, printed_on=today)
        record_take_out(
            s,
            ctx,
            action="print",
            what="duty roster",
            people=len(people),
            special_care=False,
            encrypted=False,
            destination=str(out),
        )
    return done
