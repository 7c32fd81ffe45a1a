"""Phone numbers laid out as Japan writes them (03-1234-5678), as new entries now are.

Revision ID: 0002_phone_format
Revises: 0001_initial

Every stored phone (members' phone and mobile, organisations, referral targets, people under
watch and their emergency contacts) is re-hyphenated by libphonenumber when it recognises the
number and the digits stay the same; anything else (a number it does not know, "+81 …" whose
digits would change, "03-1234-5678 内線12") is kept exactly as typed. Digits never change, so
the search text (digits only) stays right without being rebuilt.

The rows' sync columns (version, local_seq) are deliberately NOT stamped. Every replica runs
this same migration on its own copy, so chapters and headquarters reach the same values
without sending anything; stamping would make every phone-bearing row a fresh edit on both
sides at once, filling the conflicts table with false conflicts and letting this mechanical
change win over a real edit not yet synced. A row later edited on a replica still on the old
program arrives unformatted and stays so until it is next saved here; searches ignore hyphens.

The rule is written out here rather than imported from app/core/phone.py (db never imports app),
and so that this revision does the same thing whatever that module becomes later.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import phonenumbers
import sqlalchemy as sa
from alembic import op
from phonenumbers import PhoneNumberFormat, shortnumberinfo

revision = "0002_phone_format"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ﹣⁃", "-"))
_COLUMNS = {
    "members": ("phone", "mobile"),
    "organisations": ("phone",),
    "referral_targets": ("phone",),
    "watched_persons": ("phone",),
}


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def formatted(value: str) -> str:
    """The number laid out by the library, or `value` unchanged when that would alter it."""
    text = unicodedata.normalize("NFKC", value).translate(_DASHES).strip()
    if not text:
        return value
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.is_valid_number(number):
        style = (
            PhoneNumberFormat.NATIONAL
            if number.country_code == 81
            else (PhoneNumberFormat.INTERNATIONAL)
        )
        result = phonenumbers.format_number(number, style)
    elif shortnumberinfo.is_valid_short_number_for_region(number, "JP"):
        result = str(number.national_number)
    else:
        return value
    return result if _digits(result) == _digits(value) else value


def _contacts(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    changed = []
    for contact in value:
        if isinstance(contact, dict) and isinstance(contact.get("phone"), str):
            contact = {**contact, "phone": formatted(contact["phone"])}
        changed.append(contact)
    return changed


def upgrade() -> None:
    conn = op.get_bind()
    for name, columns in _COLUMNS.items():
        table = sa.table(
            name, sa.column("id", sa.String), *(sa.column(c, sa.String) for c in columns)
        )
        for row in conn.execute(sa.select(table)).mappings().all():
            new = {c: formatted(row[c]) for c in columns if row[c]}
            new = {c: v for c, v in new.items() if v != row[c]}
            if new:
                conn.execute(sa.update(table).where(table.c.id == row["id"]).values(**new))
    watched = sa.table(
        "watched_persons", sa.column("id", sa.String), sa.column("emergency_contacts", sa.JSON)
    )
    for row in conn.execute(sa.select(watched)).mappings().all():
        contacts = _contacts(row["emergency_contacts"])
        if contacts != row["emergency_contacts"]:
            conn.execute(
                sa.update(watched)
                .where(watched.c.id == row["id"])
                .values(emergency_contacts=contacts)
            )


def downgrade() -> None:
    # The layout typed before is not kept; the hyphenated numbers are valid for 0001 as well.
    pass
