"""What every record of a person shares: names as shown, typed names cleaned, search columns."""

from __future__ import annotations

import re
from typing import Protocol, TypedDict

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.postal import normalize_postal_code
from app.core.text.kana import normalize_reading, reading_sort_key, search_fold
from app.core.text.safety import refuse_bad_name

PHONE_RE = re.compile(r"^[0-9+()\- ]*$")

_DIGITS = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{c: "-" for c in "－‐‑‒–—―ー−"},
        "（": "(",
        "）": ")",
        "＋": "+",
        "\u3000": " ",
    }
)


class Named(Protocol):
    """Anything with a person's four name fields (forms, views, rows)."""

    @property
    def family_name(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def family_kana(self) -> str: ...
    @property
    def given_kana(self) -> str: ...


class PersonNames(TypedDict):
    """The four name fields in their stored form, ready for `dataclasses.replace(data, **names)`."""

    family_name: str
    given_name: str
    family_kana: str
    given_kana: str


def full_name(family_name: str, given_name: str) -> str:
    """Family and given name as written on paper (an ideographic space between)."""
    return f"{family_name}\u3000{given_name}".strip("\u3000")


def full_kana(family_kana: str, given_kana: str) -> str:
    """The reading, family then given."""
    return f"{family_kana} {given_kana}".strip()


class NamedView:
    """`full_name` and `full_kana` for the frozen views of members and people under watch."""

    @property
    def full_name(self: Named) -> str:
        """Family and given name as written on paper."""
        return full_name(self.family_name, self.given_name)

    @property
    def full_kana(self: Named) -> str:
        """The reading, family then given."""
        return full_kana(self.family_kana, self.given_kana)


def clean_names(data: Named, no_name: str) -> PersonNames:
    """A form's names trimmed (otherwise exactly as typed) and its readings in stored form.

    `no_name` is the (translated) refusal when both family and given name are empty.
    """
    family = refuse_bad_name(data.family_name.strip())
    given = refuse_bad_name(data.given_name.strip())
    if not family and not given:
        raise UserError(no_name)
    return PersonNames(
        family_name=family,
        given_name=given,
        family_kana=normalize_reading(data.family_kana),
        given_kana=normalize_reading(data.given_kana),
    )


def clean_postal_code(typed: str) -> str:
    """A typed postal code as 123-4567 (empty stays empty); refused when it is not 7 digits."""
    postal = typed.strip()
    if postal:
        normalised = normalize_postal_code(postal)
        if normalised is None:
            raise UserError(_("“{value}” is not a postal code (7 digits).").format(value=postal))
        postal = normalised
    return postal


def search_fold_digits(text: str) -> str:
    """Phone and member numbers: full-width digits and dashes of any kind to ASCII."""
    return " ".join(text.translate(_DIGITS).split())


def person_search_columns(
    family_name: str, given_name: str, family_kana: str, given_kana: str, *extra: str
) -> tuple[str, str]:
    """(reading_key, search_text) of a person: the gojūon key of the reading, and the folded
    name, reading and `extra` texts (numbers, phones, address …), one a line, empty ones left out.
    """
    reading_key = reading_sort_key(full_kana(family_kana, given_kana))
    parts = (family_name + given_name, family_kana + given_kana, *extra)
    return reading_key, "\n".join(search_fold(p) for p in parts if p)


def search_terms(query: str) -> list[str]:
    """The folded words of a people search; a phone-like word keeps only its digits, so
    03(1234)5678 finds 03-1234-5678."""
    terms = []
    for term in query.split():
        folded = search_fold(term)
        if PHONE_RE.match(folded) and any(c.isdigit() for c in folded):
            # PHONE_RE admits ASCII only, so these are the ASCII digits.
            folded = re.sub(r"\D", "", folded)
        if folded:
            terms.append(folded)
    return terms
