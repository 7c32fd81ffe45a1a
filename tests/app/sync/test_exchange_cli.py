"""The command line contract for sync: hq init, add-chapter, join, export, import, status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run_captured as cli


def test_two_chapters_and_headquarters_by_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hq = str(tmp_path / "hq.sqlite")
    assert cli(capsys, "--db", hq, "hq", "init")[0] == 0
    codes = {}
    for name in ("荒川", "足立"):
        code, out, _err = cli(
            capsys, "--db", hq, "hq", "add-chapter", name, "-o", str(tmp_path / f"{name}.setup")
        )
        assert code == 0
        codes[name] = out.strip().splitlines()[-1]  # the one-time code, on its own line
        assert len(codes[name]) == 19
    arakawa = str(tmp_path / "荒川.sqlite")
    adachi = str(tmp_path / "足立.sqlite")
    assert cli(capsys, "--db", arakawa, "demo")[0] == 0
    code, out, err = cli(
        capsys,
        "--db",
        arakawa,
        "join",
        str(tmp_path / "荒川.setup"),
        "--code",
        codes["荒川"].lower(),
    )
    assert code == 0, err
    monkeypatch.setenv("TSUNAGU_SETUP_CODE", codes["足立"])
    code, out, err = cli(capsys, "--db", adachi, "join", str(tmp_path / "足立.setup"))
    assert code == 0, err
    monkeypatch.delenv("TSUNAGU_SETUP_CODE")

    code, out, _err = cli(capsys, "--db", arakawa, "sync", "status", "--json")
    status = json.loads(out)
    assert status["joined"] and status["waiting"]["members"] == 120 and status["full_next"]

    for name, db in (("荒川", arakawa), ("足立", adachi)):
        assert (
            cli(capsys, "--db", db, "sync", "export", "-o", str(tmp_path / f"{name}-1.tsync"))[0]
            == 0
        )
    code, out, err = cli(
        capsys,
        "--db",
        hq,
        "hq",
        "import",
        str(tmp_path / "荒川-1.tsync"),
        str(tmp_path / "足立-1.tsync"),
    )
    assert code == 0, err
    assert "120" in out.splitlines()[0] or "rows applied" in out
    for name, db in (("荒川", arakawa), ("足立", adachi)):
        assert (
            cli(capsys, "--db", hq, "hq", "export", name, "-o", str(tmp_path / f"to-{name}.tsync"))[
                0
            ]
            == 0
        )
        code, out, err = cli(
            capsys, "--db", db, "sync", "import", str(tmp_path / f"to-{name}.tsync")
        )
        assert code == 0, err
    code, out, _err = cli(capsys, "--db", hq, "sync", "status", "--json")
    chapters = {c["name"]: c for c in json.loads(out)["chapters"]}
    assert chapters["荒川"]["counts"]["members"] == 120
    code, out, _err = cli(capsys, "--db", arakawa, "sync", "status", "--json")
    status = json.loads(out)
    assert status["last_receipt_at"] and status["waiting"].get("members", 0) == 0

    # Refused: one line on stderr, exit 1.
    code, out, err = cli(capsys, "--db", adachi, "sync", "import", str(tmp_path / "to-荒川.tsync"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "addressed to someone else" in err
    code, _out, err = cli(
        capsys, "--db", hq, "hq", "export", "墨田", "-o", str(tmp_path / "x.tsync")
    )
    assert code == 1 and "No chapter" in err


def test_join_without_a_code_asks_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TSUNAGU_SETUP_CODE", raising=False)
    code, _out, err = cli(
        capsys, "--db", str(tmp_path / "c.sqlite"), "join", str(tmp_path / "missing.setup")
    )
    assert code == 1 and "--code" in err


def test_a_wrong_code_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hq = str(tmp_path / "hq.sqlite")
    cli(capsys, "--db", hq, "hq", "init")
    cli(capsys, "--db", hq, "hq", "add-chapter", "荒川", "-o", str(tmp_path / "s.setup"))
    code, _out, err = cli(
        capsys,
        "--db",
        str(tmp_path / "c.sqlite"),
        "join",
        str(tmp_path / "s.setup"),
        "--code",
        "2222-2222-2222-2222",
    )
    assert code == 1 and "does not match" in err
