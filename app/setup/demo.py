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

from app.core.context import Context, Permission
from app.core.dates import fiscal_year, fiscal_year_range
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.events.registrations import fill_person_keys
from app.roster.members import ACTIVE, MemberInput, _apply, normalise_input
from app.storage import chapter as chapter_service
from db.models import (
    Chapter,
    DutyAssignment,
    DutyRole,
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    Lecturer,
    Member,
    Organisation,
    Registration,
)

# Demo phone numbers are 03-1xxx-xxxx: the library's numbering plan for Tokyo accepts them
# (app/core/phone.py), but a Japanese subscriber number never starts with 1 (that digit opens the
# service numbers 110, 119 …), so no real line can be rung from the demo's lists.
FICTIONAL_PHONE = "03-1xxx-xxxx"
SEED_FILE = Path(__file__).resolve().parents[2] / "resources" / "demo" / "activities-fy2022.json"
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
                # FICTIONAL_PHONE: valid to the library, yet no line can have it.
                phone=f"03-1{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
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
            # Stored in Japanese whatever the language of the command: it is the chapter's data.
            description="令和4年度の活動報告からのデモデータです。日付は推定です。"
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


# --- this fiscal year: the demo lives today --------------------------------------------------

# (series number, title, catch copy, days from today, venue); past ones were held.
_THIS_YEAR_LECTURES = (
    (19, "防災から考えるご近所づきあい", "いざという時に頼れる関係を", -40, "町屋ふれあい館"),
    (20, "地域の居場所をつくる", "カフェ・食堂・サロンの始め方", 6, "荒川区民会館"),
    (21, "見守りのこれから", "無理なく続けるための工夫", 20, "サンパール荒川"),
)


def _seed_this_year(s: Session, ctx: Context, today: date) -> int:
    """Lectures around today and a monthly café in the current fiscal year, with members
    registered (and checked in where the day has passed), so Home and the lists have work."""
    rng = random.Random(RANDOM_SEED + 3)
    members = list(s.scalars(select(Member).order_by(Member.member_number)))
    owner = ctx.db.chapter_id
    count = 0
    for number, title, catch, offset, venue in _THIS_YEAR_LECTURES:
        start = datetime.combine(today + timedelta(days=offset), time(13, 30))
        held = start.date() < today
        event = Event(
            kind="lecture",
            series="まちづくり講座",
            series_number=number,
            catch_copy=catch,
            title=title,
            themes=["地域づくり"],
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            venue=venue,
            municipality="荒川区",
            scope="chapter",
            capacity=30,
            fee_yen=0,
            status="held" if held else "planned",
        )
        event.chapter_id = owner
        s.add(event)
        s.flush()
        for n, person in enumerate(rng.sample(members, rng.randint(12, 22))):
            asked = start - timedelta(days=25 - n, hours=rng.randint(0, 12))
            came = start - timedelta(minutes=rng.randint(0, 20))
            came_or_not = came if held and rng.random() < 0.9 else None
            s.add(_demo_registration(event, None, person, min(asked, start), came_or_not))
        count += 1
    first, _last = fiscal_year_range(fiscal_year(today))
    cafe = Event(
        kind="community_cafe",
        title="ふれあいカフェ",
        catch_copy="お茶を飲みながら気軽におしゃべり",
        themes=["居場所"],
        venue="町屋ふれあい館",
        municipality="荒川区",
        scope="chapter",
        recurrence="monthly",
        period_label="毎月15日 10:00～12:00",
        status="held",
    )
    months = [
        (first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1)
        for m in range(12)
    ]
    days = [datetime(y, m, 15, 10, 0) for y, m in months]
    cafe.starts_at, cafe.ends_at = days[0], days[0] + timedelta(hours=2)
    cafe.chapter_id = owner
    s.add(cafe)
    s.flush()
    regulars = rng.sample(members, 16)
    occurrences: list[EventOccurrence] = []
    for when in days:
        past = when.date() < today
        occ = EventOccurrence(
            event_id=cafe.id,
            starts_at=when,
            ends_at=when + timedelta(hours=2),
            status="held" if past else "planned",
        )
        occ.chapter_id = owner
        s.add(occ)
        s.flush()
        occurrences.append(occ)
        # Past cafés have their attendance; this month's has its sign-ups waiting.
        if past or (when.year, when.month) == (today.year, today.month):
            for person in rng.sample(regulars, rng.randint(6, 12)):
                arrived = when - timedelta(minutes=rng.randint(0, 15)) if past else None
                asked = when - timedelta(days=rng.randint(1, 10))
                s.add(_demo_registration(cafe, occ, person, asked, arrived))
    _seed_duty(s, cafe, occurrences, members, today)
    return count + 1


