"""The print matrix: every document × template × paper × language × data size renders,
every glyph stays ≥ 5 mm from each edge, no stray last page, and the text reads back."""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from reportlab.lib.units import mm

from app.core import i18n
from app.events.attendance import HistoryEntry, MemberHistory, YearCounts
from app.events.duty import DutyDate, DutyRoleView, DutyRoster, DutySlot, OnDuty
from app.printing import (
    render_attendance,
    render_cafe_grid,
    render_flyer,
    render_name_tags,
    render_sign_in,
)
from app.printing.duty import render_duty
from app.printing.fonts import register_fonts
from app.printing.history import render_history
from app.printing.model import WAITLISTED, Attendee, EventSheet
from app.printing.watch import FormLabels, RoundEntry, RoundSheet, render_visit_forms
from tests.app.printing.pdfcheck import attendees, reader, rules, seed_sheet, squash

# The marks that may hang past a line end (ぶら下げ), as app.printing.text.HANGING.
HANGING = frozenset("、。，．,.")
FACES = frozenset(register_fonts())
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="needs poppler's pdftotext (apt-get install poppler-utils)",
)
EDGE = 5 * mm  # many printers cannot print nearer the edge than this
SIZES = ("empty", "typical", "long", "1000")
LONG_FAMILY = "勅使河原"
LONG_GIVEN = "左右衛門之助" * 2
LONG_VENUE = (
    "東京都北区赤羽西一丁目二番三号 赤羽会館 4階 小ホール（エレベーターは正面玄関の右手奥）"
)


