"""Benchmarks: headquarters merging 50 packages x 10,000 members, beside a plain upsert.

Run by hand (tests/perf is not collected by default):

    .venv/bin/pytest tests/perf/test_sync_perf.py -s -p no:cacheprovider

The PostgreSQL variant runs when TSUNAGU_TEST_PG_URL is set (.ci/run starts a server).
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from app.core.clock import Stamp
from app.core.context import Context
from app.storage.database import open_database
from app.sync.crypto import read_setup
from app.sync.exchange import KIND_FROM_CHAPTER, PAYLOAD_FORMAT, SCHEMA_VERSION, own_keys
from app.sync.hq import add_chapter, hq_import, hq_init
from app.sync.package import seal
from app.sync.rows import TABLES, row_from_json, travelling_columns
from tests.app.sync.conftest import fresh_postgres

PACKAGES = int(os.environ.get("TSUNAGU_PERF_PACKAGES", "50"))
ROWS = int(os.environ.get("TSUNAGU_PERF_ROWS", "10000"))
MEMBERS = TABLES["members"]
FAMILY = ["髙橋", "佐藤", "鈴木", "田中", "渡邉", "伊藤", "山本", "中村", "小林", "加藤"]
GIVEN = ["花子", "太郎", "﨑子", "一郎", "美咲", "健太", "陽子", "大輔", "恵子", "翔"]


def member_values(rng: random.Random, chapter_id: str, version: str) -> list[Any]:
    """One realistic member row, in package order (columns, then the base)."""
    family, given = rng.choice(FAMILY), rng.choice(GIVEN)
    values = {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "chapter_id": chapter_id,
        "version": version,
        "deleted": False,
        "family_name": family,
        "given_name": given,
        "family_kana": "タカハシ",
        "given_kana": "ハナコ",
        "reading_key": "たかはし はなこ",
        "search_text": f"{family}{given} たかはしはなこ",
        "member_number": f"{rng.randrange(10**7):07d}",
        "coop": "パルシステム東京",
        "postal_code": f"116-{rng.randrange(10**4):04d}",
        "address": f"東京都荒川区東尾久{rng.randrange(1, 9)}-{rng.randrange(1, 40)}-{rng.randrange(1, 20)}",
        "phone": f"03-{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}",
        "mobile": f"090-{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}",
        "email": f"m{rng.randrange(10**6)}@example.jp",
        "roles": rng.choice([[], ["volunteer"], ["visitor", "volunteer"]]),
        "joined_on": f"20{rng.randrange(10, 26)}-04-01",
        "left_on": None,
        "consent_contact": True,
        "consent_photo": rng.random() < 0.5,
        "note": "",
        "status": "active",
    }
    return [values[c] for c in travelling_columns(MEMBERS)] + [""]


def write_packages(hq: Context, folder: Path) -> tuple[list[Path], list[list[dict[str, Any]]]]:
    """PACKAGES real chapter packages of ROWS members each, sealed with the chapters' keys."""
    rng = random.Random(7)
    with hq.db.transaction() as s:
        hq_keys = own_keys(s)
    assert hq_keys is not None
    paths: list[Path] = []
    rows: list[list[dict[str, Any]]] = []
    columns = travelling_columns(MEMBERS)
    for n in range(PACKAGES):
        new = add_chapter(hq, f"支部{n:02d}", folder / f"{n}.setup")
        keys = read_setup(new.setup_path, new.code).chapter_keys
        node = f"{n:016x}"
        block = [
            member_values(rng, new.id, Stamp(1_780_000_000_000 + i, 0, node).encode())
            for i in range(ROWS)
        ]
        payload = {
            "format": PAYLOAD_FORMAT,
            "schema": SCHEMA_VERSION,
            "kind": KIND_FROM_CHAPTER,
            "chapter_id": new.id,
            "node": node,
            "since": 0,
            "upto": ROWS,
            "stamp": Stamp(1_780_000_100_000, 0, node).encode(),
            "receipt": {"node": "", "seq": 0, "package": ""},
            "tables": {"members": {"columns": columns, "rows": block}},
        }
        data = seal(
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
            sender=keys,
            recipient=hq_keys.public(),
            header={
                "schema_version": SCHEMA_VERSION,
                "kind": KIND_FROM_CHAPTER,
                "counts": {"members": ROWS},
            },
        )
        path = folder / f"{n:02d}.tsync"
        path.write_bytes(data)
        paths.append(path)
        rows.append([_plain(row_from_json("members", columns, v), i) for i, v in enumerate(block)])
    return paths, rows


