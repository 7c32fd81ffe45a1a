"""`events list|show|import|copy|export-ics`: the event plan on the command line.

EVENT is any unique prefix of an event's id, its exact title, or its series label
(まちづくり講座 第18講).

`events import FILE` reads one of three formats; the whole file is imported or nothing is.
An event already present (same title, series number and date) is updated, not doubled.
Organisations and lecturers it names are taken from the directories, or added to them.

JSON (UTF-8): the seed's shape ``{"organizations": [...], "activities": [...]}``, or
``{"events": [...]}``, or a plain list of event objects. An event object has:

  kind        lecture, study_session, exchange_meeting, community_cafe, food_drive, site_tour,
              workshop, town_meeting, festival_booth, donation, other (or 講座, 学習会, 交流会,
              カフェ, フードドライブ, 見学会, ワークショップ, タウンミーティング, 出展, 寄贈)
  title       required
  series, series_number, catch, theme or themes (a list, or text split at 、 ; ,)
  date        2022-06-10 (also 令和4年6月10日), with start / end times 13:30 / 15:30;
              or starts_at / ends_at as ISO date-times
  months      a label for the period when there is no exact date ("6月・7月連続")
  venue, access, municipality, scope (chapter or city-wide), capacity, fee (yen, 0 = free),
  apply_how, apply_by (a date), contact, description, detail, status (planned, held,
  cancelled; when missing: held if the date is past, else planned)
  quantity    {"value": 25, "unit": "t"} (unit kg, t or items) and recipients (a list)
  organizer / organizers, co_hosts, donor   organisation names (full or short)
  lecturers   [{"name": "小原 宗一", "affiliation": "北区社会福祉協議会"}]
              or text "小原 宗一（北区社会福祉協議会）; 西川 正（NPOハンズオン埼玉）"
  recurrence  "monthly" with rule ("第3水曜日 10:00～12:00", "3rd Wednesday 10:00",
              "毎週水曜 10:00", "every other Saturday 14:00") and
              fiscal_year (a year of dates is made), or dates (a list of ISO date-times)

CSV (UTF-8, UTF-8 with BOM or Shift_JIS) or XLSX (first sheet): the first row names the
columns, one event per later row. Columns are the keys above, or these Japanese headings:
種類, タイトル (or 名称), シリーズ, 回, キャッチコピー, テーマ, 日付 (or 開催日), 開始, 終了,
時期, 会場, アクセス, 市区町村, 定員, 参加費, 申込方法, 申込締切, 問合せ, 主催, 共催, 寄贈元,
講師, 状態, 数量, 単位, 寄贈先, 繰り返し, 日程ルール, 年度, 内容, 詳細. Lists in a cell are
separated by 、 ; or ,. Unknown columns are ignored; 種類 and タイトル are required.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date, datetime, time
from typing import Any

from app import events
from app.cli import duty as duty_commands
from app.cli.output import EXIT_OK, print_json, say
from app.cli.session import chapter_id_of, opened
from app.core import argtypes
from app.core.dates import format_date, parse_date, parse_time
from app.core.errors import UserError
from app.core.i18n import current_language
from app.core.i18n import gettext as _


def register(sub: Any) -> None:
    """Add `events list|show|import|copy|export-ics`."""
    e = sub.add_parser("events", help=_("events: lectures, cafés, food drives …"))
    esub = e.add_subparsers(dest="events_command")
    p = esub.add_parser("list", help=_("list events by date"))
    p.add_argument(
        "--fiscal-year",
        type=argtypes.fiscal_year,
        metavar="Y",
        help=_("only fiscal year Y (April–March)"),
    )
    p.add_argument(
        "--chapter", type=argtypes.text, default="", metavar="NAME", help=_("only this chapter")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_events_list)
    p = esub.add_parser("show", help=_("one event with its registrations"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_events_show)
    p = esub.add_parser("import", help=_("import events from JSON, CSV or XLSX"))
    p.add_argument("file", type=argtypes.path)
    p.set_defaults(handler=cmd_events_import)
    p = esub.add_parser(
        "copy", help=_("a new planned event like EVENT on another date (no registrations)")
    )
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=_("the new date"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_events_copy)
    p = esub.add_parser("export-ics", help=_("events as a calendar file (.ics) for phones"))
    p.add_argument("file", type=argtypes.path)
    p.add_argument(
        "--fiscal-year",
        type=argtypes.fiscal_year,
        metavar="Y",
        help=_("only fiscal year Y (April–March)"),
    )
    p.set_defaults(handler=cmd_events_export_ics)
    register_dates(esub)
    duty_commands.register(esub)


def _when(row_start: Any) -> str:
    if row_start is None:
        return _("(no date)")
    return f"{format_date(row_start.date(), current_language())} {row_start:%H:%M}"


def cmd_events_list(args: argparse.Namespace) -> int:
    """events list [--fiscal-year Y] [--chapter NAME] [--json]"""
    with opened(args) as ctx:
        chosen = chapter_id_of(ctx, args.chapter)
        rows = events.list_events(ctx, args.fiscal_year, chapter_id=chosen)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for r in rows:
        title = " ".join(p for p in (r.series_label, r.title) if p)
        counts = _("{registered} registered, {attended} attended").format(
            registered=r.registered + r.walk_ins, attended=r.attended
        )
        say("\t".join([r.id[:8], _when(r.starts_at), r.kind_label, r.status_label, title, counts]))
    return EXIT_OK


def _event_json(view: events.EventView, regs: list[events.RegistrationView]) -> dict[str, Any]:
    data = asdict(view)
    data.update(
        series_label=view.series_label,
        kind_label=view.kind_label,
        status_label=view.status_label,
        theme_labels=[events.theme_label(t) for t in view.themes],
    )
    dates = {o.id: o.starts_at for o in view.occurrences}
    data["registrations"] = [
        {
            **asdict(r),
            "name": r.name,
            "reading": r.reading,
            "status_label": r.status_label,
            "occurrence_starts_at": dates.get(r.occurrence_id or ""),
        }
        for r in regs
    ]
    return data


def cmd_events_copy(args: argparse.Namespace) -> int:
    """events copy EVENT --date YYYY-MM-DD [--json]"""
    day = parse_date(args.date)
    with opened(args) as ctx:
        view = events.copy_event(ctx, events.resolve_event(ctx, args.event), day)
    if args.json:
        print_json(
            {
                "id": view.id,
                "title": view.title,
                "starts_at": view.starts_at.isoformat() if view.starts_at else None,
            }
        )
        return EXIT_OK
    say(
        _("Copied as a new planned event: {title}, {when} (id {id})").format(
            title=view.title,
            when=view.period_label if view.is_monthly else _when(view.starts_at),
            id=view.id[:8],
        )
    )
    return EXIT_OK


def cmd_events_export_ics(args: argparse.Namespace) -> int:
    """events export-ics FILE [--fiscal-year Y]"""
    from app.events import calendar_ics

    with opened(args) as ctx:
        done = calendar_ics.export_ics(ctx, args.file, args.fiscal_year)
    say(_("Wrote {count} dates to {path}.").format(count=done.written, path=done.path))
    if done.estimated or done.undated:
        say(
            _(
                "Left out: {estimated} events whose date is only estimated, "
                "{undated} without a date."
            ).format(estimated=done.estimated, undated=done.undated)
        )
    return EXIT_OK


def cmd_events_show(args: argparse.Namespace) -> int:
    """events show EVENT [--json]"""
    with opened(args) as ctx:
        event_id = events.resolve_event(ctx, args.event)
        view = events.get_event(ctx, event_id)
        regs = events.list_registrations(ctx, event_id, all_dates=True)
    if args.json:
        print_json(_event_json(view, regs))
        return EXIT_OK
    c = view.counts
    say(" ".join(p for p in (view.series_label, view.title) if p))
    say(_("Kind: {kind}   Status: {status}").format(kind=view.kind_label, status=view.status_label))
    say(
        _("When: {when}").format(
            when=view.period_label if view.is_monthly else _when(view.starts_at)
        )
    )
    if view.venue:
        say(_("Venue: {venue}").format(venue=view.venue))
    for lec in view.lecturers:
        say(
            _("Lecturer: {name} ({affiliation})").format(name=lec.name, affiliation=lec.affiliation)
        )
    for p in view.partners:
        say(f"{p.role_label}: {p.name}")
    say(
        _(
            "Registered {registered}, wait-listed {waitlisted}, attended {attended}, "
            "walk-ins {walk_ins}, cancelled {cancelled}"
        ).format(
            registered=c.registered,
            waitlisted=c.waitlisted,
            attended=c.attended,
            walk_ins=c.walk_ins,
            cancelled=c.cancelled,
        )
    )
    dates = {o.id: o.starts_at for o in view.occurrences}
    for r in regs:
        when = dates.get(r.occurrence_id or "")
        mark = "✓" if r.attended else " "
        extra = _("walk-in") if r.walk_in else r.status_label
        prefix = f"{when:%Y-%m-%d}\t" if when and view.is_monthly else ""
        say(f"{prefix}{mark} {r.name}\t{r.reading}\t{extra}")
    return EXIT_OK


def cmd_events_import(args: argparse.Namespace) -> int:
    """events import FILE"""
    with opened(args) as ctx:
        report = events.import_events(ctx, args.file)
    say(
        _(
            "{added} events added, {updated} updated; {organisations} organisations and "
            "{lecturers} lecturers added to the directories."
        ).format(
            added=report.added,
            updated=report.updated,
            organisations=report.organisations_added,
            lecturers=report.lecturers_added,
        )
    )
    return EXIT_OK


# --- dates of a repeating event: add-dates, move-date, change-from -----------------------------


def register_dates(esub: Any) -> None:
    """Add `events add-dates|move-date|change-from`."""
    p = esub.add_parser("add-dates", help=_("add the dates of a rule over a period to EVENT"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument(
        "--rule",
        required=True,
        type=argtypes.text,
        metavar="TEXT",
        help=_("for example “every Wednesday 10:00”, “隔週土曜 14時”, “3rd Wednesday 10:00”"),
    )
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument(
        "--exclude", nargs="+", default=[], metavar="YYYY-MM-DD", help=_("dates to leave out")
    )
    p.add_argument(
        "--skip-holidays", action="store_true", help=_("leave out Japanese public holidays")
    )
    p.set_defaults(handler=cmd_events_add_dates)
    p = esub.add_parser("move-date", help=_("move one date of EVENT to another day or time"))
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=_("the date to move"))
    p.add_argument(
        "--to", dest="to", required=True, metavar="YYYY-MM-DD[THH:MM]", help=_("the new date")
    )
    p.set_defaults(handler=cmd_events_move_date)
    p = esub.add_parser(
        "change-from", help=_("change the time of one date of EVENT and of every later one")
    )
    p.add_argument("event", type=argtypes.text, metavar="EVENT")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=_("the first date"))
    p.add_argument(
        "--time", required=True, metavar="HH:MM[-HH:MM]", help=_("the new start (and end) time")
    )
    p.set_defaults(handler=cmd_events_change_from)


def cmd_events_add_dates(args: argparse.Namespace) -> int:
    """events add-dates EVENT --rule TEXT --from D --to D [--exclude D ...] [--skip-holidays]"""
    start, end = parse_date(args.start), parse_date(args.end)
    exclude = [parse_date(d) for d in args.exclude]
    with opened(args) as ctx:
        done = events.add_dates(
            ctx,
            events.resolve_event(ctx, args.event),
            args.rule,
            start,
            end,
            exclude=exclude,
            skip_holidays=args.skip_holidays,
        )
    say(
        _("{added} dates added to {title}; {already} it had already.").format(
            added=done.added, title=done.event.title, already=done.already
        )
    )
    return EXIT_OK


def _moment(text: str) -> tuple[date, time | None]:
    day_text, _sep, time_text = text.partition("T")
    return parse_date(day_text), (parse_time(time_text) if time_text else None)


def cmd_events_move_date(args: argparse.Namespace) -> int:
    """events move-date EVENT --date YYYY-MM-DD --to YYYY-MM-DD[THH:MM]"""

    old = parse_date(args.date)
    new_day, new_time = _moment(args.to)
    with opened(args) as ctx:
        event_id = events.resolve_event(ctx, args.event)
        before = events.get_event(ctx, event_id)
        occurrence_id = events.occurrence_on(before, old)
        occ = next(o for o in before.occurrences if o.id == occurrence_id)
        start = datetime.combine(new_day, new_time or occ.starts_at.time())
        end = start + (occ.ends_at - occ.starts_at) if occ.ends_at else None
        view = events.move_occurrence(ctx, occurrence_id, start, end)
    say(
        _("{title}: the date of {old} is now {new}.").format(
            title=view.title, old=old.isoformat(), new=f"{start:%Y-%m-%d %H:%M}"
        )
    )
    return EXIT_OK


def cmd_events_change_from(args: argparse.Namespace) -> int:
    """events change-from EVENT --date YYYY-MM-DD --time HH:MM[-HH:MM]"""
    day = parse_date(args.date)
    start_text, _sep, end_text = (
        args.time.replace("〜", "-").replace("～", "-").replace("~", "-").partition("-")
    )
    start = parse_time(start_text)
    end = parse_time(end_text) if end_text.strip() else None
    if end is not None and end <= start:
        raise UserError(_("The event ends before it starts."))
    with opened(args) as ctx:
        event_id = events.resolve_event(ctx, args.event)
        occurrence_id = events.occurrence_on(events.get_event(ctx, event_id), day)
        done = events.change_from(ctx, occurrence_id, start, end)
    say(
        _(
            "{title}: {changed} dates from {date} on changed; {left} with attendance recorded "
            "kept their time."
        ).format(
            title=done.event.title,
            changed=done.changed,
            date=day.isoformat(),
            left=done.left_attended,
        )
    )
    return EXIT_OK
