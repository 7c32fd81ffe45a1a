"""Synced columns in plain words: every column labelled, bookkeeping hidden, values readable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import i18n
from app.core.context import Context
from app.sync import exchange, labels
from app.sync.labels import Lookups, field_label, field_value, hidden_field
from app.sync.rows import TABLES, content_columns, travelling_columns
from db.models import Member, Visit, WatchedPerson
from tests.app.sync.conftest import World, add, edit

SYNCED = [(t, c) for t, table in TABLES.items() for c in travelling_columns(table)]
SHOWN = [
    (t, c) for t, table in TABLES.items() for c in content_columns(table) if not hidden_field(c)
]
SNAKE = re.compile(r"[a-z]+_[a-z_]+")


@pytest.fixture
def japanese() -> Iterator[None]:
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def conflict_of(world: World, name: str) -> tuple[Context, exchange.ConflictDetail]:
    """The one open conflict after a round trip, and the database that holds it."""
    chapter = world.chapters[name]
    owner = chapter if exchange.list_conflicts(chapter) else world.hq
    [view] = exchange.list_conflicts(owner)
    return owner, exchange.conflict_detail(owner, view.id)


# --- labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "column"), SHOWN)
def test_every_column_a_person_may_see_has_a_written_label(table: str, column: str) -> None:
    assert labels.explicit_label(table, column), f"{table}.{column} has no label in FIELDS"


def test_the_label_tables_name_only_columns_that_exist() -> None:
    assert set(labels.FIELDS) == set(TABLES)
    for table, pairs in labels.FIELDS.items():
        columns = [c for c, _label in pairs]
        assert len(columns) == len(set(columns)), table
        assert set(columns) <= set(content_columns(TABLES[table])), table
        assert not any(hidden_field(c) for c in columns), table
    for (table, column), codes in labels.CODES.items():
        assert column in TABLES[table].columns and codes, (table, column)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_label_is_a_column_name(language: str) -> None:
    i18n.set_language(language)
    for table, column in SYNCED:
        label = field_label(table, column)
        assert label and "_" not in label and label != column, (table, column, label)
        assert not SNAKE.search(label), (table, column, label)


def test_labels_reuse_the_forms_wording_and_translations(japanese: None) -> None:
    assert field_label("members", "postal_code") == "郵便番号"
    assert field_label("members", "family_kana") == "フリガナ（姓）"
    assert field_label("watched_persons", "given_kana") == "フリガナ（名）"
    assert field_label("members", "member_number") == "組合員番号"
    assert field_label("visits", "visitor_member_id") == "訪問者"


def test_bookkeeping_and_derived_columns_are_hidden() -> None:
    for column in ("id", "chapter_id", "version", "local_seq", "seen_version"):
        assert hidden_field(column)
    assert hidden_field("reading_key") and hidden_field("search_text")
    for column in ("family_name", "family_kana", "postal_code", "deleted", "member_id", "note"):
        assert not hidden_field(column)


def test_a_column_without_a_label_still_reads_as_words() -> None:
    assert field_label("members", "favourite_colour") == "Favourite colour"
    assert field_label("members", "sponsor_member_id") == "Sponsor member"
    assert field_label("no_such_table", "x_y") == "X y"
    assert labels.field_order("members", "favourite_colour")[0] == 1


def test_names_come_first_and_deleted_last() -> None:
    order = sorted(
        content_columns(TABLES["members"]), key=lambda c: labels.field_order("members", c)
    )
    assert order[:4] == ["family_name", "given_name", "family_kana", "given_kana"]
    assert order[-1] == "deleted"
    events = sorted(
        content_columns(TABLES["events"]), key=lambda c: labels.field_order("events", c)
    )
    assert events[0] == "title"


# --- values ------------------------------------------------------------------------------------


def test_values_read_the_way_the_app_shows_them() -> None:
    assert field_value("members", "joined_on", "2023-04-01") == "Sat 1 Apr 2023"
    assert field_value("members", "joined_on", date(2023, 4, 1)) == "Sat 1 Apr 2023"
    assert field_value("visits", "visited_at", "2024-06-10T10:30:00") == "Mon 10 Jun 2024 10:30"
    assert field_value("members", "consent_photo", True) == "yes"
    assert field_value("members", "consent_photo", False) == "no"
    assert field_value("members", "roles", ["coordinator", "visitor"]) == (
        "Coordinator, Watch-over visitor"
    )
    assert field_value("events", "themes", ["disaster", "防災", "自由なテーマ"]) == (
        "Disaster preparedness, Disaster preparedness, 自由なテーマ"
    )
    assert field_value("events", "kind", "food_drive") == "Food drive"
    assert field_value("events", "kind", "something_new") == "something_new"  # as stored
    assert field_value("events", "fee_yen", 0) == "Free"
    assert field_value("events", "fee_yen", 500) == "500 yen"
    assert field_value("events", "quantity_value", 12.0) == "12"
    assert field_value("watched_persons", "household", "alone") == "Living alone"
    assert field_value("watched_persons", "visit_interval_days", 14) == "every 14 days"
    assert field_value("members", "phone", None) == ""
    assert field_value("members", "phone", "03-1234-5678") == "03-1234-5678"
    contacts = [{"name": "田中花子", "relation": "長女", "phone": "090-1111-2222"}]
    assert field_value("watched_persons", "emergency_contacts", contacts) == (
        "田中花子 (長女) 090-1111-2222"
    )
    assert field_value("visits", "signs", ["mail_piling"], Lookups(signs={"mail_piling": "郵便"}))
    assert field_value("visits", "signs", ["x", "y"]) == "x, y"


def test_values_in_japanese(japanese: None) -> None:
    assert field_value("members", "joined_on", "2023-04-01") == "令和5年4月1日(土)"
    assert field_value("visits", "visited_at", "2024-06-10T10:30:00") == "令和6年6月10日(月) 10:30"
    assert field_value("members", "consent_photo", True) == "はい"
    assert field_value("events", "themes", ["disaster", "welfare"]) == "防災、福祉"
    contacts = [{"name": "田中花子", "relation": "長女", "phone": "090-1111-2222"}]
    assert field_value("watched_persons", "emergency_contacts", contacts) == (
        "田中花子（長女） 090-1111-2222"
    )


def test_a_reference_is_a_name_never_an_id() -> None:
    found = Lookups(records={"m-1": "山田\u3000花子"})
    assert field_value("visits", "visitor_member_id", "m-1", found) == "山田\u3000花子"
    assert field_value("visits", "visitor_member_id", "m-2", found) == "(not on this computer)"
    assert field_value("visits", "visitor_member_id", None, found) == ""


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@given(st.sampled_from(SYNCED), JSONISH)
def test_any_value_of_any_column_becomes_text(where: tuple[str, str], value: Any) -> None:
    table, column = where
    assert isinstance(field_value(table, column, value), str)


# --- a real conflict --------------------------------------------------------------------------


def test_a_visit_conflict_reads_with_names_and_without_bookkeeping(world: World) -> None:
    arakawa = world.chapters["荒川"]
    person = add(arakawa, WatchedPerson, family_name="大川", given_name="トメ")
    yamada = add(arakawa, Member, family_name="山田", given_name="花子")
    sato = add(arakawa, Member, family_name="佐藤", given_name="一郎")
    visit = add(
        arakawa,
        Visit,
        person_id=person,
        visitor_member_id=yamada,
        visited_at=datetime(2024, 6, 10, 10, 30),
        signs=["mail_piling"],
        notes="元気",
    )
    world.sync("荒川")
    edit(arakawa, Visit, visit, visitor_member_id=sato, notes="chapter")  # earlier
    edit(world.hq, Visit, visit, notes="headquarters")  # later: wins
    world.sync("荒川")
    owner, detail = conflict_of(world, "荒川")
    readable = labels.readable_conflict(owner, detail)
    assert readable.title == "大川\u3000トメ Mon 10 Jun 2024 10:30"
    assert detail.row_id not in readable.title
    shown = readable.fields
    by_label = {f.label: f for f in shown}
    assert [f.label for f in shown][:3] == ["Person under watch", "When", "Visitor"]
    assert by_label["Person under watch"].kept == "大川\u3000トメ"
    assert by_label["Visitor"].kept == "山田\u3000花子"
    assert by_label["Visitor"].other == "佐藤\u3000一郎" and by_label["Visitor"].differs
    assert by_label["Notes"].differs and not by_label["When"].differs
    assert by_label["When"].kept == "Mon 10 Jun 2024 10:30"
    assert by_label["Signs"].kept == "Newspapers or mail piling up"
    assert not {"Deleted", "Record id"} & set(by_label)
    columns = {f.column for f in shown}
    assert not columns & labels.HIDDEN_COLUMNS and "deleted" not in columns
    with owner.db.transaction() as s:
        row = s.get(Visit, visit)
        assert row is not None
        values = {c: getattr(row, c) for c in TABLES["visits"].columns.keys()}
        assert labels.record_title(s, "visits", values) == "大川\u3000トメ Mon 10 Jun 2024 10:30"
        assert labels.record_title(s, "members", {"family_name": "山田"}) == "山田"
        assert labels.record_title(s, "take_out_log", {}) == ""


def test_deleted_is_shown_only_when_the_versions_disagree(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="鈴木", note="")
    world.sync("荒川")
    edit(arakawa, Member, m, note="chapter")  # earlier
    edit(world.hq, Member, m, deleted=True)  # later: wins
    world.sync("荒川")
    owner, detail = conflict_of(world, "荒川")
    readable = labels.readable_conflict(owner, detail)
    assert readable.title == "鈴木"
    shown = readable.fields
    assert shown[-1].label == "Deleted" and (shown[-1].kept, shown[-1].other) == ("yes", "no")
    assert shown[0].label == "Family name"
