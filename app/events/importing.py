"""Events read from a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.core.context import Context, Permission
from app.core.dates import fiscal_year
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import shown
from app.events.planning import _apply_event, normalise_event
from app.events.recurrence import _TIME, _time, fiscal_year_dates
from app.events.views import EventInput, OccurrenceInput, PartnerLink, _check_fiscal_year
from app.events.vocabulary import (
    CANCELLED,
    HELD,
    KIND_ALIASES,
    KINDS,
    MONTHLY,
    NO_RECURRENCE,
    PLANNED,
    STATUSES,
)
from db.models import (
    Event,
    Lecturer,
    Organisation,
)

# --- import ----------------------------------------------------------------------------------

# Column names a spreadsheet may use (English key or Japanese heading) -> field.
IMPORT_COLUMNS: dict[str, str] = {
    "kind": "kind",
    "種類": "kind",
    "title": "title",
    "タイトル": "title",
    "名称": "title",
    "series": "series",
    "シリーズ": "series",
    "series_number": "series_number",
    "回": "series_number",
    "catch": "catch",
    "catch_copy": "catch",
    "キャッチコピー": "catch",
    "themes": "themes",
    "theme": "themes",
    "テーマ": "themes",
    "date": "date",
    "日付": "date",
    "開催日": "date",
    "start": "start",
    "開始": "start",
    "end": "end",
    "終了": "end",
    "months": "period_label",
    "period": "period_label",
    "時期": "period_label",
    "venue": "venue",
    "会場": "venue",
    "access": "access",
    "アクセス": "access",
    "municipality": "municipality",
    "市区町村": "municipality",
    "scope": "scope",
    "capacity": "capacity",
    "定員": "capacity",
    "fee": "fee",
    "参加費": "fee",
    "apply_how": "apply_how",
    "申込方法": "apply_how",
    "apply_by": "apply_by",
    "申込締切": "apply_by",
    "contact": "contact",
    "問合せ": "contact",
    "organisers": "organisers",
    "organizers": "organisers",
    "主催": "organisers",
    "co_hosts": "co_hosts",
    "共催": "co_hosts",
    "donor": "donors",
    "寄贈元": "donors",
    "lecturers": "lecturers",
    "講師": "lecturers",
    "status": "status",
    "状態": "status",
    "quantity": "quantity",
    "数量": "quantity",
    "unit": "unit",
    "単位": "unit",
    "recipients": "recipients",
    "寄贈先": "recipients",
    "recurrence": "recurrence",
    "繰り返し": "recurrence",
    "rule": "rule",
    "日程ルール": "rule",
    "fiscal_year": "fiscal_year",
    "年度": "fiscal_year",
    "description": "description",
    "内容": "description",
    "detail": "detail",
    "詳細": "detail",
}
KIND_WORDS = {
    "講座": "lecture",
    "学習会": "study_session",
    "交流会": "exchange_meeting",
    "カフェ": "community_cafe",
    "フードドライブ": "food_drive",
    "見学会": "site_tour",
    "ワークショップ": "workshop",
    "体験会": "workshop",
    "タウンミーティング": "town_meeting",
    "出展": "festival_booth",
    "寄贈": "donation",
    "その他": "other",
}
STATUS_WORDS = {"予定": PLANNED, "開催済み": HELD, "実施": HELD, "中止": CANCELLED}
_LIST_SPLIT = re.compile(r"\s*[;；、,，\n]\s*")
_LECTURER = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<aff>.*)[）)])?$")


@dataclass
class EventImportReport:
    """What `import_events` did."""

    added: int = 0
    updated: int = 0
    organisations_added: int = 0
    lecturers_added: int = 0


@dataclass
class _Planned:
    """One event read from a file, before it is stored."""

    where: str
    data: EventInput
    organisers: list[tuple[str, str]]  # (name, role)
    lecturers: list[tuple[str, str]]  # (name, affiliation)
    rule: str = ""
    fiscal_year: int | None = None


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in _LIST_SPLIT.split(str(value).strip()) if p]


def _as_int(value: object, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(what)
    if isinstance(value, float) and not value.is_integer():
        # nan, inf, 1e400 and 2.5 alike: no whole number of people or yen.
        raise UserError(_("“{value}” is not a whole number.").format(value=value))
    if isinstance(value, int | float):
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    text = text.removesuffix("円").removesuffix("名").removesuffix("人")
    if text in ("無料", "free"):
        return 0
    digits = text.removeprefix("-")
    # 20 digits would overflow SQLite's 64 bits; 5,000 would stall int() itself.
    if not digits.isascii() or not digits.isdigit():
        raise UserError(_("“{value}” is not a whole number.").format(value=shown(str(value))))
    if len(digits) > 18:
        raise UserError(_("“{value}” is too large a number.").format(value=shown(str(value))))
    return int(text)


def _as_date(value: object) -> date | None:
    from app.core.dates import parse_date

    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "T" in text or (len(text) > 10 and text[4] == "-" and text[10] == " "):
        return datetime.fromisoformat(text).date()
    return parse_date(text)


def _as_time(value: object) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = re.fullmatch(_TIME, text)
    if found is None:
        raise ValueError(text)
    parsed = _time(found.groups())
    if parsed is None:
        raise ValueError(text)
    return parsed


def _as_datetime(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(unicodedata.normalize("NFKC", str(value)).strip())


def _kind_of(value: object) -> str:
    text = str(value or "").strip()
    lowered = text.lower()
    if lowered in KINDS:
        return lowered
    if lowered in KIND_ALIASES:
        return KIND_ALIASES[lowered]
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    for key, label in KINDS.items():
        if text in (label, _(label)):
            return key
    raise ValueError(text)


def _status_of(value: object) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if text.lower() in STATUSES:
        return text.lower()
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    for key, label in STATUSES.items():
        if text in (label, _(label)):
            return key
    raise ValueError(text)


def _lecturers_of(value: object) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                name = str(item.get("name", "")).strip()
                if name:
                    out.append((name, str(item.get("affiliation", "")).strip()))
            elif str(item).strip():
                out.extend(_lecturers_of(str(item)))
        return out
    for part in _as_list(value):
        found = _LECTURER.match(part)
        if found:
            out.append((found["name"].strip(), (found["aff"] or "").strip()))
    return out


def _plan_item(item: dict[str, object], where: str, today: date) -> _Planned:
    """One event object (JSON) or row (spreadsheet, keys already mapped) as input."""
    get = item.get
    kind = _kind_of(get("kind"))
    day = _as_date(get("date"))
    starts = _as_datetime(get("starts_at"))
    ends = _as_datetime(get("ends_at"))
    if day is not None and starts is None:
        starts = datetime.combine(day, _as_time(get("start")) or time(0, 0))
        end_time = _as_time(get("end"))
        ends = datetime.combine(day, end_time) if end_time else None
    quantity = get("quantity")
    q_value: float | None = None
    q_unit = str(get("unit") or get("quantity_unit") or "").strip()
    if isinstance(quantity, dict):
        q_value = float(quantity["value"]) if quantity.get("value") is not None else None
        q_unit = str(quantity.get("unit", q_unit))
    elif quantity not in (None, ""):
        q_value = float(str(quantity).replace(",", ""))
    elif get("quantity_value") not in (None, ""):
        q_value = float(str(get("quantity_value")))
    q_unit = {"トン": "t", "個": "items", "点": "items"}.get(q_unit, q_unit)
    status = _status_of(get("status"))
    if status is None:
        status = HELD if starts is not None and starts.date() < today else PLANNED
    recurrence = str(get("recurrence") or NO_RECURRENCE).strip().lower()
    recurrence = {"毎月": MONTHLY, "": NO_RECURRENCE}.get(recurrence, recurrence)
    organisers: list[tuple[str, str]] = []
    for key, role in (
        ("organiser", "organiser"),
        ("organizer", "organiser"),
        ("organisers", "organiser"),
        ("organizers", "organiser"),
        ("co_hosts", "co_host"),
        ("co_host", "co_host"),
        ("donor", "donor"),
        ("donors", "donor"),
    ):
        organisers += [(name, role) for name in _as_list(get(key))]
    occurrences = tuple(
        OccurrenceInput(starts_at=d) for d in (_as_datetime(x) for x in _as_list(get("dates"))) if d
    )
    fy = _as_int(get("fiscal_year"), "fiscal_year")
    if fy is not None:
        _check_fiscal_year(fy)
    data = EventInput(
        title=str(get("title") or ""),
        kind=kind,
        series=str(get("series") or ""),
        series_number=_as_int(get("series_number"), "series_number"),
        catch_copy=str(get("catch") or get("catch_copy") or ""),
        themes=tuple(_as_list(get("themes")) + _as_list(get("theme"))),
        starts_at=starts,
        ends_at=ends,
        period_label=str(get("period_label") or get("months") or ""),
        venue=str(get("venue") or ""),
        venue_access=str(get("access") or get("venue_access") or ""),
        municipality=str(get("municipality") or ""),
        scope=str(get("scope") or "chapter"),
        capacity=_as_int(get("capacity"), "capacity"),
        fee_yen=_as_int(get("fee") if get("fee") is not None else get("fee_yen"), "fee"),
        apply_how=str(get("apply_how") or ""),
        apply_by=_as_date(get("apply_by")),
        contact=str(get("contact") or ""),
        description=str(get("description") or ""),
        recurrence=recurrence,
        status=status,
        quantity_value=q_value,
        quantity_unit=q_unit if q_value is not None else "",
        recipients=tuple(_as_list(get("recipients"))),
        detail=str(get("detail") or ""),
        occurrences=occurrences,
    )
    return _Planned(
        where=where,
        data=data,
        organisers=organisers,
        lecturers=_lecturers_of(get("lecturers")),
        rule=str(get("rule") or ""),
        fiscal_year=fy,
    )


def _read_rows(path: Path) -> tuple[list[tuple[str, dict[str, object]]], dict[str, str]]:
    """(where, item) per event from a JSON, CSV or XLSX file, and organisation kinds named."""
    import json

    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(_("Cannot read {path}: {reason}").format(path=path, reason=exc)) from None
    if suffix == ".json":
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(
                _("{path} is not a JSON file: {reason}").format(path=path.name, reason=exc)
            ) from None
        kinds: dict[str, str] = {}
        if isinstance(doc, dict):
            for org in doc.get("organizations") or doc.get("organisations") or []:
                if isinstance(org, dict) and org.get("name"):
                    kinds[str(org["name"])] = str(org.get("kind", "other"))
                    if org.get("short"):
                        kinds[str(org["short"])] = str(org.get("kind", "other"))
            items = doc.get("activities", doc.get("events", []))
        else:
            items = doc
        if not isinstance(items, list):
            raise UserError(_("{path} holds no list of events.").format(path=path.name))
        return [
            (_("Event {n}").format(n=n), item if isinstance(item, dict) else {})
            for n, item in enumerate(items, start=1)
        ], kinds
    from app.roster.files.reading import MAX_COLUMNS, check_size, check_text, check_workbook

    if suffix in (".csv", ".txt"):
        import csv
        import io

        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(_("{path} is neither UTF-8 nor Shift_JIS.").format(path=path.name))
        check_text(text, path.name)
        table = []
        for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            check_size(line, cells, path.name)
            table.append(cells)
    elif suffix == ".xlsx":
        import openpyxl

        check_workbook(path)
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise UserError(
                _("{path} is not an Excel workbook: {reason}").format(path=path.name, reason=exc)
            ) from None
        sheet = book.worksheets[0]
        table = []
        try:
            for line, values in enumerate(
                sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1
            ):
                cells = ["" if v is None else v for v in values]
                check_size(line, [str(v) for v in cells], path.name)
                table.append(cells)
        finally:
            book.close()
    else:
        raise UserError(
            _("{path}: events are imported from .json, .csv or .xlsx files.").format(path=path.name)
        )
    if not table:
        return [], {}
    header = [
        IMPORT_COLUMNS.get(str(h).strip().lower(), IMPORT_COLUMNS.get(str(h).strip(), ""))
        for h in table[0]
    ]
    if "title" not in header or "kind" not in header:
        raise UserError(_("The first row must name the columns; “kind” and “title” are needed."))
    rows: list[tuple[str, dict[str, object]]] = []
    for n, values in enumerate(table[1:], start=2):
        if all(str(v).strip() == "" for v in values):
            continue
        item: dict[str, object] = {
            key: value for key, value in zip(header, values, strict=False) if key
        }
        rows.append((_("Line {line}").format(line=n), item))
    return rows, {}


def import_events(ctx: Context, path: Path, today: date | None = None) -> EventImportReport:
    """Import events from a JSON, CSV or XLSX file (format: app/cli/events.py), whole or
    not at all. An event already present (same title, number and date) is updated; named
    organisations and lecturers missing from the directories are added."""
    ctx.require(Permission.EVENTS_WRITE)
    today = today or date.today()
    items, org_kinds = _read_rows(path)
    problems: list[str] = []
    planned: list[_Planned] = []
    for where, item in items:
        try:
            plan = _plan_item(item, where, today)
            if plan.rule and plan.data.recurrence == MONTHLY and not plan.data.occurrences:
                fy = plan.fiscal_year or fiscal_year(
                    plan.data.starts_at.date() if plan.data.starts_at else today
                )
                plan.data = replace(
                    plan.data,
                    occurrences=tuple(fiscal_year_dates(plan.rule, fy)),
                    period_label=plan.data.period_label or plan.rule,
                )
            plan.data = normalise_event(plan.data)
            planned.append(plan)
        except UserError as exc:
            problems.append(f"{where}: {exc.message}")
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(
                _("{where}: cannot read the value “{value}”.").format(where=where, value=exc)
            )
    if problems:
        raise UserError(
            _("The file was not imported: {count} events have problems.").format(
                count=len(problems)
            ),
            details=problems,
        )
    from app.partners import lecturer_for_name, organisation_for_name

    report = EventImportReport()
    with ctx.db.transaction() as s:
        existing = list(s.scalars(select(Event).where(Event.deleted.is_(False))))

        def key(title: str, number: int | None, when: datetime | None) -> tuple[object, ...]:
            return (title, number, when.date() if when else None)

        by_key = {key(e.title, e.series_number, e.starts_at): e for e in existing}
        org_before = s.scalar(select(func.count()).select_from(Organisation)) or 0
        lec_before = s.scalar(select(func.count()).select_from(Lecturer)) or 0
        for plan in planned:
            links = tuple(
                PartnerLink(organisation_for_name(s, name, org_kinds.get(name, "other")).id, role)
                for name, role in plan.organisers
            )
            lecturer_ids = tuple(lecturer_for_name(s, n, a).id for n, a in plan.lecturers)
            data = replace(plan.data, partners=links, lecturer_ids=lecturer_ids)
            row = by_key.get(key(data.title, data.series_number, data.starts_at))
            if row is None:
                row = Event(title=data.title)
                row.chapter_id = ctx.db.chapter_id
                s.add(row)
                s.flush()
                by_key[key(data.title, data.series_number, data.starts_at)] = row
                report.added += 1
            else:
                report.updated += 1
            _apply_event(s, row, data)
        s.flush()
        report.organisations_added = (
            s.scalar(select(func.count()).select_from(Organisation)) or 0
        ) - org_before
        report.lecturers_added = (
            s.scalar(select(func.count()).select_from(Lecturer)) or 0
        ) - lec_before
    return report


# When a chapter's lectures and cafés usually begin, before it has any of its own.
DEFAULT_START = time(13, 30)
DEFAULT_LENGTH = timedelta(hours=2)


def usual_time(ctx: Context, kind: str) -> tuple[time, time]:
    """The start and end a new event of `kind` most likely has: the commonest among this
    chapter's events of that kind, else among all its events, else 13:30–15:30."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        for condition in (Event.kind == kind, Event.kind.is_not(None)):
            rows = s.execute(
                select(Event.starts_at, Event.ends_at)
                .where(Event.deleted.is_(False), Event.starts_at.is_not(None), condition)
                .order_by(Event.starts_at.desc())
                .limit(200)
            ).all()
            starts = [r.starts_at.time() for r in rows if r.starts_at.time() != time(0, 0)]
            if starts:
                start = max(set(starts), key=lambda t: (starts.count(t), t))
                lengths = [
                    r.ends_at - r.starts_at
                    for r in rows
                    if r.ends_at and r.starts_at.time() == start and r.ends_at > r.starts_at
                ]
                length = max(set(lengths), key=lengths.count) if lengths else DEFAULT_LENGTH
                end = (datetime.combine(date(2000, 1, 1), start) + length).time()
                return start, end if end > start else time(23, 59)
    end = (datetime.combine(date(2000, 1, 1), DEFAULT_START) + DEFAULT_LENGTH).time()
    return DEFAULT_START, end
