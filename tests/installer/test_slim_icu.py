"""installer/slim_icu.py: the slimmed ICU data keeps what Qt reads for Japanese and English.

The check is differential: the same probe (Qt's dates, case mapping, collation, time-zone names
and named encodings, the only ICU services Qt 6 Core calls) runs once with the wheel's full
libicudata and once with the slim copy preloaded, and the Japanese/English answers must match.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("slim_icu", ROOT / "installer" / "slim_icu.py")
assert SPEC and SPEC.loader
slim_icu = importlib.util.module_from_spec(SPEC)
sys.modules["slim_icu"] = slim_icu
SPEC.loader.exec_module(slim_icu)


def _wheel_icudata() -> Path | None:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return found[0] if found else None


ICUDATA = _wheel_icudata() if sys.platform.startswith("linux") else None
needs_icu = pytest.mark.skipif(
    ICUDATA is None or not (shutil.which("as") and shutil.which("ld")),
    reason="Linux with Qt's ICU and binutils only",
)

PROBE = r"""
import json, sys
from PySide6.QtCore import QCollator, QDate, QDateTime, QLocale, QStringDecoder, QTime, QTimeZone, Qt
out = {}
words = ["さとう", "サトウ", "佐藤", "あべ", "阿部", "いとう", "伊藤", "Abe", "abe", "ｱﾍﾞ", "アベ",
         "1", "10", "2", "高橋", "髙橋", "渡辺", "渡邊", "Émile", "emile", "Zoe", "の", "ー"]
for name in ("ja_JP", "en_US"):
    loc = QLocale(name)
    out[name + " date"] = loc.toString(QDate(2024, 4, 1), QLocale.FormatType.LongFormat)
    out[name + " time"] = loc.toString(QDateTime(QDate(2024, 4, 1), QTime(9, 5)), "yyyy/M/d(ddd) HH:mm")
    out[name + " upper"] = loc.toUpper("abc ｱｲｳ ß ǆ ﬁ ｑ")
    out[name + " lower"] = loc.toLower("ÀÉÎ ΣΑΣ Ｑ İ")
    c = QCollator(loc)
    out[name + " sort"] = sorted(words, key=lambda w: bytes(c.sortKey(w).data()) if hasattr(c.sortKey(w), "data") else 0)
    out[name + " sort cmp"] = [c.compare(a, b) for a in words[:8] for b in words[:8]]
    c.setNumericMode(True)
    c.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    out[name + " numeric, case-insensitive"] = [c.compare("a2", "a10"), c.compare("abe", "ABE")]
    for zone in (b"Asia/Tokyo", b"America/New_York"):
        tz = QTimeZone(zone)
        out[name + " " + zone.decode()] = [
            tz.displayName(t, n, loc)
            for t in (QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime)
            for n in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName)
        ]
out["tr_TR upper"] = QLocale("tr_TR").toUpper("istanbul")
for enc in ("Shift_JIS", "windows-31j", "cp932", "EUC-JP", "ISO-2022-JP", "windows-1252",
            "ISO-8859-15", "KOI8-R", "GB18030", "Big5", "EUC-KR"):
    dec = QStringDecoder(enc)
    out["codec " + enc] = [dec.isValid(), dec.name() if dec.isValid() else None]
out["icudata"] = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line][0]
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def probe(preload: Path | None) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("LD_PRELOAD", None)
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def slim_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert ICUDATA is not None
    out = tmp_path_factory.mktemp("icu") / ICUDATA.name
    slim_icu.slim_library(ICUDATA, out)
    return out


