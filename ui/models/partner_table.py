"""The partner directories as tables: organisations and lecturers."""

from __future__ import annotations

from typing import Any

from app.core.i18n import gettext as _
from app.partners import LecturerView, OrganisationView
from ui.models.event_table import Column, RowTableModel

ORGANISATION_COLUMNS: list[Column[OrganisationView]] = [
    Column(lambda: _("Organisation name"), lambda o: o.name),
    Column(lambda: _("Short name"), lambda o: o.short_name),
    Column(lambda: _("Reading"), lambda o: o.kana),
    Column(lambda: _("Kind"), lambda o: o.kind_label),
    Column(lambda: _("Municipality"), lambda o: o.municipality),
    Column(lambda: _("Phone"), lambda o: o.phone),
]

LECTURER_COLUMNS: list[Column[LecturerView]] = [
    Column(lambda: _("Name"), lambda v: v.full_name),
    Column(lambda: _("Reading"), lambda v: v.full_kana),
    Column(lambda: _("Affiliation"), lambda v: v.affiliation_text),
]


class OrganisationTableModel(RowTableModel[OrganisationView]):
    """The organisation directory."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(ORGANISATION_COLUMNS, parent)


class LecturerTableModel(RowTableModel[LecturerView]):
    """The lecturer directory, in gojūon order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(LECTURER_COLUMNS, parent)
