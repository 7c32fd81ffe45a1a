"""Roster benchmarks (issue 2): start-up, search at 100,000 members, cp932 import, list memory.

Run: .venv/bin/pytest tests/perf/test_roster_perf.py -s -o addopts="" -p no:cacheprovider
They print figures and assert nothing about time.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import insert

from app.core.context import Context
from app.roster.members import _derived, import_members, normalise_input, search_ids
from app.setup.demo import fictional_members
from db.models import Member

ROOT = Path(__file__).resolve().parents[2]
N = 100_000


def fill(ctx: Context, count: int, chapters: int = 1) -> None:
    """Insert `count` invented members in one transaction, with real sort keys and search text
    (spread over `chapters` chapter ids beyond the first, as at headquarters)."""
    people = fictional_members(count, seed=7)
    rows = []
    for i, person in enumerate(people):
        data = normalise_input(person)
        row = Member(
            **{
                k: getattr(data, k)
                for k in (
                    "family_name",
                    "given_name",
                    "family_kana",
                    "given_kana",
                    "coop",
                    "postal_code",
                    "address",
                    "phone",
                    "mobile",
                    "email",
                )
            }
        )
        row.member_number = f"{i:08d}"
        _derived(row)
        rows.append(
            {
                c: getattr(row, c)
                for c in (
                    "family_name",
                    "given_name",
                    "family_kana",
                    "given_kana",
                    "reading_key",
                    "search_text",
                    "member_number",
                    "coop",
                    "postal_code",
                    "address",
                    "phone",
                    "mobile",
                    "email",
                )
            }
            | {
                "id": f"{i:08d}-0000-4000-8000-000000000000",
                "version": "",
                "local_seq": i,
                "deleted": False,
                "status": "active",
                "roles": [],
                "note": "",
                "consent_contact": False,
                "consent_photo": False,
                "chapter_id": ctx.db.chapter_id if i % chapters == 0 else f"chapter-{i % chapters}",
            }
        )
    with ctx.db.transaction() as s:
        s.execute(insert(Member), rows)


def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def test_search_over_100k_members(ctx: Context) -> None:
    fill(ctx, N)
    queries = ["たかはし", "ﾔﾏﾀﾞ", "髙橋", "0810", "00012345", "さくら", "渡辺"]
    print(f"\nsearch over {N:,} members (median of 5, ms):")
    for q in queries:
        ms = timed(lambda q=q: search_ids(ctx, q))
        print(f"  {q!r:14} {len(search_ids(ctx, q)):6,} hits  {ms:7.1f} ms")
    ms = timed(lambda: search_ids(ctx, ""))
    print(f"  (all, ordered)  {N:6,} ids   {ms:7.1f} ms")
    with ctx.db.engine.connect() as conn:
        base = timed(
            lambda: conn.exec_driver_sql(
                "SELECT id FROM members WHERE search_text LIKE '%たかはし%'"
            ).fetchall()
        )
    print(f"  baseline: bare LIKE scan in SQLite {base:.1f} ms")
    from app.roster.members import MemberInput, add_member

    add_member(ctx, MemberInput(family_name="新人", family_kana="シンジン"))
    t = time.perf_counter()
    search_ids(ctx, "しんじん")
    print(
        f"  first search after an edit (search index rebuilt): {(time.perf_counter() - t) * 1000:.0f} ms"
    )


def test_search_within_one_chapter_at_hq(ctx: Context) -> None:
    fill(ctx, N, chapters=10)
    search_ids(ctx, "")  # the index is built once, as on the Members page's first paint
    print(f"\nsearch over {N:,} members in 10 chapters, one chapter chosen (median of 5, ms):")
    for q in ["", "たかはし", "0810", "さくら"]:
        ms = timed(lambda q=q: search_ids(ctx, q, chapter_id="chapter-3"))
        hits = len(search_ids(ctx, q, chapter_id="chapter-3"))
        print(f"  {q or '(all)'!r:14} {hits:6,} hits  {ms:7.1f} ms")


def test_import_10k_cp932(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    rng = random.Random(3)
    with open(path, "w", encoding="cp932", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["氏名", "フリガナ", "組合員番号", "郵便番号", "住所", "電話番号"])
        for i, m in enumerate(fictional_members(10_000, seed=11)):
            w.writerow(
                [
                    f"{m.family_name}　{m.given_name}",
                    f"{m.family_kana} {m.given_kana}",
                    f"{i:08d}",
                    m.postal_code.replace("-", ""),
                    m.address,
                    m.phone,
                ]
            )
    t = time.perf_counter()
    report = import_members(ctx, path)
    first = time.perf_counter() - t
    t = time.perf_counter()
    again = import_members(ctx, path)
    second = time.perf_counter() - t
    print(
        f"\nimport 10,000-row cp932 CSV: {first:.2f} s (added {report.added}); "
        f"re-import {second:.2f} s (unchanged {again.unchanged}); file {path.stat().st_size:,} bytes"
    )
    del rng


def test_parse_10k_cp932_beside_bare_reader(tmp_path: Path) -> None:
    """parse_roster on the 13-column roster of the default run's test, beside csv.reader
    decoding the same file (the floor no parser can go under), CPU medians of three."""
    from app.roster.files import parse_roster
    from tests.app.roster.test_roster_files import write_big_cp932_csv

    path = write_big_cp932_csv(tmp_path / "big.csv", 10_000)

    def bare() -> None:
        with open(path, encoding="cp932", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) == 10_001

    def ours() -> None:
        assert len(parse_roster(path).rows) == 10_000

    figures = {}
    for name, fn in (("bare csv.reader", bare), ("parse_roster", ours)):
        cpu = []
        for _ in range(3):
            started = time.process_time()
            fn()
            cpu.append(time.process_time() - started)
        figures[name] = statistics.median(cpu)
    ratio = figures["parse_roster"] / figures["bare csv.reader"]
    print(
        "\n10,000-row cp932 CSV: "
        + ", ".join(f"{k} {v * 1000:.0f} ms CPU" for k, v in figures.items())
        + f" ({ratio:.1f}x)"
    )


def test_member_list_memory_at_100k(tmp_path: Path) -> None:
    """A child process opens 100,000 members in the Qt list and scrolls it; prints peak RSS."""
    from app.storage.chapter import set_up_chapter
    from app.storage.database import open_database

    db = open_database(tmp_path / "m.sqlite", create=True)
    ctx = Context(db)
    set_up_chapter(ctx, "perf")
    fill(ctx, N)
    db.close()
    script = tmp_path / "mem.py"
    script.write_text(f"""
