"""Events as an .ics file (RFC 5545): one VEVENT per date, Asia/Tokyo, folded lines."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import cli, events
from app.core.context import Context
from app.core.errors import UserError
from app.events import calendar_ics
from app.events.views import EventInput, OccurrenceInput


def unfold(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def vevents(lines: list[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for line in lines:
        if line == "BEGIN:VEVENT":
            found.append({})
        elif found and line != "END:VEVENT" and ":" in line:
            key, _sep, value = line.partition(":")
            found[-1].setdefault(key, value)
    return found


def test_one_vevent_per_date_in_tokyo_time(ctx: Context, tmp_path: Path) -> None:
    events.create_event(
        ctx,
        EventInput(
            title="「私もやりたい!」共感からつながる仲間づくり, まちづくり",
            series="まちづくり講座",
            series_number=18,
            starts_at=datetime(2026, 12, 10, 13, 30),
            ends_at=datetime(2026, 12, 10, 15, 30),
            venue="北区役所; 第一会議室",
            description="持ち物: 筆記用具\n申込は電話で",
        ),
    )
    events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=(
                OccurrenceInput(datetime(2026, 12, 16, 10, 0), datetime(2026, 12, 16, 12, 0)),
                OccurrenceInput(datetime(2027, 1, 20, 10, 0)),
            ),
        ),
    )
    events.create_event(
        ctx, EventInput(title="日付は仮", starts_at=datetime(2026, 6, 1), dates_estimated=True)
    )
    out = tmp_path / "予定.ics"
    done = calendar_ics.export_ics(ctx, out)
    assert (done.written, done.estimated, done.undated) == (3, 1, 0)
    raw = out.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "TZID:Asia/Tokyo" in lines
    found = vevents(lines)
    assert [e["DTSTART;TZID=Asia/Tokyo"] for e in found] == [
        "20261210T133000",
        "20261216T100000",
        "20270120T100000",
    ]
    lecture = found[0]
    assert lecture["SUMMARY"].startswith(
        "まちづくり講座 第18講 「私もやりたい!」共感からつながる仲間づくり\\, まちづくり"
    )
    assert lecture["LOCATION"] == "北区役所\\; 第一会議室"
    assert lecture["DESCRIPTION"] == "持ち物: 筆記用具\\n申込は電話で"
    assert found[2]["DTEND;TZID=Asia/Tokyo"] == "20270120T120000"  # two hours when no end
    assert len({e["UID"] for e in found}) == 3
    # One fiscal year only.
    assert calendar_ics.export_ics(ctx, out, fiscal_year=2025).written == 0


def test_bad_names_and_years_are_refused(ctx: Context, tmp_path: Path) -> None:
    for bad in (tmp_path / "x.txt",):
        with pytest.raises(UserError):
            calendar_ics.export_ics(ctx, bad)
    for year in (0, -5, 10_000, 10**20):
        with pytest.raises(UserError):
            calendar_ics.export_ics(ctx, tmp_path / "x.ics", fiscal_year=year)
    assert not (tmp_path / "x.ics").exists()


def test_the_command_writes_the_file_and_refuses_the_database(
    demo_file: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import shutil

    path = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, path)
    out = tmp_path / "demo.ics"
    assert cli.run(["--db", str(path), "events", "export-ics", str(out)]) == 0
    assert "22" in capfd.readouterr().out  # the demo's dates are estimated: all left out
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    link = tmp_path / "db.ics"
    link.symlink_to(path)
    before = path.read_bytes()
    assert cli.run(["--db", str(path), "events", "export-ics", str(link)]) == 1
    assert len(capfd.readouterr().err.strip().splitlines()) == 1
    assert path.read_bytes() == before


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n")))
def test_folding_keeps_the_text_and_every_line_short(text: str) -> None:
    folded = calendar_ics.fold("SUMMARY:" + text)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    for part in parts:
        part.decode("utf-8")  # no character cut in two
    assert folded.replace("\r\n ", "") == "SUMMARY:" + text
