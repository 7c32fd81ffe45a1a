"""Phone numbers checked and laid out by libphonenumber (phonenumberslite), Japan first.

A number is stored as Japan writes it: 03-1234-5678, 0422-51-5131, 04992-2-1234,
090-1234-5678, 0120-123-456, 050-1234-5678 (the area code's length comes from the library's
numbering plan, not from a pattern of ours). Short service numbers (110, 119, 189 …) stay
digits; a valid number abroad is written the international way (+1 201-555-0123).
Searches compare digits only, so the hyphens never stand in the way.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, shortnumberinfo

from app.core.errors import UserError
from app.core.i18n import gettext as _

REGION = "JP"

# Dash-like characters people and IMEs put between the groups; NFKC leaves these alone, and
# ー (the prolonged sound mark) is what full-width input mode types for "-".
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ﹣⁃", "-"))


# What nearly every roster holds: a national number, digits with dashes, spaces or brackets.
# Not 010…: that is Japan's international call prefix, which the library reads as such.
_NATIONAL_RE = re.compile(r"0(?:1[1-9]|[2-9][0-9])[0-9]{7,9}")
_LAYOUT = str.maketrans("", "", "-() ")


class NotAPhoneNumber(ValueError):
    """The library does not recognise the text as a phone number in use in Japan or abroad."""


def normalize_phone(text: str) -> str:
    """`text` as a stored phone number ("" for blank), or NotAPhoneNumber.

    Accepts full-width digits, any dash, spaces, brackets ("03(1234)5678") and +81.
    """
    value = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if not value:
        return ""
    number = parse_number(value)
    if number is None:
        raise NotAPhoneNumber(text)
    if phonenumbers.is_valid_number(number):
        if number.country_code == phonenumbers.country_code_for_region(REGION):
            return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if not number.italian_leading_zero and shortnumberinfo.is_valid_short_number_for_region(
        number, REGION
    ):
        return str(number.national_number)
    raise NotAPhoneNumber(text)


def parse_number(value: str) -> PhoneNumber | None:
    """The library's reading of `value` (folded to ASCII) for Japan; None when it finds none.

    A plain national number ("03-1234-5678") is read directly: the same PhoneNumber that
    phonenumbers.parse gives (a test holds the two equal), at a fiftieth of its cost, which
    halves the time a 100,000-row import spends on phones.
    """
    digits = value.translate(_LAYOUT)
    if _NATIONAL_RE.fullmatch(digits):
        return PhoneNumber(country_code=81, national_number=int(digits[1:]))
    try:
        return phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None


def clean_phone(text: str) -> str:
    """normalize_phone for a form field: a number the library rejects is a UserError."""
    try:
        return normalize_phone(text)
    except NotAPhoneNumber:
        raise UserError(_("“{value}” is not a phone number.").format(value=text.strip())) from None


def phone_digits(text: str) -> str:
    """The digits of a stored number, as searches and duplicate checks compare them."""
    return "".join(ch for ch in text if ch.isdigit())
