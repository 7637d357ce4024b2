"""OFD (GB/T 33190, the Chinese fixed-layout format): a zip of XML; text from TextCode elements.

OFD.xml → DocBody/DocRoot → Document.xml → Pages/Page@BaseLoc → each page's Content.xml.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from indexer.docmeta import HEAD_LINES, HeadLine
from indexer.errors import ExtractError
from indexer.normalize import normalize

MAX_XML_BYTES = 50_000_000       # per member, uncompressed
MAX_RATIO = 200                  # uncompressed / compressed


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _read(z: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = z.getinfo(name)
    except KeyError:
        raise ExtractError(f"OFD 文件不完整：缺少 {name}")
    if info.file_size > MAX_XML_BYTES or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                          and info.file_size > 1_000_000):
        raise ExtractError("OFD 文件中的内容解压后过大，可能是解压炸弹")
    return z.read(info)


def _xml(z, name):
    from lxml import etree
    try:
        return etree.fromstring(_read(z, name), parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                                        huge_tree=False))
    except etree.XMLSyntaxError as e:
        raise ExtractError(f"OFD 文件中的 {name} 不是有效的 XML（{e.msg}）")


def _resolve(base: str, loc: str) -> str:
    loc = loc.strip()
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))


def _find_member(z: zipfile.ZipFile, name: str) -> str:
    names = set(z.namelist())
    if name in names:
        return name
    low = {n.lower(): n for n in names}
    return low.get(name.lower(), name)


def page_files(z: zipfile.ZipFile) -> list[str]:
    root = _xml(z, _find_member(z, "OFD.xml"))
    doc_root = next((el.text for el in root.iter() if _local(el.tag) == "DocRoot" and el.text), None)
    if not doc_root:
        raise ExtractError("OFD 文件不完整：OFD.xml 中没有 DocRoot")
    doc_name = _find_member(z, _resolve("OFD.xml", doc_root))
    doc = _xml(z, doc_name)
    pages = []
    for el in doc.iter():
        if _local(el.tag) == "Page" and el.get("BaseLoc"):
            pages.append(_find_member(z, _resolve(doc_name, el.get("BaseLoc"))))
    if not pages:   # some writers omit the page list: fall back to Pages/Page_N/Content.xml
        cands = [n for n in z.namelist() if re.search(r"Pages/Page_?\d+/Content\.xml$", n, re.I)]
        pages = sorted(cands, key=lambda n: int(re.search(r"Page_?(\d+)", n, re.I).group(1)))
    return pages


def _size(obj) -> float:
    try:
        size = float(obj.get("Size") or 0)
    except ValueError:
        return 0.0
    return size if 0 < size < 1000 else 0.0


def page_lines(z: zipfile.ZipFile, name: str) -> list[HeadLine]:
    """Each TextObject of a page with its type size (OFD sizes are in mm; only their ratios matter)."""
    root = _xml(z, name)
    lines: list[HeadLine] = []
    for obj in root.iter():
        if _local(obj.tag) == "TextObject":
            text = "".join(tc.text or "" for tc in obj.iter() if _local(tc.tag) == "TextCode")
            lines.append(HeadLine(text, _size(obj)))
    return lines


def page_text(z: zipfile.ZipFile, name: str) -> str:
    return "\n".join(line.text for line in page_lines(z, name))


def ofd_pages(path: Path) -> list[str]:
    """The normalised text of each page of an OFD file."""
    return ofd_read(path)[0]


def ofd_read(path: Path) -> tuple[list[str], list[HeadLine]]:
    """(the normalised text of each page, page 1's lines with their type sizes) of an OFD file."""
    try:
        z = zipfile.ZipFile(str(path))
    except (zipfile.BadZipFile, OSError) as e:
        raise ExtractError(f"OFD 文件已损坏，无法打开（{type(e).__name__}）")
    with z:
        try:
            names = page_files(z)
            pages, head = [], []
            for n in names:
                lines = page_lines(z, n)
                if not pages:
                    head = [ln for ln in lines if ln.text.strip()][:HEAD_LINES]
                pages.append(normalize("\n".join(ln.text for ln in lines)))
        except ExtractError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as e:
            raise ExtractError(f"OFD 文件已损坏，其中的压缩数据无法解开（{type(e).__name__}）；请取得完整的原件再导入")
    if not pages:
        raise ExtractError("OFD 文件没有任何页面")
    return pages, head
