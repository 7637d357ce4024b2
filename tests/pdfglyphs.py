"""The glyph half of pdfcheck: every character drawn, mapped to a glyph of the embedded font program.

Content streams (and form XObjects) are walked with pypdf; each font's program (TrueType glyf, CFF,
Type 1, Type 3 procedures) is read with fontTools; a code becomes a glyph id through the program's own
tables (cmap, built-in encoding, /Differences, CIDToGIDMap) and the glyph's outline must not be empty.
Use it through tests/pdfcheck.py.
"""
from __future__ import annotations

import functools
import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from pdfcontent import operations
from pypdf import PdfReader


# ---------------------------------------------------------------- font programs
@dataclass
class FontInfo:
    """One PDF font: how codes become glyphs and Unicode, and which glyphs are non-empty."""

    name: str
    embedded: bool
    two_byte: bool = False
    to_unicode: dict[int, str] = field(default_factory=dict)
    glyph_of: object = None                  # code -> glyph key (or None: no glyph)
    has_outline: object = None               # glyph key -> bool
    checkable: bool = True                   # False: font program of a kind we can't read
    _drawn: dict = field(default_factory=dict)  # code -> has a non-empty glyph (each code looked up once)

    def draws(self, code: int) -> bool:
        if code not in self._drawn:
            self._drawn[code] = bool(self.has_outline(self.glyph_of(code)))
        return self._drawn[code]

    def text(self, code: int) -> str:
        return self.to_unicode.get(code, "")


def _parse_tounicode(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}

    def uni(hexstr: str) -> str:
        if len(hexstr) % 4 == 0:
            try:
                return bytes.fromhex(hexstr).decode("utf-16-be")
            except UnicodeDecodeError:
                pass
        value = int(hexstr, 16) if hexstr else -1        # some writers put the code point itself: <20BB7>
        return chr(value) if 0 <= value <= 0x10FFFF else ""

    text = data.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.DOTALL):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = uni(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.DOTALL):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for i, d in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    out[lo_i + i] = uni(d)
            else:
                start = rest[1:-1]
                base = int(start, 16) if start else 0
                width = len(start)
                for i in range(min(hi_i - lo_i, 65535) + 1):
                    out[lo_i + i] = uni(f"{base + i:0{width}X}")
    return out


def _tt_font(data: bytes):
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data), lazy=True)


def _tt_has_outline(font):
    if "glyf" in font:
        glyf = font["glyf"]
        order = font.getGlyphOrder()

        def has(gid: int) -> bool:
            if gid is None or gid <= 0 or gid >= len(order):
                return False
            return glyf[order[gid]].numberOfContours != 0
        return has
    if "CFF " in font:
        return _cff_has_outline(font["CFF "].cff, by_gid=True)
    return lambda gid: gid is not None and gid > 0


def _cff_has_outline(cff, by_gid: bool = False):
    top = cff.topDictIndex[0]
    cs = top.CharStrings
    order = top.charset

    def has(key) -> bool:
        if by_gid:
            if key is None or key <= 0 or key >= len(order):
                return False
            key = order[key]
        if key is None or key == ".notdef" or key not in cs:
            return False
        pen = BoundsPen(None)
        cs[key].draw(pen)
        return pen.bounds is not None
    return has


def _cff(data: bytes):
    from fontTools.cffLib import CFFFontSet

    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    return cff


def _t1(data: bytes):
    from fontTools.t1Lib import T1Font

    with tempfile.NamedTemporaryFile(suffix=".pfa") as f:
        f.write(data)
        f.flush()
        font = T1Font(f.name, kind="OTHER")
        font.parse()
    return font


_WINANSI = {i: bytes([i]).decode("cp1252", errors="ignore") for i in range(256)}


def _encoding_names(fontdict) -> dict[int, str]:
    enc = fontdict.get("/Encoding")
    names: dict[int, str] = {}
    if enc is not None and not isinstance(enc, str):
        enc = enc.get_object()
        if hasattr(enc, "get"):
            code = 0
            for item in enc.get("/Differences", []) or []:
                if isinstance(item, (int, float)) and not isinstance(item, bool):
                    code = int(item)
                else:
                    names[code] = str(item)[1:]
                    code += 1
    return names


