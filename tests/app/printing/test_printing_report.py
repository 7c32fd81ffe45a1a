"""The annual report PDF, read back: every seed activity with its lecturer and organiser, the
sums, embedded fonts, readable sizes, charts without a display, and no personal data."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from reportlab.graphics import renderPDF
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from app import reports
from app.core import i18n
from app.core.context import Context
from app.core.errors import UserError
from app.printing.fonts import PGOTHIC, register_family
from app.printing.report import print_annual_report, render_annual_report
from app.printing.report_charts import nice_step, stats_charts
from app.printing.report_parts import lecturer_text
from app.setup.demo import SEED_FILE
from db.models import Member, Registration, WatchedPerson
from tests.app.printing.pdfcheck import (
    A4_PT,
    assert_fonts_embedded_subsets,
    page_size,
    page_texts,
    reader,
    squash,
)
from tests.app.reports.test_reports import add_watch_data

SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def demo_pdf(demo_ctx: Context, tmp_path: Path) -> Path:
    out = tmp_path / "report.pdf"
    result = print_annual_report(demo_ctx, 2022, out, today=date(2026, 11, 29))
    assert result.output == out and result.pages >= 6 and result.warnings == []
    return out


def test_every_seed_activity_with_its_lecturer_and_organiser(demo_pdf: Path) -> None:
    text = squash("".join(page_texts(demo_pdf)))
    for act in SEED["activities"]:
        assert squash(act["title"]) in text, act["title"]
        if act.get("catch"):
            assert squash(act["catch"]) in text
        for lec in act.get("lecturers", []):
            assert squash(f"{lec['name']} ({lec['affiliation']})") in text
        for org in [act["organizer"]] if "organizer" in act else act.get("organizers", []):
            assert org in text
    assert "Lecturer:出野紀子(Studio-L)" in text
    assert "Organisedby:三鷹をつなげようプロジェクト" in text
    assert "Donatedby:日本生協連" in text
    assert "まちづくり講座第17講" in text and "まちづくり講座第18講" in text


def test_cover_has_the_year_the_themes_and_the_sums(demo_pdf: Path) -> None:
    first = squash(page_texts(demo_pdf)[0])
    # The demo holds every chapter's and city-wide activities: the report says so rather
    # than crediting the database's own chapter (the old cover said 荒川区まちづくり).
    assert "FY2022" in first and "TokyoConsumers'Co-operativeUnion(allchapters)" in first
    assert "荒川区まちづくり" not in first
    assert "26t" in first
    assert "Supportforpeopleinneed" in first and "Disasterpreparedness" in first
    assert "22" in first and "236" in first
    assert "(dateestimated)" in squash("".join(page_texts(demo_pdf)))


def test_japanese_report_reads_like_the_seed(demo_ctx: Context, tmp_path: Path) -> None:
    i18n.set_language("ja")
    result = print_annual_report(demo_ctx, 2022, tmp_path / "ja.pdf", reports.GROUP_BY_CHAPTER)
    pages = page_texts(tmp_path / "ja.pdf")
    assert "令和4年度" in squash(pages[0])
    text = squash("".join(pages))
    assert "出野紀子さん（Studio-L）" in text
    assert "軸丸里奈さん（フードバンク昭島代表）" in text
    assert '「わたしの"好き"から始めるまちづくり」' in text
    assert "「豊島地域見守り交流会」" in text
    # Titles that carry their own brackets, or describe a donation, are not wrapped again.
    assert "「「" not in text and "「CO-OP" not in text
    assert "3月～6月" in text and "3月~6月" not in text
    assert result.pages >= 6


def test_fonts_embedded_a4_and_body_text_at_least_12_pt(demo_pdf: Path) -> None:
    assert_fonts_embedded_subsets(demo_pdf)
    pdf = reader(demo_pdf)
    small: list[str] = []
    sizes: dict[float, int] = {}
    for index, page in enumerate(pdf.pages):
        assert page_size(demo_pdf, index) == pytest.approx(A4_PT, abs=0.01)

        def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
            if not text.strip():
                return
            sizes[size] = sizes.get(size, 0) + len(text)
            # The running header sits above the top margin, at about 811 pt.
            if size < 12 and tm[5] < 800:
                small.append(text.strip())

        page.extract_text(visitor_text=visit)
    body = max(sizes, key=lambda k: sizes[k])
    assert body >= 12
    # Below 12 pt only the running header and the numbers on the charts.
    assert small and all(re.fullmatch(r"[\d\s/.,%]+", text) for text in small), small


def test_no_personal_data_from_members_guests_or_watch_over(
    demo_ctx: Context, tmp_path: Path
) -> None:
    watched = add_watch_data(demo_ctx)
    with demo_ctx.db.transaction() as s:
        people = [m.family_name + m.given_name for m in s.scalars(select(Member))]
        guests = [r.family_name + r.given_name for r in s.scalars(select(Registration))]
        addresses = [m.address for m in s.scalars(select(Member))]
        watched += [p.family_name + p.given_name for p in s.scalars(select(WatchedPerson))]
    assert len(people) == 120
    out = tmp_path / "private.pdf"
    print_annual_report(demo_ctx, 2022, out)
    text = squash("".join(page_texts(out)))
    for name in set(people + guests + watched):
        assert squash(name) not in text, name
    for address in addresses:
        assert squash(address) not in text
    assert "町屋9-9-9" not in text and "持病" not in text
    xlsx = tmp_path / "stats.xlsx"
    reports.export_stats_xlsx(demo_ctx, 2022, xlsx)
    with zipfile.ZipFile(xlsx) as archive:
        blob = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert "Watch-over" in blob
    for name in set(people + watched):
        assert name not in blob
    # The counts are there instead.
    assert "Visitsandcalls5" in text


def test_charts_render_without_a_display_in_the_bundled_font(demo_ctx: Context) -> None:
    add_watch_data(demo_ctx)
    stats = reports.report_stats(demo_ctx, 2022)
    charts = stats_charts(stats)
    assert len(charts) == 6  # events, people, kinds, themes, watch-over, members
    labels = ""
    for drawing in charts:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, initialFontName=register_family(PGOTHIC))
        renderPDF.draw(drawing, canvas, 0, 0)
        canvas.showPage()
        canvas.save()
        assert_fonts_embedded_subsets(buffer.getvalue())
        labels += "|".join(page_texts(buffer.getvalue()))
    assert "Events held per month" in labels and "Apr" in labels and "Mar" in labels
    assert "Study session" in labels and "Support for people in need" in labels
    assert "Follow-ups opened" in labels and "Members joined and retired" in labels
    assert re.search(r"\b50\b", labels)  # the June participants bar carries its value


def test_by_chapter_and_one_chapter(demo_ctx: Context, tmp_path: Path) -> None:
    out = tmp_path / "adachi.pdf"
    print_annual_report(demo_ctx, 2022, out, reports.GROUP_BY_CHAPTER, "足立区まちづくり")
    text = squash("".join(page_texts(out)))
    assert "寄り添いの現場から見えること" in text and "あだちNPOフェスティバル" in text
    assert "荒川コープカフェ" not in text and "26t" not in text


def test_an_empty_year_still_prints(demo_ctx: Context, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    result = print_annual_report(demo_ctx, 2019, out)
    text = squash("".join(page_texts(out)))
    assert result.pages >= 3
    assert "Noactivitywasrecordedinthisfiscalyear." in text
    assert "FY2019" in text


def test_written_atomically_and_refused_in_a_missing_folder(
    demo_ctx: Context, tmp_path: Path
) -> None:
    report = reports.annual_report(demo_ctx, 2022)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.pdf"
    target.write_bytes(b"old")
    render_annual_report(report, target)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in folder.iterdir()] == ["r.pdf"]  # no temporary file left
    with pytest.raises(UserError):
        render_annual_report(report, tmp_path / "missing" / "r.pdf")
    data = render_annual_report(report, None).output
    assert isinstance(data, bytes) and data.startswith(b"%PDF")


def test_helpers() -> None:
    assert [nice_step(n) for n in (0, 4, 12, 49, 236, 1000)] == [1, 1, 5, 10, 50, 200]
    i18n.set_language("ja")
    assert lecturer_text("出野 紀子", "Studio-L") == "出野 紀子さん（Studio-L）"
    assert lecturer_text("軸丸 里奈", "フードバンク昭島代表", "代表") == (
        "軸丸 里奈さん（フードバンク昭島代表）"
    )
    assert lecturer_text("某", "") == "某さん"
    i18n.set_language("en")
    assert lecturer_text("出野 紀子", "Studio-L") == "出野 紀子 (Studio-L)"


def test_one_chapter_report_is_compact_and_names_its_chapter(
    demo_ctx: Context, tmp_path: Path
) -> None:
    i18n.set_language("ja")
    out = tmp_path / "adachi.pdf"
    result = print_annual_report(
        demo_ctx, 2022, out, chapter="足立区まちづくり", today=date(2026, 11, 29)
    )
    pages = page_texts(out)
    # Two activities: the old report ran to four mostly blank pages.
    assert result.pages <= 3
    assert "足立区まちづくり" in squash(pages[0]) and "荒川区" not in "".join(pages)
    for page in pages[1:]:
        assert "足立区まちづくり" in page  # the running header


def test_counts_nobody_recorded_print_a_dash(demo_ctx: Context, tmp_path: Path) -> None:
    i18n.set_language("ja")
    out = tmp_path / "adachi.pdf"
    print_annual_report(demo_ctx, 2022, out, chapter="足立区まちづくり", today=date(2026, 11, 29))
    first = squash(page_texts(out)[0])
    assert "参加者—" in first and "参加者0人" not in first
    # One colon style on paper: full-width in Japanese.
    text = "".join(page_texts(out))
    assert not re.search(r"[^\x00-\x7f]: ", text), re.findall(r".{6}[^\x00-\x7f]: .{6}", text)
