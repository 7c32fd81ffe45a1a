"""Reading a roster file as a table of text: CSV in any encoding Excel writes, or XLSX."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import MAX_CELL_CHARS, from_spreadsheet
from app.roster.files.mapping import NAME_FIELDS, guess_mapping
from app.storage.fileio import read_file

Format = Literal["csv", "xlsx"]
Record = tuple[int, list[str]]

_SAMPLE_BYTES = 64 * 1024
# Roster files are small; this only guards against opening a wrong, huge file by mistake.
MAX_FILE_BYTES = 100 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
# Compound-file container: .xls from Excel 97-2003, and also any password-protected workbook.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What Python's cp932 makes of bytes no Shift_JIS text holds (0x80, 0xA0, 0xFD-0xFF): seeing
# them means the bytes were not cp932 after all.
_NOT_CP932_RE = re.compile(r"[\x80\uf8f0-\uf8f3]")
# How many non-blank rows may precede the header (a title, a date line...).
_HEADER_SEARCH_ROWS = 10
# Limits far above any chapter's roster, so that a wrong or hostile file is one line, not an
# hour of work or a gigabyte of memory. A zip bomb of 511 KB once held 512 MiB of XML.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_XLSX_INFLATED = 256 * 1024 * 1024
# Real workbooks compress 5-30 times; a member inflating more than this is built to hurt.
MAX_XLSX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024
# Control characters no text file holds (tab, line feed and carriage return are allowed).
_TEXT_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Table:
    """A file's header and data rows as stripped text, every row as wide as the header."""

    headers: list[str]
    header_line: int
    records: list[Record]
    encoding: str


def _not_a_table(path: Path) -> UserError:
    return UserError(
        _("This file is not a CSV or Excel (.xlsx) file: {name}").format(name=path.name),
        details=[str(path)],
    )


def _open_error(path: Path, exc: OSError) -> UserError:
    return UserError(
        _("Could not read {name}: {reason}").format(
            name=path.name, reason=exc.strerror or type(exc).__name__
        ),
        details=[str(path)],
    )


