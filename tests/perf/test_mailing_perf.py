"""Labels and postcards for 1,000 members, whole process, beside a bare ReportLab script.

Run: .venv/bin/pytest tests/perf/test_mailing_perf.py -s -o addopts="" -p no:cacheprovider
(after `python -m compileall -q app ui db main.py`, as an installed bundle has bytecode).
Prints medians of three; issue 15 asks for labels and postcards under 2 s each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import update

from app.core.context import Context
from app.storage.chapter import set_up_chapter
from app.storage.database import open_database
from db.models import Member
from tests.perf.test_roster_perf import fill

ROOT = Path(__file__).resolve().parents[2]
COUNT = 1_000

BARE = """
import sys
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
pdfmetrics.registerFont(TTFont("G", sys.argv[2]))
c = Canvas(sys.argv[1], pagesize=A4)
for n in range(1000):
    i = n % 24
    if n and i == 0:
        c.showPage()
    x, y = (i % 3) * 70 * mm + 5 * mm, A4[1] - (12.9 + (i // 3 + 1) * 33.9) * mm + 5 * mm
    c.setFont("G", 9)
    c.drawString(x, y + 20 * mm, "〒116-0002")
    c.drawString(x, y + 15 * mm, "東京都荒川区南千住六丁目1-2-3")
    c.setFont("G", 14)
    c.drawString(x + 10 * mm, y + 5 * mm, "山田　花子　様")
c.save()
"""


def _median(cmd: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
    return statistics.median(times)


def test_labels_and_postcards_for_1000(tmp_path: Path) -> None:
    db_path = tmp_path / "mail.sqlite"
    db = open_database(db_path, create=True)
    ctx = Context(db)
    set_up_chapter(ctx, "perf")
    fill(ctx, COUNT)
    with db.transaction() as s:
        s.execute(update(Member).values(consent_contact=True))
    db.close()
    env = dict(os.environ, TSUNAGU_LANG="ja")
    main = [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "print"]
    font = str(ROOT / "resources" / "fonts" / "BIZUDGothic-Regular.ttf")
    figures = {
        "bare ReportLab, 1,000 labels": _median(
            [sys.executable, "-c", BARE, str(tmp_path / "bare.pdf"), font], env
        ),
        "print labels": _median([*main, "labels", "-o", str(tmp_path / "l.pdf")], env),
        "print labels --per-household": _median(
            [*main, "labels", "--per-household", "-o", str(tmp_path / "h.pdf")], env
        ),
        "print postcards": _median([*main, "postcards", "-o", str(tmp_path / "p.pdf")], env),
    }
    print()
    for name, seconds in figures.items():
        print(f"  {name:32} {seconds:6.2f} s")
