"""`visits due` and `print visit-forms` on the command line, for each role of the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers.cli import run_main_logged_out as run

ROOT = Path(__file__).resolve().parents[3]
COORDINATOR = {"TSUNAGU_USER": "demo", "TSUNAGU_PASSPHRASE": "demo-tsunagu"}
VISITOR = {"TSUNAGU_USER": "visitor", "TSUNAGU_PASSPHRASE": "demo-visitor"}
VIEWER = {"TSUNAGU_USER": "viewer", "TSUNAGU_PASSPHRASE": "demo-viewer"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli-visits") / "demo.sqlite"
    made = run("--db", str(db), "demo")
    assert made.returncode == 0, made.stderr
    return db


def _due(db: Path, **env: str) -> list[dict[str, object]]:
    done = run("--db", str(db), "visits", "due", "--json", **env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert isinstance(rows, list)
    return rows


def test_visits_due_json_lists_overdue_then_due_then_follow_ups(demo_db: Path) -> None:
    rows = _due(demo_db, **COORDINATOR)
    kinds = [r["kind"] for r in rows]
    assert kinds == sorted(kinds, key=["overdue", "due", "follow_up"].index)
    assert {"overdue", "due", "follow_up"} <= set(kinds)
    assert all(r["id"] and r["person_id"] for r in rows)
    assert any(r["long_overdue"] for r in rows if r["kind"] == "overdue")
    follow = [r for r in rows if r["kind"] == "follow_up"]
    assert all(r["id"] == r["follow_up_id"] != r["person_id"] for r in follow)
    text = run("--db", str(demo_db), "visits", "due", **COORDINATOR)
    assert text.returncode == 0 and "Overdue by" in text.stdout
    assert "twice the interval" in text.stdout


def test_a_visitor_sees_only_their_own_people(demo_db: Path) -> None:
    everyone = _due(demo_db, **COORDINATOR)
    mine = _due(demo_db, **VISITOR)
    assert mine, "the demo visitor has people of their own"
    assert {r["person_id"] for r in mine} < {r["person_id"] for r in everyone}
    [volunteer] = {v for r in mine for v in r["volunteers"]}  # type: ignore[attr-defined]
    others = [r for r in everyone if volunteer not in r["volunteers"]]  # type: ignore[operator]
    assert others and not {r["person_id"] for r in others} & {r["person_id"] for r in mine}


def test_a_viewer_gets_no_due_list(demo_db: Path) -> None:
    done = run("--db", str(demo_db), "visits", "due", "--json", **VIEWER)
    assert done.returncode == 1 and done.stdout == ""
    assert "(viewer) may not do this" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_print_visit_forms_for_one_volunteer_and_for_all(demo_db: Path, tmp_path: Path) -> None:
    visitor_rows = _due(demo_db, **VISITOR)
    name = str(visitor_rows[0]["volunteers"][0])  # type: ignore[index]
    one = tmp_path / "one.pdf"
    listed = json.loads(
        run("--db", str(demo_db), "members", "list", "--json", **COORDINATOR).stdout
    )
    # Invented demo names repeat (two 石井 隆): take the namesake who is a volunteer.
    member = next(
        m
        for m in listed
        if f"{m['family_name']}\u3000{m['given_name']}" == name
        and {"volunteer", "visitor"} & set(m["roles"])
    )
    done = run(
        "--db",
        str(demo_db),
        "print",
        "visit-forms",
        "--volunteer",
        member["member_number"],
        "-o",
        str(one),
        **COORDINATOR,
    )
    assert done.returncode == 0, done.stderr
    assert "1 round sheets" in done.stdout
    text = "".join(p.extract_text() for p in PdfReader(str(one)).pages)
    assert name.replace("\u3000", "") in text.replace("\u3000", "").replace(" ", "")
    every = tmp_path / "all.pdf"
    done = run("--db", str(demo_db), "print", "visit-forms", "-o", str(every), **COORDINATOR)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(str(every)).pages) > len(PdfReader(str(one)).pages)


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--volunteer", "zzzz"], COORDINATOR, "No member"),
        ([], VISITOR, "may not do this"),
        ([], VIEWER, "may not do this"),
    ],
)
def test_print_visit_forms_refusals(
    demo_db: Path, tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    out = tmp_path / "x.pdf"
    done = run("--db", str(demo_db), "print", "visit-forms", *args, "-o", str(out), **env)
    assert done.returncode == 1 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not out.exists()


def test_print_needs_a_pdf_name(demo_db: Path, tmp_path: Path) -> None:
    done = run(
        "--db", str(demo_db), "print", "visit-forms", "-o", str(tmp_path / "x.txt"), **COORDINATOR
    )
    assert done.returncode == 1 and ".pdf" in done.stderr
    usage = run("--db", str(demo_db), "print", "visit-forms", **COORDINATOR)
    assert usage.returncode == 2


def test_visit_forms_join_the_existing_print_group() -> None:
    printing = run("print", "--help")
    assert printing.returncode == 0 and "visit-forms" in printing.stdout
    assert "flyer" in printing.stdout
    top = run("--help")
    assert "visits" in top.stdout
