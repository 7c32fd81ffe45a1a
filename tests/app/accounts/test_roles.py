"""Least privilege in the services: what a visitor and a viewer may see and print, each
permission named once in a typed set and checked somewhere, and every refusal audited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import accounts, events
from app.core.context import (
    COORDINATOR,
    PERMISSIONS,
    ROLES,
    VIEWER,
    VISITOR,
    Actor,
    Context,
    Permission,
)
from app.core.errors import PermissionDenied
from app.printing import events as event_print
from app.roster import members
from app.roster.members import MemberInput
from app.storage.audit import read_audit
from db.models import AuditEntry, Member, TakeOutLog

ROOT = Path(__file__).resolve().parents[3]
EIGHTEEN = "まちづくり講座 第18講"


def _visitor(ctx: Context) -> Context:
    member = accounts.demo_visitor_member(ctx)
    assert member is not None
    return ctx.with_actor(Actor("visitor", VISITOR, member))


def _viewer(ctx: Context) -> Context:
    return ctx.with_actor(Actor("viewer", VIEWER))


def _count(ctx: Context, model: type[AuditEntry] | type[TakeOutLog]) -> int:
    with ctx.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _denials(ctx: Context) -> list[tuple[str, str, str, str]]:
    with ctx.db.transaction() as s:
        return [
            (e.user_name, e.entity, e.entity_id, e.detail)
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
        ]


# --- the table itself ----------------------------------------------------------------------


def test_every_grant_names_a_real_permission_and_every_role_has_a_row() -> None:
    assert set(PERMISSIONS) == set(ROLES)
    for granted in PERMISSIONS.values():
        assert all(isinstance(p, Permission) for p in granted)
    assert PERMISSIONS[COORDINATOR] == frozenset(Permission)
    assert PERMISSIONS[VIEWER] == {Permission.REPORTS_READ}
    assert Permission.ROSTER_CONTACT not in PERMISSIONS[VISITOR]
    assert Permission.EVENTS_PEOPLE not in PERMISSIONS[VISITOR]


def test_every_permission_is_checked_somewhere_in_app() -> None:
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "app").rglob("*.py")
        if p.name != "context.py"
    )
    used = set(re.findall(r"Permission\.([A-Z_]+)", sources))
    assert used == {p.name for p in Permission}
    # No permission is asked for by its bare string any more (a typo would pass unseen).
    assert not re.search(r"\.(can|require)\(\s*[\"']", sources)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(role=st.sampled_from(ROLES), permission=st.sampled_from(list(Permission)))
def test_require_refuses_exactly_what_can_refuses_and_audits_it(
    ctx: Context, role: str, permission: Permission
) -> None:
    acting = ctx.with_actor(Actor("someone", role))
    before = _count(ctx, AuditEntry)
    if acting.actor.can(permission):
        acting.require(permission)
        assert _count(ctx, AuditEntry) == before
    else:
        with pytest.raises(PermissionDenied):
            acting.require(permission)
        assert _count(ctx, AuditEntry) == before + 1
        assert _denials(ctx)[-1] == ("someone", "permission", "", str(permission))


# --- a visitor -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [event_print.ATTENDANCE, event_print.SIGN_IN, event_print.NAME_TAGS]
)
def test_a_visitor_may_not_print_lists_of_people(
    demo_ctx: Context, tmp_path: Path, kind: str
) -> None:
    visitor = _visitor(demo_ctx)
    event_id = events.resolve_event(visitor, EIGHTEEN)
    out = tmp_path / "sheet.pdf"
    take_outs = _count(demo_ctx, TakeOutLog)
    with pytest.raises(PermissionDenied, match=r"visitor"):
        event_print.render(visitor, event_print.PrintJob(kind, event_id), out)
    with pytest.raises(PermissionDenied):
        event_print.render(visitor, event_print.PrintJob(kind, event_id))  # not even a preview
    with pytest.raises(PermissionDenied):
        event_print.attendees(visitor, event_id)
    assert not out.exists()
    assert _count(demo_ctx, TakeOutLog) == take_outs
    assert ("visitor", "print", kind, str(Permission.EVENTS_PEOPLE)) in _denials(demo_ctx)
    # The flyer lists nobody: a visitor may still make it.
    flyer = event_print.render(visitor, event_print.PrintJob(event_print.FLYER, event_id))
    assert flyer.pages >= 1


def test_a_visitor_sees_no_guest_contact_details(demo_ctx: Context) -> None:
    event_id = events.resolve_event(demo_ctx, EIGHTEEN)
    guest = events.register_guest(
        demo_ctx,
        event_id,
        events.GuestInput(family_name="来賓", given_name="花子", contact="03-1234-5678"),
    )
    assert any(r.contact for r in events.list_registrations(demo_ctx, event_id))
    visitor = _visitor(demo_ctx)
    seen = events.list_registrations(visitor, event_id)
    assert guest.id in {r.id for r in seen}
    assert all(r.contact == "" for r in seen)
    found = events.find_for_reception(visitor, event_id, "来賓")
    assert [r.id for r in found] == [guest.id] and found[0].contact == ""


def test_a_visitor_sees_phones_of_fellow_volunteers_only(demo_ctx: Context) -> None:
    visitor = _visitor(demo_ctx)
    plain = members.add_member(
        demo_ctx, MemberInput(family_name="一般", given_name="会員", phone="03-1111-2222")
    )
    helper = members.add_member(
        demo_ctx,
        MemberInput(
            family_name="仲間", given_name="会員", mobile="090-1111-2222", roles=("volunteer",)
        ),
    )
    assert members.get_member(demo_ctx, plain.id).phone  # a coordinator sees everyone's
    assert members.get_member(visitor, plain.id).phone == ""
    assert members.get_member(visitor, helper.id).mobile
    rows = {r.id: r for r in members.rows_for(visitor, [plain.id, helper.id])}
    assert rows[plain.id].phone == "" and rows[helper.id].phone
    listed = {v.id: v for v in members.list_members(visitor, "会員")}
    assert listed[plain.id].phone == "" and listed[helper.id].mobile
    # Over the whole roster: a phone is shown exactly for volunteers (and the visitor).
    with demo_ctx.db.transaction() as s:
        roles = {m.id: set(m.roles or ()) for m in s.scalars(select(Member))}
    me = visitor.actor.member_id
    for row in members.rows_for(visitor, members.search_ids(visitor)):
        volunteer = bool(roles[row.id] & members.VOLUNTEER_ROLES) or row.id == me
        if not volunteer:
            assert row.phone == "", row.name


# --- a viewer ------------------------------------------------------------------------------


def test_a_viewer_sees_counts_only_and_each_refusal_is_audited(demo_ctx: Context) -> None:
    viewer = _viewer(demo_ctx)
    assert members.count_members(viewer) > 0
    event_id = events.resolve_event(demo_ctx, EIGHTEEN)
    refused = [
        lambda: members.search_ids(viewer),
        lambda: members.get_member(viewer, members.search_ids(demo_ctx)[0]),
        lambda: events.list_registrations(viewer, event_id),
        lambda: events.list_events(viewer),
        lambda: event_print.render(viewer, event_print.PrintJob(event_print.ATTENDANCE, event_id)),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied, match=r"viewer"):
            call()
    assert len([d for d in _denials(demo_ctx) if d[0] == "viewer"]) == len(refused)
    assert [e.action for e in read_audit(demo_ctx)][: len(refused)] == ["denied"] * len(refused)