def _font_info(fontdict) -> FontInfo:
    fontdict = fontdict.get_object()
    subtype = str(fontdict.get("/Subtype", ""))
    name = str(fontdict.get("/BaseFont", fontdict.get("/Name", "?"))).lstrip("/")
    tu = fontdict.get("/ToUnicode")
    to_unicode = _parse_tounicode(tu.get_object().get_data()) if tu is not None else {}

    if subtype == "/Type3":
        procs = fontdict.get("/CharProcs", {})
        names = _encoding_names(fontdict)
        return FontInfo(name, True, False, to_unicode, glyph_of=names.get,
                        has_outline=lambda n: n is not None and n in procs)

    if subtype == "/Type0":
        desc = fontdict["/DescendantFonts"][0].get_object()
        fd = desc.get("/FontDescriptor")
        fd = fd.get_object() if fd is not None else {}
        info = FontInfo(name, False, True, to_unicode)
        prog = fd.get("/FontFile2") or fd.get("/FontFile3")
        if prog is None:
            return info
        info.embedded = True
        data = prog.get_object().get_data()
        try:
            if fd.get("/FontFile2") is not None or str(prog.get_object().get("/Subtype")) == "/OpenType":
                font = _tt_font(data)
                c2g = desc.get("/CIDToGIDMap")
                if c2g is not None and not isinstance(c2g.get_object(), str) and hasattr(c2g.get_object(), "get_data"):
                    raw = c2g.get_object().get_data()
                    table = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                    info.glyph_of = lambda cid: table[cid] if cid < len(table) else None
                else:
                    info.glyph_of = lambda cid: cid
                info.has_outline = _tt_has_outline(font)
            else:                                      # CIDFontType0C: bare CFF, CID-keyed or not
                cff = _cff(data)
                top = cff.topDictIndex[0]
                if hasattr(top, "ROS"):
                    info.glyph_of = lambda cid: f"cid{cid:05d}"
                else:
                    order = top.charset
                    info.glyph_of = lambda cid: order[cid] if cid < len(order) else None
                info.has_outline = _cff_has_outline(cff)
        except Exception:                               # noqa: BLE001 - a program we can't read
            info.checkable = False
        return info

    fd = fontdict.get("/FontDescriptor")
    fd = fd.get_object() if fd is not None else {}
    info = FontInfo(name, False, False, to_unicode)
    if not to_unicode:
        info.to_unicode = dict(_WINANSI)
    diffs = _encoding_names(fontdict)
    try:
        if fd.get("/FontFile2") is not None:
            info.embedded = True
            font = _tt_font(fd["/FontFile2"].get_object().get_data())
            cmaps = {(t.platformID, t.platEncID): t.cmap for t in font["cmap"].tables}
            order = font.getGlyphOrder()
            gid_of_name = {n: i for i, n in enumerate(order)}
            uni_map = cmaps.get((3, 1)) or {}

            def glyph_of(code: int):
                if code in diffs and diffs[code] in gid_of_name:
                    return gid_of_name[diffs[code]]
                for key, offset in (((3, 0), 0xF000), ((3, 0), 0), ((1, 0), 0)):
                    m = cmaps.get(key)
                    if m and code + offset in m:
                        return gid_of_name.get(m[code + offset])
                ch = info.text(code)
                if ch and len(ch) == 1 and ord(ch) in uni_map:
                    return gid_of_name.get(uni_map[ord(ch)])
                return None
            info.glyph_of, info.has_outline = glyph_of, _tt_has_outline(font)
        elif fd.get("/FontFile3") is not None:
            info.embedded = True
            prog = fd["/FontFile3"].get_object()
            if str(prog.get("/Subtype")) == "/OpenType":
                font = _tt_font(prog.get_data())
                cff = font["CFF "].cff
            else:
                cff = _cff(prog.get_data())
            enc = cff.topDictIndex[0].Encoding
            builtin = enc if isinstance(enc, list) else []
            info.glyph_of = lambda code: diffs.get(code) or (builtin[code] if code < len(builtin) else None)
            info.has_outline = _cff_has_outline(cff)
        elif fd.get("/FontFile") is not None:
            info.embedded = True
            t1 = _t1(fd["/FontFile"].get_object().get_data())
            enc = t1["Encoding"]
            builtin = enc if isinstance(enc, list) else []
            glyphs = t1.getGlyphSet()

            def has(n) -> bool:
                if n is None or n == ".notdef" or n not in glyphs:
                    return False
                pen = BoundsPen(None)
                glyphs[n].draw(pen)
                return pen.bounds is not None
            info.glyph_of = lambda code: diffs.get(code) or (builtin[code] if code < len(builtin) else None)
            info.has_outline = has
    except Exception:                                   # noqa: BLE001 - a program we can't read
        info.checkable = False
    return info


# ---------------------------------------------------------------- walking the content streams
@dataclass
class GlyphStats:
    pages: int = 0
    chars: int = 0                              # visible, non-whitespace characters checked
    fonts: set = field(default_factory=set)     # names of the fonts that drew them
    per_page: list = field(default_factory=list)  # characters drawn per page (incl. invisible ones)
    problems: list = field(default_factory=list)


def _fonts_of(resources) -> dict:
    if resources is None:
        return {}
    fonts = resources.get_object().get("/Font")
    return dict(fonts.get_object()) if fonts is not None else {}


def _is_blank(ch: str) -> bool:
    return bool(ch) and all(c.isspace() or unicodedata.category(c) in ("Zs", "Zl", "Zp") for c in ch)


