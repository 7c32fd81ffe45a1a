"""Normalising one cell of a roster: names, readings, postal codes, phones, e-mail, dates, roles."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.core import dates
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.phone import NotAPhoneNumber, normalize_phone
from app.core.postal import normalize_postal_code
from app.core.text import groups
from app.core.text.kana import normalize_reading
from app.core.text.safety import bad_name_char, bad_name_message, strip_bidi
from app.roster.files.model import ROLE_CODES


class BadValue(Exception):
    """A cell that cannot be stored; `reason` is translated and names the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_SPACE_RE = re.compile(r"[ \u3000]+")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
# Katakana (with ー ・ ヽ ヾ), the small katakana extension, and spaces between words.
_KANA_RE = re.compile(r"[\u30a1-\u30ff\u31f0-\u31ff ]*")


def name(text: str) -> str:
    """A family or given name exactly as typed, or BadValue for a control or direction mark."""
    char = bad_name_char(text)
    if char is not None:
        raise BadValue(bad_name_message(text, char))
    return text


def note(text: str) -> str:
    """A note with text-direction marks taken out (they can disguise what is written)."""
    return strip_bidi(text)


def split_full(text: str) -> tuple[str, str]:
    """Split "山田 太郎" / "山田　太郎" on the first space; with no space all is the family part."""
    parts = _SPACE_RE.split(text.strip(), maxsplit=1)
    if len(parts) == 1:
        return parts[0], ""
    return parts[0], parts[1].strip()


def reading(text: str) -> str:
    """A kana reading as full-width katakana, or BadValue when other script remains."""
    value = normalize_reading(text)
    if not _KANA_RE.fullmatch(value):
        raise BadValue(_("Reading must be written in kana: {value}").format(value=text))
    return value


def postal_code(text: str) -> str:
    """Postal code as "123-4567" ("" when blank) from 〒, full-width digits, any dash or none."""
    if not text.strip():
        return ""
    code = normalize_postal_code(text)
    if code is None:
        raise BadValue(
            _("Postal code must have 7 digits, like 123-4567: {value}").format(value=text)
        )
    return code


def phone(text: str) -> str:
    """Phone number as Japan writes it (03-1234-5678), checked by the
    library (app/core/phone.py)."""
    try:
        return normalize_phone(text)
    except NotAPhoneNumber:
        raise BadValue(_("Not a phone number: {value}").format(value=text)) from None


def email(text: str) -> str:
    """E-mail address with full-width letters folded to ASCII, loosely checked."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value and not _EMAIL_RE.fullmatch(value):
        raise BadValue(_("Not an e-mail address: {value}").format(value=text))
    return value


def member_number(text: str) -> str:
    """Member number as text (leading zeros kept), full-width digits folded to ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


# A time of day after the date: what an Excel date-time cell reads as.
_TRAILING_TIME_RE = re.compile(r"\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$")


def parse_date(text: str) -> date | None:
    """A date as people write it (2023/4/1, 2023年4月1日, 令和5年4月1日, R5.4.1...); "" -> None."""
    value = _TRAILING_TIME_RE.sub("", text.strip())
    if not value:
        return None
    try:
        return dates.parse_date(value)
    except UserError as exc:
        raise BadValue(exc.message) from None


_ROLE_WORDS: dict[str, str] = {
    "コーディネーター": "coordinator",
    "コーディネータ": "coordinator",
    "coordinator": "coordinator",
    "ボランティア": "volunteer",
    "volunteer": "volunteer",
    "訪問": "visitor",
    "訪問員": "visitor",
    "訪問者": "visitor",
    "見守り": "visitor",
    "visitor": "visitor",
}
ROLE_LABELS: dict[str, str] = {
    "coordinator": "コーディネーター",
    "volunteer": "ボランティア",
    "visitor": "訪問",
}
_ROLE_SPLIT_RE = re.compile(r"[、,/;・\s]+")


def roles(text: str) -> tuple[str, ...]:
    """Role codes, in their fixed order, from words such as "コーディネーター、訪問"."""
    found: set[str] = set()
    for word in _ROLE_SPLIT_RE.split(unicodedata.normalize("NFKC", text)):
        if not word:
            continue
        code = _ROLE_WORDS.get(word.casefold())
        if code is None:
            raise BadValue(_("Unknown role: {value}").format(value=word))
        found.add(code)
    return tuple(code for code in ROLE_CODES if code in found)


def household(text: str) -> str:
    """A 世帯番号 as stored, or BadValue."""
    try:
        return groups.clean_household(text)
    except UserError as exc:
        raise BadValue(exc.message) from None


def tags(text: str) -> tuple[str, ...]:
    """Groups from one cell, separated by 、 , ; or ／."""
    try:
        return groups.split_tags(text)
    except UserError as exc:
        raise BadValue(exc.message) from None


_YES = frozenset({"はい", "可", "有", "あり", "済", "○", "〇", "◯", "yes", "y", "true", "1", "ok"})
_NO = frozenset({"", "いいえ", "不可", "無", "なし", "×", "no", "n", "false", "0", "-"})


def yes_no(text: str) -> bool:
    """A yes/no cell (はい/いいえ, ○/×, yes/no, 1/0); anything else is BadValue."""
    word = unicodedata.normalize("NFKC", text).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise BadValue(_("Write yes or no (はい／いいえ): {value}").format(value=text.strip()))
