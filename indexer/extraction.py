"""Text per page from each kind of file; pages whose text layer is missing or garbage are OCRed.

`extract(path, kind, ocr=…)` is the one entry point; `kind` comes from the ingest side
(python-magic): pdf, docx, xlsx, doc, xls, ofd, tiff, image, text.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from archive.common.textcodec import decode_text
from archive.common.tools import soffice_convert
from indexer.docmeta import HeadLine
from indexer.errors import ExtractError
from indexer.heads import docx_head, pdf_page_text, rows_head, text_head
from indexer.normalize import normalize
from indexer.ocr import OcrEngine
from indexer.ofd import ofd_read
from indexer.render import render_pdf_page

log = logging.getLogger(__name__)

KINDS = ("pdf", "docx", "xlsx", "doc", "xls", "ofd", "tiff", "image", "text")
A4_POINTS = 595.0 * 842.0
OCR_DPI = 300
MIN_OCR_DPI = 150
MIN_CHARS_PER_A4 = 10       # fewer meaningful characters than this on a page → OCR it
MAX_XLSX_CELLS = 2_000_000
TOO_LITTLE = "文字层只有 "      # needs_ocr's reason for a page with a real but short text layer


@dataclass
class Extraction:
    pages: list[str]
    text_source: str            # "text" | "ocr" | "none"
    page_count: int
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    head: list[HeadLine] = field(default_factory=list)   # page 1's top lines as laid out (for the title)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p)


# ---------------------------------------------------------------- needs OCR?
_CID = re.compile(r"\(cid:\d+\)")
_MEANINGFUL = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")


def _is_private(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or o >= 0xF0000


def _is_odd(ch: str) -> bool:
    """Characters a Chinese document's text layer almost never holds: Latin-1 supplement and
    extended Latin letters, box drawing, control characters (signs of a wrong font encoding)."""
    o = ord(ch)
    return (0x80 <= o <= 0x24F and ch not in "·×÷°±§¨") or o < 0x20 and ch not in "\n\r\t\f"


def needs_ocr(text: str, *, page_area_ratio: float = 1.0) -> tuple[bool, str]:
    """Does a page with this text layer need OCR? (decision, reason in Chinese).

    page_area_ratio: the page's area relative to A4 (the expected minimum of text scales with it)."""
    stripped = "".join((text or "").split())
    if not stripped:
        return True, "页面没有文字层"
    n = len(stripped)
    cid = sum(len(m) for m in _CID.findall(stripped))
    if cid / n > 0.3:
        return True, "文字层是未映射的字形编号 (cid:N)，字体缺少 Unicode 映射"
    rest = _CID.sub("", stripped)
    if rest:
        bad = rest.count("\ufffd")
        if bad / len(rest) > 0.2:
            return True, "文字层多为替换字符 U+FFFD（乱码）"
        pua = sum(1 for ch in rest if _is_private(ch))
        if pua / len(rest) > 0.2:
            return True, "文字层多为私用区字符，字体缺少 ToUnicode 映射"
        odd = sum(1 for ch in rest if _is_odd(ch))
        if odd / len(rest) > 0.3:
            return True, "文字层编码错乱（大量西文扩展字符）"
    meaningful = len(_MEANINGFUL.findall(rest))
    if meaningful < MIN_CHARS_PER_A4 * max(page_area_ratio, 0.1):
        return True, f"{TOO_LITTLE}{meaningful} 个字，对这一页太少"
    return False, "文字层正常"


# ---------------------------------------------------------------- helpers
def _bounded_map(fn: Callable, items: Iterable, jobs: int) -> list:
    """fn over items on `jobs` threads (OCR runs in subprocesses), at most 2×jobs in flight."""
    items = iter(items)
    if jobs <= 1:
        return [fn(x) for x in items]
    results: list = []
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        window: list = []
        for x in items:
            window.append(ex.submit(fn, x))
            if len(window) >= 2 * jobs:
                results.append(window.pop(0).result())
        results.extend(f.result() for f in window)
    return results


def _check_pixels(w: int, h: int, cap: int, what: str = "图片") -> None:
    if w * h > cap:
        raise ExtractError(f"{what}过大（{w}×{h} 像素，超过 {cap:,} 像素的上限），可能是解压炸弹或扫描分辨率过高；"
                           "请降低分辨率后再导入")


def _open_image(data, cap: int):
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None          # we check the size ourselves, before decoding
    try:
        img = Image.open(data)
    except Exception as e:  # noqa: BLE001
        raise ExtractError(f"无法读取图片：{type(e).__name__}。文件可能已损坏或被截断")
    _check_pixels(*img.size, cap)
    return img


def _prepare(img):
    """A page image ready for OCR: upright, grayscale (bilevel stays bilevel)."""
    from PIL import ImageOps
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001
        pass
    if img.mode not in ("L", "1"):
        img = img.convert("L")
    return img


def _ocr_pages(images: Iterable, ocr: OcrEngine, jobs: int, raw_first: list | None = None) -> list[str]:
    """Normalised OCR text per image; `raw_first` receives the first image's text as recognised (its lines)."""
    def one(img):
        try:
            return ocr.recognize(img)
        finally:
            img.close()
    raw = _bounded_map(one, images, jobs)
    if raw_first is not None and raw:
        raw_first.append(raw[0])
    return [normalize(t) for t in raw]


