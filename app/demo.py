"""Demo data: the seed's organisations, chapters and FY2022 activities, and fictional members.

The people are invented from common name parts with a fixed random seed; no real private
person is in them. Where the seed names no date, the event's date is invented inside the
fiscal year and the event says so (`dates_estimated`).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import chapter as chapter_service
from app.context import Context
from app.errors import UserError
from app.events import fill_person_keys
from app.i18n import gettext as _
from app.members import ACTIVE, MemberInput, _apply, normalise_input
from db.models import (
    Chapter,
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    Lecturer,
    Member,
    Organisation,
    Registration,
)

SEED_FILE = Path(__file__).resolve().parent.parent / "resources" / "demo" / "activities-fy2022.json"
DEMO_CHAPTER = "荒川区まちづくり"
FISCAL_YEAR = 2022
RANDOM_SEED = 20221

# (name, reading) parts; a few with variant kanji that must survive display and print.
FAMILY = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("髙橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("渡邊", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("後藤", "ゴトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("山﨑", "ヤマザキ"),
    ("齋藤", "サイトウ"),
    ("阿部", "アベ"),
    ("石井", "イシイ"),
    ("長谷川", "ハセガワ"),
    ("浜田", "ハマダ"),
    ("濵田", "ハマダ"),
    ("大野", "オオノ"),
    ("桜井", "サクライ"),
]
GIVEN_F = [
    ("花子", "ハナコ"),
    ("洋子", "ヨウコ"),
    ("恵子", "ケイコ"),
    ("幸子", "サチコ"),
    ("美智子", "ミチコ"),
    ("和子", "カズコ"),
    ("由美", "ユミ"),
    ("陽子", "ヨウコ"),
    ("真理", "マリ"),
    ("さくら", "サクラ"),
]
GIVEN_M = [
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("健", "ケン"),
    ("誠", "マコト"),
    ("博", "ヒロシ"),
    ("茂", "シゲル"),
    ("隆", "タカシ"),
    ("勇", "イサム"),
    ("翔太", "ショウタ"),
    ("大輔", "ダイスケ"),
]
# Arakawa-ku postal codes and towns (public postal data), with invented block numbers.
TOWNS = [
    ("116-0011", "東京都荒川区西尾久"),
    ("116-0012", "東京都荒川区東尾久"),
    ("116-0013", "東京都荒川区西日暮里"),
    ("116-0014", "東京都荒川区東日暮里"),
    ("116-0001", "東京都荒川区町屋"),
    ("116-0002", "東京都荒川区荒川"),
    ("116-0003", "東京都荒川区南千住"),
]
COOPS = ["コープみらい", "パルシステム東京", "生活クラブ生協"]

KIND_MAP = {"festival_online": "festival_booth"}


@dataclass(frozen=True)
class DemoSummary:
    """What the demo put in."""

    members: int
    events: int
    organisations: int


def _load_seed() -> dict[str, Any]:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def fictional_members(count: int, seed: int = RANDOM_SEED) -> list[MemberInput]:
    """`count` invented members, the same every time for the same seed."""
    rng = random.Random(seed)
    out: list[MemberInput] = []
    for n in range(count):
        family, family_kana = rng.choice(FAMILY)
        given, given_kana = rng.choice(GIVEN_F if rng.random() < 0.7 else GIVEN_M)
        postal, town = rng.choice(TOWNS)
        roles: tuple[str, ...] = ()
        r = rng.random()
        if r < 0.05:
            roles = ("coordinator", "volunteer")
        elif r < 0.35:
            roles = ("volunteer", "visitor") if rng.random() < 0.5 else ("volunteer",)
        out.append(
            MemberInput(
                family_name=family,
                given_name=given,
                family_kana=family_kana,
                given_kana=given_kana,
                # 0-prefixed numbers check that leading zeros survive export.
                member_number=f"{n + 1:07d}",
                coop=rng.choice(COOPS),
                postal_code=postal,
                address=f"{town}{rng.randint(1, 8)}-{rng.randint(1, 30)}-{rng.randint(1, 15)}",
                # 03-0xxx is not a dialable Tokyo number: the phones are fictional.
                phone=f"03-0{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                email="" if rng.random() < 0.6 else f"demo{n + 1:04d}@example.jp",
                roles=roles,
                joined_on=date(2010, 4, 1) + timedelta(days=rng.randint(0, 4500)),
                consent_contact=rng.random() < 0.8,
                consent_photo=rng.random() < 0.5,
            )
        )
    return out


def _month_of(label: str, order: int, total: int) -> tuple[int, bool]:
    """The month an activity starts in, and whether that month was invented."""
    if label:
        digits = ""
        for ch in label:
            if ch.isdigit():
                digits += ch
            elif digits:
                break
        month = int(digits)
        # "3月~6月" starts before April; inside FY2022 the start is taken as April.
        return (4 if month < 4 and "~" in label else month), True
    fy_month = 4 + (order - 1) * 12 // total
    return (fy_month - 1) % 12 + 1, True


def _fy_date(month: int, day: int) -> date:
    year = FISCAL_YEAR if month >= 4 else FISCAL_YEAR + 1
    return date(year, month, min(day, 28))


def _org_lookup(s: Session) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for org in s.scalars(select(Organisation)):
        found[org.name] = org
        if org.short_name:
            found[org.short_name] = org
    return found


def _seed_directories(s: Session, seed: dict[str, Any]) -> dict[str, Chapter]:
    for org in seed["organizations"]:
        s.add(Organisation(name=org["name"], short_name=org.get("short", ""), kind=org["kind"]))
    chapters: dict[str, Chapter] = {}
    for ch in seed["chapters"]:
        if ch["name"] == DEMO_CHAPTER:
            continue
        row = Chapter(name=ch["name"], municipality=ch["municipality"])
        s.add(row)
        chapters[ch["name"]] = row
    s.flush()
    for row in chapters.values():
        row.chapter_id = row.id
    return chapters


def _lecturer(s: Session, orgs: dict[str, Organisation], name: str, affiliation: str) -> Lecturer:
    family, _sep, given = name.partition(" ")
    title = ""
    org = orgs.get(affiliation)
    if org is None and affiliation.endswith("代表"):
        org = orgs.get(affiliation.removesuffix("代表"))
        title = "代表"
    row = Lecturer(
        family_name=family,
        given_name=given,
        affiliation=affiliation,
        title=title,
        organisation_id=org.id if org else None,
    )
    row.chapter_id = None
    s.add(row)
    return row


def _seed_events(
    s: Session, ctx: Context, seed: dict[str, Any], chapters: dict[str, Chapter]
) -> int:
    orgs = _org_lookup(s)
    total = len(seed["activities"])
    count = 0
    for act in seed["activities"]:
        order = act["order"]
        month, estimated = _month_of(act.get("months", ""), order, total)
        day = 5 + (order * 7) % 20
        start = datetime.combine(_fy_date(month, day), time(13, 30))
        kind = KIND_MAP.get(act["kind"], act["kind"])
        chapter_name = act.get("chapter")
        if chapter_name == DEMO_CHAPTER:
            owner: str | None = ctx.db.chapter_id
        elif chapter_name:
            owner = chapters[chapter_name].id
        else:
            owner = None
        quantity = act.get("quantity") or {}
        event = Event(
            kind=kind,
            series=act.get("series", ""),
            series_number=act.get("series_number"),
            catch_copy=act.get("catch", ""),
            title=act["title"],
            themes=[act["theme"]] if act.get("theme") else [],
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            dates_estimated=estimated,
            period_label=act.get("months", ""),
            venue=act.get("venue", ""),
            municipality=act.get("municipality", "")
            or (chapters[chapter_name].municipality if chapter_name in chapters else ""),
            scope=act.get("scope", "chapter"),
            capacity=30 if kind in ("lecture", "study_session", "workshop") else None,
            fee_yen=0 if kind in ("lecture", "study_session", "workshop") else None,
            recurrence=act.get("recurrence", "none"),
            status="held",
            quantity_value=quantity.get("value"),
            quantity_unit=quantity.get("unit", ""),
            recipients=list(act.get("recipients", [])),
            detail=act.get("detail", ""),
            description=_("Demo data from the FY2022 report; the date is invented.")
            if estimated
            else "",
        )
        event.chapter_id = owner
        s.add(event)
        s.flush()
        dates = [start]
        if event.recurrence == "monthly":
            dates = [
                datetime.combine(_fy_date((m - 1) % 12 + 1, 15), time(10, 0)) for m in range(4, 16)
            ]
            # The event's own date is its first one; the rule is kept as the period label.
            event.starts_at, event.ends_at = dates[0], dates[0] + timedelta(hours=2)
            event.period_label = event.period_label or "毎月15日 10:00～12:00"
        for when in dates:
            occ = EventOccurrence(
                event_id=event.id, starts_at=when, ends_at=when + timedelta(hours=2), status="held"
            )
            occ.chapter_id = owner
            s.add(occ)
        position = 0
        for role, names in (
            (
                "organiser",
                [act["organizer"]] if act.get("organizer") else act.get("organizers", []),
            ),
            ("donor", [act["donor"]] if act.get("donor") else []),
        ):
            for name in names:
                org = orgs.get(name)
                if org is not None:
                    partner = EventPartner(
                        event_id=event.id, organisation_id=org.id, role=role, position=position
                    )
                    partner.chapter_id = owner
                    s.add(partner)
                    position += 1
        for i, lec in enumerate(act.get("lecturers", [])):
            lecturer = _lecturer(s, orgs, lec["name"], lec["affiliation"])
            s.flush()
            link = EventLecturer(event_id=event.id, lecturer_id=lecturer.id, position=i)
            link.chapter_id = owner
            s.add(link)
        count += 1
    return count


# Held events the demo members could have gone to (their chapter's own or city-wide ones).
_KINDS_WITH_PEOPLE = ("lecture", "study_session", "exchange_meeting", "workshop", "town_meeting")


def _demo_registration(
    event: Event,
    occurrence: EventOccurrence | None,
    person: Member | tuple[str, str, str, str],
    registered_at: datetime,
    checked_in: datetime | None,
) -> Registration:
    """One fictional registration; a tuple is a walk-in guest (name, given, kana, given kana)."""
    if isinstance(person, Member):
        names = (person.family_name, person.given_name, person.family_kana, person.given_kana)
        member_id: str | None = person.id
    else:
        names, member_id = person, None
    row = Registration(
        event_id=event.id,
        occurrence_id=occurrence.id if occurrence is not None else None,
        member_id=member_id,
        family_name=names[0],
        given_name=names[1],
        family_kana=names[2],
        given_kana=names[3],
        contact=person.phone if isinstance(person, Member) else "",
        status="registered",
        registered_at=registered_at,
        attended=checked_in is not None,
        checked_in_at=checked_in,
        walk_in=member_id is None,
    )
    row.chapter_id = event.chapter_id
    fill_person_keys(row)
    return row


def _guest(rng: random.Random) -> tuple[str, str, str, str]:
    family, family_kana = rng.choice(FAMILY)
    given, given_kana = rng.choice(GIVEN_F + GIVEN_M)
    return family, given, family_kana, given_kana


def _seed_registrations(s: Session, ctx: Context) -> None:
    """Fictional registrations and attendance of the demo members at held events: about 25 at
    まちづくり講座 第18講, 8 to 20 at other meetings, and a monthly attendance at the café."""
    rng = random.Random(RANDOM_SEED + 1)
    members = list(s.scalars(select(Member).order_by(Member.member_number)))
    events = s.scalars(select(Event).order_by(Event.starts_at, Event.title)).all()
    for event in events:
        ours = event.chapter_id == ctx.db.chapter_id or event.scope == "city-wide"
        if event.status != "held" or not ours or event.starts_at is None:
            continue
        occurrences = list(
            s.scalars(
                select(EventOccurrence)
                .where(EventOccurrence.event_id == event.id)
                .order_by(EventOccurrence.starts_at)
            )
        )
        if event.recurrence == "monthly":
            regulars = rng.sample(members, 18)
            for occ in occurrences:
                for person in rng.sample(regulars, rng.randint(6, 14)):
                    came = occ.starts_at - timedelta(minutes=rng.randint(0, 15))
                    s.add(_demo_registration(event, occ, person, occ.starts_at, came))
                for _n in range(rng.randint(0, 2)):
                    s.add(_demo_registration(event, occ, _guest(rng), occ.starts_at, occ.starts_at))
            continue
        if event.kind not in _KINDS_WITH_PEOPLE:
            continue
        count = 25 if event.series_number == 18 else rng.randint(8, 20)
        for n, person in enumerate(rng.sample(members, count)):
            asked = event.starts_at - timedelta(days=30 - n, hours=rng.randint(0, 12))
            came = event.starts_at - timedelta(minutes=rng.randint(0, 20))
            came_or_not = came if rng.random() < 0.88 else None
            s.add(_demo_registration(event, None, person, asked, came_or_not))
        for _n in range(rng.randint(1, 3)):
            s.add(_demo_registration(event, None, _guest(rng), event.starts_at, event.starts_at))


def build_demo(ctx: Context, member_count: int = 120) -> DemoSummary:
    """Fill an empty database with the demo chapter, directories, events and members."""
    ctx.require("admin")
    with ctx.db.transaction() as s:
        if s.scalar(select(func.count()).select_from(Member)):
            raise UserError(_("This database already holds members; demo data was not added."))
    seed = _load_seed()
    inputs = [normalise_input(m) for m in fictional_members(member_count)]
    chapter_service.set_up_chapter(ctx, DEMO_CHAPTER, "荒川区")
    with ctx.db.transaction() as s:
        chapters = _seed_directories(s, seed)
        events = _seed_events(s, ctx, seed, chapters)
        for data in inputs:
            row = Member(status=ACTIVE)
            _apply(row, data)
            s.add(row)
        s.flush()
        _seed_registrations(s, ctx)
        orgs = len(seed["organizations"])
    return DemoSummary(members=len(inputs), events=events, organisations=orgs)
