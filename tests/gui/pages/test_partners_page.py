"""The Partners page: organisations and lecturers found, added, edited and kept while in use."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import partners
from app.core.context import Context
from tests.gui.ime import answer_next_message_box, compose, type_text
from ui.dialogs.partner import LecturerDialog, OrganisationDialog
from ui.models.partner_table import LecturerTableModel, OrganisationTableModel
from ui.pages.partners import PartnersPage


def test_directories_of_the_demo_are_listed_and_searched(qtbot: QtBot, demo_ctx: Context) -> None:
    page = PartnersPage(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    orgs = page.organisations
    assert orgs.model.rowCount() == len(partners.list_organisations(demo_ctx)) >= 17
    type_text(orgs.search, "社会福祉")
    orgs.refresh()
    assert {o.name for o in orgs.model.rows()} == {"北区社会福祉協議会", "品川区社会福祉協議会"}
    page.tabs.setCurrentIndex(1)
    lecturers = page.lecturers
    assert lecturers.model.rowCount() == 9
    assert "フードバンク昭島代表" in [
        lecturers.model.data(lecturers.model.index(r, 2)) for r in range(9)
    ]


def test_new_organisation_and_lecturer_by_keyboard(qtbot: QtBot, ctx: Context) -> None:
    dialog = OrganisationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    compose(dialog.name, ["きたくしゃかいふくしきょうぎかい"], "北区社会福祉協議会")
    assert dialog.kana.text() == "キタクシャカイフクシキョウギカイ"
    dialog.kind.setCurrentIndex(dialog.kind.findData("social_welfare_council"))
    type_text(dialog.phone, "03-1000-0000")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.kind == "social_welfare_council"
    lecturer = LecturerDialog(ctx)
    qtbot.addWidget(lecturer)
    lecturer.show()
    compose(lecturer.family_name, ["おはら"], "小原")
    compose(lecturer.given_name, ["そういち"], "宗一")
    lecturer.organisation.setCurrentIndex(lecturer.organisation.findData(dialog.saved.id))
    lecturer.save()
    assert lecturer.saved is not None
    assert (lecturer.saved.full_kana, lecturer.saved.affiliation_text) == (
        "オハラ ソウイチ",
        "北区社会福祉協議会",
    )
    again = LecturerDialog(ctx, lecturer.saved.id)
    qtbot.addWidget(again)
    assert again.value() == partners.LecturerInput(
        family_name="小原",
        given_name="宗一",
        family_kana="オハラ",
        given_kana="ソウイチ",
        organisation_id=dialog.saved.id,
    )


def test_an_entry_in_use_stays_after_asking(
    qtbot: QtBot, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.pages.partners as page_module

    asked: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(
        page_module, "confirm", lambda _p, _t, question, _y: asked.append(question) or True
    )
    page = PartnersPage(demo_ctx)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(1)
    tab = page.lecturers
    tab.table.selectRow(0)
    answer_next_message_box(lambda box: (errors.append(box.text()), box.buttons()[0])[1])  # type: ignore[arg-type,return-value]
    tab.remove()
    assert asked and tab.model.rowCount() == 9
    assert errors and "stays in the directory" in errors[0]
    page.tabs.setCurrentIndex(0)
    unused = partners.add_organisation(demo_ctx, partners.OrganisationInput(name="使わない会"))
    page.organisations.refresh()
    page.organisations.select(unused.id)
    page.organisations.remove()
    assert unused.id not in [o.id for o in page.organisations.model.rows()]


def test_partner_models_pass_the_model_tester(
    qtmodeltester: ModelTester, demo_ctx: Context
) -> None:
    orgs = OrganisationTableModel()
    orgs.set_rows(partners.list_organisations(demo_ctx))
    qtmodeltester.check(orgs)
    lecturers = LecturerTableModel()
    lecturers.set_rows(partners.list_lecturers(demo_ctx))
    qtmodeltester.check(lecturers)