def scan_dpi(page, page_width_pt: float) -> int:
    """The resolution to render a page at for OCR: that of the page's widest image (a scan), within
    MIN_OCR_DPI..OCR_DPI. Rendering a 150 ppi scan at 300 dpi only magnifies its blur, and tesseract
    reads the enlarged characters worse (measured on samples/historic); pages without images get OCR_DPI."""
    widest = 0
    try:
        xobjects = page["/Resources"].get_object().get("/XObject") or {}
        for ref in xobjects.get_object().values():
            x = ref.get_object()
            if x.get("/Subtype") == "/Image":
                widest = max(widest, int(x.get("/Width", 0)))
    except Exception:  # noqa: BLE001 - damaged resources: fall back to the default
        return OCR_DPI
    if not widest or page_width_pt <= 0:
        return OCR_DPI
    native = widest / (page_width_pt / 72)
    return round(min(OCR_DPI, max(MIN_OCR_DPI, native)))


# ---------------------------------------------------------------- per kind
def _pdf(path: Path, ocr: OcrEngine | None, jobs: int, cap: int) -> Extraction:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001
                ok = 0
            if not ok:
                raise ExtractError("文件已加密：请先解除密码再导入")
        pages = list(reader.pages)
    except ExtractError:
        raise
    except FileNotDecryptedError:
        raise ExtractError("文件已加密：请先解除密码再导入")
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError) as e:
        raise ExtractError(f"PDF 文件已损坏或不完整，无法读取（{type(e).__name__}）")
    if not pages:
        raise ExtractError("PDF 文件没有任何页面")
    texts: list[str] = []
    head: list[HeadLine] = []
    todo: list[int] = []
    sizes: list[tuple[float, float]] = []
    dpis: list[int] = []
    notes: list[str] = []
    for i, page in enumerate(pages):
        try:
            w, h = float(page.mediabox.width), float(page.mediabox.height)
        except Exception:  # noqa: BLE001
            w, h = 595.0, 842.0
        sizes.append((w, h))
        dpis.append(scan_dpi(page, w))
        try:
            if i == 0:       # page 1 also gives its lines' type sizes, for the title
                raw, head = pdf_page_text(page)
            else:
                raw = page.extract_text() or ""
        except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on damaged content
            raw = ""
            notes.append(f"第 {i + 1} 页文字层读取失败（{type(e).__name__}）")
        need, why = needs_ocr(raw, page_area_ratio=(w * h) / A4_POINTS)
        # a short but real text layer is kept (OCR replaces it only if it reads more); garbage is dropped
        texts.append(normalize(raw) if not need or why.startswith(TOO_LITTLE) else "")
        if need:
            todo.append(i)
            notes.append(f"第 {i + 1} 页：{why}")
    source = "text" if any(texts) else "none"
    if todo and ocr is not None:

        def images():
            for i in todo:
                w, h = sizes[i]
                dpi = dpis[i]
                px = (w / 72 * dpi) * (h / 72 * dpi)
                if px > cap:
                    dpi = int(dpi * (cap / px) ** 0.5)
                yield render_pdf_page(path, i + 1, dpi)

        raw_first: list[str] = []
        for i, text in zip(todo, _ocr_pages(images(), ocr, jobs, raw_first)):
            if len(text) >= len(texts[i]):
                texts[i] = text
                if i == 0 and raw_first:
                    head = text_head(raw_first[0])
        source = "ocr"
    elif todo:
        notes.append("未做 OCR（未指定 OCR 引擎）")
    if todo and todo[0] == 0 and not texts[0]:
        head = []
    return Extraction(texts, source, len(pages), None, notes, head)


def _docx(path: Path) -> Extraction:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ExtractError(f"无法读取 Word 文档（{type(e).__name__}），文件可能已损坏或不是 .docx")
    except Exception as e:  # noqa: BLE001 - lxml errors on broken XML
        raise ExtractError(f"无法读取 Word 文档（{type(e).__name__}），文件可能已损坏")
    parts: list[str] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for tc in row:
                        if tc.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t")))
                    parts.append("  ".join(c for c in cells if c))
    for section in d.sections:
        for hf in (section.header, section.footer):
            try:
                parts.extend(p.text for p in hf.paragraphs if p.text)
            except Exception:  # noqa: BLE001
                pass
    text = normalize("\n".join(parts))
    return Extraction([text], "text" if text else "none", 1, None, [], docx_head(d))


