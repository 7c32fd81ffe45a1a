"""The `events` and `print` commands keep DESIGN.md's contract: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.text.kana import reading_sort_key
from tests.helpers.cli import run_captured as run

SEED = Path(__file__).resolve().parents[3] / "resources" / "demo" / "activities-fy2022.json"


def test_list_json_is_a_list_of_objects_with_id(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capfd, "--db", str(demo_path), "events", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    # The seed's 22 of FY2022 and this year's three lectures and café.
    assert isinstance(rows, list) and len(rows) == 26
    assert all(isinstance(r, dict) and r["id"] for r in rows)
    starts = [r["starts_at"] for r in rows]
    assert starts == sorted(starts)
    eighteen = next(r for r in rows if r["series_label"] == "まちづくり講座 第18講")
    assert eighteen["kind"] == "lecture" and eighteen["registered"] >= 25
    code, out, _err = run(
        capfd, "--db", str(demo_path), "events", "list", "--fiscal-year", "2023", "--json"
    )
    assert code == 0 and json.loads(out) == []
    code, out, _err = run(capfd, "--db", str(demo_path), "events", "list", "--fiscal-year", "2022")
    assert code == 0 and len(out.strip().splitlines()) == 22 and "まちづくり講座 第18講" in out


def test_show_includes_the_registrations_in_gojuon_order(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capfd, "--db", str(demo_path), "events", "show", "まちづくり講座 第18講", "--json"
    )
    assert code == 0, err
    shown = json.loads(out)
    assert shown["id"] and shown["series_label"] == "まちづくり講座 第18講"
    assert shown["lecturers"][0]["name"] == "小原 宗一"
    regs = shown["registrations"]
    assert len(regs) >= 25 and all(r["id"] and r["name"] and r["reading"] for r in regs)
    keys = [reading_sort_key(r["reading"]) for r in regs]
    assert keys == sorted(keys)
    assert shown["counts"]["attended"] == sum(1 for r in regs if r["attended"])
    code, out, _err = run(capfd, "--db", str(demo_path), "events", "show", shown["id"][:6])
    assert code == 0 and "小原 宗一" in out and regs[0]["name"] in out
    # A monthly event shows each registration with its date.
    code, out, _err = run(capfd, "--db", str(demo_path), "events", "show", "荒川コープカフェ")
    assert code == 0 and "2022-04-15" in out and "2023-03-15" in out


def test_refusals_are_one_line_exit_1_and_usage_errors_exit_2(
    demo_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_path)
    code, out, err = run(capfd, "--db", db, "events", "show", "ない会")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "No event matches" in err
    assert "Traceback" not in out + err
    code, _out, err = run(capfd, "--db", db, "events", "show")
    assert code == 2
    code, _out, err = run(capfd, "--db", db, "print", "flyer", "まちづくり講座 第18講")
    assert code == 2 and "-o" in err
    code, _out, err = run(
        capfd, "--db", db, "print", "flyer", "まちづくり講座 第18講", "-o", str(tmp_path / "x.png")
    )
    assert code == 1 and ".pdf" in err
    code, _out, err = run(
        capfd,
        "--db",
        db,
        "print",
        "name-tags",
        "まちづくり講座 第18講",
        "-o",
        str(tmp_path / "x.pdf"),
        "--template",
        "24",
    )
    assert code == 1 and "10" in err and not (tmp_path / "x.pdf").exists()
    code, _out, err = run(
        capfd,
        "--db",
        db,
        "print",
        "sign-in",
        "荒川コープカフェ",
        "-o",
        str(tmp_path / "y.pdf"),
        "--date",
        "2022-06-16",
    )
    assert code == 1 and "no date on 2022-06-16" in err


def test_import_the_seed_into_a_new_database(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "new.sqlite")
    assert run(capfd, "--db", db, "init", "--chapter", "北区まちづくり")[0] == 0
    code, out, err = run(capfd, "--db", db, "events", "import", str(SEED))
    assert code == 0, err
    assert "22 events added" in out
    code, out, _err = run(capfd, "--db", db, "events", "list", "--json")
    assert len(json.loads(out)) == 22
    bad = tmp_path / "bad.csv"
    bad.write_text("種類,タイトル\nパーティー,楽しい会\n講座,\n", encoding="utf-8")
    code, out, err = run(capfd, "--db", db, "events", "import", str(bad))
    assert code == 1 and "2 events have problems" in err
    assert "Line 2" in out and "Line 3" in out
    code, out, _err = run(capfd, "--db", db, "events", "list", "--json")
    assert len(json.loads(out)) == 22


def test_copy_makes_a_planned_event_on_the_new_date(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capfd, "--db", str(demo_path), "events", "list", "--json")
    first = json.loads(out)[0]
    code, out, err = run(
        capfd,
        "--db",
        str(demo_path),
        "events",
        "copy",
        first["id"][:8],
        "--date",
        "2026-12-16",
        "--json",
    )
    assert code == 0, err
    made = json.loads(out)
    assert made["id"] != first["id"] and made["title"] == first["title"]
    assert (made["starts_at"] or "2026-12-16").startswith("2026-12-16")
    code, out, _err = run(capfd, "--db", str(demo_path), "events", "list", "--json")
    assert len(json.loads(out)) == 27
    code, _out, err = run(
        capfd, "--db", str(demo_path), "events", "copy", first["id"][:8], "--date", "2026-13-45"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_copy_refuses_an_event_given_as_odd_bytes_in_one_line(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    odd = b"\xff".decode("utf-8", "surrogateescape")
    code, _out, err = run(
        capfd, "--db", str(demo_path), "events", "copy", odd, "--date", "2026-12-16"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Unexpected" not in err
