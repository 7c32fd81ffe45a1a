"""This database's chapter and its local settings (language, text size, data folder)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.core import dates
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from db.models import Chapter, Event, Member, Setting, WatchedPerson

TEXT_SCALES = (100, 125, 150, 175, 200)
DATE_STYLES = dates.DATE_STYLES


@dataclass(frozen=True)
class ChapterInfo:
    """The chapter this database belongs to."""

    id: str
    name: str
    municipality: str


@dataclass(frozen=True)
class ChapterChoice:
    """A chapter a list or report can be filtered to."""

    id: str
    name: str
    municipality: str


# Whoever may see any list a chapter filter sits on may see the chapters' names.
LIST_PERMISSIONS = (
    Permission.ROSTER_READ,
    Permission.EVENTS_READ,
    Permission.WATCH_READ_ALL,
    Permission.WATCH_OWN,
    Permission.REPORTS_READ,
)


@dataclass(frozen=True)
class Preferences:
    """Settings a person changes in the settings dialog."""

    language: str = "ja"
    text_scale: int = 100
    backup_folder: str = ""
    first_start_done: bool = False
    date_style: str = "era"  # "era" (令和8年12月2日) or "western" (2026年12月2日)


def _get(ctx: Context, key: str, default: Any = None) -> Any:
    with ctx.db.transaction() as s:
        row = s.get(Setting, key)
        return default if row is None else row.value


def _set(ctx: Context, values: dict[str, Any]) -> None:
    with ctx.db.transaction() as s:
        for key, value in values.items():
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value


def set_up_chapter(ctx: Context, name: str, municipality: str = "") -> ChapterInfo:
    """Make this database the chapter `name` (creating the chapter row once)."""
    name = name.strip()
    if not name:
        raise UserError(_("The chapter needs a name."))
    with ctx.db.transaction() as s:
        existing = s.get(Chapter, ctx.db.chapter_id) if ctx.db.chapter_id else None
        if existing is None:
            existing = Chapter(name=name, municipality=municipality)
            s.add(existing)
            s.flush()
            existing.chapter_id = existing.id
            for key, value in (("chapter_id", existing.id), ("mode", "chapter")):
                row = s.get(Setting, key)
                if row is None:
                    s.add(Setting(key=key, value=value))
                else:
                    row.value = value
        else:
            existing.name = name
            if municipality:
                existing.municipality = municipality
        info = ChapterInfo(existing.id, existing.name, existing.municipality)
    ctx.db.chapter_id = info.id
    ctx.db.mode = "chapter"
    return info


def current_chapter(ctx: Context) -> ChapterInfo | None:
    """The chapter of this database, or None before set-up."""
    if not ctx.db.chapter_id:
        return None
    with ctx.db.transaction() as s:
        row = s.get(Chapter, ctx.db.chapter_id)
        return None if row is None else ChapterInfo(row.id, row.name, row.municipality)


# The lists that can be narrowed to one chapter, and the table whose rows they show.
AREAS: dict[str, Any] = {"members": Member, "events": Event, "watch": WatchedPerson}


def known_chapters(ctx: Context, area: str | None = None) -> list[ChapterChoice]:
    """Every chapter this database knows, by name (headquarters: all of them); with `area`
    ("members", "events", "watch") only those that have rows in that list, so a chapter's
    own database, which may know its neighbours' names, offers no choice that shows nothing."""
    if not any(ctx.actor.can(p) for p in LIST_PERMISSIONS):
        ctx.require(LIST_PERMISSIONS[0])
    with ctx.db.transaction() as s:
        query = select(Chapter).where(Chapter.deleted.is_(False))
        if area is not None:
            model = AREAS[area]
            query = query.where(
                Chapter.id.in_(select(model.chapter_id).where(model.deleted.is_(False)).distinct())
            )
        rows = s.scalars(query)
        return sorted(
            (ChapterChoice(c.id, c.name, c.municipality) for c in rows),
            key=lambda c: (c.name, c.id),
        )


def resolve_chapter(ctx: Context, value: str) -> ChapterChoice:
    """A chapter given by its name or a unique prefix of its id."""
    value = value.strip()
    choices = known_chapters(ctx)
    for c in choices:
        if c.name == value:
            return c
    found = [c for c in choices if value and c.id.startswith(value)]
    if len(found) == 1:
        return found[0]
    raise UserError(
        _("No chapter is called {name}. Chapters: {choices}").format(
            name=value, choices=", ".join(c.name for c in choices) or "—"
        )
    )


def rename_chapter(ctx: Context, name: str) -> ChapterInfo:
    """Change the chapter's name (coordinators only)."""
    ctx.require(Permission.ADMIN)
    return set_up_chapter(ctx, name)


def is_empty(ctx: Context) -> bool:
    """True for a database with no chapter yet (first start)."""
    with ctx.db.transaction() as s:
        return s.scalar(select(Chapter.id).limit(1)) is None


def load_preferences(ctx: Context) -> Preferences:
    """The saved preferences (defaults for a new database)."""
    return Preferences(
        language=_get(ctx, "language", "ja"),
        text_scale=int(_get(ctx, "text_scale", 100)),
        backup_folder=_get(ctx, "backup_folder", ""),
        first_start_done=bool(_get(ctx, "first_start_done", False)),
        date_style=_get(ctx, "date_style", "era"),
    )


def save_preferences(ctx: Context, prefs: Preferences) -> None:
    """Store the preferences; refuses values outside what the window offers."""
    if prefs.language not in ("ja", "en"):
        raise UserError(_("Unknown language: {language}").format(language=prefs.language))
    if not 100 <= prefs.text_scale <= 200:
        raise UserError(_("Text size must be between 100% and 200%."))
    if prefs.date_style not in DATE_STYLES:
        raise UserError(
            _("Unknown date style: {style} (era or western)").format(style=prefs.date_style)
        )
    _set(
        ctx,
        {
            "language": prefs.language,
            "text_scale": prefs.text_scale,
            "backup_folder": prefs.backup_folder,
            "first_start_done": prefs.first_start_done,
            "date_style": prefs.date_style,
        },
    )