@dataclass(frozen=True)
class Glyph:
    """One word on a page as poppler lays it out: its em box in PDF points (origin bottom left)."""

    text: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def size(self) -> float:
        return self.top - self.bottom


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@functools.cache
def _words(pdf: bytes) -> tuple[tuple[Glyph, ...], ...]:
    """Every word's box, page by page, from `pdftotext -bbox` (poppler measures each glyph with
    the embedded font, so a run split over several font subsets is still one word)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        pages.append(
            tuple(
                Glyph(
                    html.unescape(t), float(x0), height - float(y1), float(x1), height - float(y0)
                )
                for x0, y0, x1, y1, t in _WORD.findall(page)
            )
        )
    return tuple(pages)


def glyphs(pdf: bytes, index: int) -> list[Glyph]:
    return list(_words(pdf)[index])


def _check_margins(pdf: bytes) -> list[str]:
    problems = []
    for i, page in enumerate(reader(pdf).pages):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        for g in glyphs(pdf, i):
            left, bottom, right, top = _ink(g)
            if left < EDGE - 0.5 or bottom < EDGE - 0.5 or top > h - EDGE + 0.5:
                problems.append(
                    f"p{i + 1} {g.text[:20]!r} at ({left / mm:.1f}, {bottom / mm:.1f}) mm"
                )
            elif right > w - EDGE + 0.5 and len(g.text) < 80:
                problems.append(
                    f"p{i + 1} {g.text[:20]!r} ends at {right / mm:.1f} mm of {w / mm:.0f}"
                )
    return problems


def _ink(g: Glyph) -> tuple[float, float, float, float]:
    """The run's box (left, bottom, right, top); a hung comma or full stop (ぶら下げ) inks only
    the left half of its em, so only that half counts."""
    right = g.right
    if g.text[-1] in HANGING:
        right -= g.size / 2
    return g.left, g.bottom, right, g.top


def _check_rules(pdf: bytes) -> list[str]:
    """No run of text crosses a drawn rule: every glyph stays inside its table cell or box.

    A vertical rule (a column rule, a box edge) must not pass through a run between its first
    and last glyph; a horizontal one must not strike through its middle band.
    """
    problems = []
    for i in range(len(reader(pdf).pages)):
        strokes = rules(pdf, i)
        for g in glyphs(pdf, i):
            left, bottom, right, top = _ink(g)
            for x0, y0, x1, y1 in strokes:
                if abs(x0 - x1) < 0.2 and left + 0.5 < x0 < right - 0.5:
                    lo, hi = min(y0, y1), max(y0, y1)
                    if lo < top - 0.3 * g.size and hi > bottom + 0.3 * g.size:
                        problems.append(
                            f"p{i + 1} {g.text[:24]!r} crosses the rule x={x0 / mm:.1f} mm"
                        )
                        break
                if abs(y0 - y1) < 0.2 and bottom + 0.3 * g.size < y0 < top - 0.3 * g.size:
                    lo, hi = min(x0, x1), max(x0, x1)
                    if lo < right - 1 and hi > left + 1:
                        problems.append(
                            f"p{i + 1} {g.text[:24]!r} struck by the rule y={y0 / mm:.1f} mm"
                        )
                        break
    return problems


def _check_frame(pdf: bytes, margin: float) -> list[str]:
    """Every run inside the frame the document lays its text in (the page less `margin`)."""
    problems = []
    for i, page in enumerate(reader(pdf).pages):
        w = float(page.mediabox.width)
        for g in glyphs(pdf, i):
            left, bottom, right, top = _ink(g)
            if left < margin - 0.5 or right > w - margin + 0.5:
                problems.append(
                    f"p{i + 1} {g.text[:24]!r} from {left / mm:.1f} to {right / mm:.1f} mm,"
                    f" frame {margin / mm:.1f} to {(w - margin) / mm:.1f} mm"
                )
    return problems


def _kana_or_kanji(ch: str) -> bool:
    return 0x3041 <= ord(ch) <= 0x30FF or 0x3400 <= ord(ch) <= 0x9FFF or ord(ch) >= 0x20000


def _check_widows(pdf: bytes) -> list[str]:
    """No wrapped line holds a single kana or kanji cut from the word above (「ホー / ル」)."""
    problems = []
    for i in range(len(reader(pdf).pages)):
        runs = glyphs(pdf, i)
        for g in runs:
            if len(g.text) != 1 or not _kana_or_kanji(g.text):
                continue
            for above in runs:
                gap = above.bottom - g.bottom
                if (
                    above is not g
                    and abs(above.size - g.size) < 0.5
                    and 0.9 * g.size < gap < 2.0 * g.size
                    and _kana_or_kanji(above.text[-1])
                    and len(above.text) > 3
                    and abs(above.left - g.left) < 1
                ):
                    problems.append(f"p{i + 1} {g.text!r} alone under {above.text[-12:]!r}")
                    break
    return problems


def _last_page_fill(pdf: bytes) -> float:
    """How far down the body the last page's text reaches, as a share of the page."""
    pages = reader(pdf).pages
    last = pages[-1]
    h = float(last.mediabox.height)
    runs = glyphs(pdf, len(pages) - 1)
    # The footer ("n / N", chapter) sits in the bottom margin; the running header above the body.
    body = [g for g in runs if 20 * mm < g.bottom < h - 20 * mm]
    if not body:
        return 0.0
    return (h - 20 * mm - min(g.bottom for g in body)) / (h - 40 * mm)


def _people(size: str) -> list[Attendee]:
    if size == "empty":
        return []
    if size == "typical":
        people = attendees(24)
        return [*people[:-2], Attendee("待", "一", "まち", "いち", status=WAITLISTED, sort_key="z")]
    if size == "long":
        return [
            Attendee(
                LONG_FAMILY + str(i),
                LONG_GIVEN,
                "てしがわら",
                "さうえもんのすけ" * 2,
                sort_key=f"て{i:03}",
            )
            for i in range(12)
        ]
    return attendees(1000)


def _sheet(size: str) -> EventSheet:
    if size == "empty":
        return EventSheet(title="集まり", starts=datetime(2026, 5, 9, 10, 0))
    if size == "long":
        return seed_sheet(
            title="「三鷹をつなげようプロジェクト」地域で支え合うフードパントリーと見守り活動の報告会",
            venue=LONG_VENUE,
            chapter_name="東京都生活協同組合連合会 三鷹・武蔵野・小金井地域まちづくり委員会",
            contact="三鷹・武蔵野・小金井地域まちづくり委員会 事務局（0422-12-3456 平日10時〜17時）",
        )
    return seed_sheet()


