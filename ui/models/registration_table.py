"""Registrations of an event: the panel's full table and the reception desk's short list."""

from __future__ import annotations

from typing import Any

from app.core.i18n import gettext as _
from app.events.views import RegistrationView
from app.events.vocabulary import WAITLISTED
from ui.models.event_table import Column, RowTableModel

CHECK = "✓"


def _kind(r: RegistrationView) -> str:
    if r.walk_in:
        return _("Walk-in")
    return _("Member") if r.is_member else _("Guest")


def _status(r: RegistrationView) -> str:
    if r.status == WAITLISTED and r.waitlist_position:
        return _("Wait-listed ({n})").format(n=r.waitlist_position)
    return r.status_label


def _checked_in(r: RegistrationView) -> str:
    return r.checked_in_at.strftime("%H:%M") if r.checked_in_at else ""


REGISTRATION_COLUMNS: list[Column[RegistrationView]] = [
    Column(lambda: _("Present"), lambda r: CHECK if r.attended else ""),
    Column(lambda: _("Name"), lambda r: r.name),
    Column(lambda: _("Reading"), lambda r: r.reading),
    Column(lambda: _("Type"), _kind),
    Column(lambda: _("Status"), _status),
    Column(lambda: _("Arrived"), _checked_in),
    Column(lambda: _("Contact"), lambda r: r.contact),
    Column(lambda: _("Note"), lambda r: r.note),
]

RECEPTION_COLUMNS: list[Column[RegistrationView]] = [
    Column(lambda: _("Present"), lambda r: CHECK + " " + _checked_in(r) if r.attended else ""),
    Column(lambda: _("Name"), lambda r: r.name),
    Column(lambda: _("Reading"), lambda r: r.reading),
    Column(lambda: _("Type"), _kind),
]


class RegistrationTableModel(RowTableModel[RegistrationView]):
    """Every registration of an event (or one date of it), in gojūon order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(REGISTRATION_COLUMNS, parent)


class ReceptionListModel(RowTableModel[RegistrationView]):
    """The people matching what the reception desk typed: not yet arrived first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(RECEPTION_COLUMNS, parent)
