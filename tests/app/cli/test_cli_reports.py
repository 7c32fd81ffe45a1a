"""`print annual-report` and `reports stats` on the command line (DESIGN.md contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.app.cli.test_cli import run
from tests.app.printing.pdfcheck import B5_JIS_PT, page_size, page_texts, reader, squash


def annual(db: Path, out: Path, *extra: str, lang: str = "en") -> Any:
    """`print annual-report --fiscal-year 2022 -o OUT` with `extra` arguments."""
    return run(
        "--db",
        str(db),
        "print",
        "annual-report",
        "--fiscal-year",
        "2022",
        "-o",
        str(out),
        *extra,
        lang=lang,
    )


def test_print_annual_report_by_month_and_by_chapter(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    done = annual(demo_path, out)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {out}" in done.stdout and "pages" in done.stdout
    text = squash("".join(page_texts(out)))
    assert 'わたしの"好き"から始めるまちづくり' in text and "26t" in text
    one = tmp_path / "adachi.pdf"
    done = annual(demo_path, one, "--by", "chapter", "--chapter", "足立区まちづくり")
    assert done.returncode == 0, done.stderr
    text = squash("".join(page_texts(one)))
    assert "寄り添いの現場から見えること" in text and "荒川コープカフェ" not in text


def test_annual_report_on_b5_paper(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "b5.pdf"
    done = annual(demo_path, out, "--paper", "B5", lang="ja")
    assert done.returncode == 0, done.stderr
    # JIS B5, 182 × 257 mm, on every page; the same report as on A4, only on more pages.
    for index in range(len(reader(out).pages)):
        width, height = page_size(out, index)
        assert abs(width - B5_JIS_PT[0]) < 0.01 and abs(height - B5_JIS_PT[1]) < 0.01
    text = squash("".join(page_texts(out)))
    assert 'わたしの"好き"から始めるまちづくり' in text and "26t" in text
    a4 = tmp_path / "a4.pdf"
    assert annual(demo_path, a4, lang="ja").returncode == 0
    assert page_size(a4) == pytest.approx((595.2756, 841.8898), abs=0.01)
    assert len(reader(out).pages) >= len(reader(a4).pages)
    bad = annual(demo_path, tmp_path / "r.pdf", "--paper", "B4")
    assert bad.returncode != 0 and "B4" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_annual_report_is_in_japanese_for_a_japanese_user(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "ja.pdf"
    done = annual(demo_path, out, lang="ja")
    assert done.returncode == 0, done.stderr
    assert "令和4年度" in squash(page_texts(out)[0])


def test_refusals_are_one_line(demo_path: Path, tmp_path: Path) -> None:
    bad = annual(demo_path, tmp_path / "r.txt")
    assert bad.returncode == 1 and ".pdf" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    nowhere = annual(demo_path, tmp_path / "missing" / "r.pdf")
    assert nowhere.returncode == 1 and "No such folder" in nowhere.stderr
    unknown = annual(demo_path, tmp_path / "r.pdf", "--chapter", "どこにもない区")
    assert unknown.returncode == 1 and "No chapter is called" in unknown.stderr
    assert not (tmp_path / "r.pdf").exists()
    usage = annual(demo_path, tmp_path / "r.pdf", "--by", "weekday")
    assert usage.returncode == 2
    missing_year = run(
        "--db", str(demo_path), "print", "annual-report", "-o", str(tmp_path / "r.pdf")
    )
    assert missing_year.returncode == 2


def test_print_group_keeps_the_event_prints(demo_path: Path) -> None:
    done = run("--db", str(demo_path), "print", "--help")
    assert done.returncode == 0
    assert "annual-report" in done.stdout
    assert "flyer" in done.stdout  # the events engineer's commands are still there


def test_reports_stats_json_and_xlsx(demo_path: Path, tmp_path: Path) -> None:
    done = run("--db", str(demo_path), "reports", "stats", "--fiscal-year", "2022", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["fiscal_year"] == 2022 and data["activities"] == 22
    assert data["quantity_kg"] == 26000
    assert sum(m["events"] for m in data["months"]) == data["event_dates"]
    assert sum(k["activities"] for k in data["by_kind"]) == 22
    out = tmp_path / "stats.xlsx"
    done = run("--db", str(demo_path), "reports", "stats", "--fiscal-year", "2022", "-o", str(out))
    assert done.returncode == 0, done.stderr
    summary = dict(load_workbook(out)["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Activities"] == 22 and summary["Participants"] == data["participants"]
    stats = ("--db", str(demo_path), "reports", "stats", "--fiscal-year", "2022")
    wrong = run(*stats, "-o", str(tmp_path / "stats.csv"))
    assert wrong.returncode == 1 and ".xlsx" in wrong.stderr
    plain = run("--db", str(demo_path), "reports", "stats", "--fiscal-year", "2022")
    assert plain.returncode == 0 and "Activities: 22" in plain.stdout
