"""The Members page driven with the keyboard: find by kana, add with IME readings, retire."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.core.context import Context
from app.roster import members
from tests.gui.ime import answer_next_message_box, compose, type_text
from ui.dialogs.member import MemberDialog
from ui.pages.members import MembersPage


def test_search_by_a_few_kana_then_enter_selects_the_first(qtbot: QtBot, demo_ctx: Context) -> None:
    page = MembersPage(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 120
    page.search.setFocus()
    type_text(page.search, "たかは")
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    assert 0 < page.model.rowCount() < 120
    # focusWidget: where the focus goes in this window (offscreen windows are never active)
    assert page.focusWidget() is page.table
    assert page.current_id() == page.model.member_id(0)
    assert page.model.data(page.model.index(0, 1)).startswith("タカハシ")
    assert str(page.model.rowCount()) in page.count_label.text()


def test_new_member_by_keyboard_with_reading_from_the_ime(qtbot: QtBot, ctx: Context) -> None:
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    compose(dialog.family_name, ["や", "やま", "やまだ"], "山田")
    compose(dialog.given_name, ["た", "たろ", "たろう"], "太郎")
    assert (dialog.family_kana.text(), dialog.given_kana.text()) == ("ヤマダ", "タロウ")
    type_text(dialog.postal_code, "1160011")
    dialog.find_address()
    assert dialog.address.text() == "東京都荒川区西尾久"
    type_text(dialog.address, "1-2-3")
    type_text(dialog.phone, "０３－１２３４－５６７８")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = members.get_member(ctx, dialog.saved.id if dialog.saved else "")
    assert (saved.family_name, saved.given_kana) == ("山田", "タロウ")
    assert saved.address == "東京都荒川区西尾久1-2-3"
    assert saved.phone == "03-1234-5678"


def test_refused_input_keeps_the_form_open(qtbot: QtBot, ctx: Context) -> None:
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.email, "no-at-sign")
    compose(dialog.family_name, ["た"], "田")
    answer_next_message_box(lambda box: box.button(QMessageBox.StandardButton.Ok))
    dialog.save()
    assert dialog.isVisible()
    assert members.search_ids(ctx) == []


def test_retire_asks_first_and_can_be_undone(qtbot: QtBot, ctx: Context) -> None:
    member_id = members.add_member(
        ctx, members.MemberInput(family_name="山田", family_kana="ヤマダ")
    ).id
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.table.selectRow(0)
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole
        )
    )
    page.retire_or_reinstate()
    assert members.get_member(ctx, member_id).status == "active"
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
        )
    )
    page.retire_or_reinstate()
    assert members.get_member(ctx, member_id).status == "retired"
    assert page.model.rowCount() == 0
    assert page.undo_bar.isVisible()
    page.undo_button.click()
    assert members.get_member(ctx, member_id).status == "active"
    assert page.model.rowCount() == 1
    QApplication.processEvents()


def test_a_new_member_like_an_existing_one_asks_before_saving_a_second(
    qtbot: QtBot, ctx: Context
) -> None:
    first = members.add_member(
        ctx, members.MemberInput(family_name="髙橋", given_name="花子", family_kana="タカハシ")
    ).id
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    compose(dialog.family_name, ["た"], "高橋")
    compose(dialog.given_name, ["は"], "花子")
    asked: list[str] = []

    def cancel(box: QMessageBox) -> QAbstractButton:
        asked.append(box.text())
        return next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole
        )

    answer_next_message_box(cancel)
    dialog.save()
    assert dialog.isVisible() and members.search_ids(ctx) == [first]
    assert "髙橋" in asked[0]
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
        )
    )
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert len(members.search_ids(ctx)) == 2


def test_an_existing_members_form_shows_their_attendance_history(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    from app.events import attendance

    member_id = next(
        i for i in members.search_ids(demo_ctx) if attendance.member_history(demo_ctx, i).entries
    )
    history = attendance.member_history(demo_ctx, member_id)
    dialog = MemberDialog(demo_ctx, member_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.history_table is not None
    assert dialog.history_table.rowCount() == len(history.entries)
    assert f"FY{history.fiscal_years[0].fiscal_year}" in dialog.history_summary.text()


def test_the_form_keeps_household_and_groups_and_edits_them(qtbot: QtBot, ctx: Context) -> None:
    from app.roster import households

    mid = members.add_member(
        ctx,
        members.MemberInput(
            family_name="山田",
            given_name="花子",
            family_kana="ヤマダ",
            given_kana="ハナコ",
            household="H-1",
        ),
    ).id
    households.tag_members(ctx, [mid], ["3班", "年賀状"])
    dialog = MemberDialog(ctx, mid)
    qtbot.addWidget(dialog)
    assert dialog.household.text() == "H-1" and dialog.tags.text() == "3班、年賀状"
    dialog.save()  # saving an unrelated edit keeps them (it used to clear both)
    assert (members.get_member(ctx, mid).household, members.get_member(ctx, mid).tags) == (
        "H-1",
        ("3班", "年賀状"),
    )
    dialog = MemberDialog(ctx, mid)
    qtbot.addWidget(dialog)
    dialog.tags.setText("年賀状; 配達A")
    dialog.save()
    assert members.get_member(ctx, mid).tags == ("年賀状", "配達A")


def test_groups_and_household_for_a_selection_then_the_list_by_group(
    qtbot: QtBot, ctx: Context
) -> None:
    from PySide6.QtCore import QItemSelectionModel

    from app.roster import households
    from ui.dialogs.groups import GroupsDialog

    ids = [
        members.add_member(
            ctx,
            members.MemberInput(
                family_name="山田", given_name=g, family_kana="ヤマダ", given_kana=k
            ),
        ).id
        for g, k in (("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"))
    ]
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.group_filter.isVisible()  # no groups yet: no empty chooser
    selection = page.table.selectionModel()
    for member_id in ids[:2]:
        selection.select(
            page.model.index(page.model.row_of(member_id), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert set(page.selected_ids()) == set(ids[:2])
    dialog = GroupsDialog(ctx, page.selected_ids(), page)
    qtbot.addWidget(dialog)
    dialog.add.setText("年賀状、3班")
    dialog.set_household.setChecked(True)
    dialog.household.setText("H-9")
    dialog.apply()
    assert dialog.changed == 2
    assert {members.get_member(ctx, i).household for i in ids[:2]} == {"H-9"}
    assert members.get_member(ctx, ids[2]).tags == ()
    page._reload_groups()
    page.group_filter.setCurrentIndex(page.group_filter.findData("年賀状"))
    assert page.model.rowCount() == 2
    # Nothing to change is one line, and nothing changes.
    empty = GroupsDialog(ctx, ids, page)
    qtbot.addWidget(empty)
    answer_next_message_box(lambda box: box.buttons()[0])
    empty.apply()
    assert empty.changed == 0
    assert households.edit_in_bulk(ctx, ids[:1], remove=["3班"]) == 1
    assert members.get_member(ctx, ids[0]).tags == ("年賀状",)


def test_merge_two_selected_asks_naming_both_then_undo(qtbot: QtBot, ctx: Context) -> None:
    from PySide6.QtCore import QItemSelectionModel

    keep = members.add_member(
        ctx, members.MemberInput(family_name="佐藤", given_name="一郎", family_kana="サトウ",
                                 given_kana="イチロウ", phone="03-1234-5678")
    ).id  # fmt: skip
    other = members.add_member(
        ctx, members.MemberInput(family_name="佐藤", given_name="一朗", family_kana="サトウ",
                                 given_kana="イチロウ", email="ichiro@example.jp")
    ).id  # fmt: skip
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.merge_button.isEnabled()
    page.table.setCurrentIndex(page.model.index(page.model.row_of(keep), 0))
    page.table.selectionModel().select(
        page.model.index(page.model.row_of(other), 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert page.merge_button.isEnabled()
    asked: list[str] = []

    def cancel(box: QMessageBox) -> QAbstractButton:
        asked.append(box.text())
        return next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole
        )

    answer_next_message_box(cancel)
    page.merge_button.click()
    assert "佐藤\u3000一郎" in asked[0] and "佐藤\u3000一朗" in asked[0]
    assert page.model.rowCount() == 2
    answer_next_message_box(
        lambda box: next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
        )
    )
    page.merge_button.click()
    assert page.model.rowCount() == 1
    assert members.get_member(ctx, keep).email == "ichiro@example.jp"
    assert page.undo_bar.isVisible()
    page.undo_button.click()
    assert page.model.rowCount() == 2
    assert members.get_member(ctx, keep).email == ""
    assert members.get_member(ctx, other).email == "ichiro@example.jp"
    QApplication.processEvents()
