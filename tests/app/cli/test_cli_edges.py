"""Hostile values at the command line: exit 1, one line on stderr, never a crash report."""

from __future__ import annotations

import csv
import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from app import cli
from app.roster.files.reading import MAX_COLUMNS, MAX_ROWS

BAD = os.fsdecode(b"\xff\xfe")  # what Linux makes of argv bytes that are not UTF-8


def refused(capfd: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    code = cli.run(["--db", str(db), *args])
    err = capfd.readouterr().err
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Unexpected error" not in err, err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    return err


@pytest.mark.parametrize("year", ["0", "-5", "10000", "9" * 20, "1e400", "nan", BAD])
@pytest.mark.parametrize(
    "command",
    [
        ["events", "list"],
        ["reports", "stats", "-o", "stats.xlsx"],
        ["print", "annual-report", "-o", "a.pdf"],
    ],
)
def test_a_bad_fiscal_year_is_one_line(
    demo_path: Path, capfd: pytest.CaptureFixture[str], command: list[str], year: str
) -> None:
    refused(capfd, demo_path, *command, "--fiscal-year", year)


@pytest.mark.parametrize("limit", ["-1", "0", str(2**64), "1e400", BAD])
def test_a_bad_limit_is_one_line(
    demo_path: Path, capfd: pytest.CaptureFixture[str], limit: str
) -> None:
    refused(capfd, demo_path, "audit", "--limit", limit)


@pytest.mark.parametrize(
    "args",
    [
        ["events", "show", BAD],
        ["members", "list", "--search", BAD],
        ["print", "flyer", BAD, "-o", "f.pdf"],
        ["print", "visit-forms", "--volunteer", BAD, "-o", "v.pdf"],
        ["members", "export", f"{BAD}.csv"],
        ["backup", "-o", f"{BAD}.bak"],
        ["users", "add", "Eve\u202e"],
    ],
)
def test_undecodable_arguments_are_one_line(
    demo_path: Path, capfd: pytest.CaptureFixture[str], args: list[str]
) -> None:
    refused(capfd, demo_path, *args)


@pytest.mark.parametrize("variable", ["TSUNAGU_USER", "TSUNAGU_PASSPHRASE"])
def test_an_undecodable_account_variable_is_one_line(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    monkeypatch.setenv(variable, BAD)
    new = tmp_path / "new.sqlite"
    code = cli.run(["--db", str(new), "init"])
    err = capfd.readouterr().err
    assert code == 1 and variable in err and len(err.strip().splitlines()) == 1, err
    assert not new.exists()


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<" + " " * (300 * 1024 * 1024) + "/>")
    return path


def _files(tmp: Path) -> dict[str, Path]:
    made = {
        "nul": "姓,名,備考\n" + "山田,太郎,x\n" * 8000 + "佐藤,花子,\x00\n",
        "bidi": "姓,名\n\u202e山田,太郎\n",
        "long": "姓,名,備考\n山田,太郎," + "x" * 40_000 + "\n",
        "wide": "姓,名," + ",".join(f"c{i}" for i in range(MAX_COLUMNS + 5)) + "\n",
        "tall": "姓,名\n" + "山田,太郎\n" * (MAX_ROWS + 1),
    }
    out = {}
    for name, text in made.items():
        out[name] = tmp / f"{name}.csv"
        out[name].write_text(text, encoding="utf-8")
    out["bomb"] = _bomb(tmp / "bomb.xlsx")
    return out


def test_hostile_roster_files_are_one_line_each(
    demo_path: Path, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    files = _files(tmp_path)
    assert "U+0000" in refused(capfd, demo_path, "members", "import", str(files["nul"]))
    assert "200,000" in refused(capfd, demo_path, "members", "import", str(files["tall"]))
    assert "200 columns" in refused(capfd, demo_path, "members", "import", str(files["wide"]))
    assert "32,767" in refused(capfd, demo_path, "members", "import", str(files["long"]))
    assert "MiB" in refused(capfd, demo_path, "members", "import", str(files["bomb"]))
    assert "MiB" in refused(capfd, demo_path, "events", "import", str(files["bomb"]))
    assert "U+0000" in refused(capfd, demo_path, "events", "import", str(files["nul"]))
    cli.run(["--db", str(demo_path), "members", "import", str(files["bidi"])])
    captured = capfd.readouterr()
    assert "U+202E" in captured.out + captured.err


@pytest.mark.parametrize("capacity", ["99999999999999999999999", "1e400", "-3", "nan"])
def test_events_import_refuses_odd_numbers(
    demo_path: Path, capfd: pytest.CaptureFixture[str], tmp_path: Path, capacity: str
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(f"kind,title,capacity,fee\nlecture,T,{capacity},5\n", encoding="utf-8")
    code = cli.run(["--db", str(demo_path), "events", "import", str(path)])
    err = capfd.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Unexpected" not in err


def test_csv_export_neutralises_formulas(
    demo_path: Path, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = tmp_path / "in.csv"
    roster.write_text(
        '姓,名,備考\n"=HYPERLINK(""http://x"")",太郎,-5\n"@SUM(A1)",花子,-\n', encoding="utf-8"
    )
    assert cli.run(["--db", str(demo_path), "members", "import", str(roster)]) == 0
    out = tmp_path / "out.csv"
    assert cli.run(["--db", str(demo_path), "members", "export", str(out)]) == 0
    capfd.readouterr()
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    cells = {c for row in rows for c in row}
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells
    assert "-5" in cells and "-" in cells
    assert not any(c[:1] in ("=", "@", "+") for c in cells)
