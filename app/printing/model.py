"""Plain inputs and outputs of the printing engine: the caller fills these from the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.core.i18n import N_

# The flyer's templates (app/printing/flyer.py), here so that listing them loads no layout.
TEMPLATES: dict[str, str] = {
    "clean": N_("Clean: all details in a clear table"),
    "poster": N_("Poster: very large title and date, readable from a distance"),
    "slip": N_("With application slip: tear-off form at the bottom"),
}

# Attendee.kind
MEMBER = "member"
GUEST = "guest"

# Attendee.status values the sheets know; any other value is printed as given.
REGISTERED = "registered"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class EventSheet:
    """One event as it appears on paper. Empty strings and None mean "leave it off"."""

    title: str
    starts: datetime
    catch: str = ""
    kind_label: str = ""
    series_label: str = ""  # e.g. "まちづくり講座 第18講"
    ends: datetime | None = None
    venue: str = ""
    venue_access: str = ""
    # Lists are accepted and stored as tuples, so the sheet stays immutable and hashable.
    lecturers: Sequence[tuple[str, str]] = ()  # (name, affiliation)
    organisers: Sequence[str] = ()
    co_hosts: Sequence[str] = ()
    fee_yen: int | None = None  # 0 prints as "free"
    capacity: int | None = None
    apply_how: str = ""
    apply_by: date | None = None
    contact: str = ""
    description: str = ""
    qr_url: str | None = None
    image_path: Path | None = None
    chapter_name: str = ""

    def __post_init__(self) -> None:
        # Lists are accepted for convenience and frozen here so the sheet stays hashable.
        for name in ("lecturers", "organisers", "co_hosts"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "lecturers", tuple((str(n), str(a)) for n, a in self.lecturers))


@dataclass(frozen=True)
class Attendee:
    """A registrant or participant. `sort_key` is the caller's gojūon key; sheets sort by it."""

    family_name: str
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    kind: str = MEMBER
    status: str = REGISTERED
    attended: bool = False
    sort_key: str = ""

    @property
    def name(self) -> str:
        """Family and given name with the customary ideographic space between them."""
        return "\u3000".join(p for p in (self.family_name, self.given_name) if p)

    @property
    def reading(self) -> str:
        return "\u3000".join(p for p in (self.family_kana, self.given_kana) if p)


@dataclass(frozen=True)
class RenderResult:
    """What a render produced: the file written (or the PDF bytes when no path was given),
    its page count, and warnings for the user (missing glyphs, text shrunk to fit...)."""

    output: Path | bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
