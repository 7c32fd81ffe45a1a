"""Likely duplicates in the window: the pair is listed with its reasons, merged after asking,
and the merge undone straight after (issue 16.1)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.context import Actor, Context
from app.roster import members
from app.roster.members import MemberInput
from tests.gui.ime import answer_next_message_box
from ui.dialogs.duplicates import DuplicatesDialog
from ui.pages.members import MembersPage


def _pair(ctx: Context) -> tuple[str, str]:
    keep = members.add_member(
        ctx,
        MemberInput(family_name="渡辺", given_name="幸子", family_kana="ワタナベ",
                    given_kana="サチコ", phone="03-1234-5678", member_number="1001"),
    ).id  # fmt: skip
    other = members.add_member(
        ctx,
        MemberInput(family_name="渡邊", given_name="幸子", family_kana="ワタナベ",
                    given_kana="サチコ", phone="03-1234-5678"),
    ).id  # fmt: skip
    return keep, other


def _open(qtbot: QtBot, ctx: Context) -> DuplicatesDialog:
    dialog = DuplicatesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1, timeout=10_000)
    return dialog


def test_a_pair_is_listed_with_its_reasons_and_merged_only_after_asking(
    qtbot: QtBot, ctx: Context
) -> None:
    keep, other = _pair(ctx)
    dialog = _open(qtbot, ctx)
    pair = dialog.selected()
    assert pair is not None and (pair.first.id, pair.second.id) == (keep, other)
    assert pair.reasons_text and "1001" in dialog.model.data(dialog.model.index(0, 1))
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole
        )
    )
    assert not dialog.merge_selected()
    assert len(members.list_members(ctx)) == 2

    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
        )
    )
    assert dialog.merge_selected()
    assert [m.id for m in members.list_members(ctx)] == [keep]
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert "No likely duplicates" in dialog.count.text()
    assert not dialog.undo_bar.isHidden() and "渡邊" in dialog.undo_label.text()
    dialog.undo()
    assert sorted(m.id for m in members.list_members(ctx)) == sorted([keep, other])
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)


def test_the_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, ctx: Context
) -> None:
    _pair(ctx)
    dialog = _open(qtbot, ctx)
    qtmodeltester.check(dialog.model)


def test_only_a_coordinator_is_offered_the_list(qtbot: QtBot, ctx: Context) -> None:
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    assert not page.duplicates_button.isHidden()
    # A viewer has no Members page at all; a visitor reads the roster but merges nothing.
    visitor = MembersPage(ctx.with_actor(Actor(name="x", role="visitor")))
    qtbot.addWidget(visitor)
    assert visitor.duplicates_button.isHidden()
