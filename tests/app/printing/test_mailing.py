"""Who a mailing reaches (consent, retired, households, an event's guests) and its take-out log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import events
from app.core.context import VIEWER, VISITOR, Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.printing import mailing
from app.roster import members
from db.models import TakeOutLog


def _member(ctx: Context, family: str, given: str, address: str, **kw: object) -> str:
    data = members.MemberInput(
        family_name=family,
        given_name=given,
        family_kana="ヤマダ" if family == "山田" else "スズキ",
        given_kana={"太郎": "タロウ", "花子": "ハナコ"}.get(given, "イチロウ"),
        postal_code=str(kw.pop("postal_code", "160-0023")),
        address=address,
        consent_contact=bool(kw.pop("consent", True)),
    )
    return members.add_member(ctx, data).id


@pytest.fixture
def roster(ctx: Context) -> dict[str, str]:
    ids = {
        "taro": _member(ctx, "山田", "太郎", "東京都新宿区西新宿2-8-1"),
        "hanako": _member(ctx, "山田", "花子", "東京都新宿区西新宿２－８－１"),
        "ichiro": _member(ctx, "鈴木", "一郎", "東京都新宿区西新宿3-1-1"),
        "noconsent": _member(ctx, "鈴木", "二郎", "東京都新宿区西新宿4-1-1", consent=False),
        "noaddress": _member(ctx, "鈴木", "三郎", "", postal_code=""),
        "retired": _member(ctx, "鈴木", "四郎", "東京都新宿区西新宿5-1-1"),
    }
    members.retire_member(ctx, ids["retired"])
    return ids


def test_only_consenting_active_members_with_an_address(
    ctx: Context, roster: dict[str, str]
) -> None:
    chosen = mailing.select_recipients(ctx)
    assert chosen.people == 3 and len(chosen.pieces) == 3
    reasons = {p.name: p.reason for p in chosen.left_out}
    assert reasons == {"鈴木\u3000二郎": mailing.NO_CONSENT, "鈴木\u3000三郎": mailing.NO_ADDRESS}
    # A retired member is never on a mailing, and not even counted as left out of "all".
    assert "鈴木\u3000四郎" not in reasons


def test_per_household_joins_names_at_one_address(ctx: Context, roster: dict[str, str]) -> None:
    chosen = mailing.select_recipients(ctx, per_household=True)
    assert chosen.people == 3 and len(chosen.pieces) == 2
    yamada = next(p for p in chosen.pieces if len(p.names) == 2)
    assert [n.given for n in yamada.names] == ["太郎", "花子"]


def test_hand_picked_retired_member_is_left_out_with_reason(
    ctx: Context, roster: dict[str, str]
) -> None:
    chosen = mailing.select_recipients(ctx, member_ids=[roster["retired"], roster["ichiro"]])
    assert chosen.people == 1
    assert [(p.reason) for p in chosen.left_out] == [mailing.RETIRED]


def test_event_registrants_guests_left_out(ctx: Context, roster: dict[str, str]) -> None:
    event = events.create_event(
        ctx,
        events.EventInput(title="地域カフェ", kind="lecture", starts_at=datetime(2030, 1, 5, 10)),
    )
    events.register_member(ctx, event.id, roster["taro"])
    events.register_guest(ctx, event.id, events.GuestInput(family_name="佐藤", given_name="光"))
    chosen = mailing.select_recipients(ctx, event_id=event.id)
    assert chosen.people == 1
    assert [p.reason for p in chosen.left_out] == [mailing.GUEST]


def _take_outs(ctx: Context) -> int:
    with ctx.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(TakeOutLog)) or 0)


def test_a_written_print_is_a_take_out_and_a_refused_one_writes_nothing(
    ctx: Context, roster: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "labels.pdf"
    done = mailing.print_labels(ctx, out, per_household=True, start=3)
    assert out.read_bytes().startswith(b"%PDF") and done.pages == 1
    assert _take_outs(ctx) == 1
    with pytest.raises(UserError):
        mailing.print_labels(ctx, tmp_path / "x.pdf", layout="7")
    with pytest.raises(UserError):  # no return address stored yet
        mailing.print_postcards(ctx, tmp_path / "p.pdf", sender=True)
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "p.pdf").exists()
    assert _take_outs(ctx) == 1
    mailing.set_return_address(ctx, postal_code="116-0002", address="東京都荒川区南千住6-1-1")
    mailing.print_postcards(ctx, tmp_path / "p.pdf", sender=True, per_household=True)
    assert _take_outs(ctx) == 2
    with pytest.raises(UserError):
        mailing.set_return_address(ctx, postal_code="12-34")


@pytest.mark.parametrize("role", [VISITOR, VIEWER])
def test_visitors_and_viewers_may_not_print_mailings(
    ctx: Context, roster: dict[str, str], tmp_path: Path, role: str
) -> None:
    acting = ctx.with_actor(Actor("someone", role, roster["taro"] if role == VISITOR else None))
    for call in (
        lambda: mailing.print_labels(acting, tmp_path / "l.pdf"),
        lambda: mailing.print_postcards(acting, tmp_path / "p.pdf"),
        lambda: mailing.print_roster(acting, tmp_path / "r.pdf"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not list(tmp_path.glob("*.pdf"))
    assert _take_outs(ctx) == 0


def test_call_list_of_an_event_with_members_and_guests(
    ctx: Context, roster: dict[str, str], tmp_path: Path
) -> None:
    event = events.create_event(
        ctx,
        events.EventInput(title="地域カフェ", kind="lecture", starts_at=datetime(2030, 1, 5, 10)),
    )
    members.update_member(
        ctx,
        roster["taro"],
        members.MemberInput(
            family_name="山田",
            given_name="太郎",
            family_kana="ヤマダ",
            given_kana="タロウ",
            phone="03-1234-5678",
            consent_contact=True,
        ),
    )
    events.register_member(ctx, event.id, roster["taro"])
    events.register_guest(
        ctx,
        event.id,
        events.GuestInput(family_name="佐藤", given_name="光", contact="090-1111-2222"),
    )
    out = tmp_path / "calls.pdf"
    done = mailing.print_call_list(ctx, event.id, out)
    text = out.read_bytes()
    assert done.pages == 1 and text.startswith(b"%PDF")
    from pypdf import PdfReader

    page = PdfReader(out).pages[0].extract_text()
    assert "03-1234-5678" in page and "090-1111-2222" in page
    assert _take_outs(ctx) == 1
    visitor = ctx.with_actor(Actor("v", VISITOR, roster["taro"]))
    with pytest.raises(PermissionDenied):
        mailing.print_call_list(visitor, event.id, tmp_path / "v.pdf")


def test_a_return_address_with_control_marks_or_too_long_is_refused(ctx: Context) -> None:
    with pytest.raises(UserError):
        mailing.set_return_address(ctx, address="東京都\u202e荒川区")
    with pytest.raises(UserError):
        mailing.set_return_address(ctx, name="あ" * 500)
    assert mailing.return_address(ctx).address == ""  # nothing stored by either
