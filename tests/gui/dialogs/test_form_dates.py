"""The member and event forms take dates as people type them (era or western), times too."""

from __future__ import annotations

from datetime import date, datetime

from pytestqt.qtbot import QtBot

from app.core.context import Context
from app.roster import members
from tests.gui.ime import answer_next_message_box
from ui.dialogs.event import EventDialog
from ui.dialogs.member import MemberDialog


def test_member_joined_in_the_era_and_a_bad_date_refused(qtbot: QtBot, ctx: Context) -> None:
    dialog = MemberDialog(ctx, None)
    qtbot.addWidget(dialog)
    dialog.names.set_values("山田", "花子", "ヤマダ", "ハナコ")
    dialog.joined_on.edit.setText("R3.4.1")
    assert dialog.value().joined_on == date(2021, 4, 1)
    dialog.joined_on.edit.setText("令和三十三月")
    messages: list[str] = []
    answer_next_message_box(lambda box: (messages.append(box.text()), box.buttons()[0])[1])
    dialog.save()
    assert dialog.saved is None and messages  # refused in one message, nothing saved
    assert members.list_members(ctx) == []


def test_event_date_and_times_typed(qtbot: QtBot, ctx: Context) -> None:
    dialog = EventDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.title.setText("まちづくり講座 第22講")
    dialog.starts_at.date_field.edit.setText("令和9年1月20日")
    dialog.starts_at.time_field.setText("午後1時半")
    dialog.ends_at.setText("1530")
    made = dialog.value()
    assert made.starts_at == datetime(2027, 1, 20, 13, 30)
    assert made.ends_at == datetime(2027, 1, 20, 15, 30)
