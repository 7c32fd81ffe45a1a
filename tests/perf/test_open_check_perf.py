"""The open-time damage check (issue 11): what each check costs at 1k, 10k and 100k members.

Run: .venv/bin/pytest tests/perf/test_open_check_perf.py -s -o addopts="" -p no:cacheprovider
Prints, per roster size and for an encrypted and a plain file: no check (one page read),
quick_check, integrity_check and cipher_integrity_check, warm (median of 3) and cold (page
cache dropped first, when the test may do so: root on Linux), then the whole log-in with
the check app/storage/database.py chooses. Asserts nothing about time.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest
import sqlcipher3

from app import accounts
from app.storage.chapter import set_up_chapter
from app.storage.database import check_intact, readonly_uri
from db.engine import key_pragma
from tests.perf.test_roster_perf import fill

USER, PASS = "perf", "perf-passphrase"
SIZES = (1_000, 10_000, 100_000)
CHECKS: tuple[str | None, ...] = (
    None,
    "quick_check",
    "integrity_check",
    "cipher_integrity_check",
)


def _drop_caches() -> bool:
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def _run(path: Path, key: bytes | None, pragma: str | None) -> float:
    conn = sqlcipher3.connect(readonly_uri(path), uri=True)
    try:
        if key is not None:
            conn.execute(key_pragma(key))
        started = time.perf_counter()
        if pragma is None:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        else:
            conn.execute(f"PRAGMA {pragma}").fetchall()
        return (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def _build(folder: Path, members: int) -> tuple[Path, bytes, Path]:
    path = folder / f"m{members}.sqlite"
    ctx, _recovery = accounts.create_database(path, USER, PASS)
    set_up_chapter(ctx, "perf")
    fill(ctx, members)
    ctx.db.close()
    key = accounts.unlock_key(path, USER, PASS)
    plain = folder / f"p{members}.sqlite"
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(key_pragma(key))
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    return path, key, plain


@pytest.mark.parametrize("members", SIZES)
def test_open_check_cost(members: int, tmp_path: Path) -> None:
    path, key, plain = _build(tmp_path, members)
    can_drop = _drop_caches()
    print(f"\n{members:,} members (ms; warm = median of 3, cold = page cache dropped first)")
    for label, target, k in (("encrypted", path, key), ("plain", plain, None)):
        size = target.stat().st_size / 1e6
        for pragma in CHECKS:
            if k is None and pragma == "cipher_integrity_check":
                continue
            warm = statistics.median(_run(target, k, pragma) for _ in range(3))
            cold = f"{_run(target, k, pragma):8.1f}" if _drop_caches() else "     n/a"
            name = pragma or "none (one page)"
            print(f"  {label:9} {size:5.1f} MB  {name:24} warm {warm:8.1f}  cold {cold}")
        started = time.perf_counter()
        check_intact(target, k)
        print(f"  {label:9} check_intact as chosen: {(time.perf_counter() - started) * 1000:.1f}")
    if can_drop:
        _drop_caches()
    started = time.perf_counter()
    ctx = accounts.login(path, USER, PASS)
    ctx.db.close()
    print(f"  whole log-in (cold, with the check): {(time.perf_counter() - started) * 1000:.0f}")
