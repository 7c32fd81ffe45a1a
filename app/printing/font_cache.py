"""ReportLab TrueType fonts loaded from a metrics cache instead of being parsed on every print."""

from __future__ import annotations

import marshal
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import platformdirs
from reportlab import Version as REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont, TTFontFace

from app.core.errors import UserError
from app.storage.fileio import write_atomically
from app.storage.outputs import Own

# Bump when what is stored changes; the ReportLab version and the font file's size and
# modification time are part of the key too, so an upgrade or a new font file re-parses.
FORMAT = 1
# Set by what the face computes from the file and cannot be stored as data.
_NOT_STORED = ("_ttf_data", "_pdfScale")


def cache_folder() -> Path:
    """Where parsed font metrics are kept (the platform's cache folder for Tsunagu)."""
    return Path(platformdirs.user_cache_dir("Tsunagu", appauthor=False)) / "fonts"


def _key(path: Path) -> tuple[Any, ...]:
    st = path.stat()
    return (FORMAT, REPORTLAB_VERSION, str(path.resolve()), st.st_size, st.st_mtime_ns)


def _scale(units_per_em: int) -> Any:
    # The same function TTFontFile.extractInfo makes from the head table.
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _state(face: TTFontFace) -> dict[str, Any]:
    """What the face holds besides the file's bytes, as plain marshal-able data."""
    state: dict[str, Any] = {}
    names: dict[str, str] = {}
    for attr, value in vars(face).items():
        if attr in _NOT_STORED:
            continue
        if isinstance(value, TTFNameBytes):
            names[attr] = value.ustr
        else:
            state[attr] = value
    return {"state": state, "names": names}


def _face_from(stored: dict[str, Any], data: bytes) -> TTFontFace:
    face = TTFontFace.__new__(TTFontFace)
    vars(face).update(stored["state"])
    for attr, text in stored["names"].items():
        setattr(face, attr, TTFNameBytes(text.encode("utf-8"), "utf8"))
    face._ttf_data = data
    face._pdfScale = _scale(face.unitsPerEm)
    return face


def _font_around(name: str, face: TTFontFace) -> TTFont:
    # TTFont.__init__ (ReportLab 4 and 5) with the face given rather than parsed again;
    # tests/app/printing/test_font_cache.py compares the result with a parsed TTFont.
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = ttfonts.TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in ttfonts.unShapedFontGlob)
    return font


def _read(cache: Path, key: tuple[Any, ...]) -> dict[str, Any] | None:
    try:
        stored = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored


def load_ttfont(name: str, path: Path) -> TTFont:
    """`TTFont(name, path)`, from the metrics cache when it matches the file (a parse of a
    4.6 MB BIZ UD TTF costs some 50 ms, the cached metrics a few), else parsed and cached.

    The cache sits in the user's own cache folder; a missing, stale or unreadable entry is
    simply parsed again, and a cache that cannot be written is left out.
    """
    try:
        key = _key(path)
    except OSError:
        return TTFont(name, str(path))
    cache = cache_folder() / f"{path.stem}.metrics"
    stored = _read(cache, key)
    if stored is not None:
        try:
            data = path.read_bytes()
        except OSError:
            return TTFont(name, str(path))
        face = _face_from(stored, data)
        face.filename = str(path)
        return _font_around(name, face)
    font = TTFont(name, str(path))
    entry = {"key": key, **_state(font.face)}
    try:
        blob = marshal.dumps(entry)
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache, blob, own=Own.TABLE)
    except (OSError, UserError, ValueError):
        pass
    return font
