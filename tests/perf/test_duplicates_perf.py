"""Duplicate candidates over 100,000 members (issue 16: under 3 s), beside bare SQL self-joins.

Run: .venv/bin/pytest tests/perf/test_duplicates_perf.py -s -o addopts="" -p no:cacheprovider
Prints one warm run each; asserts that the planted pairs are found, nothing about time.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from sqlalchemy import insert

from app.core.context import Context
from app.roster import duplicates
from app.roster.members import _derived
from app.storage.chapter import set_up_chapter
from app.storage.database import open_database
from db.models import Member

MEMBERS = 100_000
PLANTED = 1_000


def _median(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


KANJI = "田中山川木本村井上下原松竹梅林森野沢岡島高橋石小大西東南北谷口内藤佐伊加清水"
GIVEN_KANJI = "花子美和幸恵千代春夏秋冬雪月光明正一郎二三太健治勝久義信"
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def _people(count: int, rng: random.Random) -> list[dict[str, object]]:
    """Invented members with the variety of a real roster: the demo's 480 name combinations
    would make every 200 people namesakes, so names and readings are drawn from syllables."""
    rows = []
    for i in range(count):
        row = Member(
            id=f"{i:08d}-0000-4000-8000-000000000000",
            family_name="".join(rng.choices(KANJI, k=2)),
            given_name="".join(rng.choices(GIVEN_KANJI, k=2)),
            family_kana="".join(rng.choices(KANA, k=rng.randint(2, 4))),
            given_kana="".join(rng.choices(KANA, k=rng.randint(2, 3))),
            phone=f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            mobile="",
            member_number=f"{i:08d}",
            postal_code=f"116-00{rng.randint(10, 99)}",
            address=f"荒川区町屋{rng.randint(1, 8)}-{rng.randint(1, 30)}-{rng.randint(1, 15)}",
        )
        _derived(row)
        rows.append(_row(row))
    return rows


def _row(row: Member) -> dict[str, object]:
    values = {c.name: getattr(row, c.name) for c in Member.__table__.columns}  # type: ignore[attr-defined]
    return values | {
        "version": "", "local_seq": 0, "deleted": False, "status": "active", "roles": [],
        "note": "", "consent_contact": False, "consent_photo": False, "seen_version": "",
        "coop": "", "email": "", "mobile": values["mobile"] or "",
    }  # fmt: skip


def test_duplicates_at_scale(tmp_path: Path) -> None:
    db = open_database(tmp_path / "dups.sqlite", create=True)
    ctx = Context(db)
    set_up_chapter(ctx, "perf")
    rng = random.Random(16)
    rows = _people(MEMBERS, rng)
    # Plant second records: the same reading and phone under another spelling of the name.
    planted = set()
    for i, original in enumerate(rows[::97][:PLANTED]):
        row = Member(
            id=f"dup-{i:08d}",
            family_name=str(original["family_name"]).replace("高", "髙") + "",
            given_name="".join(rng.choices(GIVEN_KANJI, k=2)),
            family_kana=str(original["family_kana"]),
            given_kana=str(original["given_kana"]),
            phone=str(original["phone"]),
            mobile="",
            member_number="",
            postal_code="",
            address="",
        )
        _derived(row)
        rows.append(_row(row))
        planted.add(frozenset((str(original["id"]), row.id)))
    with db.transaction() as s:
        for start in range(0, len(rows), 2000):
            s.execute(insert(Member), rows[start : start + 2000])

    pairs = duplicates.find_duplicates(ctx)
    found = {frozenset((p.first.id, p.second.id)) for p in pairs}
    assert planted <= found
    ms = _median(lambda: duplicates.find_duplicates(ctx))
    with db.engine.connect() as conn:
        # Blocking in SQL: the groups of one reading, and of one phone (a self-join would be a
        # nested loop over 10^10 pairs: SQLite has no index on these columns).
        reading = _median(
            lambda: conn.exec_driver_sql(
                "SELECT family_kana, given_kana, count(*) FROM members WHERE deleted = 0"
                " GROUP BY family_kana, given_kana HAVING count(*) > 1"
            ).fetchall()
        )
        phone = _median(
            lambda: conn.exec_driver_sql(
                "SELECT phone, count(*) FROM members WHERE deleted = 0 AND phone != ''"
                " GROUP BY phone HAVING count(*) > 1"
            ).fetchall()
        )
        scan = _median(
            lambda: conn.exec_driver_sql(
                "SELECT id, family_name, given_name, family_kana, given_kana, phone, mobile,"
                " postal_code, address, member_number, chapter_id FROM members WHERE deleted = 0"
            ).fetchall()
        )
    print(f"\nduplicates over {MEMBERS + PLANTED:,} members, one warm run each (limit 3,000 ms):")
    print(f"  find_duplicates: {ms:7.0f} ms, {len(pairs):,} pairs ({PLANTED:,} planted, all found)")
    print(f"  baseline: bare SQL GROUP BY reading      {reading:7.0f} ms")
    print(f"  baseline: bare SQL GROUP BY phone        {phone:7.0f} ms")
    print(f"  baseline: bare SQL read of the columns  {scan:7.0f} ms")
    db.close()