def detect_format(path: str | os.PathLike[str]) -> Format:
    """ "xlsx" for a zip container, "csv" for text; UserError for anything else.

    Judged by content, not by extension: a PDF, an image, an empty or binary file is refused.
    """
    source = Path(path)
    try:
        with source.open("rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise _open_error(source, exc) from exc
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise UserError(
            _(
                "This is an old Excel (.xls) file or a password-protected workbook: "
                "save it in Excel as .xlsx without a password and try again: {name}"
            ).format(name=source.name),
            details=[str(source)],
        )
    if head.startswith(_BINARY_MAGICS) or not _looks_like_text(head):
        raise _not_a_table(source)
    return "csv"


def _looks_like_text(head: bytes) -> bool:
    """Text in some encoding: judged on control bytes, which neither UTF-8 nor cp932 uses.

    Whether it is UTF-8 or cp932 is decode_text's question: a text file in another
    encoding deserves that message rather than "not a CSV".
    """
    if head.startswith(_UTF16_BOMS):
        decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-16")()
        try:
            text = decoder.decode(head, final=False)
        except UnicodeDecodeError:
            return False
        return bool(text.strip()) and _CONTROL_RE.search(text) is None
    return bool(head.strip()) and _CONTROL_BYTES_RE.search(head) is None


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Text of a CSV and the encoding used: UTF-16 by BOM, else UTF-8 (strict), else cp932."""
    if data.startswith(_UTF16_BOMS):
        candidates: Iterable[str] = ("utf-16",)
    else:
        # cp932, never shift_jis: shift_jis lacks 髙 﨑 ① and turns ～ into 〜 (wave dash).
        candidates = ("utf-8-sig", "cp932")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp932" and _NOT_CP932_RE.search(text):
            continue
        if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        return text, encoding
    raise UserError(
        _("Could not read the text of {name}: it is neither UTF-8 nor Shift_JIS (cp932).").format(
            name=name
        )
    )


def check_text(text: str, name: str) -> None:
    """Refuse decoded text holding NUL or another control character anywhere in the file."""
    found = _TEXT_CONTROL_RE.search(text)
    if found is not None:
        raise UserError(
            _(
                "{name} holds a control character (U+{code}) on line {line}: "
                "it is not a text table."
            ).format(
                name=name,
                code=f"{ord(found.group()):04X}",
                line=text.count("\n", 0, found.start()) + 1,
            )
        )


def check_workbook(path: Path) -> None:
    """Refuse a workbook that would inflate past MAX_XLSX_INFLATED or by MAX_XLSX_RATIO.

    Judged from the zip's directory before openpyxl reads a byte of XML.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as exc:
        raise _open_error(path, exc) from exc
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _not_a_table(path) from exc
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_INFLATED:
        raise UserError(
            _("{name} unpacks to {size} MiB; a workbook may hold at most {limit} MiB.").format(
                name=path.name,
                size=total // (1024 * 1024),
                limit=MAX_XLSX_INFLATED // (1024 * 1024),
            )
        )
    for member in members:
        if member.file_size > _RATIO_FROM_BYTES and member.file_size > MAX_XLSX_RATIO * max(
            member.compress_size, 1
        ):
            raise UserError(
                _(
                    "{name} is packed {ratio} times denser than any workbook "
                    "(at most {limit} times): it is not opened."
                ).format(
                    name=path.name,
                    ratio=member.file_size // max(member.compress_size, 1),
                    limit=MAX_XLSX_RATIO,
                )
            )


def check_size(line: int, cells: list[str], name: str) -> None:
    """Refuse a row past MAX_ROWS, wider than MAX_COLUMNS or with a cell Excel cannot hold."""
    if line > MAX_ROWS:
        raise UserError(
            _("{name} has more than {limit:,} rows; split it into smaller files.").format(
                name=name, limit=MAX_ROWS
            )
        )
    if len(cells) > MAX_COLUMNS:
        while cells and not cells[-1]:
            cells = cells[:-1]
        if len(cells) > MAX_COLUMNS:
            raise UserError(
                _("Line {line} of {name} has more than {limit} columns.").format(
                    line=line, name=name, limit=MAX_COLUMNS
                )
            )
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            raise UserError(
                _(
                    "Line {line} of {name} has a cell of {count:,} characters; "
                    "a cell holds at most {limit:,}."
                ).format(line=line, name=name, count=len(cell), limit=MAX_CELL_CHARS)
            )


def _clean(value: str) -> str:
    value = value.strip()
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _parse_csv(text: str, delimiter: str, strict: bool, records: list[Record], name: str) -> None:
    # One record is one row in Excel, even when a quoted cell holds line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    for line, cells in enumerate(reader, start=1):
        check_size(line, cells, name)
        # The apostrophe our own export put before a would-be formula (app/core/text/safety.py).
        records.append((line, [from_spreadsheet(_clean(cell)) for cell in cells]))


def _csv_rows(path: Path) -> tuple[list[Record], str]:
    text, encoding = decode_text(read_file(path, max_bytes=MAX_FILE_BYTES), path.name)
    check_text(text, path.name)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Excel's "Unicode text" export is tab-separated; every other roster uses commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    records: list[Record] = []
    try:
        _parse_csv(text, delimiter, True, records, path.name)
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":
            # A quote opened and never closed: the lax reader would swallow every later row
            # into one cell without a word.
            raise UserError(
                _('A quote (") opened on line {line} is never closed: {name}').format(
                    line=len(records) + 1, name=path.name
                )
            ) from exc
        records = []
        try:
            # Excel itself accepts a stray quote inside a cell (ab"cd); so does the lax reader.
            _parse_csv(text, delimiter, False, records, path.name)
        except csv.Error as lax_exc:
            raise UserError(
                _("{name} is not valid CSV: a cell on line {line} is too long.").format(
                    name=path.name, line=len(records) + 1
                )
            ) from lax_exc
    return records, encoding


def _fill_number_format(number: int, number_format: str) -> str | None:
    """The digits Excel shows for a zero-padded format such as 0000000 or 000-0000."""
    if number < 0:
        return None
    digits = str(number)
    for section in number_format.split(";"):
        template = re.sub(r'\[[^\]]*\]|"[^"]*"|\\', "", section)
        if re.fullmatch(r"0+(?:-0+)*", template) and template.count("0") >= len(digits):
            padded = iter(digits.zfill(template.count("0")))
            return "".join(next(padded) if ch == "0" else ch for ch in template)
    return None


def cell_text(value: Any, number_format: str | None = None) -> str:
    """The text a person sees in an Excel cell: 1234567 not 1234567.0, dates as 2023-04-01."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if number_format and "0" in number_format:
            shown = _fill_number_format(value, number_format)
            if shown is not None:
                return shown
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return _clean(str(value))


def _cell_text(cell: Any) -> str:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Looking the format up costs; only numbers need it (zero-padded codes).
        return cell_text(value, getattr(cell, "number_format", None))
    return cell_text(value)


def _xlsx_rows(path: Path) -> Iterator[Record]:
    import openpyxl  # 90 ms to import: only when a workbook is read

    check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    except Exception as exc:
        # Any zip that is not a workbook (a .docx, a broken download) lands here.
        raise _not_a_table(path) from exc
    try:
        if not workbook.worksheets:
            raise _not_a_table(path)
        sheet = workbook.worksheets[0]
        # The stored dimension can be missing or wrong (other writers); read every row.
        sheet.reset_dimensions()
        # One column past the limit is enough to refuse the row: a cell at XFD1 reads as
        # 16,384 cells otherwise.
        for line, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
            texts = [_cell_text(cell) for cell in cells]
            check_size(line, texts, path.name)
            yield line, texts[: _trimmed_width(texts)]
    except UserError:
        raise
    except Exception as exc:
        raise _not_a_table(path) from exc
    finally:
        workbook.close()


def _is_header(cells: list[str]) -> bool:
    mapping = guess_mapping(cells)
    return len(mapping) >= 2 and bool(set(mapping.values()) & NAME_FIELDS)


def _unique_headers(cells: list[str], width: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    headers: list[str] = []
    seen: set[str] = set()
    for index in range(width):
        name = cells[index] if index < len(cells) else ""
        if not name:
            name = _("Column {letter}").format(letter=get_column_letter(index + 1))
        base, count = name, 1
        while name in seen:
            count += 1
            name = f"{base} ({count})"
        seen.add(name)
        headers.append(name)
    return headers


def _trimmed_width(cells: list[str]) -> int:
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def read_file_table(path: str | os.PathLike[str]) -> Table:
    """Read `path` (CSV or XLSX) into a Table; UserError when it holds no table at all.

    Blank rows are skipped but still counted, so line numbers match Excel's row numbers.
    The header is the first non-blank row, unless one of the next few rows is recognisably
    a header (name column plus another field): title rows above it are then skipped.
    """
    source = Path(path)
    fmt = detect_format(source)
    raw: Iterable[Record]
    if fmt == "xlsx":
        raw, encoding = _xlsx_rows(source), "xlsx"
    else:
        raw, encoding = _csv_rows(source)
    rows = [(line, cells) for line, cells in raw if any(cells)]
    if not rows:
        raise UserError(
            _("The file holds no table: {name}").format(name=source.name), details=[str(source)]
        )
    header_at = next(
        (i for i, (_line, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]) if _is_header(cells)),
        0,
    )
    header_line, header_cells = rows[header_at]
    data = rows[header_at + 1 :]
    width = max(_trimmed_width(header_cells), *(_trimmed_width(cells) for _line, cells in data), 1)
    headers = _unique_headers(header_cells, width)
    records: list[Record] = []
    for line, cells in data:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) > width:
            cells = cells[:width]
        records.append((line, cells))
    return Table(headers, header_line, records, encoding)


def read_table(path: str | os.PathLike[str]) -> tuple[list[str], list[Record], str]:
    """(headers, [(line, cells)], encoding) of a CSV or XLSX roster; see read_file_table."""
    table = read_file_table(path)
    return table.headers, table.records, table.encoding
