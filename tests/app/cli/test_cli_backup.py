"""`backup -o FILE` and `restore FILE` from the command line, in real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.cli import run_main as run

ROOT = Path(__file__).resolve().parents[3]


def names(db: Path) -> list[str]:
    listed = run("--db", str(db), "members", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return [r["family_name"] for r in json.loads(listed.stdout)]


def add_one(db: Path, tmp_path: Path, name: str) -> None:
    roster = tmp_path / f"{name}.csv"
    roster.write_text(f"氏名,フリガナ\n{name} 一郎,タナカ イチロウ\n", encoding="utf-8")
    done = run("--db", str(db), "members", "import", str(roster))
    assert done.returncode == 0, done.stderr


def test_backup_then_restore_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    assert run("--db", str(db), "init", "--chapter", "北区").returncode == 0
    add_one(db, tmp_path, "田中")
    copy = tmp_path / "out" / "copy.sqlite"
    copy.parent.mkdir()
    done = run("--db", str(db), "backup", "-o", str(copy))
    assert done.returncode == 0, done.stderr
    assert "checked" in done.stdout and str(copy) in done.stdout
    # The copy opens on its own (an encrypted one with the key file written beside it).
    assert names(copy) == ["田中"]
    assert (tmp_path / "out" / "copy.sqlite.keys").exists() == (tmp_path / "c.sqlite.keys").exists()
    add_one(db, tmp_path, "中田")
    assert sorted(names(db)) == ["中田", "田中"]
    done = run("--db", str(db), "restore", str(copy))
    assert done.returncode == 0, done.stderr
    assert "kept as" in done.stdout
    assert names(db) == ["田中"]
    [aside] = tmp_path.glob("c.before-restore-*.sqlite")
    assert sorted(names(aside)) == ["中田", "田中"]


def test_restore_refused_while_the_window_holds_the_file(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    assert run("--db", str(db), "init").returncode == 0
    copy = tmp_path / "copy.sqlite"
    assert run("--db", str(db), "backup", "-o", str(copy)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from app.storage.filelock import FileLock; "
            "lock = FileLock(Path(sys.argv[1])); lock.acquire(); print('open', flush=True); time.sleep(60)",
            str(db) + ".lock",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = db.read_bytes()
        done = run("--db", str(db), "restore", str(copy))
        assert done.returncode == 1
        assert f"pid {holder.pid}" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert db.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    time.sleep(0.1)
    assert run("--db", str(db), "restore", str(copy)).returncode == 0


def test_refusals_are_one_line_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    assert run("--db", str(db), "init").returncode == 0
    junk = tmp_path / "junk.sqlite"
    junk.write_text("hello")
    for args in (
        ("restore", str(junk)),
        ("restore", str(tmp_path / "missing.sqlite")),
        ("backup", "-o", str(db)),
        ("backup", "-o", str(tmp_path / "no" / "such" / "folder.sqlite")),
    ):
        done = run("--db", str(db), *args)
        assert done.returncode == 1, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert run("--db", str(db), "backup").returncode == 2  # -o is required
