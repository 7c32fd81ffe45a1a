"""Make resources/fonts/TsunaguFallbackJP.ttf: kanji BIZ UD Gothic lacks, from Noto Sans CJK JP.

    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    apt-get install fonts-noto-cjk
    /tmp/ft/bin/python installer/make_fallback_font.py [PATH/NotoSansCJK-Regular.ttc]

Noto Sans CJK is CFF (PostScript outlines), which ReportLab cannot embed: the subset's
outlines are converted to TrueType quadratics (fontTools cu2qu). Kept: what Noto Sans CJK JP
has and BIZ UD Gothic lacks among JIS X 0213, the compatibility ideographs and the SIP (𠮷
and the rarer 人名用 variants). Run at development time only; the result is committed with
its licence (resources/fonts/OFL-Noto.txt, SIL Open Font License 1.1; renamed, so it bears
no Reserved Font Name).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts" / "TsunaguFallbackJP.ttf"
BIZ = ROOT / "resources" / "fonts" / "BIZUDPGothic-Regular.ttf"
SIP = (0x20000, 0x3134F)  # every one Noto Sans CJK JP maps: 𠮷, 𠮟, 𩸽 …
COMPAT = (0xF900, 0xFAFF)  # compatibility ideographs some registers use for a name's form


def _wanted(cp: int) -> bool:
    """JIS X 0213 (人名用 variants, 第3・第4水準), the compatibility ideographs, the SIP."""
    if SIP[0] <= cp <= SIP[1] or COMPAT[0] <= cp <= COMPAT[1]:
        return True
    if cp < 0x2E80:
        return False
    try:
        chr(cp).encode("euc_jis_2004")
    except UnicodeEncodeError:
        return False
    return True


NAME = "TsunaguFallbackJP"


def _jp(collection: Path) -> TTFont:
    for font in TTCollection(str(collection)).fonts:
        if "JP" in font["name"].getDebugName(4):
            return font
    raise SystemExit("no JP face in " + str(collection))


def _to_truetype(font: TTFont) -> None:
    """CFF outlines to glyf/loca (max error 1 unit), as ReportLab's TTFont needs."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order


def main(argv: list[str]) -> int:
    source = Path(argv[0] if argv else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    noto = _jp(source)
    have = set(TTFont(str(BIZ)).getBestCmap())
    wanted = sorted(cp for cp in noto.getBestCmap() if cp not in have and _wanted(cp))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted)
    sub.subset(noto)
    _to_truetype(noto)
    names = noto["name"]
    for record in names.names:
        if record.nameID in (1, 4):
            record.string = NAME
        elif record.nameID == 6:
            record.string = NAME
        elif record.nameID == 3:
            record.string = NAME + " (subset of Noto Sans CJK JP)"
    noto.save(str(OUT))
    print(f"{OUT}: {len(wanted)} characters, {OUT.stat().st_size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