def _xlsx(path: Path) -> Extraction:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001
        raise ExtractError(f"无法读取 Excel 工作簿（{type(e).__name__}），文件可能已损坏或不是 .xlsx")
    pages, cells, first_rows = [], 0, []
    try:
        for ws in wb.worksheets:
            lines = [ws.title]
            # the rows as stored: a sheet's dimension (say A1:D1048576 for one stray cell far down) would
            # pad every missing row and column, and a cap on that rectangle rejects an ordinary workbook
            ws.reset_dimensions()
            for row in ws.iter_rows(values_only=True):
                if len(pages) == 0 and len(first_rows) < 10:
                    first_rows.append(row)
                vals = [str(v) for v in row if v is not None and str(v).strip()]
                cells += len(row)
                if cells > MAX_XLSX_CELLS:
                    raise ExtractError(f"Excel 工作簿超过 {MAX_XLSX_CELLS:,} 个单元格，可能是解压炸弹；请拆分后再导入")
                if vals:
                    lines.append("  ".join(vals))
            pages.append(normalize("\n".join(lines)))
    except ExtractError:
        raise
    except Exception as e:  # noqa: BLE001 - a sheet's XML or its compressed data is damaged
        raise ExtractError(f"Excel 工作簿已损坏，第 {len(pages) + 1} 个工作表无法读取（{type(e).__name__}）；"
                           "请用 Excel 或 WPS 打开检查后另存再导入")
    finally:
        wb.close()
    return Extraction(pages, "text" if any(pages) else "none", len(pages), None, [], rows_head(first_rows))


def _legacy(path: Path, target: str) -> Extraction:
    """DOC/XLS: LibreOffice converts to docx/xlsx in a private profile, then the usual reader."""

    with tempfile.TemporaryDirectory(prefix="minzheng-lo-") as tmp:
        src = Path(tmp) / ("in." + ("doc" if target == "docx" else "xls"))
        shutil.copyfile(path, src)
        out = soffice_convert([src], target, Path(tmp) / "out", timeout=300)[src]
        if out is None:
            raise ExtractError(f"LibreOffice 无法读取此{'Word' if target == 'docx' else 'Excel'}文件，文件可能已损坏")
        return _docx(out) if target == "docx" else _xlsx(out)


def _text(path: Path) -> Extraction:
    data = Path(path).read_bytes()
    if not data.strip():
        raise ExtractError("文件是空的")
    try:
        text, enc = decode_text(data)
    except UnicodeDecodeError:
        raise ExtractError("文本文件编码无法识别（既不是 UTF-8 也不是 GB18030）")
    del data
    ctrl = sum(1 for ch in text if ord(ch) < 0x20 and ch not in "\n\r\t\f")
    if ctrl > len(text) * 0.01:
        raise ExtractError("这不是文本文件（含大量控制字符）")
    pages = [normalize(p) for p in text.split("\f")]
    return Extraction(pages, "text", len(pages), "utf-8" if enc == "utf-8-sig" else enc, [],
                      text_head(text.split("\f", 1)[0]))


def _image_frames(path: Path, cap: int, multi: bool) -> Iterator:
    """Decoded page images, one at a time (a multi-page TIFF is never held whole in memory)."""
    from PIL import ImageSequence
    img = _open_image(str(path), cap)
    try:
        frames = ImageSequence.Iterator(img) if multi else [img]
        for frame in frames:
            _check_pixels(*frame.size, cap)
            try:
                page = frame.copy()
                page.load()
            except Exception as e:  # noqa: BLE001 - truncated/corrupt data surfaces here
                raise ExtractError(f"图片数据已损坏或不完整，无法解码（{type(e).__name__}）")
            yield _prepare(page)
    finally:
        img.close()


def _images(path: Path, ocr: OcrEngine | None, jobs: int, cap: int, multi: bool) -> Extraction:
    frames = _image_frames(path, cap, multi)
    if ocr is None:
        n = 0
        for frame in frames:          # still decode, so a damaged file is rejected without OCR too
            frame.close()
            n += 1
        return Extraction([""] * n, "none", n, None, ["未做 OCR（未指定 OCR 引擎）"])
    raw_first: list[str] = []
    pages = _ocr_pages(frames, ocr, jobs, raw_first)
    return Extraction(pages, "ocr", len(pages), None, [], text_head(raw_first[0]) if raw_first else [])


def extract(path: Path, kind: str, *, ocr: OcrEngine | None = None, jobs: int = 1,
            max_image_pixels: int = 120_000_000) -> Extraction:
    """Normalized text per page of the file at `path`, which python-magic found to be `kind`."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise ExtractError("文件是空的")
    except OSError as e:
        raise ExtractError(f"无法读取文件（{e.strerror or type(e).__name__}）")
    jobs = max(1, int(jobs))
    if kind == "pdf":
        return _pdf(path, ocr, jobs, max_image_pixels)
    if kind == "docx":
        return _docx(path)
    if kind == "xlsx":
        return _xlsx(path)
    if kind == "doc":
        return _legacy(path, "docx")
    if kind == "xls":
        return _legacy(path, "xlsx")
    if kind == "ofd":
        pages, head = ofd_read(path)
        return Extraction(pages, "text" if any(pages) else "none", len(pages), head=head)
    if kind == "tiff":
        return _images(path, ocr, jobs, max_image_pixels, multi=True)
    if kind == "image":
        return _images(path, ocr, jobs, max_image_pixels, multi=False)
    if kind == "text":
        return _text(path)
    raise ExtractError(f"不支持的文件类型 “{kind}”")
