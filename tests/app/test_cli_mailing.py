"""`print labels|postcards|roster|call-list` on the demo: files written, refusals in one line."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_cli import run


def test_mailing_prints_on_the_demo(tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    assert run("--db", str(db), "demo").returncode == 0
    labels = tmp_path / "labels.pdf"
    done = run(
        "--db",
        str(db),
        "print",
        "labels",
        "--per-household",
        "--start",
        "5",
        "--layout",
        "21",
        "-o",
        str(labels),
    )
    assert done.returncode == 0, done.stderr
    assert labels.read_bytes().startswith(b"%PDF") and "pieces for" in done.stdout
    assert "has not agreed to be contacted" in done.stdout  # who was left out, and why

    cards = tmp_path / "cards.pdf"
    refused = run("--db", str(db), "print", "postcards", "--sender", "-o", str(cards))
    assert refused.returncode == 1 and not cards.exists()
    assert len(refused.stderr.strip().splitlines()) == 1
    done = run(
        "--db",
        str(db),
        "print",
        "postcards",
        "--sender",
        "--from-postal-code",
        "116-0002",
        "--from-address",
        "東京都荒川区南千住6-1-1",
        "-o",
        str(cards),
    )
    assert done.returncode == 0, done.stderr
    assert cards.read_bytes().startswith(b"%PDF")

    roster = tmp_path / "roster.pdf"
    done = run("--db", str(db), "print", "roster", "--columns", "number,phone", "-o", str(roster))
    assert done.returncode == 0, done.stderr
    bad = run("--db", str(db), "print", "roster", "--columns", "birthday", "-o", str(roster))
    assert bad.returncode == 1 and "birthday" in bad.stderr

    # The output guard: never onto the database, whatever the suffix says.
    for target in (db, db.with_name(db.name + "-wal")):
        hit = run("--db", str(db), "print", "labels", "-o", str(target))
        assert hit.returncode == 1
    assert run("--db", str(db), "members", "list", "--json").returncode == 0