import os, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})

def rss_kb():
    # ru_maxrss survives exec on Linux (it would report the parent pytest's peak); VmHWM does not.
    try:
        status = open("/proc/self/status").read()
        return int(status.split("VmHWM:")[1].split()[0])
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
base = rss_kb()
from app.core.context import Context
from app.storage.database import open_database
from ui.pages.members import MembersPage
db = open_database({str(tmp_path / "m.sqlite")!r})
ctx = Context(db)
before = rss_kb()
t = time.perf_counter()
page = MembersPage(ctx)
page.resize(1000, 700)
page.show()
app.processEvents()
opened = time.perf_counter() - t
t = time.perf_counter()
bar = page.table.verticalScrollBar()
for v in range(0, bar.maximum(), max(1, bar.maximum() // 400)):
    bar.setValue(v)
    app.processEvents()
scrolled = time.perf_counter() - t
peak = rss_kb()
print(f"{{base/1024:.0f}} {{before/1024:.0f}} {{peak/1024:.0f}} {{opened*1000:.0f}} {{scrolled*1000:.0f}} {{page.model.rowCount()}}")
""")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    base, before, peak, opened, scrolled, rows = done.stdout.split()[-6:]
    print(
        f"\nmember list at {int(rows):,} rows: Qt app alone {base} MB; with the data layer "
        f"{before} MB; peak with the page open and scrolled top to bottom {peak} MB (max RSS); "
        f"page open {opened} ms; 400 scroll steps {scrolled} ms"
    )


def test_cold_start_to_first_paint() -> None:
    bare = ROOT / "tests" / "perf" / "bare_window.py"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    ours, plain = [], []
    for _ in range(5):
        for cmd, out in (
            ([sys.executable, str(ROOT / "main.py"), "--smoke"], ours),
            ([sys.executable, str(bare)], plain),
        ):
            t = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
            wall = (time.perf_counter() - t) * 1000
            assert done.returncode == 0, done.stderr
            reported = float(done.stdout.split("first paint:")[1].split()[0])
            out.append((reported, wall))
    o = statistics.median(r for r, _ in ours)
    p = statistics.median(r for r, _ in plain)
    print(
        f"\ncold start to first paint (median of 5): Tsunagu {o:.0f} ms, bare PySide6 window "
        f"{p:.0f} ms, ratio {o / p:.2f}x (process wall time {statistics.median(w for _, w in ours):.0f} "
        f"vs {statistics.median(w for _, w in plain):.0f} ms)"
    )
