"""Which file column holds which member field: header recognition for Japanese and English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jaconv

from app.core.i18n import gettext as _
from app.roster.files.model import FIELDS

# Columns that are not MemberRow fields but feed them: a full name or full reading split
# on the first space, and a second address line appended to the address.
FULL_NAME = "full_name"
FULL_KANA = "full_kana"
ADDRESS2 = "address2"
MAPPABLE_FIELDS: tuple[str, ...] = (*FIELDS, FULL_NAME, FULL_KANA, ADDRESS2)
# Fields several columns may feed at once; their values are joined.
MULTI_FIELDS = frozenset({"address", ADDRESS2, "note", "roles", "tags"})
NAME_FIELDS = frozenset({"family_name", "given_name", FULL_NAME})

_ALIASES: dict[str, tuple[str, ...]] = {
    "family_name": (
        "姓",
        "氏",
        "苗字",
        "名字",
        "姓(漢字)",
        "氏(漢字)",
        "氏名(姓)",
        "姓名(姓)",
        "family name",
        "last name",
        "surname",
    ),
    "given_name": (
        "名",
        "名(漢字)",
        "氏名(名)",
        "姓名(名)",
        "given name",
        "first name",
        "forename",
    ),
    FULL_NAME: (
        "氏名",
        "名前",
        "お名前",
        "姓名",
        "氏名(漢字)",
        "組合員名",
        "会員名",
        "組合員氏名",
        "会員氏名",
        "name",
        "full name",
        "member name",
    ),
    "family_kana": (
        "セイ",
        "姓カナ",
        "姓(カナ)",
        "姓フリガナ",
        "姓(フリガナ)",
        "姓ふりがな",
        "フリガナ(姓)",
        "ふりがな(姓)",
        "カナ(姓)",
        "氏カナ",
        "氏フリガナ",
        "姓よみ",
        "よみ(姓)",
        "姓読み",
        "family name kana",
        "last name kana",
        "surname kana",
        "family kana",
        "last kana",
        "family name reading",
        "last name reading",
    ),
    "given_kana": (
        "メイ",
        "名カナ",
        "名(カナ)",
        "名フリガナ",
        "名(フリガナ)",
        "名ふりがな",
        "フリガナ(名)",
        "ふりがな(名)",
        "カナ(名)",
        "名よみ",
        "よみ(名)",
        "名読み",
        "given name kana",
        "first name kana",
        "given kana",
        "first kana",
        "given name reading",
        "first name reading",
    ),
    FULL_KANA: (
        "フリガナ",
        "よみ",
        "よみがな",
        "読み",
        "読み仮名",
        "読みがな",
        "カナ",
        "氏名カナ",
        "氏名(カナ)",
        "氏名フリガナ",
        "氏名(フリガナ)",
        "名前カナ",
        "名前(フリガナ)",
        "お名前(フリガナ)",
        "カナ氏名",
        "セイメイ",
        "姓名カナ",
        "姓名(フリガナ)",
        "kana",
        "reading",
        "furigana",
        "yomi",
        "name kana",
        "name reading",
        "full name kana",
    ),
    "member_number": (
        "組合員番号",
        "会員番号",
        "組合員コード",
        "会員コード",
        "組合員No",
        "会員No",
        "組合員ID",
        "会員ID",
        "member no",
        "member number",
        "membership number",
        "member id",
    ),
    "coop": (
        "所属生協",
        "生協",
        "生協名",
        "所属",
        "所属組合",
        "co-op",
        "co-op name",
        "cooperative",
    ),
    "postal_code": (
        "郵便番号",
        "〒",
        "郵便",
        "〒番号",
        "郵便No",
        "postal code",
        "postcode",
        "post code",
        "zip",
        "zip code",
        "postal",
    ),
    "address": (
        "住所",
        "住所1",
        "所在地",
        "現住所",
        "address",
        "address 1",
        "address line 1",
        "street address",
    ),
    ADDRESS2: (
        "住所2",
        "建物名",
        "方書",
        "建物",
        "住所(建物名)",
        "address 2",
        "address line 2",
        "building",
    ),
    "phone": (
        "電話番号",
        "電話",
        "TEL",
        "自宅電話",
        "自宅電話番号",
        "固定電話",
        "自宅TEL",
        "電話(自宅)",
        "phone",
        "telephone",
        "phone number",
        "home phone",
        "tel no",
    ),
    "mobile": (
        "携帯",
        "携帯電話",
        "携帯番号",
        "携帯電話番号",
        "ケータイ",
        "携帯TEL",
        "電話(携帯)",
        "mobile",
        "mobile phone",
        "cell",
        "cell phone",
        "cellphone",
        "mobile number",
    ),
    "email": (
        "メール",
        "メールアドレス",
        "Eメール",
        "Eメールアドレス",
        "E-mail",
        "電子メール",
        "mail",
        "mail address",
        "email address",
        "e-mail address",
    ),
    "note": ("備考", "メモ", "備考欄", "特記事項", "notes", "note", "memo", "remarks", "comments"),
    "joined_on": (
        "入会日",
        "加入日",
        "入会年月日",
        "加入年月日",
        "登録日",
        "joined",
        "joined on",
        "join date",
        "date joined",
        "member since",
    ),
    "roles": ("役割", "役割区分", "role", "roles"),
    "household": (
        "世帯番号",
        "世帯No",
        "世帯ID",
        "世帯コード",
        "household",
        "household no",
        "household number",
    ),
    "consent_contact": (
        "連絡可",
        "連絡の同意",
        "連絡同意",
        "案内送付",
        "consent",
        "consent to contact",
        "may contact",
    ),
    "tags": ("グループ", "グループ名", "タグ", "所属グループ", "group", "groups", "tags"),
}

# Punctuation and spacing that vary between files without changing what a header means.
_HEADER_NOISE = re.compile(r"[\s()\[\]{}<>【】「」『』・_\-‐.:/#*※]+")


def header_key(header: str) -> str:
    """The comparable form of a header: NFKC, hiragana, case-folded, no spacing or brackets."""
    text = jaconv.kata2hira(unicodedata.normalize("NFKC", header)).casefold()
    return _HEADER_NOISE.sub("", text)


_BY_KEY: dict[str, str] = {
    header_key(alias): name for name, aliases in _ALIASES.items() for alias in aliases
}


def recognise_header(header: str) -> str | None:
    """The field a header stands for, or None when it is not recognised."""
    return _BY_KEY.get(header_key(header))


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Map each recognised header to its field; unrecognised headers are left out.

    A field is taken by its first column only (except address line 2 and notes, which
    join), and a full name (氏名) or full reading (フリガナ) column is left out when
    separate family/given columns exist, since those say more.
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        name = recognise_header(header)
        if name is None or (name in taken and name not in MULTI_FIELDS - {"address"}):
            continue
        mapping[header] = name
        taken.add(name)
    if taken & {"family_name", "given_name"}:
        mapping = {h: f for h, f in mapping.items() if f != FULL_NAME}
    if taken & {"family_kana", "given_kana"}:
        mapping = {h: f for h, f in mapping.items() if f != FULL_KANA}
    return mapping


def field_choices() -> list[tuple[str, str]]:
    """Every field a column can be assigned to, with its translated label, for a chooser."""
    labels = {
        FULL_NAME: _("Full name (family and given)"),
        "family_name": _("Family name"),
        "given_name": _("Given name"),
        FULL_KANA: _("Full name in kana"),
        "family_kana": _("Family name in kana"),
        "given_kana": _("Given name in kana"),
        "member_number": _("Member number"),
        "coop": _("Co-op"),
        "postal_code": _("Postal code"),
        "address": _("Address"),
        ADDRESS2: _("Address (second line)"),
        "phone": _("Phone"),
        "mobile": _("Mobile phone"),
        "email": _("E-mail"),
        "note": _("Notes"),
        "joined_on": _("Joined on"),
        "roles": _("Roles"),
        "household": _("Household no."),
        "tags": _("Groups"),
        "consent_contact": _("Agreed to be contacted"),
    }
    return list(labels.items())
