"""Round sheets and blank visit forms, read back from the PDF; every print is logged."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app import watch
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.printing import watch as printing_watch
from app.roster.members import MemberInput, add_member
from app.storage.audit import read_audit
from app.watch import visits
from db.models import TakeOutLog
from tests.app.printing.pdfcheck import (
    A4_PT,
    assert_fonts_embedded_subsets,
    page_size,
    page_texts,
    reader,
    squash,
)
from tests.app.watch.test_watch import person

TODAY = date(2025, 3, 31)


def _take_outs(ctx: Context) -> list[TakeOutLog]:
    with ctx.db.transaction() as s:
        return list(s.scalars(select(TakeOutLog).order_by(TakeOutLog.at)))


@pytest.fixture
def round_of_14(ctx: Context) -> tuple[Context, str, list[str]]:
    """One volunteer with 14 people (more than a page), one of them with notes."""
    volunteer = add_member(
        ctx,
        MemberInput(
            family_name="齋藤", given_name="和子", phone="03-1111-2223", roles=("visitor",)
        ),
    ).id
    names = []
    for n in range(14):
        given = f"花子{n + 1}"
        pid = watch.add_person(
            ctx,
            person(
                given_name=given,
                given_kana=f"ハナコ{n + 1}",
                address=f"東京都荒川区西尾久{n + 1}-2-3",
                watch_for="新聞がたまっていないか" if n == 3 else "",
                volunteer_ids=(volunteer,),
            ),
        ).id
        visits.log_visit(ctx, visits.VisitInput(pid, datetime(2025, 3, 20 - n % 10, 10, 0)))
        names.append(f"山田{given}")
    return ctx, volunteer, names


def _sizes(pdf: Path, index: int) -> list[tuple[str, float]]:
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), float(size) * abs(float(tm[3]) or 1.0)))

    reader(pdf).pages[index].extract_text(visitor_text=visit)
    return runs


def test_round_sheet_reads_back(
    round_of_14: tuple[Context, str, list[str]], tmp_path: Path
) -> None:
    ctx, volunteer, names = round_of_14
    out = tmp_path / "round.pdf"
    done = printing_watch.print_visit_forms(ctx, out, volunteer, today=TODAY, blank_forms=2)
    assert done.path == out and done.people == 14 and done.volunteers == 1
    texts = page_texts(out)
    assert done.pages == len(texts) >= 4
    assert page_size(out) == pytest.approx(A4_PT, abs=0.5)
    assert_fonts_embedded_subsets(out)
    sheet_pages = [t for t in texts if "Watch-over visit record" not in t]
    assert len(sheet_pages) >= 2  # 14 people do not fit on one page
    whole = squash("".join(sheet_pages))
    for name in names:
        assert name in whole
    assert "東京都荒川区西尾久14-2-3" in whole and "03-1123-4567" in whole
    assert "新聞がたまっていないか" in whole and "2025/3/20" in whole
    for n, text in enumerate(texts, start=1):
        flat = squash(text)
        assert "齋藤和子" in flat  # the running heading on every page
        assert f"{n}/{len(texts)}" in flat
    for text in sheet_pages:
        assert "Address/phone" in squash(text)  # the header row repeats
    forms = [t for t in texts if "Watch-over visit record" in t]
    assert len(forms) == 2
    assert forms[0].count("\u25a1") >= 4 + 3 + 11 + 4 + 6
    for label in (
        "Newspapers or mail piling up",
        "Contact needed",
        "Emergency",
        "Seen from outside",
    ):
        assert squash(label) in squash(forms[0])


def test_body_text_is_at_least_12_pt(
    round_of_14: tuple[Context, str, list[str]], tmp_path: Path
) -> None:
    ctx, volunteer, names = round_of_14
    out = tmp_path / "round.pdf"
    printing_watch.print_visit_forms(ctx, out, volunteer, today=TODAY, blank_forms=1)
    runs = _sizes(out, 0)
    content = [size for text, size in runs if "山田" in text or "西尾久" in text]
    assert content and min(content) >= 12


def test_the_print_is_logged_as_special_care_take_out(
    round_of_14: tuple[Context, str, list[str]], tmp_path: Path
) -> None:
    ctx, volunteer, _names = round_of_14
    out = tmp_path / "round.pdf"
    printing_watch.print_visit_forms(ctx, out, volunteer, today=TODAY)
    [entry] = _take_outs(ctx)
    assert (entry.action, entry.people_count, entry.special_care, entry.encrypted) == (
        "print",
        14,
        True,
        False,
    )
    assert entry.destination == str(out) and "山田" not in entry.what
    assert [e.action for e in read_audit(ctx, entity_id=volunteer)] == ["print"]


def test_without_notes_the_print_is_not_special_care(ctx: Context, tmp_path: Path) -> None:
    volunteer = add_member(ctx, MemberInput(family_name="齋藤", roles=("visitor",))).id
    watch.add_person(ctx, person(volunteer_ids=(volunteer,)))
    printing_watch.print_visit_forms(ctx, tmp_path / "r.pdf", volunteer, today=TODAY)
    assert [e.special_care for e in _take_outs(ctx)] == [False]


def test_a_preview_writes_nothing_and_logs_no_take_out(
    round_of_14: tuple[Context, str, list[str]],
) -> None:
    ctx, volunteer, _names = round_of_14
    done = printing_watch.print_visit_forms(ctx, None, volunteer, today=TODAY)
    assert done.data is not None and done.data.startswith(b"%PDF")
    assert _take_outs(ctx) == []
    printing_watch.record_printed(ctx, done, "printer: Brother")
    assert [e.destination for e in _take_outs(ctx)] == ["printer: Brother"]


def test_every_volunteer_and_the_unassigned(demo_ctx: Context, tmp_path: Path) -> None:
    extra = watch.add_person(demo_ctx, person(family_name="未割当", family_kana="ミワリアテ"))
    out = tmp_path / "all.pdf"
    done = printing_watch.print_visit_forms(demo_ctx, out, None, blank_forms=1)
    volunteers = watch.assigned_volunteers(demo_ctx)
    assert done.volunteers == len(volunteers) + 1
    assert done.people == len(watch.list_people(demo_ctx))
    whole = squash("".join(page_texts(out)))
    assert "未割当" in whole and "Novolunteerassignedyet" in whole
    for v in volunteers:
        assert squash(v.name) in whole
    assert extra.id


def test_visitors_print_only_blank_forms(ctx: Context, tmp_path: Path) -> None:
    member = add_member(ctx, MemberInput(family_name="訪問", roles=("visitor",))).id
    watch.add_person(ctx, person(volunteer_ids=(member,)))
    visitor = Context(ctx.db, Actor("v", "visitor", member))
    with pytest.raises(PermissionDenied):
        printing_watch.print_visit_forms(visitor, tmp_path / "r.pdf", member)
    assert not (tmp_path / "r.pdf").exists()
    blank = printing_watch.print_blank_forms(visitor, tmp_path / "blank.pdf", 3)
    assert blank.pages == 3 and blank.people == 0
    assert "山田" not in "".join(page_texts(tmp_path / "blank.pdf"))
    assert _take_outs(ctx) == []


def test_refusals(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=".pdf"):
        printing_watch.print_visit_forms(ctx, tmp_path / "r.txt")
    with pytest.raises(UserError, match="No member"):
        printing_watch.print_visit_forms(ctx, tmp_path / "r.pdf", "zzzz")
    retired = add_member(ctx, MemberInput(family_name="無役")).id
    with pytest.raises(UserError, match="not a volunteer"):
        printing_watch.print_visit_forms(ctx, tmp_path / "r.pdf", retired)
    with pytest.raises(UserError, match="Could not write"):
        printing_watch.print_visit_forms(ctx, tmp_path / "missing" / "r.pdf")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler not installed")
def test_pages_render(round_of_14: tuple[Context, str, list[str]], tmp_path: Path) -> None:
    ctx, volunteer, _names = round_of_14
    out = tmp_path / "round.pdf"
    done = printing_watch.print_visit_forms(ctx, out, volunteer, today=TODAY, blank_forms=1)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(out), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert len(list(tmp_path.glob("page-*.png"))) == done.pages
