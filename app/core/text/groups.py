"""Group (tag) and household-number text as the roster stores it: folded, checked, split."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import refuse_bad_name

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_HOUSEHOLD_LENGTH = 40
# What separates tags in one cell or one typed line: 、 , ; ／ and their full-width forms.
TAG_SEPARATORS = re.compile(r"[、,;，；／/]+")


def clean_tag(text: str) -> str:
    """One tag, folded (NFKC, inner spaces single) and checked."""
    tag = " ".join(unicodedata.normalize("NFKC", text).split())
    refuse_bad_name(tag)
    if len(tag) > MAX_TAG_LENGTH:
        raise UserError(
            _("A group name may have at most {count} characters: {value}").format(
                count=MAX_TAG_LENGTH, value=tag[:MAX_TAG_LENGTH] + "…"
            )
        )
    return tag


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in the order first given, each once, blanks dropped."""
    out: list[str] = []
    for raw in tags:
        for part in TAG_SEPARATORS.split(raw):
            tag = clean_tag(part) if part.strip() else ""
            if tag and tag not in out:
                out.append(tag)
    if len(out) > MAX_TAGS:
        raise UserError(_("A member may be in at most {count} groups.").format(count=MAX_TAGS))
    return tuple(out)


def split_tags(text: str) -> tuple[str, ...]:
    """The tags of one cell or one typed line ("年賀状、3班; 配達A")."""
    return clean_tags([text])


def clean_household(text: str) -> str:
    """A 世帯番号 as stored: NFKC, no spaces."""
    value = "".join(unicodedata.normalize("NFKC", text).split())
    refuse_bad_name(value)
    if len(value) > MAX_HOUSEHOLD_LENGTH:
        raise UserError(
            _("A household number may have at most {count} characters.").format(
                count=MAX_HOUSEHOLD_LENGTH
            )
        )
    return value
