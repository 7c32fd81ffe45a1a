"""`events add-dates|move-date|change-from` keep DESIGN.md's contract: one-line errors, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run_captured as run

CAFE = "ふれあいカフェ"


def _dates(capfd: pytest.CaptureFixture[str], db: Path) -> list[str]:
    code, out, err = run(capfd, "--db", str(db), "events", "show", CAFE, "--json")
    assert code == 0, err
    return [o["starts_at"] for o in json.loads(out)["occurrences"]]


def test_add_move_and_change_dates_of_the_cafe(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_path)
    before = _dates(capfd, demo_path)
    code, out, err = run(
        capfd, "--db", db, "events", "add-dates", CAFE, "--rule", "毎週水曜 10:00～12:00",
        "--from", "2030-04-01", "--to", "2030-05-31", "--exclude", "2030-04-10", "2030-04-17",
        "--skip-holidays",
    )  # fmt: skip
    assert code == 0, err
    # Nine Wednesdays, two left out, 4/29 (昭和の日) falls on a Monday that year: seven.
    assert out.startswith("7 dates added")
    after = _dates(capfd, demo_path)
    new = sorted(set(after) - set(before))
    assert new[0] == "2030-04-03T10:00:00" and len(new) == 7
    assert "2030-04-10T10:00:00" not in new
    code, out, err = run(
        capfd, "--db", db, "events", "add-dates", CAFE, "--rule", "毎週水曜 10:00",
        "--from", "2030-04-01", "--to", "2030-04-30",
    )  # fmt: skip
    assert code == 0 and out.startswith("2 dates added"), err
    code, _out, err = run(
        capfd, "--db", db, "events", "move-date", CAFE, "--date", "2030-04-03",
        "--to", "2030-04-24",
    )  # fmt: skip
    assert code == 1 and len(err.strip().splitlines()) == 1 and "2030-04-24" in err
    code, out, err = run(
        capfd, "--db", db, "events", "move-date", CAFE, "--date", "2030-04-03",
        "--to", "2030-04-04T13:30",
    )  # fmt: skip
    assert code == 0, err
    moved = _dates(capfd, demo_path)
    assert "2030-04-04T13:30:00" in moved and "2030-04-03T10:00:00" not in moved
    code, out, err = run(
        capfd, "--db", db, "events", "change-from", CAFE, "--date", "2030-05-01",
        "--time", "14:00-16:00",
    )  # fmt: skip
    assert code == 0, err
    changed = _dates(capfd, demo_path)
    assert "2030-05-01T14:00:00" in changed and "2030-05-29T14:00:00" in changed
    assert "2030-04-24T10:00:00" in changed and len(changed) == len(moved)


@pytest.mark.parametrize(
    "args",
    [
        ["add-dates", CAFE, "--rule", "毎週 10:00", "--from", "2030-04-01", "--to", "2030-05-01"],
        [
            "add-dates",
            CAFE,
            "--rule",
            "毎週水曜 10:00",
            "--from",
            "2030-13-01",
            "--to",
            "2030-05-01",
        ],
        [
            "add-dates",
            CAFE,
            "--rule",
            "毎週水曜 10:00",
            "--from",
            "2030-05-01",
            "--to",
            "2030-04-01",
        ],
        ["move-date", CAFE, "--date", "2001-01-01", "--to", "2030-04-04"],
        ["move-date", CAFE, "--date", "2001-01-01", "--to", "2030-04-04T25:00"],
        ["change-from", CAFE, "--date", "2001-01-01", "--time", "10:00"],
        ["change-from", CAFE, "--date", "2001-01-01", "--time", "12:00-11:00"],
    ],
)
def test_bad_input_is_one_line_exit_1_and_changes_nothing(
    demo_path: Path, capfd: pytest.CaptureFixture[str], args: list[str]
) -> None:
    before = _dates(capfd, demo_path)
    code, out, err = run(capfd, "--db", str(demo_path), "events", *args)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1, err
    assert _dates(capfd, demo_path) == before