def _labels() -> FormLabels:
    return FormLabels(
        methods=("訪問", "電話", "手紙"),
        results=("会えた", "不在", "断られた"),
        outcomes=("変わりなし", "気になる様子", "すぐに連絡"),
        signs=("郵便物がたまっている", "洗濯物が出たまま", "元気がない様子"),
        referrals=("地域包括支援センター", "民生委員", "家族"),
    )


def _rounds(size: str) -> list[RoundSheet]:
    if size == "empty":
        return []
    count = {"typical": 8, "long": 6, "1000": 1000}[size]
    people = _people("1000" if size == "1000" else "typical")
    entries = tuple(
        RoundEntry(
            name=(LONG_FAMILY + "\u3000" + LONG_GIVEN)
            if size == "long"
            else people[i % len(people)].name,
            reading=people[i % len(people)].reading,
            address=LONG_VENUE if size == "long" else f"荒川区荒川4-29-{i + 1}",
            phone="03-1234-5678",
            last_contact=date(2026, 10, 3),
            last_method="訪問",
            due_on=date(2026, 11, 7),
            watch_for="足が悪いので玄関まで時間がかかる" * (3 if size == "long" else 1),
        )
        for i in range(count)
    )
    return [RoundSheet("上野 和子", "090-1111-2222", entries)]


def _history(size: str) -> MemberHistory:
    """One member's registrations: none, a few, long titles, or 1,000 dates."""
    count = {"empty": 0, "typical": 6, "long": 6, "1000": 1000}[size]
    title = LONG_VENUE if size == "long" else "ふれあいカフェ"
    entries = [
        HistoryEntry(
            id=str(i),
            on=date(2026, 10, 15) - timedelta(days=7 * i),
            event_id="e",
            event_title=title,
            kind="community_cafe",
            kind_label="地域のカフェ",
            status="registered",
            attended=i % 3 != 0,
            walk_in=i % 5 == 0,
        )
        for i in range(count)
    ]
    years = [
        YearCounts(
            id="2026", fiscal_year=2026, registered=count, attended=count, attended_by_kind={}
        )
    ]
    name = f"{LONG_FAMILY}　{LONG_GIVEN}" if size == "long" else "上野　和子"
    return MemberHistory(
        id="m", name=name, reading="ウエノ カズコ", entries=entries, fiscal_years=years
    )


def _duty(size: str) -> DutyRoster:
    """A café's 当番表: no dates, a year of months, long names and jobs, or 1,000 dates."""
    names = ["受付", "調理", "会場設営", "片付け", "司会"]
    if size == "long":
        names = [n + "（地域ボランティアの皆さんと一緒に）" for n in names] + ["見守り連絡", "会計"]
    roles = tuple(DutyRoleView(f"r{i}", n, 2, i) for i, n in enumerate(names))
    count = {"empty": 0, "typical": 12, "long": 12, "1000": 1000}[size]
    # One-kanji family names (森, 待) the widow check cannot tell from a word cut in two
    # when such a name stands alone under a column heading; the names are not what it tests.
    people = [p for p in _people("typical") if len(p.family_name) > 1]
    dates = []
    for i in range(count):
        start = datetime(2026, 4, 15, 10, 0) + timedelta(days=7 * i)
        slots = []
        for j, r in enumerate(roles):
            on = []
            for k in range(j % 3):
                p = people[(i + j + k) % len(people)]
                name = f"{LONG_FAMILY}　{LONG_GIVEN}" if size == "long" else p.name
                on.append(OnDuty(f"a{i}-{j}-{k}", f"m{(i + j + k) % len(people)}", name, p.reading))
            slots.append(DutySlot(r.id, r.name, r.needed, tuple(on)))
        dates.append(DutyDate(f"o{i}", start, start + timedelta(hours=2), i == 3, tuple(slots)))
    title = (
        "「三鷹をつなげようプロジェクト」地域で支え合うカフェ"
        if size == "long"
        else "ふれあいカフェ"
    )
    venue = LONG_VENUE if size == "long" else "ふれあい館"
    return DutyRoster("e", title, venue, roles, tuple(dates), ())


