"""Writing a roster for Excel: XLSX with text cells, CSV as UTF-8 with BOM or, on request, cp932."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import MAX_CELL_CHARS, spreadsheet_safe
from app.roster.files.values import ROLE_LABELS
from app.storage.fileio import write_atomically

# (field, header, column width). Headers stay Japanese in every UI language: the file is
# for Japanese Excel and must be recognised again by guess_mapping on import.
EXPORT_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("family_name", "姓", 12),
    ("given_name", "名", 12),
    ("family_kana", "セイ", 14),
    ("given_kana", "メイ", 14),
    ("member_number", "組合員番号", 14),
    ("coop", "所属生協", 18),
    ("postal_code", "郵便番号", 11),
    ("address", "住所", 44),
    ("phone", "電話番号", 15),
    ("mobile", "携帯電話", 15),
    ("email", "メールアドレス", 28),
    ("joined_on", "入会日", 12),
    ("roles", "役割", 28),
    ("household", "世帯番号", 12),
    ("tags", "グループ", 28),
    ("consent_contact", "連絡可", 8),
    ("note", "備考", 40),
)
SHEET_TITLE = "名簿"
REPLACEMENT = "〓"
# JIS code points that Unicode spells twice: the cp932 codec knows only the Microsoft
# spelling of the em dash; the others (〜 − ‖ ¢ £ ¬) it already maps itself.
_CP932_EQUIVALENTS = str.maketrans({"\u2014": "\u2015"})
# Invisible joiners and variation selectors: dropped, not replaced, when replacing, so that
# 葛 + VS17 becomes 葛 and not 葛〓.
_INVISIBLE = frozenset(chr(c) for c in (0x200D, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))

Row = Mapping[str, Any] | Any


def _get(row: Row, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


def _format_roles(value: Any) -> str:
    if not value:
        return ""
    codes: Iterable[str] = [value] if isinstance(value, str) else value
    return "、".join(ROLE_LABELS.get(str(code), str(code)) for code in codes)


def _format(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "roles":
        return _format_roles(value)
    if name == "consent_contact":
        return "はい" if value else ""
    if name == "tags":
        return "、".join(str(tag) for tag in value or ())
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"
    return str(value)


def row_values(row: Row) -> list[str]:
    """The export cells of one member (a MemberRow, any object with those fields, or a dict)."""
    return [_format(name, _get(row, name)) for name, _header, _width in EXPORT_COLUMNS]


@lru_cache(maxsize=4096)
def _cp932_ok(char: str) -> bool:
    try:
        char.translate(_CP932_EQUIVALENTS).encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def unencodable_cp932(rows: Iterable[Row]) -> list[tuple[int, str, str]]:
    """(line, column header, character) for every character cp932 cannot hold (𠮷, ♥, emoji).

    `line` is the line in the written file (the header is line 1); each character is listed
    once per cell.
    """
    found: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows, start=2):
        for (_name, header, _width), text in zip(EXPORT_COLUMNS, row_values(row), strict=True):
            if text.isascii():
                continue
            seen: set[str] = set()
            for char in text:
                if char not in seen and not _cp932_ok(char):
                    seen.add(char)
                    found.append((number, header, char))
    return found


def _cp932_text(text: str, replace: bool) -> str:
    text = text.translate(_CP932_EQUIVALENTS)
    if not replace:
        return text
    return "".join(c if _cp932_ok(c) else ("" if c in _INVISIBLE else REPLACEMENT) for c in text)


def _refuse_unencodable(found: list[tuple[int, str, str]]) -> UserError:
    line, column, char = found[0]
    return UserError(
        _(
            "{count} characters cannot be written in Shift_JIS (cp932), the first on line "
            "{line} in {column}: {char}. Export as .xlsx or UTF-8 CSV instead, or allow "
            "replacing them with 〓."
        ).format(count=len(found), line=line, column=column, char=char),
        details=[
            _("Line {line}, {column}: {char} (U+{code})").format(
                line=line, column=column, char=char, code=f"{ord(char):04X}"
            )
            for line, column, char in found
        ],
    )


def _csv_bytes(rows: Sequence[Row], cp932: bool, replace: bool) -> bytes:
    buffer = io.StringIO(newline="")
    # CRLF and a BOM: what Japanese Excel expects from a double-clicked CSV.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _name, header, _width in EXPORT_COLUMNS])
    for row in rows:
        # A cell starting with = + - @ would run as a formula when Excel opens the file.
        writer.writerow([spreadsheet_safe(value) for value in row_values(row)])
    text = buffer.getvalue()
    if cp932:
        return _cp932_text(text, replace).encode("cp932")
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _xlsx_bytes(rows: Sequence[Row]) -> bytes:
    # Imported here: openpyxl costs ~90 ms, and most runs of the program never export.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, (_name, _header, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(EXPORT_COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)

    def text_cell(value: str, font: Font | None = None) -> WriteOnlyCell:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value or None)
        if value:
            # A string starting with "=" would otherwise become a formula.
            cell.data_type = "s"
        # Text format: Excel keeps 0012345 and 060-0001 as typed, now and when edited later.
        cell.number_format = "@"
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(header, bold) for _name, header, _width in EXPORT_COLUMNS])
    for row in rows:
        sheet.append([text_cell(value) for value in row_values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refuse_long_cells(rows: Sequence[Row]) -> None:
    """UserError naming the first cell longer than Excel holds: it would be cut, not shown."""
    for number, row in enumerate(rows, start=2):
        for (_name, header, _width), text in zip(EXPORT_COLUMNS, row_values(row), strict=True):
            if len(text) > MAX_CELL_CHARS:
                raise UserError(
                    _(
                        "Line {line}, {column} holds {count:,} characters; an Excel cell "
                        "holds at most {limit:,}. Shorten it before exporting."
                    ).format(line=number, column=header, count=len(text), limit=MAX_CELL_CHARS)
                )


def _wants_cp932(encoding: str | None) -> bool:
    if encoding is None:
        return False
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None
    if name in ("cp932", "shift_jis"):
        return True
    if name in ("utf-8", "utf-8-sig"):
        return False
    raise ValueError(f"roster CSV is written as UTF-8 or cp932, not {encoding!r}")


def write_roster(
    path: str | os.PathLike[str],
    rows: Sequence[Row],
    encoding: str | None = None,
    *,
    replace: bool = False,
) -> None:
    """Write `rows` to `path` as .xlsx or .csv (by extension), atomically.

    XLSX: every cell text-typed ('@'), Japanese header row, frozen and filtered. CSV: UTF-8
    with BOM and CRLF; `encoding="cp932"` writes Shift_JIS (cp932) instead, refusing with a
    list of the characters it cannot hold (see unencodable_cp932) unless `replace` is True,
    which writes 〓 for each of them. `encoding` is ignored for .xlsx.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".xlsx", ".csv"):
        refuse_long_cells(rows)
    if suffix == ".xlsx":
        data = _xlsx_bytes(rows)
    elif suffix == ".csv":
        cp932 = _wants_cp932(encoding)
        if cp932 and not replace:
            found = unencodable_cp932(rows)
            if found:
                raise _refuse_unencodable(found)
        data = _csv_bytes(rows, cp932, replace)
    else:
        raise UserError(
            _("Choose a file name ending in .xlsx or .csv: {name}").format(name=target.name)
        )
    write_atomically(target, data)