@pytest.mark.parametrize(
    ("item", "size", "kept"),
    [
        ("ja.res", 10_000, True),
        ("en_GB.res", 10_000, True),
        ("root.res", 10_000, True),
        ("res_index.res", 10_000, True),
        ("pool.res", 10_000, True),
        ("supplementalData.res", 10_000, True),
        ("zoneinfo64.res", 10_000, True),
        ("coll/ja.res", 150_000, True),
        ("coll/ucadata.icu", 570_000, True),
        ("zone/ja.res", 50_000, True),
        ("zone/tzdbNames.res", 5_000, True),
        ("de.res", 10_000, False),
        ("coll/zh.res", 700_000, False),
        ("coll/de_.res", 100, False),
        ("zone/fr_CA.res", 5_000, False),
        ("curr/sr_Latn_BA.res", 5_000, False),
        ("brkitr/cjdict.dict", 2_000_000, False),
        ("brkitr/line.brk", 20_000, True),
        ("translit/root.res", 50_000, False),
        ("ibm-943_P15A-2003.cnv", 90_000, True),
        ("jisx-212.cnv", 71_000, True),
        ("gb18030.cnv", 230_000, False),
        ("ibm-5348_P100-1997.cnv", 2_000, True),
        ("nfkc.nrm", 55_000, True),
        ("cnvalias.icu", 64_000, True),
    ],
)
def test_keep_item(item: str, size: int, kept: bool) -> None:
    assert slim_icu.keep_item(item, size) is kept


@needs_icu
def test_unchanged_package_is_written_back_byte_for_byte() -> None:
    assert ICUDATA is not None
    _symbol, blob = slim_icu.read_blob(ICUDATA)
    assert slim_icu.write_package(slim_icu.read_package(blob)) == blob


@needs_icu
def test_slim_package_has_no_converter_without_its_base() -> None:
    assert ICUDATA is not None
    _symbol, blob = slim_icu.read_blob(ICUDATA)
    full = slim_icu.read_package(blob)
    bases = {
        name: slim_icu.base_converter(data) for name, data in full.items if name.endswith(".cnv")
    }
    assert bases[f"{full.prefix}windows-936-2000.cnv"] == "ibm-1386_P100-2001"
    assert bases[f"{full.prefix}ibm-943_P130-1999.cnv"] == "ibm-943_P15A-2003"
    slim = slim_icu.slim_package(full)
    names = {name for name, _ in slim.items}
    for name in names:
        base = bases.get(name)
        assert base is None or f"{full.prefix}{base}.cnv" in names, name
    assert f"{full.prefix}windows-936-2000.cnv" not in names
    assert f"{full.prefix}ibm-943_P130-1999.cnv" in names
    assert len(slim_icu.write_package(slim)) < len(blob) / 4


@needs_icu
def test_slim_library_exports_the_same_symbol(slim_library: Path) -> None:
    assert ICUDATA is not None
    symbol, blob = slim_icu.read_blob(slim_library)
    assert symbol == slim_icu.read_blob(ICUDATA)[0]
    assert (
        slim_icu.read_package(blob).prefix
        == slim_icu.read_package(slim_icu.read_blob(ICUDATA)[1]).prefix
    )
    dynamic = subprocess.run(["readelf", "-d", str(slim_library)], capture_output=True, text=True)
    assert f"Library soname: [{ICUDATA.name}]" in dynamic.stdout


@needs_icu
def test_qt_answers_the_same_for_japanese_and_english(slim_library: Path) -> None:
    full = probe(None)
    slim = probe(slim_library)
    assert slim.pop("icudata") == str(slim_library)  # the slim copy was really the one loaded
    assert full.pop("icudata") != str(slim_library)
    dropped = {f"codec {name}" for name in ("GB18030", "Big5", "EUC-KR")}
    for key in dropped:
        assert full.pop(key)[0] is True  # type: ignore[index]
        assert slim.pop(key) == [False, None]  # left out on purpose: Chinese and Korean tables
    assert slim == full
    assert full["ja_JP date"] == "2024年4月1日月曜日"
    assert full["ja_JP Asia/Tokyo"][0] == "日本標準時"  # type: ignore[index]
    assert full["codec cp932"] == [True, "Shift_JIS"]
    assert full["tr_TR upper"] == "İSTANBUL"
