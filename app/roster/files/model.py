"""Roster data shapes: one normalised member line, one problem, one parsed file."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

ROLE_CODES: tuple[str, ...] = ("coordinator", "volunteer", "visitor")


@dataclass(frozen=True)
class MemberRow:
    """One roster line, normalised and ready to store.

    Names are kept exactly as written in the file (only surrounding whitespace removed): no
    NFC/NFKC, because that would rewrite compatibility ideographs that appear in real names,
    such as 神 (U+FA19) into 神 (U+795E). Readings are NFKC full-width katakana.
    """

    line: int
    family_name: str
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    member_number: str = ""
    coop: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    note: str = ""
    joined_on: date | None = None
    roles: tuple[str, ...] = ()
    household: str = ""
    tags: tuple[str, ...] = ()
    consent_contact: bool = False


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(MemberRow) if f.name != "line")


@dataclass(frozen=True)
class RowProblem:
    """Why one line of a file cannot be stored; `reason` is already translated."""

    line: int
    column: str
    reason: str


@dataclass
class ParsedRoster:
    """Everything read from one roster file.

    `rows` holds only the lines without problems; a caller refuses the whole file when
    `problems` is not empty. `encoding` is the CSV text encoding that was detected
    ("utf-8", "utf-8-sig", "cp932", "utf-16"), or "xlsx" for an Excel workbook.
    `columns` maps each used file header to its field; `unmapped` lists the other headers.
    """

    rows: list[MemberRow]
    problems: list[RowProblem]
    encoding: str
    columns: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every line can be stored."""
        return not self.problems
