"""Phone numbers checked and laid out by libphonenumber (phonenumberslite), Japan first.

A number is stored as Japan writes it: 03-1234-5678, 0422-51-5131, 04992-2-1234,
090-1234-5678, 0120-123-456, 050-1234-5678 (the area code's length comes from the library's
numbering plan, not from a pattern of ours). Short service numbers (110, 119, 189 …) stay
digits; a valid number abroad is written the international way (+1 201-555-0123).
Searches compare digits only, so the hyphens never stand in the way.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberFormat, shortnumberinfo

from app.errors import UserError
from app.i18n import gettext as _

REGION = "JP"

# Dash-like characters people and IMEs put between the groups; NFKC leaves these alone, and
# ー (the prolonged sound mark) is what full-width input mode types for "-".
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ﹣⁃", "-"))


class NotAPhoneNumber(ValueError):
    """The library does not recognise the text as a phone number in use in Japan or abroad."""


def normalize_phone(text: str) -> str:
    """`text` as a stored phone number ("" for blank), or NotAPhoneNumber.

    Accepts full-width digits, any dash, spaces, brackets ("03(1234)5678") and +81.
    """
    value = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException as exc:
        raise NotAPhoneNumber(text) from exc
    if phonenumbers.is_valid_number(number):
        if number.country_code == phonenumbers.country_code_for_region(REGION):
            return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if not number.italian_leading_zero and shortnumberinfo.is_valid_short_number_for_region(
        number, REGION
    ):
        return str(number.national_number)
    raise NotAPhoneNumber(text)


def clean_phone(text: str) -> str:
    """normalize_phone for a form field: a number the library rejects is a UserError."""
    try:
        return normalize_phone(text)
    except NotAPhoneNumber:
        raise UserError(_("“{value}” is not a phone number.").format(value=text.strip())) from None


def phone_digits(text: str) -> str:
    """The digits of a stored number, as searches and duplicate checks compare them."""
    return "".join(ch for ch in text if ch.isdigit())
