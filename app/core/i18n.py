"""Translations: gettext catalogs compiled with Babel, Japanese by default."""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[2] / "resources" / "locale"
DOMAIN = "tsunagu"
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch every later `_()` call to `language` ("ja" or "en")."""
    global _translations, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _language = language
    if language == "en":
        # Source strings are English, so English needs no catalog.
        _translations = _gettext.NullTranslations()
        return
    _translations = _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )


def current_language() -> str:
    """The language `_()` translates into now."""
    return _language


def list_separator() -> str:
    """What joins the items of a list in a sentence: 、 in Japanese, a comma in English."""
    return "、" if _language == "ja" else ", "


def gettext(message: str) -> str:
    """Translate `message`; use named placeholders and `.format()` after the call."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on `n`."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark `message` for extraction without translating it yet."""
    return message


set_language(DEFAULT_LANGUAGE)
