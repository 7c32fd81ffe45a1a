"""The command line logs in: accounts from the environment or a prompt, roles obeyed, audit."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from app import cli
from app.core.context import Context
from app.roster.members import MemberInput, add_member
from app.storage.database import keyring_beside, open_database
from tests.helpers.cli import run_main_logged_out as run

ROOT = Path(__file__).resolve().parents[3]
COORD = {"TSUNAGU_USER": "hana", "TSUNAGU_PASSPHRASE": "hana-passphrase"}


def recovery_key(output: str) -> str:
    found = re.search(r"([A-Z2-9]{4}(?:-[A-Z2-9]{4}){5})", output)
    assert found, output
    return found.group(1)


def test_init_takes_the_account_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    done = run("--db", str(db), "init", "--chapter", "北区まちづくり", **COORD)
    assert done.returncode == 0, done.stderr
    assert keyring_beside(db).exists()
    recovery_key(done.stdout)
    assert "北区".encode() not in db.read_bytes()
    listed = run("--db", str(db), "users", "list", "--json", **COORD)
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["role"]) for r in rows] == [("hana", "coordinator")] and rows[0]["id"]
    wrong = run("--db", str(db), "members", "list", TSUNAGU_USER="hana", TSUNAGU_PASSPHRASE="x")
    assert wrong.returncode == 1
    assert wrong.stderr.strip().splitlines() == [
        "Error: Wrong user name or passphrase. Nothing was opened."
    ]
    assert wrong.stdout == ""


def test_no_account_and_no_terminal_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    done = run("--db", str(db), "init")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "TSUNAGU_USER and TSUNAGU_PASSPHRASE" in done.stderr
    assert list(tmp_path.iterdir()) == []
    assert run("--db", str(db), "init", **COORD).returncode == 0
    refused = run("--db", str(db), "members", "list")
    assert refused.returncode == 1 and "needs a log-in" in refused.stderr


def test_roles_hold_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    made = run("--db", str(db), "demo")
    assert made.returncode == 0, made.stderr
    for line in ("demo / demo-tsunagu", "visitor / demo-visitor", "viewer / demo-viewer"):
        assert line in made.stdout
    visitor = {"TSUNAGU_USER": "visitor", "TSUNAGU_PASSPHRASE": "demo-visitor"}
    viewer = {"TSUNAGU_USER": "viewer", "TSUNAGU_PASSPHRASE": "demo-viewer"}
    coordinator = {"TSUNAGU_USER": "demo", "TSUNAGU_PASSPHRASE": "demo-tsunagu"}
    out = tmp_path / "roster.csv"
    refused = run("--db", str(db), "members", "export", str(out), **visitor)
    assert refused.returncode == 1 and "may not do this" in refused.stderr
    assert not out.exists()
    assert run("--db", str(db), "members", "list", "--json", **visitor).returncode == 0
    refused = run("--db", str(db), "members", "list", **viewer)
    assert refused.returncode == 1 and "(viewer) may not do this" in refused.stderr
    refused = run("--db", str(db), "users", "add", "x", "--role", "viewer", **visitor)
    assert refused.returncode == 1
    assert run("--db", str(db), "audit", **viewer).returncode == 1
    assert run("--db", str(db), "members", "export", str(out), **coordinator).returncode == 0
    entries = json.loads(run("--db", str(db), "audit", "--json", **coordinator).stdout)
    logins = [(e["user_name"], e["action"]) for e in entries if e["action"] == "login"]
    assert ("visitor", "login") in logins and ("viewer", "login") in logins


def test_users_add_passwd_role_remove_and_recover(tmp_path: Path) -> None:
    db = tmp_path / "u.sqlite"
    recovery = recovery_key(run("--db", str(db), "init", **COORD).stdout)
    added = run(
        "--db", str(db), "users", "add", "kumi", "--role", "viewer",
        TSUNAGU_NEW_PASSPHRASE="kumi-passphrase", **COORD,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    kumi = {"TSUNAGU_USER": "kumi", "TSUNAGU_PASSPHRASE": "kumi-passphrase"}
    changed = run(
        "--db", str(db), "users", "passwd", TSUNAGU_NEW_PASSPHRASE="kumi-new-pass", **kumi
    )
    assert changed.returncode == 0, changed.stderr
    kumi["TSUNAGU_PASSPHRASE"] = "kumi-new-pass"
    assert run("--db", str(db), "members", "list", **kumi).returncode == 1  # a viewer
    assert run("--db", str(db), "users", "role", "kumi", "coordinator", **COORD).returncode == 0
    assert run("--db", str(db), "members", "list", **kumi).returncode == 0
    recovered = run(
        "--db", str(db), "users", "recover", "hana",
        TSUNAGU_RECOVERY_KEY=recovery.lower(), TSUNAGU_NEW_PASSPHRASE="hana-recovered",
    )  # fmt: skip
    assert recovered.returncode == 0, recovered.stderr
    assert run("--db", str(db), "members", "list", **COORD).returncode == 1
    hana = {"TSUNAGU_USER": "hana", "TSUNAGU_PASSPHRASE": "hana-recovered"}
    assert run("--db", str(db), "users", "remove", "kumi", **hana).returncode == 0
    gone = run("--db", str(db), "members", "list", **kumi)
    assert gone.returncode == 1 and "Wrong user name or passphrase" in gone.stderr


def test_plain_database_opens_until_its_first_account(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    plain = open_database(db, create=True)
    add_member(Context(plain), MemberInput(family_name="山田", given_name="太郎"))
    plain.close()
    listed = run("--db", str(db), "members", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["family_name"] == "山田"
    refused = run("--db", str(db), "users", "add", "hana", **COORD)
    assert refused.returncode == 1 and "must be a coordinator" in refused.stderr
    made = run(
        "--db", str(db), "users", "add", "hana", "--role", "coordinator",
        TSUNAGU_NEW_PASSPHRASE="hana-passphrase",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "now encrypted" in made.stdout
    recovery_key(made.stdout)
    assert "山田".encode() not in db.read_bytes()
    assert run("--db", str(db), "members", "list").returncode == 1
    listed = run("--db", str(db), "members", "list", "--json", **COORD)
    assert json.loads(listed.stdout)[0]["family_name"] == "山田"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_asks_in_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import getpass

    db = tmp_path / "t.sqlite"
    monkeypatch.delenv("TSUNAGU_USER")
    monkeypatch.delenv("TSUNAGU_PASSPHRASE")
    answers = iter(["hana-passphrase", "hana-passphrase", "hana-passphrase"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="", stream=None: next(answers))
    monkeypatch.setattr(sys, "stdin", _Terminal("hana\nhana\n"))
    assert cli.run(["--db", str(db), "init", "--chapter", "テスト"]) == 0
    assert "Recovery key" in capsys.readouterr().out
    assert cli.run(["--db", str(db), "members", "list", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "User name: " in captured.err
