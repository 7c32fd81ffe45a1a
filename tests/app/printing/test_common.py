"""Japanese dates on paper, paper sizes and the atomic PDF write."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing.common import (
    date_ja,
    fee_text,
    fiscal_year_label,
    page_size,
    time_range,
    write_pdf,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 6, 10), "令和4年6月10日(金)"),
        (date(2019, 5, 1), "令和元年5月1日(水)"),
        (date(2019, 4, 30), "平成31年4月30日(火)"),
        (date(1989, 1, 8), "平成元年1月8日(日)"),
        (date(1989, 1, 7), "昭和64年1月7日(土)"),
        (datetime(2023, 3, 31, 9, 0), "令和5年3月31日(金)"),
    ],
)
def test_dates_with_era_year_and_weekday(day: date, expected: str) -> None:
    assert date_ja(day) == expected


def test_fiscal_year_label() -> None:
    assert fiscal_year_label(2022) == "令和4年度（2022年度）"
    # FY2019 began on 1 April 2019, still Heisei.
    assert fiscal_year_label(2019) == "平成31年度（2019年度）"


def test_time_range() -> None:
    start = datetime(2022, 6, 10, 13, 30)
    assert time_range(start, datetime(2022, 6, 10, 15, 0)) == "13:30～15:00"
    assert time_range(start, datetime(2022, 6, 11, 9, 5)) == "13:30～6月11日(土) 9:05"
    assert time_range(start, None) == _("from {time}").format(time="13:30")
    assert time_range(datetime(2022, 6, 10), None) == ""


def test_fee() -> None:
    assert fee_text(None) == ""
    assert fee_text(0) == _("Free")
    assert fee_text(1500) == _("{amount} yen").format(amount="1,500")


def test_paper_sizes() -> None:
    assert page_size("A4") == pytest.approx((595.2756, 841.8898), abs=0.01)
    assert page_size("b5") == pytest.approx((515.9055, 728.5039), abs=0.01)  # JIS B5
    assert page_size("A4", wide=True)[0] == pytest.approx(841.8898, abs=0.01)
    with pytest.raises(UserError):
        page_size("Letter")


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "flyer.pdf"
    target.write_bytes(b"old")
    assert write_pdf(b"%PDF-new", target) == target
    assert target.read_bytes() == b"%PDF-new"
    assert os.listdir(tmp_path) == ["flyer.pdf"]
    assert write_pdf(b"%PDF-bytes", None) == b"%PDF-bytes"


def test_failed_write_raises_user_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "flyer.pdf"
    with pytest.raises(UserError) as caught:
        write_pdf(b"%PDF", missing)
    assert "flyer.pdf" in caught.value.message
    # A folder standing where the file should go: the rename fails after the temp is written.
    blocker = tmp_path / "taken.pdf"
    blocker.mkdir()
    (blocker / "inside").write_bytes(b"keep")
    with pytest.raises(UserError):
        write_pdf(b"%PDF", blocker)
    assert os.listdir(tmp_path) == ["taken.pdf"]  # no temporary file left behind
    assert (blocker / "inside").read_bytes() == b"keep"


def test_event_sheet_takes_lists_and_stays_hashable() -> None:
    from tests.app.printing.pdfcheck import seed_sheet

    sheet = seed_sheet(lecturers=[["小原 宗一", "北区社会福祉協議会"]], organisers=["北区"])
    assert sheet.lecturers == (("小原 宗一", "北区社会福祉協議会"),)
    assert sheet.organisers == ("北区",)
    assert hash(sheet) == hash(
        seed_sheet(lecturers=[("小原 宗一", "北区社会福祉協議会")], organisers=("北区",))
    )
