"""`print attendance` of 1,000 people, whole process, against a plain ReportLab script over the
same rows (and LibreOffice converting them as XLSX, where soffice is installed): issue 14.7.

Run: .venv/bin/python -m compileall -q app ui db main.py
     .venv/bin/pytest tests/perf/test_attendance_process_perf.py -s -o addopts="" -p no:cacheprovider
Goals: whole process ≤ 1.8 × plain ReportLab and ≤ 0.6 × soffice. Figures printed, no asserts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from app import events
from app.core.context import Context
from db.models import Member
from tests.perf.test_roster_perf import fill

ROOT = Path(__file__).resolve().parents[2]
N = 1000
RUNS = 3

# The same rows as the sheet, drawn as a plain ReportLab table with the same embedded font.
PLAIN = """
import sqlite3, sys
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate, Table
pdfmetrics.registerFont(TTFont("G", "resources/fonts/BIZUDGothic-Regular.ttf"))
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT family_name || ' ' || given_name, family_kana || ' ' || given_kana FROM members"
    " ORDER BY reading_key").fetchall()
data = [["No.", "Name", "Reading", "Present", "Signature"]] + [
    [str(i), n, k, "", ""] for i, (n, k) in enumerate(rows, 1)]
t = Table(data, colWidths=[30, 150, 150, 50, 120], repeatRows=1)
t.setStyle([("FONTNAME", (0, 0), (-1, -1), "G"), ("GRID", (0, 0), (-1, -1), 0.5, "black")])
SimpleDocTemplate(sys.argv[2], pagesize=A4).build([t])
"""


def _median_run(args: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_attendance_1000_whole_process(ctx: Context, db_path: Path, tmp_path: Path) -> None:
    fill(ctx, N)
    event = events.create_event(
        ctx,
        events.EventInput(title="千人の集い", kind="lecture", starts_at=datetime(2026, 5, 9, 10)),
    )
    with ctx.db.transaction() as s:
        ids = [m.id for m in s.query(Member).all()]
    for member_id in ids:
        events.register_member(ctx, event.id, member_id)
    ctx.db.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TSUNAGU_LANG="ja")
    ours = _median_run(
        [
            sys.executable,
            "main.py",
            "--db",
            str(db_path),
            "print",
            "attendance",
            event.id,
            "-o",
            str(tmp_path / "ours.pdf"),
        ],
        env,
    )
    plain = _median_run(
        [sys.executable, "-c", PLAIN, str(db_path), str(tmp_path / "plain.pdf")], env
    )
    print(f"\nprint attendance, {N:,} rows, whole process (median of {RUNS}): {ours:.2f} s")
    print(f"plain ReportLab script, same rows:                     {plain:.2f} s")
    print(f"ratio: {ours / plain:.2f} x (goal <= 1.8 x)")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice: not installed, LibreOffice not measured")
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for i, member_id in enumerate(ids, 1):
        sheet.append([i, member_id])
    xlsx = tmp_path / "rows.xlsx"
    book.save(xlsx)
    office = _median_run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)], env
    )
    print(f"soffice --convert-to pdf, same rows as XLSX:          {office:.2f} s")
    print(f"ratio: {ours / office:.2f} x (goal <= 0.6 x)")
