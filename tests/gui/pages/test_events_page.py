"""The Events page, the event form, registering, and PDF preview / print / save in the window."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import events, partners
from app.core.context import Context
from app.core.dates import fiscal_year
from app.core.text.kana import reading_sort_key
from db.models import TakeOutLog
from tests.gui.ime import answer_next_message_box, compose, type_text
from tests.gui.waiting import outcome, settle
from ui.dialogs.event import EventDialog
from ui.dialogs.event_register import RegisterDialog
from ui.dialogs.pdf_preview import PdfContent, PdfPreviewDialog
from ui.models.event_table import EventTableModel
from ui.models.registration_table import RegistrationTableModel
from ui.pages.events import EventsPage

EIGHTEEN = "まちづくり講座 第18講"


def _take_outs(ctx: Context) -> list[tuple[str, int, str]]:
    with ctx.db.transaction() as s:
        return [
            (e.what, e.people_count, e.destination)
            for e in s.scalars(select(TakeOutLog).order_by(TakeOutLog.local_seq))
        ]


def _page(qtbot: QtBot, ctx: Context) -> EventsPage:
    page = EventsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.show()
    return page


def test_the_year_list_and_the_registrations_of_the_eighteenth(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    page = _page(qtbot, demo_ctx)
    # The page opens on this fiscal year (the demo's three lectures and café), FY2022 is history.
    assert page.chosen_year() == fiscal_year(date.today())
    assert page.model.rowCount() == 4
    page.year.setCurrentIndex(page.year.findData(2022))
    assert page.chosen_year() == 2022
    assert page.model.rowCount() == 22
    starts = [r.starts_at for r in page.model.rows()]
    assert starts == sorted(s for s in starts if s is not None)
    event_id = events.resolve_event(demo_ctx, EIGHTEEN)
    page.select_event(event_id)
    assert page.current is not None and page.current.id == event_id
    title = page.model.data(page.model.index(page.model.row_of(event_id), 2))
    assert title.startswith(EIGHTEEN)
    regs = page.reg_model.rows()
    assert len(regs) >= 25
    assert [r.sort_key for r in regs] == sorted(reading_sort_key(r.reading) for r in regs)
    assert "Registered 25 of 30" in page.reg_counts.text()
    assert not page.occurrence.isVisible()
    # Kind filter, then a search.
    page.kind.setCurrentIndex(page.kind.findData("lecture"))
    assert page.model.rowCount() == 2
    type_text(page.search, "18講")
    page.refresh()
    assert [r.id for r in page.model.rows()] == [event_id]


def test_a_monthly_event_shows_one_date_at_a_time(qtbot: QtBot, demo_ctx: Context) -> None:
    page = _page(qtbot, demo_ctx)
    cafe_id = events.resolve_event(demo_ctx, "荒川コープカフェ")
    page.select_event(cafe_id)
    assert page.occurrence.isVisible() and page.occurrence.count() == 12
    page.occurrence.setCurrentIndex(2)
    june = page.current_occurrence()
    expected = events.list_registrations(demo_ctx, cafe_id, june)
    assert [r.id for r in page.reg_model.rows()] == [r.id for r in expected]
    assert page.print_buttons["cafe-grid"].isEnabled()


def test_check_in_from_the_panel_and_cancel_moves_up(
    qtbot: QtBot, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.pages.events as page_module

    monkeypatch.setattr(page_module, "confirm", lambda *_args: True)
    event = events.create_event(
        demo_ctx,
        events.EventInput(
            title="小さな学習会",
            kind="study_session",
            starts_at=datetime(2031, 5, 1, 10),
            capacity=1,
        ),
    )
    first = events.register_guest(
        demo_ctx, event.id, events.GuestInput("佐藤 花子", "", "サトウ ハナコ")
    )
    second = events.register_guest(
        demo_ctx, event.id, events.GuestInput("鈴木 茂", "", "スズキ シゲル")
    )
    page = _page(qtbot, demo_ctx)
    page.select_event(event.id)
    page.reg_table.selectRow(page.reg_model.row_of(first.id))
    assert page.check_button.text() == "Check in"
    page.toggle_check_in()
    assert events.registration_counts(demo_ctx, event.id).attended == 1
    page.reg_table.selectRow(page.reg_model.row_of(first.id))
    assert page.check_button.text() == "Undo check-in"
    page.cancel_registration()
    assert events.list_registrations(demo_ctx, event.id)[1].id == second.id
    statuses = {r.id: r.status for r in page.reg_model.rows()}
    assert statuses == {first.id: "cancelled", second.id: "registered"}
    assert "moved up" in page.reg_counts.text()


def test_new_monthly_event_by_keyboard_with_a_partner_and_a_year_of_dates(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    dialog = EventDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.title
    compose(dialog.title, ["あらかわ", "あらかわこーぷかふぇ"], "荒川コープカフェ2024")
    dialog.kind.setCurrentIndex(dialog.kind.findData("community_cafe"))
    dialog.themes.item(list(events.THEMES).index("watch_over")).setCheckState(Qt.CheckState.Checked)
    type_text(dialog.other_themes, "居場所づくり")
    dialog.recurrence.setCurrentIndex(dialog.recurrence.findData(events.MONTHLY))
    assert not dialog.monthly_box.isHidden() and dialog.single_box.isHidden()
    type_text(dialog.rule, "第３水曜日 10:00～12:00")
    dialog.rule_year.setValue(2024)
    assert dialog.make_year_of_dates()
    assert dialog.occurrences.count() == 12
    dialog.occurrences.setCurrentRow(3)
    dialog._toggle_cancel_date()
    type_text(dialog.venue, "東尾久本町通りふれあい館")
    dialog.capacity.setValue(20)
    dialog.fee.setValue(100)
    type_text(dialog.org_pick.lineEdit(), "コープみらい")
    dialog._add_partner()
    assert dialog.partners.count() == 1
    dialog.save()
    assert dialog.saved is not None
    saved = events.get_event(demo_ctx, dialog.saved.id)
    assert saved.title == "荒川コープカフェ2024" and saved.kind == "community_cafe"
    assert saved.themes == ("watch_over", "居場所づくり")
    assert len(saved.occurrences) == 12
    assert saved.occurrences[0].starts_at == datetime(2024, 4, 17, 10, 0)
    assert [o.status for o in saved.occurrences].count(events.CANCELLED) == 1
    assert saved.period_label == "第３水曜日 10:00～12:00"
    assert (saved.capacity, saved.fee_yen) == (20, 100)
    assert [(p.name, p.role) for p in saved.partners] == [("コープみらい", "organiser")]
    # Opened again, the form shows what was saved, and saving unchanged changes nothing.
    again = EventDialog(demo_ctx, saved.id)
    qtbot.addWidget(again)
    assert again.value() == saved.to_input()


def test_refused_event_keeps_the_form_open(
    qtbot: QtBot, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = EventDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    said: list[str] = []
    answer_next_message_box(lambda box: (said.append(box.text()), box.buttons()[0])[1])  # type: ignore[arg-type,return-value]
    dialog.save()
    assert dialog.saved is None and dialog.isVisible()
    assert said == ["An event needs a title."]
    assert events.list_events(ctx) == []


def test_register_a_member_by_kana_and_enter_and_a_guest(qtbot: QtBot, demo_ctx: Context) -> None:
    event = events.create_event(
        demo_ctx,
        events.EventInput(title="学習会", kind="study_session", starts_at=datetime(2031, 5, 1, 10)),
    )
    dialog = RegisterDialog(demo_ctx, event.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    type_text(dialog.search, "たかは")
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.table and dialog.isVisible()
    chosen = dialog.model.member_id(0)
    dialog.register()
    assert dialog.saved is not None and dialog.saved.member_id == chosen
    assert dialog.saved.family_kana == "タカハシ"
    guest = RegisterDialog(demo_ctx, event.id, guest=True)
    qtbot.addWidget(guest)
    guest.show()
    assert guest.focusWidget() is guest.family_name
    compose(guest.family_name, ["ぬまた"], "沼田")
    compose(guest.given_name, ["はな"], "花")
    type_text(guest.contact, "090-0000-1111")
    guest.register()
    assert guest.saved is not None
    assert (guest.saved.name, guest.saved.reading, guest.saved.contact) == (
        "沼田\u3000花",
        "ヌマタ ハナ",
        "090-0000-1111",
    )


def test_preview_print_and_save_the_flyer_and_attendance_sheet(
    qtbot: QtBot, demo_ctx: Context, tmp_path: Path
) -> None:
    page = _page(qtbot, demo_ctx)
    page.select_event(events.resolve_event(demo_ctx, EIGHTEEN))
    flyer = page.make_preview("flyer")
    assert flyer is not None
    qtbot.addWidget(flyer)
    settle(qtbot)
    assert flyer.document.pageCount() == 1
    assert flyer.current_choice() == "clean"
    flyer.template.setCurrentIndex(flyer.template.findData("poster"))
    settle(qtbot)
    assert flyer.content is not None and b"%PDF" in flyer.content.data[:8]
    saved = flyer.save_as(tmp_path / "flyer")
    assert saved == tmp_path / "flyer" and "共感から" in PdfReader(saved).pages[0].extract_text()
    assert _take_outs(demo_ctx) == []  # a flyer names nobody
    sheet = page.make_preview("attendance")
    assert sheet is not None
    qtbot.addWidget(sheet)
    settle(qtbot)
    pages = sheet.document.pageCount()
    assert pages >= 2
    out = tmp_path / "attendance.pdf"
    assert sheet.save_as(out) == out
    assert len(PdfReader(out).pages) == pages
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert outcome(qtbot, sheet.print_pdf(printer))
    assert len(PdfReader(printed).pages) == pages
    logged = _take_outs(demo_ctx)
    people = len(events.list_registrations(demo_ctx, page.current.id, include_cancelled=False))  # type: ignore[union-attr]
    assert [(n, d) for _w, n, d in logged] == [
        (people, str(out)),
        (people, f"printer: {printed}"),
    ]


def test_pdf_is_made_off_the_gui_thread_and_warnings_are_shown(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from reportlab.pdfgen.canvas import Canvas

    target = tmp_path / "two.pdf"
    canvas = Canvas(str(target))
    canvas.drawString(100, 700, "one")
    canvas.showPage()
    canvas.drawString(100, 700, "two")
    canvas.save()
    threads: list[str] = []

    def make(choice: str) -> PdfContent:
        threads.append(threading.current_thread().name)
        return PdfContent(target.read_bytes(), [f"missing 🍙 ({choice})"])

    outputs: list[str] = []
    dialog = PdfPreviewDialog("Test", make, choices={"a": "A", "b": "B"}, on_output=outputs.append)
    qtbot.addWidget(dialog)
    assert outcome(qtbot, dialog.refresh())
    assert threads and threads[0] != threading.main_thread().name
    assert dialog.document.pageCount() == 2 and dialog.pages_label.text() == "2 pages"
    assert "🍙 (a)" in dialog.warnings_label.text() and not dialog.warnings_label.isHidden()
    dialog.template.setCurrentIndex(1)
    settle(qtbot)
    assert "(b)" in dialog.warnings_label.text()
    assert dialog.save_as(tmp_path / "copy.pdf") == tmp_path / "copy.pdf"
    assert outputs == [str(tmp_path / "copy.pdf")]


def test_item_models_pass_the_model_tester(qtmodeltester: ModelTester, demo_ctx: Context) -> None:
    model = EventTableModel()
    model.set_rows(events.list_events(demo_ctx))
    qtmodeltester.check(model)
    model.set_rows(events.list_events(demo_ctx, 2030))
    qtmodeltester.check(model)
    regs = RegistrationTableModel()
    regs.set_rows(
        events.list_registrations(
            demo_ctx, events.resolve_event(demo_ctx, EIGHTEEN), include_cancelled=True
        )
    )
    qtmodeltester.check(regs)
    assert partners.list_lecturers(demo_ctx)


def test_checking_in_at_an_event_that_has_ended_asks_first(
    qtbot: QtBot, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.pages.events as page_module

    asked: list[str] = []
    answer = [False]

    def ask(_parent: object, title: str, question: str, _yes: str) -> bool:
        asked.append(question)
        return answer[0]

    monkeypatch.setattr(page_module, "confirm", ask)
    lecture = events.resolve_event(demo_ctx, "まちづくり講座 第18講")
    page = _page(qtbot, demo_ctx)
    page.select_event(lecture)
    waiting = next(r for r in page.reg_model.rows() if not r.attended)
    page.reg_table.selectRow(page.reg_model.row_of(waiting.id))
    page.toggle_check_in()
    assert len(asked) == 1 and "Mon 20 Jun 2022" in asked[0]
    assert not next(
        r for r in events.list_registrations(demo_ctx, lecture) if r.id == waiting.id
    ).attended
    answer[0] = True
    page.reg_table.selectRow(page.reg_model.row_of(waiting.id))
    page.toggle_check_in()
    done = next(r for r in events.list_registrations(demo_ctx, lecture) if r.id == waiting.id)
    assert done.attended and done.checked_in_at is not None
    assert done.checked_in_at.date() == date(2022, 6, 20)  # the event's own day
    # Asked once for that event, not for every person.
    page.reg_table.selectRow(page.reg_model.row_of(waiting.id))
    page.toggle_check_in()  # undo: no question
    assert len(asked) == 2


def test_a_new_event_starts_at_the_time_its_kind_usually_does(qtbot: QtBot, ctx: Context) -> None:
    from datetime import datetime as _dt

    from app import events as ev
    from ui.dialogs.event import EventDialog

    for day in (3, 10, 17):
        ev.create_event(
            ctx,
            ev.EventInput(
                title="カフェ",
                kind="community_cafe",
                starts_at=_dt(2026, 11, day, 10, 0),
                ends_at=_dt(2026, 11, day, 12, 0),
            ),
        )
    dialog = EventDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("community_cafe"))
    assert dialog.starts_at.dateTime().time().toString("HH:mm") == "10:00"
    assert dialog.ends_at.time().toString("HH:mm") == "12:00"
    dialog.kind.setCurrentIndex(dialog.kind.findData("lecture"))
    # No lecture yet: the chapter's commonest time (its cafés), never the clock's hour.
    assert dialog.starts_at.dateTime().time().toString("HH:mm") == "10:00"
