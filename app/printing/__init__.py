"""Printing engine: flyers, attendance and sign-in sheets, name tags, café year grids (PDF).

The flyer (the heaviest part: QR codes, images, frames) is imported when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.printing.model import Attendee, EventSheet, RenderResult
from app.printing.name_tags import LABEL_LAYOUTS, LabelLayout, render_name_tags
from app.printing.rosters import render_attendance, render_cafe_grid, render_sign_in
from app.printing.text import missing_glyphs

if TYPE_CHECKING:
    from app.printing.flyer import TEMPLATES, render_flyer
else:

    def __getattr__(name: str) -> Any:
        """The flyer's names, importing it on first use."""
        if name not in ("TEMPLATES", "render_flyer"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from app.printing import flyer

        return getattr(flyer, name)


__all__ = [
    "LABEL_LAYOUTS",
    "TEMPLATES",
    "Attendee",
    "EventSheet",
    "LabelLayout",
    "RenderResult",
    "missing_glyphs",
    "render_attendance",
    "render_cafe_grid",
    "render_flyer",
    "render_name_tags",
    "render_sign_in",
]
