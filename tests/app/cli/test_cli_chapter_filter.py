"""`members list`, `events list` and `visits due` with --chapter at headquarters (main.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.i18n import current_language, set_language
from tests.app.cli.test_cli import run
from tests.app.storage.test_chapter_filter import CHAPTERS, Fed, feed_headquarters


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Fed]]:
    """The headquarters file (closed, for the command line) and what each chapter made."""
    previous = current_language()
    set_language("en")
    folder = tmp_path_factory.mktemp("hq")
    built = feed_headquarters(folder)
    built.world.close()
    set_language(previous)
    yield folder / "hq.sqlite", built


def test_members_list_by_chapter_name_or_id_prefix(hq: tuple[Path, Fed]) -> None:
    db, fed = hq
    everyone = run("--db", str(db), "members", "list", "--json")
    assert everyone.returncode == 0, everyone.stderr
    assert len(json.loads(everyone.stdout)) == 4
    for name in CHAPTERS:
        own = {fed.member[name], fed.other_member[name]}
        by_name = run("--db", str(db), "members", "list", "--chapter", name, "--json")
        assert by_name.returncode == 0, by_name.stderr
        assert {r["id"] for r in json.loads(by_name.stdout)} == own
        prefix = fed.chapter_id(name)[:8]
        by_id = run("--db", str(db), "members", "list", "--chapter", prefix, "--search", "たろう")
        assert by_id.returncode == 0, by_id.stderr
        lines = by_id.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith(fed.other_member[name][:8])


def test_events_list_by_chapter(hq: tuple[Path, Fed]) -> None:
    db, fed = hq
    for name in CHAPTERS:
        done = run("--db", str(db), "events", "list", "--fiscal-year", "2024", "--chapter", name)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith(fed.event[name][:8]) and name in lines[0]
    listed = run("--db", str(db), "events", "list", "--json")
    assert {r["id"] for r in json.loads(listed.stdout)} == set(fed.event.values())


def test_an_unknown_chapter_is_one_line_and_exit_1(hq: tuple[Path, Fed]) -> None:
    db, _fed = hq
    for command in ("members", "events"):
        done = run("--db", str(db), command, "list", "--chapter", "品川")
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.strip().splitlines() == [
            f"Error: No chapter is called 品川. Chapters: {', '.join(sorted(CHAPTERS))}"
        ]


def test_visits_due_by_chapter(hq: tuple[Path, Fed]) -> None:
    db, fed = hq
    everyone = run("--db", str(db), "visits", "due", "--json")
    assert everyone.returncode == 0, everyone.stderr
    assert {r["person_id"] for r in json.loads(everyone.stdout)} == set(fed.person.values())
    for name in CHAPTERS:
        done = run("--db", str(db), "visits", "due", "--chapter", name, "--json")
        assert done.returncode == 0, done.stderr
        assert {r["person_id"] for r in json.loads(done.stdout)} == {fed.person[name]}