# The café's jobs (当番表), as a chapter writes them.
_DEMO_DUTIES = (("受付", 2), ("調理", 3), ("会場設営", 2), ("片付け", 2), ("司会", 1))


def _seed_duty(
    s: Session, cafe: Event, occurrences: list[EventOccurrence], members: list[Member], today: date
) -> None:
    """A duty roster for the café: twelve helpers take turns; coming dates still need a host."""
    rng = random.Random(RANDOM_SEED + 5)
    roles = []
    for position, (name, needed) in enumerate(_DEMO_DUTIES):
        role = DutyRole(event_id=cafe.id, name=name, needed=needed, position=position)
        role.chapter_id = cafe.chapter_id
        s.add(role)
        roles.append(role)
    s.flush()
    helpers = rng.sample([m for m in members if m.status == "active"], 12)
    for n, occ in enumerate(occurrences):
        upcoming = occ.starts_at.date() >= today
        turn = helpers[n % len(helpers) :] + helpers[: n % len(helpers)]
        at = 0
        for role in roles:
            wanted = role.needed
            if upcoming and role.name == "司会":
                continue  # left open, so the roster shows what is still needed
            for person in turn[at : at + wanted]:
                duty = DutyAssignment(
                    event_id=cafe.id, occurrence_id=occ.id, role_id=role.id, member_id=person.id
                )
                duty.chapter_id = cafe.chapter_id
                s.add(duty)
            at += wanted


# --- watch-over (見守り): fictional people, a year of visits, open follow-ups ------------------

_WATCH_PEOPLE = [
    # (family, given, family kana, given kana, household, interval, watch for)
    (
        "佐藤",
        "キヨ",
        "サトウ",
        "キヨ",
        "alone",
        14,
        "膝が悪く、階段で転びやすい。新聞がたまっていないか。",
    ),
    ("鈴木", "トメ", "スズキ", "トメ", "alone", 7, "物忘れが増えた。火の元と薬の飲み忘れ。"),
    (
        "髙橋",
        "文子",
        "タカハシ",
        "フミコ",
        "alone",
        14,
        "夏は熱中症に注意。エアコンを使いたがらない。",
    ),
    ("田中", "正雄", "タナカ", "マサオ", "alone", 14, "食事をきちんととっているか。"),
    ("伊藤", "ハル", "イトウ", "ハル", "elderly_couple", 30, "ご主人の介護で疲れていないか。"),
    ("渡邊", "清", "ワタナベ", "キヨシ", "alone", 14, "郵便受けと電気。夜は暗いか。"),
    ("山本", "静子", "ヤマモト", "シズコ", "alone_by_day", 14, "日中ひとり。電話に出るか。"),
    ("中村", "千代", "ナカムラ", "チヨ", "alone", 7, "退院後。顔色と食欲。"),
    ("小林", "茂", "コバヤシ", "シゲル", "alone", 14, "ゴミ出しができているか。"),
    (
        "加藤",
        "君子",
        "カトウ",
        "キミコ",
        "elderly_only",
        30,
        "姉妹ふたり暮らし。どちらかが寝込んでいないか。",
    ),
    ("吉田", "勇", "ヨシダ", "イサム", "alone", 14, "会話がかみ合うか。"),
    ("山﨑", "ツル", "ヤマザキ", "ツル", "alone", 14, "雨戸が昼も閉まっていないか。"),
    ("齋藤", "博", "サイトウ", "ヒロシ", "alone", 30, "電話での見守り。声の調子。"),
    ("浜田", "節子", "ハマダ", "セツコ", "alone", 14, "配達物に手がついているか。"),
    (
        "桜井",
        "一郎",
        "サクライ",
        "イチロウ",
        "elderly_couple",
        30,
        "奥様が入院中。ひとりで困っていないか。",
    ),
]
_WATCH_NOTES = {
    "no_change": ["お元気そうでした。", "少し立ち話。変わりなし。", "電話で元気な声。"],
    "watch": ["少しやせた様子。次回も様子を見る。", "新聞が2日分たまっていた。"],
    "contact": [
        "何度呼んでも応答なし。郵便物がたまっている。",
        "足の痛みで買い物に行けないとのこと。",
    ],
    "emergency": ["室内で倒れていたため119番通報。"],
}
_WATCH_SIGNS = {
    "no_change": [],
    "watch": ["unwell", "mail_piling"],
    "contact": ["mail_piling", "lights"],
    "emergency": ["unwell"],
}