def _plain(row: dict[str, Any], seq: int) -> dict[str, Any]:
    row.pop("_base")
    row["local_seq"] = seq + 1
    row["seen_version"] = row["version"]
    return row


def plain_upsert(location: str, packages: list[list[dict[str, Any]]]) -> float:
    """The same rows, one executemany INSERT … ON CONFLICT DO UPDATE … WHERE newer per package."""
    db = open_database(location, create=True)
    try:
        started = time.perf_counter()
        for rows in packages:
            with db.engine.begin() as conn:
                dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
                stmt = dialect.insert(MEMBERS)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[MEMBERS.c.id],
                    set_={c.name: stmt.excluded[c.name] for c in MEMBERS.columns if c.name != "id"},
                    where=stmt.excluded.version > MEMBERS.c.version,
                )
                conn.execute(stmt, rows)
        return time.perf_counter() - started
    finally:
        db.close()


def run_benchmark(hq_location: str, plain_location: str, folder: Path, label: str) -> None:
    hq = Context(open_database(hq_location, create=True))
    try:
        hq_init(hq)
        paths, rows = write_packages(hq, folder)
        started = time.perf_counter()
        results = hq_import(hq, paths)
        merge_seconds = time.perf_counter() - started
    finally:
        hq.db.close()
    assert sum(r.applied_total for r in results) == PACKAGES * ROWS
    plain_seconds = plain_upsert(plain_location, rows)
    total = PACKAGES * ROWS
    size = paths[0].stat().st_size
    print(
        f"\n[{label}] HQ import (verify, decrypt, check, merge) of {PACKAGES} packages x {ROWS} rows: "
        f"{merge_seconds:.1f} s ({total / merge_seconds:,.0f} rows/s)"
        f"\n[{label}] plain executemany upsert of the same rows: {plain_seconds:.1f} s "
        f"({total / plain_seconds:,.0f} rows/s)"
        f"\n[{label}] merge speed / plain speed = {plain_seconds / merge_seconds:.2f}"
        f"\n[{label}] package size for {ROWS} members: {size / 1024 / 1024:.2f} MB"
        f" ({size / ROWS:.0f} bytes per member)"
    )
    # The goal: the merge at least half as fast as the plain upsert.
    assert merge_seconds <= 2 * plain_seconds * 1.10, "merge slower than half the plain upsert"


def test_sqlite_headquarters_import(tmp_path: Path) -> None:
    run_benchmark(str(tmp_path / "hq.sqlite"), str(tmp_path / "plain.sqlite"), tmp_path, "SQLite")


@pytest.fixture
def two_postgres() -> Iterator[tuple[str, str]]:
    base = os.environ.get("TSUNAGU_TEST_PG_URL", "")
    if not base:
        pytest.skip("TSUNAGU_TEST_PG_URL is not set: no PostgreSQL server to measure")
    first = fresh_postgres(base)
    second = fresh_postgres(base)
    try:
        yield next(first), next(second)
    finally:
        for gen in (first, second):
            next(gen, None)


@pytest.mark.postgres
def test_postgres_headquarters_import(tmp_path: Path, two_postgres: tuple[str, str]) -> None:
    run_benchmark(two_postgres[0], two_postgres[1], tmp_path, "PostgreSQL")
