"""The signs checklist a volunteer fills in on a visit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.core.codes import label as label
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.storage.audit import record_audit
from app.watch.retention import get_setting, put_setting

CONTACT_RESULTS: dict[str, str] = {
    "met": N_("Met in person"),
    "absent": N_("No answer / absent"),
    "outside": N_("Seen only from outside"),
}
OUTCOMES: dict[str, str] = {
    "no_change": N_("No change"),
    "watch": N_("Something to watch"),
    "contact": N_("Contact needed"),
    "emergency": N_("Emergency"),
}
# These outcomes open a follow-up that stays on the home page until it is closed.
FOLLOW_UP_OUTCOMES = ("contact", "emergency")
# An absent visit is an attempt, not a contact: the person stays due until someone is seen.
CONTACT_RESULTS_COUNTED = ("met", "outside")

SIGNS_KEY = "watch.signs"
# Common watch-over practice (research notes §6): outside signs first, then signs in person.
DEFAULT_SIGNS: tuple[tuple[str, str], ...] = (
    ("mail_piling", N_("Newspapers or mail piling up")),
    ("lights", N_("Lights on day and night, or off after dark")),
    ("washing", N_("The same washing out for days")),
    ("shutters", N_("Shutters closed by day")),
    ("rubbish", N_("Rubbish not put out")),
    ("smell", N_("A strange smell")),
    ("delivery_untouched", N_("Delivered goods left untouched")),
    ("unwell", N_("Looks unwell or thinner")),
    ("confused", N_("Conversation does not connect")),
    ("clothes", N_("Unseasonal or untidy clothes")),
    ("carer_exhausted", N_("A carer who seems exhausted")),
)
_DEFAULT_LABELS = dict(DEFAULT_SIGNS)
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

OVERDUE = "overdue"
DUE = "due"
FOLLOW_UP = "follow_up"
SOON_DAYS = 7


# --- signs checklist -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sign:
    """One checkbox of the signs checklist; `code` is stored, `label` shown."""

    code: str
    label: str
    active: bool = True
    builtin: bool = False


def _stored_signs(s: Session) -> list[dict[str, Any]]:
    stored = get_setting(s, SIGNS_KEY, None)
    if not stored:
        return [{"code": c, "label": "", "active": True} for c, _l in DEFAULT_SIGNS]
    return list(stored)


def _sign(entry: dict[str, Any]) -> Sign:
    code = str(entry["code"])
    text = str(entry.get("label") or "")
    builtin = code in _DEFAULT_LABELS
    if not text:
        text = _(_DEFAULT_LABELS[code]) if builtin else code
    return Sign(code, text, bool(entry.get("active", True)), builtin)


def sign_checklist(ctx: Context, include_inactive: bool = False) -> list[Sign]:
    """The signs to tick on a visit, in the coordinator's order (labels translated)."""
    with ctx.db.transaction() as s:
        signs = [_sign(e) for e in _stored_signs(s)]
    return [x for x in signs if include_inactive or x.active]


def save_sign_checklist(ctx: Context, signs: Sequence[Sign]) -> list[Sign]:
    """Store the coordinator's checklist; a sign with an empty code is new and gets one.

    Signs are never deleted, only switched off (`active=False`), so old visits keep their
    labels. A built-in sign whose label is left as the default stays translated.
    """
    ctx.require(Permission.WATCH_WRITE)
    with ctx.db.transaction() as s:
        before = {e["code"]: e for e in _stored_signs(s)}
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        for sign in signs:
            text = sign.label.strip()
            code = sign.code.strip() or _new_code(text, set(before) | seen)
            if not _CODE_RE.match(code):
                raise UserError(_("“{code}” cannot be a sign code.").format(code=code))
            if code in seen:
                raise UserError(_("The sign “{label}” is listed twice.").format(label=text))
            if not text and code not in _DEFAULT_LABELS:
                raise UserError(_("A sign needs a label."))
            if code in _DEFAULT_LABELS and text == _(_DEFAULT_LABELS[code]):
                text = ""
            seen.add(code)
            entries.append({"code": code, "label": text, "active": bool(sign.active)})
        for code, entry in before.items():
            if code not in seen:
                entries.append({**entry, "active": False})
        put_setting(s, SIGNS_KEY, entries)
        record_audit(s, ctx, "change", "setting", SIGNS_KEY)
    return sign_checklist(ctx, include_inactive=True)


def _new_code(text: str, taken: set[str]) -> str:
    n = 1
    while f"custom_{n}" in taken:
        n += 1
    return f"custom_{n}"


def sign_labels(ctx: Context) -> dict[str, str]:
    """Every sign code ever used in the checklist with its label."""
    return {x.code: x.label for x in sign_checklist(ctx, include_inactive=True)}
