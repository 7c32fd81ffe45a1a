"""Slim ICU's data library (libicudata) in the Linux bundle to what a Japanese/English Qt app reads.

Qt 6 on Linux links ICU, whose libicudata.so.NN is one 31 MB exported blob (`icudtNN_dat`): an
ICU "common data" package holding locale data for about 800 locales, collation rules, break
iterator dictionaries, transliterators and 190 character-set converters. Qt uses a small part:
collation (QCollator, locale-aware sorting and comparison), locale-specific case mapping
(QLocale::toUpper/toLower), converters for named encodings (QStringConverter beyond UTF and
Latin-1, e.g. a ja_JP.eucJP system locale), and time-zone names. Qt formats dates and numbers
from its own CLDR tables, breaks text with its own Unicode tables, and never transliterates.

This script copies the package out of the library, leaves out
  - the locale data of languages other than Japanese and English, in every tree (locale names,
    collation, currencies, languages, regions, units, zones, number spell-out) - ICU falls back
    to the root locale, whose rules every other language used in this program's data would
    get anyway;
  - the word-break dictionaries (Chinese/Japanese, Thai, Lao, Khmer, Burmese);
  - the transliterators;
  - the large multi-byte converter tables except the Japanese ones (Shift_JIS/cp932, EUC-JP,
    ISO-2022-JP); the small single-byte tables all stay;
and writes a drop-in library with the same file name, soname and exported symbol (an assembler
file that .incbin's the package, assembled and linked with binutils' `as` and `ld`). Everything
else (root locale, supplemental data, normalisation, character properties, time-zone rules)
is kept as it was. A missing item behaves as ICU documents: locale data falls back to root; a
converter that is not there cannot be opened (Qt reports the encoding as unavailable).

    python installer/slim_icu.py SOURCE_LIBRARY OUTPUT_LIBRARY    # prints what it kept

installer/tsunagu.spec calls slim_library() on Linux builds.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = frozenset({"ja", "en"})
# Locale bundles are named like "ja", "en_GB", "sr_Latn_BA": a 2-3 letter language first.
_LOCALE_RE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]*)*")
# ("de_" is a collation alias of that shape.) Names of that shape which are not locales: a
# tree's index, its shared key pool, and the root locale (always kept).
_NOT_LOCALES = frozenset({"res_index", "pool", "root"})
# Converter tables above this size are the multi-byte ones (Chinese, Korean, EBCDIC DBCS,
# X11 compound text); the single-byte tables are all under it.
SMALL_CONVERTER_BYTES = 24 * 1024
# Japanese multi-byte tables kept whatever their size. ICU's aliases: Shift_JIS, windows-31j,
# cp932 -> ibm-943_P15A-2003; ibm-943 -> ibm-943_P130-1999; EUC-JP -> ibm-33722_P12A_P12A-2009_U2
# (its older versions and ibm-954, euc-jp-2007 beside it); ISO-2022-JP reads JIS X 0208 through
# the Shift_JIS table and JIS X 0212 through jisx-212.
JAPANESE_CONVERTERS = frozenset(
    {
        "ibm-943_P15A-2003",
        "ibm-943_P130-1999",
        "ibm-942_P12A-1999",
        "ibm-33722_P12A_P12A-2009_U2",
        "ibm-33722_P12A_P12A-2004_U2",
        "ibm-33722_P120-1999",
        "ibm-954_P101-2007",
        "euc-jp-2007",
        "jisx-212",
    }
)

_SYMBOL_RE = re.compile(rb"icudt\d+_dat")
_HEADER_MAGIC = b"\xda\x27"
_COMMON_DATA_FORMAT = b"CmnD"


def keep_item(name: str, size: int) -> bool:
    """Whether the package item `name` (e.g. "coll/ja.res", without the package prefix) stays."""
    tree, _, leaf = name.rpartition("/")
    stem, _, ext = leaf.rpartition(".")
    if tree == "translit":
        return False
    if tree == "brkitr" and ext == "dict":
        return False
    if ext == "cnv":
        return size <= SMALL_CONVERTER_BYTES or stem in JAPANESE_CONVERTERS
    if ext == "res" and stem not in _NOT_LOCALES and _LOCALE_RE.fullmatch(stem):
        return stem.split("_", 1)[0] in LANGUAGES
    return True


@dataclass(frozen=True)
class Package:
    """An ICU common-data package: its header, and its items by full name, in ToC order."""

    header: bytes
    items: list[tuple[str, bytes]]

    @property
    def prefix(self) -> str:
        """The package name that starts every item name, with its slash ("icudt73l/")."""
        first = self.items[0][0]
        return first[: first.index("/") + 1]


def read_package(data: bytes) -> Package:
    """Parse an ICU common-data (.dat) package: header, then a table of contents of
    (name offset, data offset) pairs relative to the end of the header, names, items."""
    header_size = struct.unpack_from("<H", data, 0)[0]
    if data[2:4] != _HEADER_MAGIC or data[12:16] != _COMMON_DATA_FORMAT or data[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    body = data[header_size:]
    count = struct.unpack_from("<I", body, 0)[0]
    entries = [struct.unpack_from("<II", body, 4 + 8 * i) for i in range(count)]
    starts = sorted({offset for _, offset in entries}) + [len(body)]
    end_of = {start: starts[i + 1] for i, start in enumerate(starts[:-1])}
    items = []
    for name_offset, data_offset in entries:
        name = body[name_offset : body.index(b"\0", name_offset)].decode("ascii")
        items.append((name, body[data_offset : end_of[data_offset]]))
    return Package(data[:header_size], items)


# icupkg fills the gaps between names and items with this byte; so does write_package, so
# that an unchanged package is written back byte for byte.
_FILL = b"\xaa"


def _pad16(size: int) -> int:
    return (size + 15) & ~15


def write_package(package: Package) -> bytes:
    """The package as bytes, laid out as ICU's icupkg does (items 16-byte aligned, sorted)."""
    items = sorted(package.items, key=lambda item: item[0].encode("ascii"))
    count = len(items)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    names_start = 4 + 8 * count
    data_start = _pad16(names_start + len(names))
    toc = bytearray(struct.pack("<I", count))
    name_offset, data_offset = names_start, data_start
    blobs = []
    for name, blob in items:
        toc += struct.pack("<II", name_offset, data_offset)
        name_offset += len(name) + 1
        padded = blob + _FILL * (_pad16(len(blob)) - len(blob))
        blobs.append(padded)
        data_offset += len(padded)
    body = bytes(toc) + names
    body += _FILL * (data_start - len(body))
    return package.header + body + b"".join(blobs)


