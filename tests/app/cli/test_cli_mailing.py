"""`print labels|postcards|roster|call-list` on the demo: files written, refusals in one line."""

from __future__ import annotations

from pathlib import Path

from tests.app.cli.test_cli import run


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


def test_tags_and_households_from_the_command_line(tmp_path: Path) -> None:
    import json

    db = tmp_path / "t.sqlite"
    assert run("--db", str(db), "init", "--chapter", "北区まちづくり").returncode == 0
    roster = tmp_path / "r.csv"
    roster.write_bytes(
        (
            "氏名,フリガナ,郵便番号,住所,世帯番号,連絡可\r\n"
            "山田 太郎,ヤマダ タロウ,160-0023,西新宿2-8-1,H-1,はい\r\n"
            "山田 花子,ヤマダ ハナコ,160-0023,西新宿2-8-1,H-1,はい\r\n"
            "鈴木 一郎,スズキ イチロウ,160-0023,西新宿3-1-1,,はい\r\n"
        ).encode("cp932")
    )
    assert run("--db", str(db), "members", "import", str(roster)).returncode == 0
    rows = json.loads(run("--db", str(db), "members", "list", "--json").stdout)
    taro = next(r for r in rows if r["given_name"] == "太郎")
    done = run("--db", str(db), "members", "tag", taro["id"][:8], "年賀状", "3班")
    assert done.returncode == 0, done.stderr
    tagged = json.loads(run("--db", str(db), "members", "list", "--tag", "年賀状", "--json").stdout)
    assert [r["id"] for r in tagged] == [taro["id"]] and tagged[0]["tags"] == ["年賀状", "3班"]
    assert run("--db", str(db), "members", "untag", taro["id"], "3班").returncode == 0
    listed = json.loads(run("--db", str(db), "households", "list", "--json").stdout)
    assert [(h["id"], len(h["members"])) for h in listed] == [("H-1", 2)]
    bad = run("--db", str(db), "members", "tag", "nobody", "x")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    out = tmp_path / "l.pdf"
    done = run("--db", str(db), "print", "labels", "--tag", "年賀状", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 pieces for 1 people" in done.stdout or "1 piece" in done.stdout
