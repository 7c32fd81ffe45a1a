"""`settings` on the command line: read and set this database's preferences (issue 13.9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.context import Context
from app.storage import chapter
from app.storage.database import open_database

ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = {"TSUNAGU_USER": "coord", "TSUNAGU_PASSPHRASE": "correct-horse-battery"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TSUNAGU_LANG="en", PYTHONIOENCODING="utf-8", **ACCOUNT)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-settings") / "chapter.sqlite"
    made = run("--db", str(path), "init", "--chapter", "荒川")
    assert made.returncode == 0, made.stderr
    return path


def test_settings_reads_and_sets_what_the_dialog_reads(database: Path) -> None:
    shown = run("--db", str(database), "settings", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == {"text_size": 100, "language": "ja", "date_style": "era"}
    done = run("--db", str(database), "settings", "--text-size", "175", "--date-style", "western")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Text size 175%, language ja, dates western (2026年)."
    again = run("--db", str(database), "settings", "--language", "en", "--json")
    assert json.loads(again.stdout) == {"text_size": 175, "language": "en", "date_style": "western"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text-size", "130"], "The text size must be one of 100, 125, 150, 175, 200: 130"),
        (["--text-size", "big"], "The text size must be a whole number: big"),
        (["--language", "fr"], "Unknown language: fr"),
        (["--date-style", "showa"], "Unknown date style: showa (era or western)"),
    ],
)
def test_a_bad_value_is_one_line_and_exit_1(database: Path, args: list[str], message: str) -> None:
    before = run("--db", str(database), "settings", "--json").stdout
    done = run("--db", str(database), "settings", *args)
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: {message}"
    assert run("--db", str(database), "settings", "--json").stdout == before


def test_the_service_refuses_an_unknown_date_style(tmp_path: Path) -> None:
    db = open_database(tmp_path / "x.sqlite", create=True)
    try:
        ctx = Context(db)
        prefs = chapter.load_preferences(ctx)
        assert prefs.date_style == "era"
        chapter.save_preferences(ctx, chapter.Preferences(date_style="western"))
        assert chapter.load_preferences(ctx).date_style == "western"
        with pytest.raises(Exception, match="Unknown date style"):
            chapter.save_preferences(ctx, chapter.Preferences(date_style="meiji"))
    finally:
        db.close()
