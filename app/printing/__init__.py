"""Printing engine: flyers, attendance and sign-in sheets, name tags, café year grids (PDF)."""

from __future__ import annotations

from app.printing.flyer import TEMPLATES, render_flyer
from app.printing.model import Attendee, EventSheet, RenderResult
from app.printing.name_tags import LABEL_LAYOUTS, LabelLayout, render_name_tags
from app.printing.rosters import render_attendance, render_cafe_grid, render_sign_in
from app.printing.text import missing_glyphs

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
