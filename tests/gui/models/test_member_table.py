"""The member list model: valid for Qt, gojūon order, smooth blocks at any size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.core.context import Context
from app.core.text.kana import reading_sort_key
from app.roster import members
from ui.models.member_table import BLOCK, MemberTableModel


def make_model(ctx: Context) -> MemberTableModel:
    model = MemberTableModel(
        lambda q, r: members.search_ids(ctx, q, r), lambda ids: members.rows_for(ctx, ids)
    )
    model.refresh()
    return model


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, demo_ctx: Context) -> None:
    model = make_model(demo_ctx)
    qtmodeltester.check(model)
    model.refresh("たかはし")
    qtmodeltester.check(model)


def test_rows_are_in_gojuon_order_and_searchable(demo_ctx: Context) -> None:
    model = make_model(demo_ctx)
    assert model.rowCount() == 120
    readings = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    keys = [reading_sort_key(k) for k in readings]
    assert keys == sorted(keys)
    model.refresh("ﾀｶﾊｼ")
    assert model.rowCount() > 0
    assert all(
        model.data(model.index(r, 1)).startswith("タカハシ") for r in range(model.rowCount())
    )


def test_rows_are_fetched_a_block_at_a_time(ctx: Context) -> None:
    for n in range(BLOCK * 2 + 5):
        members.add_member(
            ctx, members.MemberInput(family_name=f"会員{n:04d}", family_kana=f"カイイン{n:04d}")
        )
    fetched: list[int] = []

    def fetch(ids: list[str]) -> list[members.MemberRow]:
        fetched.append(len(ids))
        return members.rows_for(ctx, ids)

    model = MemberTableModel(lambda q, r: members.search_ids(ctx, q, r), fetch)
    model.refresh()
    assert fetched == []
    assert model.data(model.index(BLOCK * 2 + 4, 0)) == "会員0404"
    assert fetched == [5]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) == model.member_id(0)
    assert model.data(model.index(1, 0)) == "会員0001"
    assert fetched == [5, BLOCK]
