"""Printing benchmarks: figures printed with -s, goals in the comments, no time asserts.

Run: .venv/bin/pytest tests/perf/test_print_perf.py -s -p no:cacheprovider --override-ini addopts=
Goals: flyer < 0.3 s, attendance sheet of 1,000 < 1 s, flyer without photo < 300 KB.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from app.printing import TEMPLATES, render_attendance, render_flyer, render_name_tags
from app.printing.fonts import register_family, register_fonts
from tests.app.printing.pdfcheck import attendees, seed_sheet

RUNS = 5


def _timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(first call, median of the following `runs` calls) in seconds."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def _report(name: str, first: float, median: float, extra: str = "") -> None:
    print(f"\n{name:<44} first {first * 1000:8.1f} ms   median {median * 1000:8.1f} ms  {extra}")


def test_baseline_empty_page_and_font_registration() -> None:
    def empty_page() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    _report("baseline: empty ReportLab page", *_timed(empty_page), f"{len(empty_page())} B")
    register_family.cache_clear()
    start = time.perf_counter()
    register_fonts()
    _report("register all 4 TTF faces (once per process)", time.perf_counter() - start, 0.0)


def test_cold_flyer_in_a_fresh_process(tmp_path: Path) -> None:
    """What a user waits for the first time: imports, font loading and the flyer itself."""
    script = (
        "import time; t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from app.printing import render_flyer\n"
        "from tests.app.printing.pdfcheck import seed_sheet\n"
        "i = time.perf_counter()\n"
        f"render_flyer(seed_sheet(), Path({str(tmp_path / 'cold.pdf')!r}))\n"
        "e = time.perf_counter()\n"
        "print(f'{i - t:.4f} {e - i:.4f}')\n"
    )
    bare = "import time; t = time.perf_counter(); print(f'{time.perf_counter() - t:.4f}')"
    root = Path(__file__).resolve().parents[2]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", bare], cwd=root, check=True, capture_output=True)
    interpreter = time.perf_counter() - start
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, check=True, capture_output=True, text=True
    )
    whole = time.perf_counter() - start
    imports, render = (float(x) for x in done.stdout.split())
    _report("bare interpreter start (baseline)", interpreter, interpreter)
    _report("cold process: python + imports + flyer", whole, whole)
    _report("  of which imports", imports, imports)
    _report("  of which first flyer (fonts loaded here)", render, render)


def test_flyer_speed_and_size(tmp_path: Path) -> None:
    sheet = seed_sheet()
    for template in TEMPLATES:
        out = tmp_path / f"{template}.pdf"

        def run(t: str = template, o: Path = out) -> None:
            render_flyer(sheet, o, template=t)

        first, median = _timed(run)
        size = out.stat().st_size
        _report(
            f"flyer {template} (goal < 300 ms, < 300 KB)", first, median, f"{size / 1024:.0f} KB"
        )
        assert size > 0


def test_attendance_1000(tmp_path: Path) -> None:
    people = attendees(1000)
    out = tmp_path / "attendance.pdf"
    pages: list[int] = []

    def run() -> None:
        pages.append(render_attendance(seed_sheet(), people, out).pages)

    first, median = _timed(run, runs=3)
    size = out.stat().st_size
    _report(
        "attendance sheet, 1,000 (goal < 1 s)",
        first,
        median,
        f"{pages[-1]} pages, {size / 1024:.0f} KB",
    )


def test_name_tags_1000(tmp_path: Path) -> None:
    people = attendees(1000)
    out = tmp_path / "tags.pdf"
    first, median = _timed(lambda: render_name_tags(seed_sheet(), people, out), runs=3)
    _report("name tags, 1,000 (10-up)", first, median, f"{out.stat().st_size / 1024:.0f} KB")
