"""The duty roster window (当番表, issue 16.4): the café's jobs by date, putting on and taking
off duty, the jobs editor, the month on paper, who may see and change it, and its fit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, QRect, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QSpinBox, QStyleOptionViewItem, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import accounts, events
from app.core import i18n
from app.core.context import VIEWER, VISITOR, Actor, Context
from app.core.errors import PermissionDenied
from app.events import duty
from db.models import TakeOutLog
from tests.gui.ime import answer_next_message_box, type_text
from tests.gui.waiting import settle
from ui.dialogs.duty import (
    COLUMNS,
    DutyDialog,
    DutyJobsDialog,
    MemberPickDialog,
    default_date,
)
from ui.main_view import MainView
from ui.pages.events import EventsPage

ROOT = Path(__file__).resolve().parents[3]
CAFE = "ふれあいカフェ"
JOBS = ["受付", "調理", "会場設営", "片付け", "司会"]
W = TypeVar("W", bound=QWidget)


def when_open(kind: type[W], act: Callable[[W], object]) -> None:
    """When a modal window of `kind` opens, do `act` with it (as the person at it would)."""

    def look() -> None:
        window = QApplication.activeModalWidget()
        if not isinstance(window, kind):
            QTimer.singleShot(20, look)
            return
        act(window)

    QTimer.singleShot(0, look)


def answer(seen: list[str], button: str) -> None:
    """Press the button labelled `button` in the next message box, noting its text."""

    def pick(box: QMessageBox) -> Any:
        seen.append(box.text())
        return next(b for b in box.buttons() if b.text() == button)

    answer_next_message_box(pick)


def _dialog(qtbot: QtBot, ctx: Context, event: str = CAFE) -> DutyDialog:
    dialog = DutyDialog(ctx, events.resolve_event(ctx, event))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _column(dialog: DutyDialog, title: str) -> list[str]:
    at = [c.title() for c in COLUMNS].index(title)
    return [str(dialog.model.index(row, at).data()) for row in range(dialog.model.rowCount())]


def _choose(dialog: DutyDialog, wanted: Callable[[duty.DutyDate], bool]) -> duty.DutyDate:
    for n, d in enumerate(dialog.roster.dates):
        if wanted(d):
            dialog.date.setCurrentIndex(n)
            return d
    raise AssertionError("no such date in the roster")


def _select(dialog: DutyDialog, job: str) -> None:
    dialog.table.selectRow(_column(dialog, "Job").index(job))


def test_the_roster_shows_the_cafes_jobs_and_names_for_a_date(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    roster = duty.duty_roster(demo_ctx, dialog.event_id)
    assert dialog.windowTitle() == f"Duty roster: {CAFE}"
    assert CAFE in dialog.heading.text() and "町屋ふれあい館" in dialog.heading.text()
    assert dialog.date.count() == len(roster.dates) == 12
    # It opens at the next date to come (else the last).
    assert dialog.date.currentIndex() == default_date(roster.dates)
    assert _column(dialog, "Job") == JOBS
    # A past date: every job has its people, their names in the row.
    past = _choose(dialog, lambda d: bool(d.starts_at) and d.starts_at.date() < date.today())
    for slot, names, count in zip(
        past.slots, _column(dialog, "On duty"), _column(dialog, "People"), strict=True
    ):
        assert names == ", ".join(p.name for p in slot.people) and names
        assert count == f"{len(slot.people)}/{slot.needed}"
    assert set(_column(dialog, "Status")) == {"enough people"}
    assert dialog.warnings.text() == "Every job has its people on this date."
    # A coming date: the host is still open, said in words in the row and the warnings.
    coming = _choose(dialog, lambda d: any(s.short for s in d.slots) and not d.cancelled)
    host = _column(dialog, "Job").index("司会")
    assert _column(dialog, "Status")[host] == "1 more needed"
    assert _column(dialog, "People")[host] == "0/1"
    assert "司会: 1 more needed" in dialog.warnings.text()
    assert coming.starts_at is not None
    status = _column(dialog, "Status")
    i18n.set_language("ja")
    assert str(dialog.model.index(host, [c.title() for c in COLUMNS].index("状態")).data()) == (
        "あと1人"
    )
    assert len(status) == len(JOBS)
    assert [c.title() for c in COLUMNS] == ["係", "人数", "状態", "当番の人"]


def test_the_next_date_to_come_is_chosen_else_the_last() -> None:
    def on(day: int, cancelled: bool = False) -> duty.DutyDate:
        start = datetime(2026, 12, day, 10)
        return duty.DutyDate(None, start, None, cancelled, ())

    dates = (on(1), on(10, cancelled=True), on(20), on(30))
    assert default_date(dates, date(2026, 12, 2)) == 2  # the cancelled 10th is passed over
    assert default_date(dates, date(2026, 12, 20)) == 2
    assert default_date(dates, date(2027, 1, 1)) == 3
    assert default_date((), date(2027, 1, 1)) == 0


def test_the_job_table_passes_the_model_tester(
    qtmodeltester: ModelTester, qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    qtmodeltester.check(dialog.model)
    dialog.model.set_rows([])
    qtmodeltester.check(dialog.model)


def test_putting_a_member_on_duty_through_the_picker_warns_of_a_double_booking(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    day = _choose(dialog, lambda d: any(s.short for s in d.slots) and not d.cancelled)
    busy = day.slots[0].people[0]  # on duty at reception that day already
    _select(dialog, "司会")
    picked: list[str] = []

    def pick(picker: MemberPickDialog) -> None:
        picked.append(picker.role())
        type_text(picker.search, busy.reading.split()[0])  # a few kana, as typed
        picker.refresh()
        picker.table.selectRow(picker.model.row_of(busy.member_id))
        picker.choose()

    when_open(MemberPickDialog, pick)
    done = dialog.put_on_duty()
    assert picked == ["司会"]  # the picker starts at the job chosen in the table
    assert done is not None
    host = _column(dialog, "Job").index("司会")
    assert _column(dialog, "On duty")[host] == busy.name
    assert _column(dialog, "Status")[host] == "enough people"
    assert [w.kind for w in done.warnings] == [duty.DOUBLE]
    # Said once per person, at the first of their jobs that day (受付), naming the other.
    assert f"{busy.name} has another duty that day (司会)" in dialog.warnings.text()
    assert "司会: 1 more needed" not in dialog.warnings.text()
    assert dialog.status.text() == f"{busy.name} is on duty as 司会."
    # Cancelling the picker puts nobody on duty.
    when_open(MemberPickDialog, lambda picker: picker.reject())
    assert dialog.put_on_duty() is None
    assert _column(dialog, "On duty")[host] == busy.name


def test_taking_off_asks_first_and_declining_changes_nothing(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    _choose(dialog, lambda d: bool(d.starts_at) and d.starts_at.date() < date.today())
    _select(dialog, "司会")
    job = dialog.current_job()
    assert job is not None and len(job.people) == 1
    person = job.people[0]
    before = duty.duty_roster(demo_ctx, dialog.event_id)
    seen: list[str] = []
    answer(seen, "Cancel")
    assert dialog.take_off() is False
    assert seen == [f"Take {person.name} off 司会 on {dialog.date.currentText()}?"]
    assert duty.duty_roster(demo_ctx, dialog.event_id) == before
    answer(seen, "Take off")
    assert dialog.take_off() is True
    host = _column(dialog, "Job").index("司会")
    assert _column(dialog, "On duty")[host] == ""
    assert _column(dialog, "Status")[host] == "1 more needed"
    assert dialog.status.text() == f"{person.name} was taken off 司会."
    assert all(
        p.member_id != person.member_id
        for d in duty.duty_roster(demo_ctx, dialog.event_id).dates
        if d.occurrence_id == dialog.current_date().occurrence_id  # type: ignore[union-attr]
        for s in d.slots
        if s.role == "司会"
        for p in s.people
    )


def test_the_jobs_editor_saves_and_refuses_removing_a_filled_job(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    seen: list[str] = []
    still_open: list[bool] = []

    def remove_reception(editor: DutyJobsDialog) -> None:
        editor.table.setCurrentCell(0, 0)
        editor.remove_row()
        answer(seen, "OK")
        editor.save()
        still_open.append(editor.isVisible())
        editor.reject()

    when_open(DutyJobsDialog, remove_reception)
    assert dialog.edit_jobs() is False
    assert len(seen) == 1 and "\n" not in seen[0]
    assert seen[0].startswith("受付 cannot be removed:") and "Take them off first." in seen[0]
    assert still_open == [True]
    assert [r.name for r in duty.duty_roles(demo_ctx, dialog.event_id)] == JOBS

    def add_tea(editor: DutyJobsDialog) -> None:
        editor.add_row("お茶出し", 2)
        editor.move_row(-1)  # above 司会
        needed = editor.table.item(0, 1)
        assert needed is not None
        needed.setData(Qt.ItemDataRole.EditRole, 3)  # 受付 now needs three
        editor.save()

    when_open(DutyJobsDialog, add_tea)
    assert dialog.edit_jobs() is True
    wanted = ["受付", "調理", "会場設営", "片付け", "お茶出し", "司会"]
    assert [(r.name, r.needed) for r in duty.duty_roles(demo_ctx, dialog.event_id)] == list(
        zip(wanted, [3, 3, 2, 2, 2, 1], strict=True)
    )
    assert _column(dialog, "Job") == wanted
    assert dialog.status.text() == "The jobs were saved."


def test_the_usual_jobs_start_a_roster_and_the_people_needed_go_from_0_to_50(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = _dialog(qtbot, demo_ctx, "まちづくり講座 第18講")
    assert dialog.model.rowCount() == 0
    assert dialog.empty.text() == "No jobs yet: choose them with “Set the jobs…”."
    assert dialog.date.count() == 1
    editor = DutyJobsDialog(demo_ctx, dialog.event_id, ())
    qtbot.addWidget(editor)
    editor.add_row("片付け", 4)
    editor.add_usual()
    usual = list(duty.default_roles())
    # The usual jobs are added after the one typed; none is replaced or doubled.
    assert editor.values() == [("片付け", 4)] + [r for r in usual if r[0] != "片付け"]
    editor.add_row("   ")  # a row left without a name is left out
    assert len(editor.values()) == len(usual) + 1
    spin = editor.table.itemDelegateForColumn(1).createEditor(
        editor.table, QStyleOptionViewItem(), QModelIndex()
    )
    assert isinstance(spin, QSpinBox)
    assert (spin.minimum(), spin.maximum()) == (0, duty.MAX_NEEDED) == (0, 50)
    editor.save()
    assert editor.saved is not None and len(editor.saved) == len(usual) + 1


def test_printing_the_month_saves_through_the_guard_and_logs_the_take_out(
    qtbot: QtBot, demo_ctx: Context, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    day = dialog.current_day()
    assert day is not None
    preview = dialog.preview_dialog()
    assert preview is not None
    qtbot.addWidget(preview)
    made = preview.refresh()
    settle(qtbot)
    assert made.succeeded and preview.document.pageCount() >= 1
    assert preview.file_name == f"Duty_roster_{CAFE}_{day.year}-{day.month}.pdf"
    out = tmp_path / "duty.pdf"
    assert preview.save_as(out) == out
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert CAFE in text and "司会" in text
    with demo_ctx.db.transaction() as s:
        logged = [(e.what, e.destination) for e in s.scalars(select(TakeOutLog))]
    assert logged == [("duty roster", str(out))]
    # Saved onto the open database: the guard's one line, nothing written.
    assert demo_ctx.db.path is not None
    before = demo_ctx.db.path.read_bytes()
    seen: list[str] = []
    answer(seen, "OK")
    assert preview.save_as(demo_ctx.db.path) is None
    assert len(seen) == 1 and "open database" in seen[0]
    assert demo_ctx.db.path.read_bytes() == before


def test_a_visitor_reads_the_roster_without_change_or_print_buttons(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    member = accounts.demo_visitor_member(demo_ctx)
    visitor = demo_ctx.with_actor(Actor(accounts.DEMO_VISITOR[0], VISITOR, member))
    view = MainView(visitor)
    qtbot.addWidget(view)
    view.show()
    page = view.pages["events"]
    assert isinstance(page, EventsPage)
    page.select_event(events.resolve_event(visitor, CAFE))
    assert not page.duty_button.isHidden() and page.duty_button.isEnabled()
    dialog = _dialog(qtbot, visitor)
    assert _column(dialog, "Job") == JOBS
    assert any(_column(dialog, "On duty"))
    for button in (
        dialog.assign_button,
        dialog.remove_button,
        dialog.jobs_button,
        dialog.print_button,
    ):
        assert button.isHidden()
    assert dialog.put_on_duty() is None and dialog.take_off() is False
    assert dialog.edit_jobs() is False and dialog.preview_dialog() is None


def test_the_events_page_opens_the_roster_of_the_chosen_event(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    page = EventsPage(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    page.table.clearSelection()
    page.table.setCurrentIndex(QModelIndex())
    assert not page.duty_button.isEnabled()
    page.select_event(events.resolve_event(demo_ctx, CAFE))
    assert page.duty_button.isEnabled() and not page.duty_button.isHidden()
    titles: list[str] = []

    def close(dialog: DutyDialog) -> None:
        titles.append(dialog.windowTitle())
        dialog.accept()

    when_open(DutyDialog, close)
    page.duty_button.click()
    assert titles == [f"Duty roster: {CAFE}"]


def test_a_viewer_has_no_way_in_and_is_refused(qtbot: QtBot, demo_ctx: Context) -> None:
    viewer = demo_ctx.with_actor(Actor(accounts.DEMO_VIEWER[0], VIEWER))
    view = MainView(viewer)
    qtbot.addWidget(view)
    assert "events" not in view.pages
    try:
        DutyDialog(viewer, events.resolve_event(demo_ctx, CAFE))
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a viewer opened the duty roster")


def test_the_duty_windows_fit_a_1366x768_laptop_at_200_percent(
    demo_file: Path, tmp_path: Path
) -> None:
    demo = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, demo)
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-m", "ui.gallery", str(tmp_path / "shots"), "--demo", str(demo)]
        + ["--scales", "200", "--screen", "1366x768", "--language", "ja"]
        + ["--only", "duty,duty_jobs,duty_member"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shots = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(s["name"] for s in shots) == ["duty", "duty_jobs", "duty_member"]
    screen = QRect(0, 0, 1366, 768)
    assert [s["name"] for s in shots if not screen.contains(QRect(*s["frame"]))] == []
    assert {s["name"]: s["clipped"] for s in shots if s["clipped"]} == {}
    assert {s["name"]: s["untranslated"] for s in shots if s["untranslated"]} == {}


def test_the_member_form_lists_the_members_coming_duties(qtbot: QtBot, demo_ctx: Context) -> None:
    from ui.dialogs.member import MemberDialog

    cafe = events.resolve_event(demo_ctx, CAFE)
    coming = [
        d
        for d in duty.duty_roster(demo_ctx, cafe).dates
        if d.starts_at and d.starts_at.date() >= date.today() and d.slots[0].people
    ]
    if not coming:
        return  # the last café of the year is over: nothing is to come
    helper = coming[0].slots[0].people[0]
    form = MemberDialog(demo_ctx, helper.member_id)
    qtbot.addWidget(form)
    text = form.duties_label.text()
    assert text.startswith("Duties to come:\n・")
    assert f"{CAFE} 受付" in text
    assert len(text.splitlines()) <= 10


def test_enter_on_a_job_opens_the_picker_and_escape_closes_it(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = DutyDialog(demo_ctx, events.resolve_event(demo_ctx, CAFE))
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert dialog.focusWidget() is dialog.date
    QTest.keyClick(dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.table
    opened: list[str] = []

    def escape(picker: MemberPickDialog) -> None:
        opened.append(picker.role())
        assert picker.focusWidget() is picker.search
        QTest.keyClick(picker, Qt.Key.Key_Escape)

    when_open(MemberPickDialog, escape)
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened == [dialog.current_job().role]  # type: ignore[union-attr]
    assert dialog.isVisible()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
