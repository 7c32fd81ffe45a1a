"""Member rosters as files for Excel: read CSV/XLSX into checked rows, write XLSX/CSV."""

from app.roster.files.mapping import (
    MAPPABLE_FIELDS,
    field_choices,
    guess_mapping,
    header_key,
    recognise_header,
)
from app.roster.files.model import FIELDS, ROLE_CODES, MemberRow, ParsedRoster, RowProblem
from app.roster.files.parsing import parse_roster
from app.roster.files.reading import decode_text, detect_format, read_table
from app.roster.files.writing import (
    EXPORT_COLUMNS,
    REPLACEMENT,
    row_values,
    unencodable_cp932,
    write_roster,
)

__all__ = [
    "EXPORT_COLUMNS",
    "FIELDS",
    "MAPPABLE_FIELDS",
    "REPLACEMENT",
    "ROLE_CODES",
    "MemberRow",
    "ParsedRoster",
    "RowProblem",
    "decode_text",
    "detect_format",
    "field_choices",
    "guess_mapping",
    "header_key",
    "parse_roster",
    "read_table",
    "recognise_header",
    "row_values",
    "unencodable_cp932",
    "write_roster",
]