def stamp(pdf: Path | str) -> tuple[Path, int, int]:
    st = Path(pdf).stat()                     # cached per version of the file, not per name
    return Path(pdf), st.st_mtime_ns, st.st_size


def glyph_stats(pdf: Path | str) -> GlyphStats:
    """Walk every page: count characters, check each against its embedded font program."""
    return _glyph_stats(*stamp(pdf))


@functools.lru_cache(maxsize=64)
def _glyph_stats(pdf: Path, _mtime: int, _size: int) -> GlyphStats:
    reader = PdfReader(str(pdf))
    stats = GlyphStats(pages=len(reader.pages))
    cache: dict[int, FontInfo] = {}
    bad: dict[tuple[int, str, str], int] = {}

    def info_for(ref) -> FontInfo:
        key = ref.idnum if hasattr(ref, "idnum") else id(ref)
        if key not in cache:
            cache[key] = _font_info(ref)
        return cache[key]

    def walk(content, resources, page_no: int, seen: set) -> int:
        fonts = _fonts_of(resources)
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else {}
        font: FontInfo | None = None
        mode = 0
        stack = []
        drawn = 0
        data = content.get_data() if hasattr(content, "get_data") else b""
        for operands, op in operations(data):
            if op == b"q":
                stack.append((font, mode))
            elif op == b"Q" and stack:
                font, mode = stack.pop()
            elif op == b"Tf":
                ref = fonts.get(operands[0]) if operands else None
                font = info_for(ref) if ref is not None else None
            elif op == b"Tr":
                mode = int(operands[0]) if operands else 0
            elif op in (b"Tj", b"'", b'"', b"TJ"):
                last = operands[-1] if operands else b""
                for s in (last if isinstance(last, list) else [last]):
                    if isinstance(s, bytes):
                        drawn += _check_string(s, font, mode, page_no, stats, bad)
            elif op == b"Do":
                xo = xobjects.get(operands[0]) if operands else None
                if xo is None:
                    continue
                xo_obj = xo.get_object()
                if str(xo_obj.get("/Subtype")) == "/Form" and getattr(xo, "idnum", None) not in seen:
                    drawn += walk(xo_obj, xo_obj.get("/Resources") or resources, page_no,
                                  seen | {getattr(xo, "idnum", None)})
        return drawn

    for n, page in enumerate(reader.pages, 1):
        contents = page.get_contents()
        stats.per_page.append(walk(contents, page.get("/Resources"), n, set()) if contents is not None else 0)
    for (page_no, fname, ch), count in sorted(bad.items()):
        stats.problems.append(f"{pdf.name} 第 {page_no} 页：字体 {fname} 里没有“{ch}”的字形"
                              f"（画了 {count} 次，读者看到的是空框或空白）")
    return stats


def _check_string(data: bytes, font: FontInfo | None, mode: int, page_no: int, stats: GlyphStats,
                  bad: dict) -> int:
    if font is None:
        return 0
    step = 2 if font.two_byte else 1
    n = 0
    for i in range(0, len(data) - step + 1, step):
        code = int.from_bytes(data[i:i + step], "big")
        ch = font.text(code)
        if _is_blank(ch):
            continue
        n += 1 if ch.isprintable() else 0           # poppler places printable characters only
        if mode in (3, 7) or not font.embedded or not font.checkable:
            continue                                    # invisible text / reported elsewhere
        stats.chars += 1
        stats.fonts.add(font.name)
        if not font.draws(code):
            label = ch if ch and ch.isprintable() else f"代码 {code:#x}（文字层里也没有这个字）"
            bad[(page_no, font.name, label)] = bad.get((page_no, font.name, label), 0) + 1
    return n


def glyph_problems(pdf: Path | str) -> list[str]:
    return list(glyph_stats(pdf).problems)


def unembedded_fonts(pdf: Path | str) -> list[str]:
    """Fonts referenced by any page or form XObject without a font program (names, each once)."""
    reader = PdfReader(str(pdf))
    names: list[str] = []

    def look(resources, seen):
        if resources is None:
            return
        resources = resources.get_object()
        for ref in _fonts_of(resources).values():
            f = ref.get_object()
            if str(f.get("/Subtype")) == "/Type3":
                continue
            d = f["/DescendantFonts"][0].get_object() if str(f.get("/Subtype")) == "/Type0" else f
            fd = d.get("/FontDescriptor")
            fd = fd.get_object() if fd is not None else {}
            if not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                name = str(f.get("/BaseFont", "?")).lstrip("/")
                if name not in names:
                    names.append(name)
        xo = resources.get("/XObject")
        for ref in (xo.get_object().values() if xo is not None else []):
            obj = ref.get_object()
            if str(obj.get("/Subtype")) == "/Form" and getattr(ref, "idnum", None) not in seen:
                look(obj.get("/Resources"), seen | {getattr(ref, "idnum", None)})

    for page in reader.pages:
        look(page.get("/Resources"), set())
    return names