def _render(doc: str, template: str, paper: str, size: str) -> bytes:
    sheet, people = _sheet(size), _people(size)
    if doc == "flyer":
        data = render_flyer(sheet, None, template, paper).output
    elif doc == "attendance":
        data = render_attendance(sheet, people, None, paper=paper).output
    elif doc == "sign-in":
        data = render_sign_in(sheet, people, None, paper=paper).output
    elif doc == "name-tags":
        data = render_name_tags(sheet, people, None, layout=template).output
    elif doc == "cafe-grid":
        data = render_cafe_grid(sheet, people, 2026, None, paper=paper).output
    elif doc == "duty":
        data = render_duty(
            _duty(size),
            None,
            chapter=sheet.chapter_name,
            paper=paper,
            printed_on=date(2026, 11, 1),
        ).output
    elif doc == "history":
        data = render_history(
            _history(size),
            None,
            chapter=sheet.chapter_name,
            paper=paper,
            printed_on=date(2026, 11, 1),
        ).output
    else:
        data, _pages, _warnings = render_visit_forms(
            _rounds(size),
            _labels(),
            None,
            chapter_name=sheet.chapter_name,
            printed_on=date(2026, 11, 1),
            paper=paper,
        )
    assert isinstance(data, bytes)
    return data


def _cases() -> Iterator[Any]:
    docs: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
        "flyer": (("clean", "poster", "slip"), ("A4", "B5"), ("empty", "typical", "long")),
        "attendance": (("",), ("A4", "B5"), SIZES),
        "sign-in": (("",), ("A4", "B5"), SIZES),
        "name-tags": (("10", "12"), ("A4",), SIZES),
        "cafe-grid": (("",), ("A4", "B5"), SIZES),
        "visit-forms": (("",), ("A4", "B5"), SIZES),
        "history": (("",), ("A4", "B5"), SIZES),
        "duty": (("",), ("A4", "B5"), SIZES),
    }
    for doc, (templates, papers, sizes) in docs.items():
        for template in templates:
            for paper in papers:
                for size in sizes:
                    for lang in ("ja", "en"):
                        marks = [pytest.mark.slow] if size == "1000" else []
                        name = "-".join(p for p in (doc, template, paper, size, lang) if p)
                        yield pytest.param(doc, template, paper, size, lang, id=name, marks=marks)


@pytest.fixture
def language() -> Iterator[Callable[[str], None]]:
    yield i18n.set_language
    i18n.set_language("en")


@pytest.mark.parametrize(("doc", "template", "paper", "size", "lang"), list(_cases()))
def test_print_matrix(
    doc: str, template: str, paper: str, size: str, lang: str, language: Callable[[str], None]
) -> None:
    language(lang)
    pdf = _render(doc, template, paper, size)
    pages = reader(pdf).pages
    assert _check_margins(pdf) == []
    assert _check_rules(pdf) == []
    assert _check_widows(pdf) == []
    if doc == "flyer":
        assert _check_frame(pdf, 13 * mm * float(pages[0].mediabox.width) / (210 * mm)) == []
    # A label sheet is cut up; its unused labels are kept for next time, so not "stray".
    # A thousand dates of one person end where their list ends: what the last page holds is
    # data, not blank rows that spilled over. So is a duty roster's last part, each
    # volunteer's own list, at a thousand dates or with names and jobs that wrap three times.
    data_tail = (doc == "history" and size == "1000") or (
        doc == "duty" and size in ("long", "1000")
    )
    if len(pages) > 1 and doc != "name-tags" and not data_tail:
        assert _last_page_fill(pdf) >= 0.25, f"last of {len(pages)} pages nearly empty"
    text = squash("".join(p.extract_text() or "" for p in pages))
    sheet = _sheet(size)
    if doc not in ("visit-forms", "name-tags", "history", "duty"):
        assert squash(sheet.title)[:8] in text
    for person in _people(size)[:3]:
        if doc in ("attendance", "sign-in", "name-tags", "cafe-grid"):
            assert squash(person.family_name) in text