def base_converter(blob: bytes) -> str | None:
    """For an extension-only converter table (e.g. windows-936-2000), the table it extends."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    static_size = struct.unpack_from("<i", blob, header_size)[0]
    conversion_type = blob[header_size + 4 + 60 + 4 + 1]
    if conversion_type != 2:  # UCNV_MBCS
        return None
    mbcs = header_size + static_size
    flags = struct.unpack_from("<I", blob, mbcs + 4 + 4 * 5)[0]
    if flags & 0xFF != 14:  # MBCS_OUTPUT_EXT_ONLY
        return None
    # The base table's name follows the MBCS header: 8 words in format 4, a length in format 5.
    words = 8 if blob[mbcs] < 5 else struct.unpack_from("<I", blob, mbcs + 32)[0] & 0x3F
    name_at = mbcs + 4 * words
    return blob[name_at : blob.index(b"\0", name_at)].decode("ascii")


def slim_package(package: Package) -> Package:
    """The package without the items keep_item() refuses, nor converters extending those."""
    cut = len(package.prefix)
    kept = {name for name, blob in package.items if keep_item(name[cut:], len(blob))}
    items = []
    for name, blob in package.items:
        if name not in kept:
            continue
        if name.endswith(".cnv"):
            base = base_converter(blob)
            if base is not None and f"{package.prefix}{base}.cnv" not in kept:
                continue
        items.append((name, blob))
    return Package(package.header, items)


def read_blob(library: Path) -> tuple[str, bytes]:
    """The exported data symbol of an ELF64 libicudata (its name and bytes)."""
    data = library.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{library}: not a little-endian 64-bit ELF file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            st_name, _st_info, _other, shndx, value, sym_size = struct.unpack_from(
                "<IBBHQQ", data, at
            )
            name = data[strings + st_name : data.index(b"\0", strings + st_name)]
            if _SYMBOL_RE.fullmatch(name) and 0 < shndx < shnum:
                section = sections[shndx]
                start = section[4] + (value - section[3])
                return name.decode("ascii"), data[start : start + sym_size]
    raise ValueError(f"{library}: no icudtNN_dat symbol")


def write_library(package: bytes, symbol: str, soname: str, output: Path) -> None:
    """A shared library exporting `package` as the read-only object `symbol`."""
    with tempfile.TemporaryDirectory() as work:
        blob = Path(work) / "icudata.dat"
        blob.write_bytes(package)
        source = Path(work) / "icudata.s"
        source.write_text(
            '\t.section .rodata,"a",@progbits\n'
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            "\t.balign 16\n"
            f"{symbol}:\n"
            f'\t.incbin "{blob}"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        obj = Path(work) / "icudata.o"
        subprocess.run(["as", "--64", "-o", str(obj), str(source)], check=True)
        subprocess.run(
            [
                "ld",
                "-shared",
                "-soname",
                soname,
                "-z",
                "noexecstack",
                "--hash-style=both",
                "-o",
                str(output),
                str(obj),
            ],
            check=True,
        )


def slim_library(source: Path, output: Path) -> tuple[int, int]:
    """Write the slimmed copy of the libicudata `source` to `output`; (items, bytes) kept."""
    symbol, blob = read_blob(source)
    package = read_package(blob)
    slim = slim_package(package)
    data = write_package(slim)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_library(data, symbol, source.name, output)
    return len(slim.items), len(data)


def main(argv: list[str]) -> int:
    """python installer/slim_icu.py SOURCE OUTPUT"""
    if len(argv) != 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    source, output = Path(argv[0]), Path(argv[1])
    symbol, blob = read_blob(source)
    before = read_package(blob)
    count, size = slim_library(source, output)
    print(
        f"{source.name}: {symbol} {len(before.items)} items, {len(blob) / 2**20:.1f} MB -> "
        f"{count} items, {size / 2**20:.1f} MB; library {output.stat().st_size / 2**20:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
