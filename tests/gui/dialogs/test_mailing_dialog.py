"""The mailing dialog: counts before printing, groups, the event's people, each print made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from app.roster import households, members
from ui.dialogs.mailing import CALL_LIST, LABELS, POSTCARDS, ROSTER, MailingDialog


def _kind(dialog: MailingDialog, kind: str) -> None:
    dialog.what.setCurrentIndex(dialog.what.findData(kind))


def test_counts_groups_and_every_print(qtbot: QtBot, demo_ctx: Context) -> None:
    some = [m.id for m in members.list_members(demo_ctx)[:5]]
    households.tag_members(demo_ctx, some, ["年賀状"])
    dialog = MailingDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    everyone = dialog.summary.text()
    assert everyone and dialog.preview_button.isEnabled()
    item = dialog.groups.item(0)
    assert item.data(Qt.ItemDataRole.UserRole) == "年賀状"
    item.setCheckState(Qt.CheckState.Checked)
    assert dialog.in_groups.isChecked() and dialog.summary.text() != everyone
    assert dialog.recipients is not None and dialog.recipients.people <= 5
    for kind in (LABELS, POSTCARDS, ROSTER):
        _kind(dialog, kind)
        made_kind, content, _people = dialog.make()
        assert made_kind == kind and content.data.startswith(b"%PDF")
    _kind(dialog, LABELS)
    assert dialog.sheet.isVisible() and dialog.start.isVisible()
    _kind(dialog, ROSTER)
    assert not dialog.sheet.isVisible()


def test_from_an_event_offers_its_registrants_and_the_call_list(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    listed = [e for e in events.list_events(demo_ctx) if e.registered]
    event = listed[0]
    dialog = MailingDialog(demo_ctx, event_id=event.id, event_title=event.title)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.registrants.isChecked()
    _kind(dialog, CALL_LIST)
    kind, content, people = dialog.make()
    assert kind == CALL_LIST and content.data.startswith(b"%PDF") and people > 0


def test_members_chosen_in_the_list(qtbot: QtBot, demo_ctx: Context) -> None:
    consenting = [m.id for m in members.list_members(demo_ctx) if m.consent_contact][:3]
    dialog = MailingDialog(demo_ctx, member_ids=consenting)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.chosen.isChecked() and "3" in dialog.chosen.text()
    dialog.per_household.setChecked(False)
    assert dialog.recipients is not None and dialog.recipients.people == 3
    kind, content, people = dialog.make()
    assert kind == LABELS and people == 3 and content.data.startswith(b"%PDF")
