"""Date fields read era dates and show the weekday; time fields read 1330 and 午後1時半 (13.3)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from app.core import dates, i18n
from ui.widgets.date_field import DateField, DateTimeField, TimeField


@pytest.fixture
def japanese_era() -> object:
    i18n.set_language("ja")
    dates.set_date_style("era")
    yield None
    dates.set_date_style("era")
    i18n.set_language("en")


@pytest.mark.parametrize(
    "typed", ["R8.12.2", "令和8年12月2日", "8/12/2", "2026/12/2", "２０２６-１２-０２"]
)
def test_a_date_typed_any_usual_way_is_read_and_shown_in_the_era_style(
    qtbot: QtBot, japanese_era: object, typed: str
) -> None:
    field = DateField(date(2026, 1, 5))
    qtbot.addWidget(field)
    field.edit.setText(typed)
    field.edit.editingFinished.emit()
    assert field.value() == date(2026, 12, 2)
    assert field.edit.text() == "令和8年12月2日"
    assert field.weekday.text() == "(水)"
    assert field.date() == QDate(2026, 12, 2)


def test_western_style_and_a_wrong_date(qtbot: QtBot, japanese_era: object) -> None:
    dates.set_date_style("western")
    field = DateField(date(2026, 12, 2))
    qtbot.addWidget(field)
    assert field.edit.text() == "2026年12月2日"
    field.edit.setText("2026/2/30")
    field.edit.editingFinished.emit()
    assert field.problem
    assert field.value() == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1330", time(13, 30)), ("13:30", time(13, 30)), ("午後1時半", time(13, 30)),
     ("午前9時", time(9, 0)), ("9:05", time(9, 5))],
)  # fmt: skip
def test_a_time_typed_as_people_say_it(qtbot: QtBot, typed: str, expected: time) -> None:
    field = TimeField(time(10, 0))
    qtbot.addWidget(field)
    field.setText(typed)
    field.editingFinished.emit()
    assert field.value() == expected
    assert field.text() == f"{expected:%H:%M}"


def test_a_date_and_time_field_gives_a_datetime(qtbot: QtBot, japanese_era: object) -> None:
    field = DateTimeField(datetime(2026, 12, 2, 10, 0))
    qtbot.addWidget(field)
    field.time_field.setText("午後1時半")
    field.time_field.editingFinished.emit()
    assert field.value() == datetime(2026, 12, 2, 13, 30)
    assert field.problem == ""


def test_one_date_function_follows_the_style() -> None:
    i18n.set_language("ja")
    try:
        assert dates.show_date(date(2026, 12, 2), "era") == "令和8年12月2日(水)"
        assert dates.show_date(date(2026, 12, 2), "western") == "2026年12月2日(水)"
        assert dates.show_fiscal_year(2026, "era") == "令和8年度"
        assert dates.show_fiscal_year(2026, "western") == "2026年度"
        assert (
            dates.show_when(datetime(2026, 12, 2, 13, 30), "western") == "2026年12月2日(水) 13:30"
        )
    finally:
        i18n.set_language("en")
    assert dates.show_date(date(2026, 12, 2)) == "Wed 2 Dec 2026"
