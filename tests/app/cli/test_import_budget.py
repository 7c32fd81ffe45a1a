"""A command imports its own group's module and no other; `--help` imports no group at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

GROUPS = frozenset(
    {
        "app.cli.members",
        "app.cli.events",
        "app.cli.printing",
        "app.cli.mailing",
        "app.cli.visits",
        "app.cli.sync",
        "app.cli.backup",
        "app.cli.users",
        "app.cli.reports",
        "app.cli.info",
        "app.cli.settings",
        "app.cli.gallery",
    }
)
# The modules are listed at exit, so `--help` (argparse exits) is measured too.
SCRIPT = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('\\nLOADED ' + ' '.join(sorted(m for m in sys.modules"
    " if m.startswith('app.')))))\n"
    "from app.cli.program import run\n"
    "sys.exit(run(sys.argv[1:]))\n"
)


def loaded(*args: str) -> set[str]:
    env = dict(os.environ, TSUNAGU_LANG="en", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("LOADED ")
    return set(last.split()[1:])


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("budget") / "c.sqlite"
    loaded("--db", str(db), "init", "--chapter", "北区まちづくり")
    return db


def test_help_imports_no_group() -> None:
    assert loaded("--help") & GROUPS == set()


@pytest.mark.parametrize(
    ("args", "group"),
    [
        (("events", "list"), "app.cli.events"),
        (("members", "list"), "app.cli.members"),
        (("users", "list"), "app.cli.users"),
        (("reports", "stats", "--fiscal-year", "2024"), "app.cli.reports"),
    ],
)
def test_a_command_imports_only_its_group(
    empty_db: Path, args: tuple[str, ...], group: str
) -> None:
    assert loaded("--db", str(empty_db), *args) & GROUPS == {group}


def test_print_loads_the_groups_that_add_prints_and_no_other(empty_db: Path) -> None:
    found = loaded("print", "--help")
    assert found & GROUPS == {
        "app.cli.printing",
        "app.cli.mailing",
        "app.cli.visits",
        "app.cli.reports",
    }


def test_the_print_table_names_every_print_and_its_module() -> None:
    from app.cli import table
    from app.cli.program import build_parser

    parser = build_parser(None)
    sub = next(a for a in parser._actions if a.dest == "command")
    group = sub.choices["print"]  # type: ignore[attr-defined]
    prints = next(a for a in group._actions if a.dest == "print_command")
    assert list(prints.choices) == list(table.PRINTS)
    for word, loader in table.PRINTS.items():
        only = build_parser(["print", word])
        sub = next(a for a in only._actions if a.dest == "command")
        group = sub.choices["print"]  # type: ignore[attr-defined]
        prints = next(a for a in group._actions if a.dest == "print_command")
        assert word in prints.choices, (word, loader)


@pytest.mark.parametrize(
    ("word", "group"),
    [
        ("attendance", "app.cli.printing"),
        ("history", "app.cli.printing"),
        ("labels", "app.cli.mailing"),
        ("visit-forms", "app.cli.visits"),
        ("annual-report", "app.cli.reports"),
    ],
)
def test_a_print_imports_only_the_module_that_adds_it(word: str, group: str) -> None:
    assert loaded("print", word, "--help") & GROUPS == {group}


def test_events_list_loads_only_the_parts_it_uses(empty_db: Path) -> None:
    # app.events loads its parts on first use: listing needs the views, not the importer,
    # the planner or the reception desk, nor the roster.
    found = loaded("--db", str(empty_db), "events", "list")
    assert "app.events.views" in found
    unused = {
        "app.events.importing",
        "app.events.planning",
        "app.events.recurrence",
        "app.events.registrations",
        "app.events.repeating",
        "app.roster.members",
        "app.backups",
    }
    assert found & unused == set()


def test_the_event_prints_do_not_load_the_flyer_until_one_is_drawn() -> None:
    found = loaded("print", "attendance", "--help")
    assert "app.printing.rosters" in found
    assert "app.printing.flyer" not in found
