"""From the lapsed list to watch-over: a new person's form filled in from a roster member."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.roster import people
from app.watch.people import PersonInput
from db.models import Member, WatchedPerson


@dataclass(frozen=True)
class WatchSuggestion:
    """What the form starts with for `member_id`, and anyone under watch of the same name
    (so the coordinator does not enrol one person twice)."""

    member_id: str
    person: PersonInput
    same_name: tuple[str, ...]  # names (with their reading) of people under watch already


def suggest_from_member(ctx: Context, member_id: str) -> WatchSuggestion:
    """The member's name, reading, postal code, address and phone as a new person under watch.

    Nothing is saved: the coordinator, with the person's consent, completes the form and
    saves it (watch.add_person). Consent, volunteers and notes are left for the form.
    """
    ctx.require(Permission.WATCH_WRITE)
    ctx.require(Permission.ROSTER_CONTACT)
    with ctx.db.transaction() as s:
        row = s.get(Member, member_id)
        if row is None or row.deleted:
            raise UserError(_("No such member: {id}").format(id=member_id))
        person = PersonInput(
            family_name=row.family_name,
            given_name=row.given_name,
            family_kana=row.family_kana,
            given_kana=row.given_kana,
            postal_code=row.postal_code,
            address=row.address,
            phone=row.phone or row.mobile,
        )
        twins = s.execute(
            select(WatchedPerson.family_kana, WatchedPerson.given_kana).where(
                WatchedPerson.deleted.is_(False),
                WatchedPerson.erased.is_(False),
                WatchedPerson.family_name == row.family_name,
                WatchedPerson.given_name == row.given_name,
            )
        ).all()
    name = people.full_name(row.family_name, row.given_name)
    same = tuple(
        f"{name}（{reading}）" if (reading := people.full_kana(*t)) else name for t in twins
    )
    return WatchSuggestion(member_id, person, same)