def _seed_watch(s: Session, today: date) -> int:
    """About fifteen fictional people under watch, with consent, assigned to the demo's
    visitors, a year of visits up to `today`, two open follow-ups and one long-overdue person.

    Phone numbers are 03-1xxx-xxxx (see FICTIONAL_PHONE), which no real line uses.
    """
    from app.watch.people import refresh_keys
    from db.models import FollowUp, ReferralTarget, Visit, WatchAssignment, WatchedPerson

    rng = random.Random(RANDOM_SEED + 7)
    targets = [
        ReferralTarget(
            name="町屋地域包括支援センター（デモ）",
            kind="support_centre",
            municipality="荒川区",
            phone="03-1800-1001",
        ),
        ReferralTarget(
            name="南千住地域包括支援センター（デモ）",
            kind="support_centre",
            municipality="荒川区",
            phone="03-1800-1002",
        ),
        ReferralTarget(
            name="荒川区社会福祉協議会（デモ）",
            kind="shakyo",
            municipality="荒川区",
            phone="03-1800-2001",
        ),
        ReferralTarget(name="民生委員 山田 和夫（デモ）", kind="minsei", phone="03-1800-3001"),
        ReferralTarget(name="警察 110", kind="police_fire", phone="110"),
        ReferralTarget(name="消防・救急 119", kind="police_fire", phone="119"),
    ]
    s.add_all(targets)
    members = list(
        s.scalars(select(Member).where(Member.deleted.is_(False)).order_by(Member.member_number))
    )
    visitors = [m for m in members if "visitor" in (m.roles or [])] or members[:3]
    coordinator = next((m for m in members if "coordinator" in (m.roles or [])), members[0])
    by = f"{coordinator.family_name} {coordinator.given_name}"
    s.flush()
    people = 0
    for n, (family, given, fk, gk, household, interval, watch_for) in enumerate(_WATCH_PEOPLE):
        postal, town = TOWNS[n % len(TOWNS)]
        started = today - timedelta(days=330 + rng.randint(0, 60))
        person = WatchedPerson(
            family_name=family,
            given_name=given,
            family_kana=fk,
            given_kana=gk,
            postal_code=postal,
            address=f"{town}{rng.randint(1, 8)}-{rng.randint(1, 30)}-{rng.randint(1, 15)}",
            phone=f"03-1{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            household=household,
            emergency_contacts=[
                {
                    "name": f"{family} 良子",
                    "relation": "長女",
                    "phone": f"03-1{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                }
            ],
            support_centre_id=targets[n % 2].id,
            visit_interval_days=interval,
            preferred_method="phone" if interval == 30 else "visit",
            watch_for=watch_for,
            care_notes="高血圧の薬を服用。" if n % 4 == 0 else "",
            status="active",
            started_on=started,
            consent_on=started,
            consent_by=by,
            consent_scope="見守り訪問の記録と、緊急時の地域包括支援センター・家族への連絡",
            consent_emergency_sharing=n % 5 != 4,
        )
        refresh_keys(person)
        s.add(person)
        s.flush()
        # The first visitor (the demo visitor account) has the first five people.
        others = visitors[1:] or visitors
        main = visitors[0] if n < 5 else others[n % len(others)]
        s.add(WatchAssignment(person_id=person.id, member_id=main.id, role="main"))
        people += 1
        # Person 6 has had no contact for over twice the interval (the overdue example),
        # person 10 is a few days late; everyone else was seen within their interval.
        last_day = today - timedelta(days=rng.randint(0, interval - 1))
        if n == 5:
            last_day = today - timedelta(days=3 * interval)
        elif n == 9:
            last_day = today - timedelta(days=interval + 3)
        days = [last_day]
        while days[-1] - timedelta(days=interval + 3) > started:
            days.append(days[-1] - timedelta(days=max(1, interval + rng.randint(-3, 3))))
        for day in reversed(days):
            outcome = rng.choices(["no_change", "watch", "contact"], [85, 12, 3])[0]
            result = rng.choices(["met", "absent", "outside"], [80, 12, 8])[0]
            if day == last_day:
                result = "met"  # the last contact: somebody saw them
            if result == "absent" and outcome == "no_change":
                outcome = "watch"
            at = datetime.combine(day, time(10 + rng.randint(0, 6), rng.choice((0, 15, 30, 45))))
            at = min(at, datetime.now().replace(second=0, microsecond=0))
            visit = Visit(
                person_id=person.id,
                visited_at=at,
                visitor_member_id=main.id,
                method=person.preferred_method,
                contact_result=result,
                outcome=outcome,
                signs=list(_WATCH_SIGNS[outcome]),
                notes=rng.choice(_WATCH_NOTES[outcome]),
                next_visit_on=day + timedelta(days=interval),
            )
            s.add(visit)
            s.flush()
            if outcome == "contact":
                closed = at + timedelta(days=2)
                s.add(
                    FollowUp(
                        visit_id=visit.id,
                        person_id=person.id,
                        opened_at=at,
                        urgency="contact",
                        referred_to_kind="support_centre",
                        referred_to_id=targets[n % 2].id,
                        referred_to_name=targets[n % 2].name,
                        referred_at=at + timedelta(hours=3),
                        referred_by=by,
                        result="センターの職員が訪問し、無事を確認。",
                        closed_at=closed,
                    )
                )
        if n in (1, 7):
            # Two follow-ups still open: one waiting for a referral, one referred.
            at = datetime.combine(today - timedelta(days=1 + n % 3), time(11, 0))
            visit = Visit(
                person_id=person.id,
                visited_at=at,
                visitor_member_id=main.id,
                method="visit",
                contact_result="absent" if n == 1 else "met",
                outcome="contact",
                signs=list(_WATCH_SIGNS["contact"]),
                notes=_WATCH_NOTES["contact"][n % 2],
                next_visit_on=today + timedelta(days=1),
            )
            s.add(visit)
            s.flush()
            follow = FollowUp(
                visit_id=visit.id, person_id=person.id, opened_at=at, urgency="contact"
            )
            if n == 7:
                follow.referred_to_kind = "support_centre"
                follow.referred_to_id = targets[1].id
                follow.referred_to_name = targets[1].name
                follow.referred_at = at + timedelta(hours=2)
                follow.referred_by = by
            s.add(follow)
    # One watch that ended last year, for the counts and the retention screen.
    ended = WatchedPerson(
        family_name="後藤",
        given_name="マサ",
        family_kana="ゴトウ",
        given_kana="マサ",
        postal_code=TOWNS[0][0],
        address=f"{TOWNS[0][1]}2-4-6",
        phone="03-1555-0101",
        household="alone",
        visit_interval_days=14,
        status="ended",
        end_reason="in_care",
        started_on=today - timedelta(days=900),
        ended_on=today - timedelta(days=400),
        consent_on=today - timedelta(days=900),
        consent_by=by,
        consent_scope="見守り訪問の記録",
    )
    refresh_keys(ended)
    s.add(ended)
    return people + 1


def build_demo(ctx: Context, member_count: int = 120) -> DemoSummary:
    """Fill an empty database with the demo chapter, directories, events and members."""
    ctx.require(Permission.ADMIN)
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
        events += _seed_this_year(s, ctx, date.today())
        _seed_watch(s, date.today())
        orgs = len(seed["organizations"])
    return DemoSummary(members=len(inputs), events=events, organisations=orgs)
