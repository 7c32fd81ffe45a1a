"""Attendance sheet, reception sign-in and café year grid, read back from their PDFs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.core.i18n import gettext as _
from app.printing import Attendee, render_attendance, render_cafe_grid, render_sign_in
from app.printing.common import people as people_count
from app.printing.model import CANCELLED, GUEST, MEMBER, WAITLISTED
from tests.app.printing.pdfcheck import (
    A4_PT,
    assert_fonts_embedded_subsets,
    attendees,
    page_size,
    page_texts,
    reader,
    seed_sheet,
    squash,
)


def _in_order(flat: str, names: list[str]) -> bool:
    """Whether `names` occur in `flat` one after another, in this order."""
    pos = 0
    for name in names:
        found = flat.find(name, pos)
        if found < 0:
            return False
        pos = found + len(name)
    return True


def _sorted_names(people: list[Attendee]) -> list[str]:
    return [squash(a.name) for a in sorted(people, key=lambda a: a.sort_key)]


def test_attendance_of_100_runs_over_pages_with_header_and_page_numbers(tmp_path: Path) -> None:
    people = attendees(100)
    out = tmp_path / "attendance.pdf"
    res = render_attendance(seed_sheet(), people, out, blank_rows=10)
    assert res.output == out
    assert res.warnings == []
    texts = page_texts(out)
    assert res.pages == len(texts) >= 3
    assert page_size(out) == pytest.approx(A4_PT, abs=0.05)
    for n, text in enumerate(texts, start=1):
        flat = squash(text)
        for header in ("Name", "Present", "Signature"):
            assert squash(_(header)) in flat, (n, header)
        assert f"{n}/{len(texts)}" in flat, n
    everything = squash("".join(texts))
    assert _in_order(everything, _sorted_names(people))
    assert not _in_order(everything, [squash(a.name) for a in people])  # input order differs
    assert "髙﨑花子" in everything
    assert "たかさきはなこ" in everything  # the reading is printed too
    assert "令和4年6月10日(金)" in squash(texts[0])
    # 100 numbered registrants, then walk-in rows 101..110, then the totals.
    assert squash(_("Walk-ins")) in everything
    assert "110" in squash(texts[-1])
    assert squash(
        _("Registered: {total} ({members} members, {guests} guests)").format(
            total=_("{count} people").format(count=100), members=66, guests=34
        )
    ) in squash(texts[-1])
    assert_fonts_embedded_subsets(out)
    info = reader(out).metadata
    assert info is not None and sheet_title_in(info.title)


def sheet_title_in(title: str | None) -> bool:
    return title is not None and seed_sheet().title in title


def test_cancelled_are_left_off_and_wait_listed_marked() -> None:
    people = attendees(6)
    people[0] = replace(people[0], status=CANCELLED)
    people[1] = replace(people[1], status=WAITLISTED)
    res = render_attendance(seed_sheet(), people, None, blank_rows=0)
    flat = squash(page_texts(res.output)[0])
    assert squash(people[0].name) not in flat
    assert squash(people[1].name) + squash(_("Wait-listed")) in flat
    assert squash(_("Walk-ins")) not in flat


def test_missing_glyph_in_a_name_is_reported() -> None:
    people = [
        Attendee("🍙田", "一", "おにだ", "はじめ", sort_key="おにだはじめ"),
        Attendee("𠮷田", "一", "よしだ", "はじめ", sort_key="よしだはじめ"),
    ]
    res = render_attendance(seed_sheet(), people, None)
    # 𠮷 prints from the fallback face; only what neither face has is 〓 and reported.
    assert len(res.warnings) == 1 and "🍙" in res.warnings[0]
    text = squash(page_texts(res.output)[0])
    assert "〓田一" in text and "𠮷田一" in text


def test_sign_in_sheet(tmp_path: Path) -> None:
    people = attendees(40)
    res = render_sign_in(seed_sheet(), people, tmp_path / "sign-in.pdf", blank_rows=5)
    texts = page_texts(res.output)
    assert res.pages == len(texts) >= 2
    for n, text in enumerate(texts, start=1):
        flat = squash(text)
        assert squash(_("Phone / contact")) in flat
        assert squash(_("Time")) in flat
        assert f"{n}/{len(texts)}" in flat
    everything = squash("".join(texts))
    assert squash(_("Reception sign-in sheet")) in everything
    assert _in_order(everything, _sorted_names(people))
    assert "45" in squash(texts[-1])  # 40 names + 5 blank rows
    assert_fonts_embedded_subsets(res.output)


def test_sign_in_sheet_can_be_all_blank() -> None:
    res = render_sign_in(seed_sheet(), [], None, blank_rows=25)
    assert res.pages >= 1
    assert "25" in squash("".join(page_texts(res.output)))


def test_cafe_year_grid(tmp_path: Path) -> None:
    people = attendees(30)
    res = render_cafe_grid(seed_sheet(title="荒川コープカフェ"), people, 2022, tmp_path / "c.pdf")
    texts = page_texts(res.output)
    assert res.pages == len(texts) >= 2
    width, height = page_size(res.output)
    assert width > height  # landscape
    flat0 = squash(texts[0])
    assert "令和4年度（2022年度）" in flat0
    months = [
        squash(_(m))
        for m in (
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
            "Jan",
            "Feb",
            "Mar",
        )
    ]
    for n, text in enumerate(texts, start=1):
        assert _in_order(squash(text), months), n
        assert f"{n}/{len(texts)}" in squash(text)
    assert _in_order(flat0, ["2022", "2023"])
    assert _in_order(squash("".join(texts)), _sorted_names(people))
    assert_fonts_embedded_subsets(res.output)


def test_registered_total_leaves_the_wait_list_apart() -> None:
    people = attendees(5)
    waiting = [
        Attendee("待田", "一", "まちだ", "はじめ", status=WAITLISTED, sort_key="ま"),
        Attendee("待井", "二", "まちい", "じ", kind=GUEST, status=WAITLISTED, sort_key="ま2"),
    ]
    pdf = render_attendance(seed_sheet(), [*people, *waiting], None).output
    assert isinstance(pdf, bytes)
    members = sum(1 for a in people if a.kind == MEMBER)
    text = squash("".join(page_texts(pdf)))
    registered = _("Registered: {total} ({members} members, {guests} guests)").format(
        total=people_count(5), members=members, guests=5 - members
    )
    assert squash(registered) in text
    assert squash(_("Wait-listed ({n})").format(n=people_count(2))) in text


def test_a_blank_sheet_is_never_pre_ticked() -> None:
    """Attendance known to the program (a held event) does not tick the boxes on paper."""
    people = attendees(6)
    present = [replace(a, attended=True) for a in people]
    sheets = [render_attendance(seed_sheet(), group, None).output for group in (people, present)]
    streams = []
    for pdf in sheets:
        assert isinstance(pdf, bytes)
        contents = reader(pdf).pages[0].get_contents()
        assert contents is not None
        streams.append(contents.get_data())
    assert streams[0] == streams[1]
