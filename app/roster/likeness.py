"""How alike two people are: their keys, the score with its reasons, blocks and candidate pairs."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.i18n import gettext as _
from app.core.text.kana import search_fold
from app.roster import people
from db.models import Member, Registration

MEMBER = "member"
GUEST = "guest"

# Points per matching feature; a pair is a candidate at MIN_SCORE. Reading and name together,
# or either with a phone or a whole address, reach it; one feature alone never does, and a
# couple sharing a phone and an address (different names and readings) stays below it.
POINTS = {"reading": 35, "name": 35, "phone": 30, "address": 20, "postal": 5}
MIN_SCORE = 60
# A block bigger than this (a very common name shared by hundreds) is split by postal code: all
# its pairs would be thousands of comparisons and nearly all of them different people.
BLOCK_CAP = 60

_ADDRESS_WORDS = re.compile(r"丁目|番地|番|号|の")


def reason_text(code: str) -> str:
    """A reason code in words."""
    texts = {
        "reading": _("same reading"),
        "name": _("same name"),
        "name_variant": _("same name with variant kanji"),
        "phone": _("same phone"),
        "address": _("same address"),
        "postal": _("same postal code"),
    }
    return texts.get(code, code)


@dataclass(frozen=True, slots=True)
class Person:
    """A member or a guest as the finder compares them.

    Only the blocking keys (folded name and reading, phone digits) are computed for everyone;
    addresses and postal codes are folded when a pair inside a block is scored.
    """

    id: str
    kind: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    member_number: str = ""
    chapter_id: str = ""
    key_name: str = ""
    key_reading: str = ""
    phones: frozenset[str] = frozenset()
    address: str = ""
    postal: str = ""

    @property
    def name(self) -> str:
        """The name as written."""
        return people.full_name(self.family_name, self.given_name)

    @property
    def reading(self) -> str:
        """The reading in katakana."""
        return people.full_kana(self.family_kana, self.given_kana)


def _phone_key(text: str) -> str:
    if text.isascii():
        digits = text.replace("-", "")
        if not digits.isdigit():
            digits = re.sub(r"\D", "", digits)
    else:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    return digits if len(digits) >= 6 else ""


@functools.lru_cache(maxsize=4096)
def _address_key(address: str) -> str:
    return _ADDRESS_WORDS.sub("", search_fold(address))


@functools.lru_cache(maxsize=4096)
def _plain(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "")


def make_person(
    id: str,
    kind: str,
    family_name: str,
    given_name: str,
    family_kana: str,
    given_kana: str,
    phones: Iterable[str] = (),
    postal_code: str = "",
    address: str = "",
    *,
    member_number: str = "",
    chapter_id: str | None = None,
    search_text: str = "",
) -> Person:
    """The comparison keys of one person: folded name and reading, phone digits.

    `search_text` (a member's stored search column, app/roster/people.py) already holds the folded
    name and reading as its first two lines; given, they are not folded again.
    """
    name = family_name + given_name
    reading = family_kana + given_kana
    lines = search_text.split("\n", 2) if search_text and name else []
    if lines:
        key_name = lines[0]
        key_reading = (lines[1] if len(lines) > 1 else "") if reading else ""
    else:
        key_name = search_fold(name) if name else ""
        key_reading = search_fold(reading) if reading else ""
    return Person(
        id=id,
        kind=kind,
        family_name=family_name,
        given_name=given_name,
        family_kana=family_kana,
        given_kana=given_kana,
        member_number=member_number,
        chapter_id=chapter_id or "",
        key_name=key_name,
        key_reading=key_reading,
        phones=frozenset(p for p in map(_phone_key, phones) if p),
        address=address,
        postal=postal_code,
    )


def score(a: Person, b: Person) -> tuple[int, tuple[str, ...]]:
    """How alike two people are, and why (reason codes, strongest first)."""
    reasons: list[str] = []
    if a.key_reading and a.key_reading == b.key_reading:
        reasons.append("reading")
    if a.key_name and a.key_name == b.key_name:
        same = _plain(a.family_name + a.given_name) == _plain(b.family_name + b.given_name)
        reasons.append("name" if same else "name_variant")
    if a.phones & b.phones:
        reasons.append("phone")
    if a.address and b.address and _address_key(a.address) == _address_key(b.address):
        reasons.append("address")
    if a.postal and b.postal and _digits(a.postal) == _digits(b.postal):
        reasons.append("postal")
    total = sum(POINTS["name" if r == "name_variant" else r] for r in reasons)
    return total, tuple(reasons)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass(frozen=True)
class PersonView:
    """One side of a candidate pair, as listed."""

    id: str
    kind: str
    name: str
    reading: str
    member_number: str


@dataclass(frozen=True)
class CandidatePair:
    """Two records that may be one person; `first` is the suggested one to keep."""

    id: str
    score: int
    reasons: list[str]
    reasons_text: str
    first: PersonView
    second: PersonView


def _view(p: Person) -> PersonView:
    return PersonView(p.id, p.kind, p.name, p.reading, p.member_number)


def pair_of(a: Person, b: Person, total: int, reasons: tuple[str, ...]) -> CandidatePair:
    """A candidate pair with the member (the one with a number, else the first) first."""
    if (a.kind != MEMBER, not a.member_number) > (b.kind != MEMBER, not b.member_number):
        a, b = b, a
    return CandidatePair(
        id=f"{a.id}+{b.id}",
        score=total,
        reasons=list(reasons),
        reasons_text=", ".join(reason_text(r) for r in reasons),
        first=_view(a),
        second=_view(b),
    )


def candidate_pairs(
    persons: list[Person], min_score: int = MIN_SCORE, block_cap: int = BLOCK_CAP
) -> list[tuple[int, int, int, tuple[str, ...]]]:
    """(i, j, score, reasons) for every pair that shares a block and reaches `min_score`.

    Blocks are people of one chapter with the same reading, the same folded name, both, or the
    same phone: only pairs inside a block are compared, never all pairs. A block bigger than
    `block_cap` (a very common name) is split by postal code, and what is still too big is
    left to the other blocks. Guests pair with members only (two guest visits are not a
    record to merge).
    """
    blocks: dict[tuple[str, ...], list[int]] = {}
    for index, p in enumerate(persons):
        for key in _keys(p):
            blocks.setdefault((p.chapter_id, *key), []).append(index)
    done: set[tuple[int, int]] = set()
    compared: set[tuple[int, ...]] = set()
    found: list[tuple[int, int, int, tuple[str, ...]]] = []
    for members in _bounded(blocks.values(), persons, block_cap):
        group = tuple(members)
        if group in compared:
            continue  # the same people under another key (reading and name agree)
        compared.add(group)
        for i, j in combinations(members, 2):
            if (i, j) in done:
                continue
            done.add((i, j))
            a, b = persons[i], persons[j]
            if a.kind == GUEST and b.kind == GUEST:
                continue
            total, reasons = score(a, b)
            if total >= min_score:
                found.append((i, j, total, reasons))
    found.sort(key=lambda f: (-f[2], persons[f[0]].reading, f[0], f[1]))
    return found


def _bounded(blocks: Iterable[list[int]], persons: list[Person], cap: int) -> Iterable[list[int]]:
    for members in blocks:
        if len(members) < 2:
            continue
        if len(members) <= cap:
            yield members
            continue
        parts: dict[str, list[int]] = {}
        for index in members:
            if persons[index].postal:
                parts.setdefault(_digits(persons[index].postal), []).append(index)
        yield from (part for part in parts.values() if 2 <= len(part) <= cap)


def _members(s: Session) -> list[Person]:
    rows = s.connection().execute(
        select(
            Member.id,
            Member.family_name,
            Member.given_name,
            Member.family_kana,
            Member.given_kana,
            Member.phone,
            Member.mobile,
            Member.postal_code,
            Member.address,
            Member.member_number,
            Member.chapter_id,
            Member.search_text,
        ).where(Member.deleted.is_(False))
    )
    return [
        make_person(
            r[0],
            MEMBER,
            r[1],
            r[2],
            r[3],
            r[4],
            (r[5], r[6]),
            r[7],
            r[8],
            member_number=r[9],
            chapter_id=r[10],
            search_text=r[11],
        )  # fmt: skip
        for r in rows
    ]


def _guest_key(r: tuple[str, str, str, str, str]) -> tuple[str, str, str]:
    family, given, fk, gk, contact = r
    return (search_fold(family + given), search_fold(fk + gk), _phone_key(contact))


def _guests(s: Session) -> list[Person]:
    """Guests of events, one per name + reading + contact (a regular guest comes often)."""
    rows = s.connection().execute(
        select(
            Registration.family_name,
            Registration.given_name,
            Registration.family_kana,
            Registration.given_kana,
            Registration.contact,
            Registration.id,
            Registration.chapter_id,
        )
        .where(Registration.member_id.is_(None), Registration.deleted.is_(False))
        .order_by(Registration.registered_at, Registration.id)
    )
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for r in rows:
        key = (*_guest_key((r[0], r[1], r[2], r[3], r[4])), r[6] or "")
        if key in seen:
            continue
        seen.add(key)
        out.append(make_person(r[5], GUEST, r[0], r[1], r[2], r[3], (r[4],), chapter_id=r[6]))
    return out


def find_duplicates(ctx: Context, *, include_guests: bool = True) -> list[CandidatePair]:
    """Candidate pairs among members (and event guests against members), best first."""
    ctx.require(Permission.ROSTER_WRITE)
    with ctx.db.transaction() as s:
        persons = _members(s)
        if include_guests and ctx.actor.can(Permission.EVENTS_PEOPLE):
            persons += _guests(s)
    return [pair_of(persons[i], persons[j], t, r) for i, j, t, r in candidate_pairs(persons)]


class PersonIndex:
    """Existing people in blocks, to look up the likely matches of new ones (an import)."""

    def __init__(self, persons: list[Person]) -> None:
        self.persons = persons
        self.blocks: dict[tuple[str, ...], list[int]] = {}
        for index, p in enumerate(persons):
            for key in _keys(p):
                self.blocks.setdefault(key, []).append(index)

    def matches(
        self, p: Person, min_score: int = MIN_SCORE
    ) -> list[tuple[Person, int, tuple[str, ...]]]:
        """People sharing a block with `p` and reaching `min_score`, best first."""
        hits: set[int] = set()
        for key in _keys(p):
            hits.update(self.blocks.get(key, ())[:BLOCK_CAP])
        out = []
        for index in sorted(hits):
            other = self.persons[index]
            total, reasons = score(p, other)
            if total >= min_score:
                out.append((other, total, reasons))
        out.sort(key=lambda m: -m[1])
        return out


def _keys(p: Person) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [("r", p.key_reading)] if p.key_reading else []
    if p.key_name:
        keys.append(("n", p.key_name))
        if p.key_reading:
            keys.append(("rn", p.key_reading, p.key_name))
    keys += [("p", phone) for phone in p.phones]
    return keys


def member_index(s: Session) -> PersonIndex:
    """Every member of the roster, blocked for `PersonIndex.matches`."""
    return PersonIndex(_members(s))
