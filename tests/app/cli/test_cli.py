"""The command-line contract: exit codes, one clear line on refusal, JSON for scripts."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli import run_main as run

ROOT = Path(__file__).resolve().parents[3]


def test_init_then_list_is_empty_json(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    done = run("--db", str(db), "init", "--chapter", "北区まちづくり")
    assert done.returncode == 0, done.stderr
    listed = run("--db", str(db), "members", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    again = run("--db", str(db), "init")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_demo_list_search_json_has_ids_in_gojuon_order(tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    assert run("--db", str(db), "demo").returncode == 0
    listed = run("--db", str(db), "members", "list", "--search", "たかはし", "--json")
    rows = json.loads(listed.stdout)
    assert rows and all(r["id"] and r["family_kana"] == "タカハシ" for r in rows)
    kana = [r["given_kana"] for r in rows]
    assert kana == sorted(kana)


def test_import_export_round_trip_and_dry_run(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    run("--db", str(db), "init", "--chapter", "テスト")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        "氏名,フリガナ,電話番号\r\n髙橋 一郎,タカハシ イチロウ,03-1111-2222\r\n".encode("cp932")
    )
    dry = run("--db", str(db), "members", "import", str(roster), "--dry-run")
    assert dry.returncode == 0 and "1 added" in dry.stdout
    assert json.loads(run("--db", str(db), "members", "list", "--json").stdout) == []
    assert run("--db", str(db), "members", "import", str(roster)).returncode == 0
    out = tmp_path / "out.xlsx"
    assert run("--db", str(db), "members", "export", str(out)).returncode == 0
    assert out.exists()


def test_refused_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    run("--db", str(db), "init")
    bad = tmp_path / "bad.csv"
    bad.write_text("氏名,郵便番号\n山田 太郎,12-34\n", encoding="utf-8")
    done = run("--db", str(db), "members", "import", str(bad))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "Line 2" in done.stdout
    picture = tmp_path / "photo.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    done = run("--db", str(db), "members", "import", str(picture))
    assert done.returncode == 1 and "not a CSV or Excel" in done.stderr


def test_not_a_database_exit_1_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"just some notes\n" * 50)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    done = run("--db", str(path), "members", "list")
    assert done.returncode == 1 and "not a Tsunagu database" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("members", "frobnicate").returncode == 2
    assert run("--db", str(tmp_path / "x.sqlite"), "members").returncode == 2
    assert run("no-such-command").returncode == 2


def test_japanese_messages_by_default_for_japanese_users(tmp_path: Path) -> None:
    done = run("--db", str(tmp_path / "none.sqlite"), "members", "list", lang="ja")
    assert done.returncode == 1
    assert any("\u3040" <= ch <= "\u30ff" for ch in done.stderr)


def test_self_test_passes() -> None:
    done = run("--self-test")
    assert done.returncode == 0, done.stderr


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """`members list | head -1`: the pipe closes before the listing is written. No crash
    report, no traceback, exit 0 (it was a crash report before)."""
    db = tmp_path / "d.sqlite"
    assert run("--db", str(db), "demo").returncode == 0
    env = dict(os.environ, TSUNAGU_LANG="en", PYTHONIOENCODING="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db), "members", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the first line
    with child.stderr:
        err = child.stderr.read().decode("utf-8")
    assert child.wait(timeout=120) == 0, err
    assert err == ""
