"""Turning a roster table into normalised MemberRows, listing every bad line with its reason."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.roster.files import values
from app.roster.files.mapping import (
    ADDRESS2,
    FULL_KANA,
    FULL_NAME,
    MAPPABLE_FIELDS,
    MULTI_FIELDS,
    NAME_FIELDS,
    guess_mapping,
)
from app.roster.files.model import MemberRow, ParsedRoster, RowProblem
from app.roster.files.reading import read_file_table

T = TypeVar("T")

# Joiners for fields fed by several columns.
_JOINERS = {"address": " ", ADDRESS2: " ", "note": "\n", "roles": "、", "tags": "、"}


def _check_mapping(headers: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """The usable part of a mapping: known fields only, each single field from one column."""
    columns: dict[str, str] = {}
    for header, name in mapping.items():
        if not name:
            continue  # the user chose "do not import" for this column
        if name not in MAPPABLE_FIELDS:
            raise ValueError(f"unknown roster field {name!r} for column {header!r}")
        if header not in headers:
            raise ValueError(f"column {header!r} is not in the file")
        columns[header] = name
    by_field: dict[str, list[str]] = {}
    for header, name in columns.items():
        by_field.setdefault(name, []).append(header)
    for name, used in by_field.items():
        if len(used) > 1 and name not in MULTI_FIELDS:
            raise UserError(
                _("Several columns are assigned to the same field: {columns}").format(
                    columns="、".join(used)
                )
            )
    # Keep the file's column order, which is the order shown to the user.
    return {h: columns[h] for h in headers if h in columns}


def parse_roster(
    path: str | os.PathLike[str], mapping: Mapping[str, str] | None = None
) -> ParsedRoster:
    """Read and check a roster file; the caller refuses it whole if `problems` is not empty.

    `mapping` maps file headers to field names (MAPPABLE_FIELDS; "" for a column to skip)
    and replaces the guess entirely; None means guess_mapping(headers).
    """
    table = read_file_table(Path(path))
    headers = table.headers
    columns = _check_mapping(headers, guess_mapping(headers) if mapping is None else mapping)
    unmapped = [h for h in headers if h not in columns]
    result = ParsedRoster([], [], table.encoding, columns, unmapped)
    if not set(columns.values()) & NAME_FIELDS:
        result.problems.append(
            RowProblem(
                table.header_line,
                "",
                _("No column holds the names: choose which column is the name."),
            )
        )
        return result

    spots: dict[str, list[tuple[int, str]]] = {}
    for header, name in columns.items():
        spots.setdefault(name, []).append((headers.index(header), header))
    for line, cells in table.records:
        row = _Line(line, cells, spots)
        member = row.member()
        if row.problems:
            result.problems.extend(row.problems)
        elif member is not None:
            result.rows.append(member)
    return result


class _Line:
    """One data line being read: cell access by field, and the problems found so far."""

    def __init__(
        self, line: int, cells: list[str], spots: dict[str, list[tuple[int, str]]]
    ) -> None:
        self.line = line
        self.cells = cells
        self.spots = spots
        self.problems: list[RowProblem] = []

    def get(self, name: str) -> str:
        spots = self.spots.get(name)
        if not spots:
            return ""
        if len(spots) == 1:
            return self.cells[spots[0][0]]
        return _JOINERS[name].join(self.cells[i] for i, _h in spots if self.cells[i])

    def column(self, name: str) -> str:
        return "、".join(h for _i, h in self.spots.get(name, ()))

    def problem(self, name: str, reason: str) -> None:
        self.problems.append(RowProblem(self.line, self.column(name), reason))

    def check(self, name: str, check: Callable[[str], T], default: T, raw: str | None = None) -> T:
        try:
            return check(self.get(name) if raw is None else raw)
        except values.BadValue as bad:
            self.problem(name, bad.reason)
            return default

    def member(self) -> MemberRow | None:
        family, given = self.get("family_name"), self.get("given_name")
        if not family and not given:
            family, given = values.split_full(self.get(FULL_NAME))
        if not family and not given:
            names = [f for f in ("family_name", "given_name", FULL_NAME) if f in self.spots]
            self.problem(names[0], _("The name is missing"))
        family_field = "family_name" if "family_name" in self.spots else FULL_NAME
        given_field = "given_name" if "given_name" in self.spots else FULL_NAME
        family = self.check(family_field, values.name, "", raw=family)
        given = self.check(given_field, values.name, "", raw=given)

        family_kana = self.check("family_kana", values.reading, "")
        given_kana = self.check("given_kana", values.reading, "")
        if not family_kana and not given_kana and FULL_KANA in self.spots:
            family_raw, given_raw = values.split_full(self.get(FULL_KANA))
            family_kana = self.check(FULL_KANA, values.reading, "", raw=family_raw)
            given_kana = self.check(FULL_KANA, values.reading, "", raw=given_raw)

        member = MemberRow(
            line=self.line,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            member_number=self.check("member_number", values.member_number, ""),
            coop=self.get("coop"),
            postal_code=self.check("postal_code", values.postal_code, ""),
            address=" ".join(p for p in (self.get("address"), self.get(ADDRESS2)) if p),
            phone=self.check("phone", values.phone, ""),
            mobile=self.check("mobile", values.phone, ""),
            email=self.check("email", values.email, ""),
            note=values.note(self.get("note")),
            joined_on=self.check("joined_on", values.parse_date, None),
            roles=self.check("roles", values.roles, ()),
            household=self.check("household", values.household, ""),
            tags=self.check("tags", values.tags, ()),
            consent_contact=self.check("consent_contact", values.yes_no, False),
        )
        return None if self.problems else member
