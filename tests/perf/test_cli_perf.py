"""`events list` on an empty year, whole process, beside a plain script on the same database.

The plain script (plain_open.py) opens the same SQLCipher database through SQLAlchemy after the
same scrypt unwrap, and runs one SELECT: what no command can avoid. Real scrypt cost (the test
suite's fast KDF is switched off here). Goal (issue 12): at most 1.5x. Medians of 7, printed;
the machine may be shared, so the figure is printed rather than asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME, PASSPHRASE = "coord", "perf-passphrase"


def _env() -> dict[str, str]:
    env = dict(os.environ, TSUNAGU_LANG="en", TSUNAGU_USER=NAME, TSUNAGU_PASSPHRASE=PASSPHRASE)
    env.pop("TSUNAGU_TEST_FAST_KDF", None)
    return env


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return (time.perf_counter() - t) * 1000


def test_events_list_beside_a_plain_open(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    main = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
    subprocess.run([*main, "init", "--chapter", "北区"], env=_env(), check=True, timeout=120)
    ours, plain = [], []
    for _ in range(7):
        ours.append(_wall([*main, "events", "list", "--fiscal-year", "2001"]))
        plain.append(
            _wall(
                [sys.executable, str(ROOT / "tests/perf/plain_open.py"), str(db), NAME, PASSPHRASE]
            )
        )
    o, p = statistics.median(ours), statistics.median(plain)
    print(
        f"\nevents list on an empty year (median of 7, whole process): Tsunagu {o:.0f} ms, "
        f"plain SQLAlchemy + SQLCipher + scrypt + one SELECT {p:.0f} ms, ratio {o / p:.2f}x"
    )