def _long_report(report: Any) -> Any:
    """The demo's report with every title, venue and organisation made long."""
    import dataclasses

    groups = tuple(
        dataclasses.replace(
            g,
            activities=tuple(
                dataclasses.replace(
                    a, title=a.title + "と" + _sheet("long").title, venue=LONG_VENUE
                )
                for a in g.activities
            ),
        )
        for g in report.groups
    )
    connections = tuple(
        dataclasses.replace(c, organisation=c.organisation * 3) for c in report.connections
    )
    return dataclasses.replace(report, groups=groups, connections=connections)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", ["empty", "typical", "by-chapter", "long"])
@pytest.mark.parametrize("paper", ["A4", "B5"])
def test_annual_report_in_the_matrix(
    paper: str, size: str, lang: str, language: Callable[[str], None], demo_ctx: Any, ctx: Any
) -> None:
    from app import reports
    from app.core.i18n import gettext as _
    from app.printing.report import render_annual_report
    from app.printing.report_parts import MARGIN

    language(lang)
    by = reports.GROUP_BY_CHAPTER if size == "by-chapter" else reports.GROUP_BY_MONTH
    source = ctx if size == "empty" else demo_ctx
    report = reports.annual_report(source, 2022, by, today=date(2026, 11, 29))
    if size == "long":
        report = _long_report(report)
    pdf = render_annual_report(report, None, paper).output
    assert isinstance(pdf, bytes)
    pages = reader(pdf).pages
    expected = (182 * mm, 257 * mm) if paper == "B5" else (210 * mm, 297 * mm)
    for page in pages:
        size_pt = (float(page.mediabox.width), float(page.mediabox.height))
        assert abs(size_pt[0] - expected[0]) < 1 and abs(size_pt[1] - expected[1]) < 1
    assert _check_margins(pdf) == []
    assert _check_rules(pdf) == []
    assert _check_widows(pdf) == []
    assert _check_frame(pdf, MARGIN) == []
    if len(pages) > 1:
        assert _last_page_fill(pdf) >= 0.25, f"last of {len(pages)} pages nearly empty"
    # Every activity's title and the statistics read back, on either paper.
    text = squash("".join(p.extract_text() or "" for p in pages))
    for row in [a for g in report.groups for a in g.activities][:5]:
        assert squash(row.title)[:10] in text, row.title
    if size != "empty":
        assert squash(_("Month by month")) in text


@pytest.mark.parametrize("paper", ["A4", "B5"])
def test_poster_venue_keeps_its_last_word_and_its_margins(paper: str) -> None:
    # The old breaker printed 「会場：…多目的ホー」 with 「ル」 alone below, the hung 「ー」
    # pushing the centred line past both margins: every length of venue is tried.
    i18n.set_language("ja")
    try:
        for k in range(0, 26):
            venue = "荒川区" + "東尾久" * (k // 3) + "ふれあい"[: k % 3] + "館 2階 多目的ホール"
            pdf = render_flyer(seed_sheet(venue=venue), None, "poster", paper).output
            assert isinstance(pdf, bytes)
            margin = 13 * mm * float(reader(pdf).pages[0].mediabox.width) / (210 * mm)
            assert _check_widows(pdf) == [], venue
            assert _check_frame(pdf, margin) == [], venue
    finally:
        i18n.set_language("en")


def test_prefilled_forms_carry_each_person_of_the_round_sheet() -> None:
    rounds = _rounds("typical")
    data, pages, _warnings = render_visit_forms(
        rounds, _labels(), None, printed_on=date(2026, 11, 1), blank_forms=1, prefilled=True
    )
    assert isinstance(data, bytes)
    texts = [squash(t) for t in (p.extract_text() or "" for p in reader(data).pages)]
    names = [squash(e.name) for e in rounds[0].entries]
    forms = [t for t in texts if "見守り訪問記録" in t or "visitrecord" in t.lower()]
    # One form per person with the name and the volunteer printed in, then the blank one.
    assert len(forms) == len(names) + 1
    for name, form in zip(names, forms, strict=False):
        assert name in form and squash("上野 和子") in form
