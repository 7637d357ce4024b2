"""Embeddable Chinese fonts for reportlab, made from the system's Noto CJK fonts.

reportlab embeds only TrueType (glyf) outlines, and Noto CJK ships CFF outlines in .ttc files. So for
each volume we subset Noto Serif/Sans CJK SC to the characters the volume needs (fontTools), convert
the cubic CFF outlines to quadratic TrueType ones (cu2qu), and register the result with reportlab.
The PDF then carries its own fonts (no substitution by the viewer), which an archive needs.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import MissingToolError

log = logging.getLogger(__name__)

NOTO_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/opentype/noto-cjk"),
             Path("/usr/share/fonts/noto-cjk"))
FILES = {"serif": "NotoSerifCJK-Regular.ttc", "sans": "NotoSansCJK-Bold.ttc"}
SC_NAME = "CJK SC"
BASE_CHARS = string.printable + "·—～－：；，。、（）〔〕［］【】《》“”‘’…×№" + "０１２３４５６７８９"


@dataclass(frozen=True)
class Fonts:
    """reportlab font names registered for one volume."""

    serif: str
    sans: str
    chars: frozenset = frozenset()

    def covers(self, text: str) -> bool:
        return set(text) - {"\n", "\r", "\t"} <= self.chars

    def family(self, name: str) -> str:
        return self.sans if name == "sans" else self.serif


def _find(file: str) -> Path:
    for d in NOTO_DIRS:
        if (d / file).is_file():
            return d / file
    raise MissingToolError(f"未找到中文字体 {file}（用于装订案卷的封面、目录和页号）。请安装：sudo apt-get install fonts-noto-cjk")


@functools.cache
def system_font(file: str = "NotoSansCJK-Regular.ttc") -> tuple[Path, int]:
    """(path, index of the Simplified Chinese face) of an installed Noto CJK collection, e.g. for Pillow."""
    path = _find(file)
    return path, _sc_index(path)


def _sc_index(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    for i, font in enumerate(coll.fonts):
        if SC_NAME in str(font["name"].getDebugName(4)):
            return i
    return 0


@functools.cache
def _covered(kind: str) -> frozenset[int]:
    """Code points the Noto CJK SC face (`serif` or `sans`) has a glyph for."""
    from fontTools.ttLib import TTFont

    path = _find(FILES[kind])
    return frozenset(TTFont(str(path), fontNumber=_sc_index(path), lazy=True).getBestCmap())


def uncovered(text: str, kind: str = "serif") -> str:
    """The characters of `text` (each once, in order) that the face has no glyph for: drawn, they would
    print as an empty box (e.g. ✗ U+2717, ☑, emoji)."""
    covered = _covered(kind)
    return "".join(dict.fromkeys(c for c in text if ord(c) not in covered and c not in "\n\r\t\x0b\x0c"))


def drawable(text: str, kind: str = "serif") -> str:
    """`text` with each character the face cannot draw written as its code, 〔U+2717〕, so that a reader
    sees that something is there and what, not an empty box."""
    missing = set(uncovered(text, kind))
    if not missing:
        return text
    return "".join(f"〔U+{ord(c):04X}〕" if c in missing else c for c in text)


def _chars(text: str) -> str:
    return "".join(sorted(set(text + BASE_CHARS) - {"\n", "\r", "\t", "\x0b", "\x0c"}))


def _face(kind: str, chars: str, work_dir: Path | str) -> str:
    """Subset one face (`serif` or `sans`) to `chars`, reusing a cached subset, and register it."""
    digest = hashlib.sha1(chars.encode("utf-8")).hexdigest()[:10]
    name = f"Noto{kind.title()}SC-{digest}"
    ttf = Path(work_dir) / f"{kind}-{digest}.ttf"
    if ttf.is_file():
        ttf.touch()              # recently used: kept by _prune
    else:
        missing = uncovered(chars, kind)
        if missing:
            log.warning("中文字体 %s 没有这些字的字形，PDF 中会显示为空框：%s（请改用 drawable() 处理后的文字）",
                        FILES[kind], "、".join(f"{c}（U+{ord(c):04X}）" for c in missing))
        _subset_to_ttf(_find(FILES[kind]), chars, ttf, name)
    return _register(ttf, name)


def build_fonts(text: str, work_dir: Path | str) -> Fonts:
    """Subset both faces to the characters of `text` (plus ASCII and punctuation) and register them."""
    chars = _chars(text)
    names = {kind: _face(kind, chars, work_dir) for kind in FILES}
    _prune(Path(work_dir))
    return Fonts(serif=names["serif"], sans=names["sans"], chars=frozenset(chars))


def serif_font_for(text: str, cache_dir: Path | str | None = None) -> str:
    """An embeddable Noto Serif CJK SC subset for a PDF that will show `text` (its reportlab name).
    Cached in `cache_dir` when given (e.g. ROOT/cache/fonts); otherwise built in a temporary directory,
    which is enough because reportlab reads the file when the font is registered."""
    if cache_dir is not None:
        name = _face("serif", _chars(text), cache_dir)
        _prune(Path(cache_dir))
        return name
    with tempfile.TemporaryDirectory(prefix="minzheng-fonts-") as work:
        return _face("serif", _chars(text), work)


KEEP_SUBSETS = 40


def _prune(directory: Path) -> None:
    """The subset cache keeps the newest KEEP_SUBSETS fonts (a few hundred KB each)."""
    files = sorted(directory.glob("*.ttf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_SUBSETS:]:
        old.unlink(missing_ok=True)


def _register(ttf: Path, name: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(ttf)))
    return name


def _subset_to_ttf(src: Path, chars: str, dest: Path, ps_name: str) -> None:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src), fontNumber=_sc_index(src), lazy=True)
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)

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
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    # each subset gets its own PostScript name: reportlab keeps faces by that name, and two different
    # subsets under one name would make the second volume draw with the first one's glyphs
    for rec in font["name"].names:
        if rec.nameID in (3, 4, 6):
            rec.string = ps_name
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    font.save(str(tmp))
    tmp.replace(dest)
    log.debug("字体子集 %s：%d 个字形", dest.name, len(order))
