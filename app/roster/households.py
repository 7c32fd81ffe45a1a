"""Households (世帯) and groups (tags: 班, 地区, 配達コース, 年賀状 …) of the roster.

A household is a 世帯番号 that members share; its address is the one its members share, so
a member who moves away from the others leaves it (members.update_member), and a mailing
sends the household one piece. Tags are words the coordinator makes up by using them; each
member carries any number. Both are columns of the member's row, so they travel to
headquarters and back like the rest of it (and conflict, field by field, like the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.groups import clean_household, clean_tags
from db.models import Member


def moved_out(row: Member, old_postal: str, old_address: str, housemates: Sequence[Member]) -> bool:
    """Whether a member who changed address has left the household the others still live in."""
    if not row.household or (row.postal_code, row.address) == (old_postal, old_address):
        return False
    return any((m.postal_code, m.address) == (old_postal, old_address) for m in housemates)


# --- services -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdMember:
    id: str
    name: str
    status: str


@dataclass(frozen=True)
class HouseholdView:
    """One household: its number (the id), a name, where it lives and who is in it."""

    id: str
    name: str
    postal_code: str
    address: str
    members: tuple[HouseholdMember, ...]


def _rows(s: Session, member_ids: Sequence[str]) -> list[Member]:
    """The members named by full id (callers resolve prefixes first); refuses unknown ones."""
    if not member_ids:
        raise UserError(_("Name at least one member."))
    rows = list(
        s.scalars(select(Member).where(Member.id.in_(list(member_ids)), Member.deleted.is_(False)))
    )
    if len(rows) != len(set(member_ids)):
        raise UserError(_("No such member."))
    return rows


def tag_members(ctx: Context, member_ids: Sequence[str], tags: Sequence[str]) -> int:
    """Add `tags` to each member (one transaction); returns how many members changed."""
    if not clean_tags(tags):
        raise UserError(_("Name at least one group."))
    return edit_in_bulk(ctx, member_ids, add=tags)


def untag_members(ctx: Context, member_ids: Sequence[str], tags: Sequence[str]) -> int:
    """Take `tags` off each member; returns how many members changed."""
    if not clean_tags(tags):
        raise UserError(_("Name at least one group."))
    return edit_in_bulk(ctx, member_ids, remove=tags)


def set_household(ctx: Context, member_ids: Sequence[str], household: str) -> int:
    """Put members in one household ("" takes them out); returns how many changed."""
    return edit_in_bulk(ctx, member_ids, household=household)


def edit_in_bulk(
    ctx: Context,
    member_ids: Sequence[str],
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    household: str | None = None,
) -> int:
    """On a selection of members, in one transaction: add groups, take groups off, and (when
    `household` is given) set the household number ("" takes them out). How many changed."""
    ctx.require(Permission.ROSTER_WRITE)
    adding, removing = clean_tags(add), set(clean_tags(remove))
    number = None if household is None else clean_household(household)
    if not adding and not removing and number is None:
        raise UserError(_("Nothing to change: give groups to add or remove, or a household."))
    changed = 0
    with ctx.db.transaction() as s:
        for row in _rows(s, member_ids):
            tags = [t for t in clean_tags([*(row.tags or []), *adding]) if t not in removing]
            before = (list(row.tags or []), row.household)
            row.tags = tags
            if number is not None:
                row.household = number
            if (row.tags, row.household) != before:
                changed += 1
    return changed


def list_tags(ctx: Context) -> list[tuple[str, int]]:
    """Every tag in use with how many active members carry it, in the order of the words."""
    ctx.require(Permission.ROSTER_READ)
    counts: dict[str, int] = {}
    with ctx.db.transaction() as s:
        for tags in s.scalars(
            select(Member.tags).where(Member.deleted.is_(False), Member.status == "active")
        ):
            for tag in tags or ():
                counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items())


def member_ids_with_tags(ctx: Context, tags: Sequence[str]) -> set[str]:
    """Members carrying any of `tags` (JSON lists are filtered here, the same on every engine)."""
    wanted = set(clean_tags(tags))
    with ctx.db.transaction() as s:
        return {
            r.id
            for r in s.execute(select(Member.id, Member.tags).where(Member.deleted.is_(False)))
            if wanted & set(r.tags or ())
        }


def list_households(ctx: Context) -> list[HouseholdView]:
    """Every household with its members (gojūon order) and the address most of them share."""
    ctx.require(Permission.ROSTER_CONTACT)
    groups: dict[str, list[Member]] = {}
    with ctx.db.transaction() as s:
        rows = s.scalars(
            select(Member)
            .where(Member.deleted.is_(False), Member.household != "")
            .order_by(Member.reading_key, Member.id)
        )
        for row in rows:
            groups.setdefault(row.household, []).append(row)
        out = []
        for number, people in groups.items():
            living = [m for m in people if m.status == "active"] or people
            places: dict[tuple[str, str], int] = {}
            for m in living:
                places[(m.postal_code, m.address)] = places.get((m.postal_code, m.address), 0) + 1
            (postal, address), _n = max(places.items(), key=lambda kv: kv[1])
            out.append(
                HouseholdView(
                    id=number,
                    name=_("{family} household").format(family=living[0].family_name),
                    postal_code=postal,
                    address=address,
                    members=tuple(
                        HouseholdMember(
                            m.id,
                            "\u3000".join(p for p in (m.family_name, m.given_name) if p),
                            m.status,
                        )
                        for m in people
                    ),
                )
            )
    return sorted(out, key=lambda h: h.id)
