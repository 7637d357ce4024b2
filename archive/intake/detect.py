"""Ingest stages `detect_type` and `check_limits`: what a file is, by its content, and whether it is safe to open.

Never by extension: a JPEG named .pdf is an image, an HTML page named .docx is rejected.
Each refusal is a `RejectedFile` with a Chinese reason that says what to do.
"""
from __future__ import annotations

import logging
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import magic

from archive.common.errors import RejectedFile, os_reason
from archive.common.textcodec import looks_like_text

KINDS = ("pdf", "docx", "xlsx", "doc", "xls", "ofd", "tiff", "image", "text")
HEAD_BYTES = 1 << 16
MAX_ZIP_MEMBERS = 20000
MAX_TIFF_FRAMES = 5000

_IMAGE_MIMES = {"image/jpeg", "image/png", "image/bmp", "image/x-ms-bmp", "image/gif", "image/webp"}
_OLE_MIMES = {"application/msword", "application/vnd.ms-excel", "application/x-ole-storage",
              "application/cdfv2", "application/vnd.ms-office"}
_ZIP_MIMES = {"application/zip", "application/x-zip-compressed",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/ofd"}
_TEXT_MIMES = {"text/plain", "text/csv", "text/tab-separated-values", "application/csv"}
_MARKUP_MIMES = {"text/html", "application/xhtml+xml"}


@dataclass(frozen=True)
class Limits:
    """Caps from `[ingest]` in minzheng.toml."""

    max_file_bytes: int = 512 << 20
    max_zip_uncompressed: int = 1024 << 20
    max_zip_ratio: float = 200.0
    max_image_pixels: int = 120_000_000
    max_text_bytes: int = 64 << 20      # a plain-text file is read and decoded whole

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        g = lambda k, d: settings.get("ingest", k, d)  # noqa: E731
        return cls(
            max_file_bytes=int(float(g("max_file_mb", 512)) * (1 << 20)),
            max_zip_uncompressed=int(float(g("max_zip_uncompressed_mb", 1024)) * (1 << 20)),
            max_zip_ratio=float(g("max_zip_ratio", 200)),
            max_image_pixels=int(g("max_image_pixels", 120_000_000)),
            max_text_bytes=int(float(g("max_text_mb", 64)) * (1 << 20)),
        )


@dataclass(frozen=True)
class Detected:
    kind: str          # one of KINDS
    mime: str          # what libmagic said


def detect_type(path: Path | str, limits: Limits | None = None) -> Detected:
    """Stage `detect_type`: the file's kind by content. Raises RejectedFile."""
    path = Path(path)
    limits = limits or Limits()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise RejectedFile(path, "文件不存在，请检查路径")
    except OSError as e:
        raise RejectedFile(path, f"无法访问文件（{os_reason(e)}）")
    if not path.is_file():
        raise RejectedFile(path, "不是普通文件（可能是设备或管道），已跳过")
    if st.st_size == 0:
        raise RejectedFile(path, "空文件（0 字节），没有可归档的内容；请找到完整的原件再导入")
    if st.st_size > limits.max_file_bytes:
        raise RejectedFile(path, f"文件过大（{st.st_size / 2**20:.0f} MB，上限 {limits.max_file_bytes / 2**20:.0f} MB）；"
                                 "请拆分后导入，或调整 minzheng.toml 中 [ingest] max_file_mb")
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except PermissionError:
        raise RejectedFile(path, "没有读取权限；请让管理员开放读取权限后再导入")
    except OSError as e:
        raise RejectedFile(path, f"无法读取文件（{os_reason(e)}）")
    mime = (magic.from_buffer(head, mime=True) or "application/octet-stream").lower()
    kind = _kind_of(path, head, mime, st.st_size)
    return Detected(kind, mime)


def _kind_of(path: Path, head: bytes, mime: str, size: int) -> str:
    if mime == "application/pdf" or head.startswith(b"%PDF-"):
        return "pdf"
    if mime in _ZIP_MIMES or head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if mime in _OLE_MIMES or head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(path)
    if mime == "image/tiff":
        return "tiff"
    if mime in _IMAGE_MIMES:
        return "image"
    if mime in _MARKUP_MIMES or _looks_like_html(head):
        raise RejectedFile(path, "文件内容是网页（HTML），不是文书原件（常见于下载出错时保存的页面）；"
                                 "请取得真正的 Word/PDF 原件，或将网页另存为 PDF 后再导入")
    if mime.startswith("text/") or mime in _TEXT_MIMES or looks_like_text(head):
        return "text"
    if mime == "application/encrypted":
        raise RejectedFile(path, "文件已加密；请先解除密码再导入")
    raise RejectedFile(path, f"无法识别的文件类型（内容检测为 {mime}）；支持 PDF、DOCX、XLSX、DOC、XLS、OFD、"
                             "TIFF、JPEG/PNG 和纯文本")


def _looks_like_html(head: bytes) -> bool:
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = {n.lower() for n in z.namelist()[:MAX_ZIP_MEMBERS + 1]}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RejectedFile(path, "文件已损坏或不完整（压缩结构无法读取，可能复制或下载中断）；请取得完整的原件再导入")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ofd.xml" in names:
        return "ofd"
    if "encryptedpackage" in names:
        raise RejectedFile(path, "文件已加密；请先解除密码再导入")
    raise RejectedFile(path, "这是一个压缩包，不是 Word、Excel 或 OFD 文档；请解压后分别导入其中的文件")


def _ole_kind(path: Path) -> str:
    """Legacy Office (OLE2 compound file): tell DOC from XLS by the names of its streams."""
    with open(path, "rb") as f:
        data = f.read(4 << 20)
    utf16 = lambda s: s.encode("utf-16-le")  # noqa: E731
    if utf16("EncryptedPackage") in data or utf16("EncryptionInfo") in data:
        raise RejectedFile(path, "文件已加密；请先解除密码再导入")
    if utf16("WordDocument") in data:
        return "doc"
    if utf16("Workbook") in data or utf16("Book") in data:
        return "xls"
    raise RejectedFile(path, "旧版 Office 文件，但既不是 Word 文档也不是 Excel 工作簿；请另存为 DOCX/XLSX/PDF 后导入")


def check_limits(path: Path | str, kind: str, limits: Limits | None = None) -> dict:
    """Stage `check_limits`: refuse what could blow up memory or disk when opened, and what cannot be opened.

    Reads only headers (zip directory, image header, PDF trailer); never decodes an image.
    Returns facts found on the way (e.g. {"pixels": …}).
    """
    path = Path(path)
    limits = limits or Limits()
    if kind in ("docx", "xlsx", "ofd"):
        return _check_zip(path, limits)
    with warnings.catch_warnings():       # a damaged header makes PIL and pypdf warn in English on stderr
        warnings.simplefilter("ignore")
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        if kind in ("tiff", "image"):
            return _check_image(path, limits)
        if kind == "pdf":
            return _check_pdf(path)
    if kind == "text" and path.stat().st_size > limits.max_text_bytes:
        raise RejectedFile(path, f"文本文件过大（{path.stat().st_size / 2**20:.0f} MB，上限 "
                                 f"{limits.max_text_bytes / 2**20:.0f} MB）；请拆分后导入，或调整 minzheng.toml 中 "
                                 "[ingest] max_text_mb")
    return {}


def _check_zip(path: Path, limits: Limits) -> dict:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RejectedFile(path, "文件已损坏或不完整（压缩结构无法读取）；请取得完整的原件再导入")
    if len(infos) > MAX_ZIP_MEMBERS:
        raise RejectedFile(path, f"压缩结构内文件过多（{len(infos)} 个），疑似“压缩炸弹”，已拒绝")
    total = sum(i.file_size for i in infos)
    packed = max(1, os.path.getsize(path))
    if total > limits.max_zip_uncompressed:
        raise RejectedFile(path, f"解压后过大（{total / 2**20:.0f} MB，上限 {limits.max_zip_uncompressed / 2**20:.0f} MB），"
                                 "疑似“压缩炸弹”，已拒绝")
    if total / packed > limits.max_zip_ratio:
        raise RejectedFile(path, f"压缩比异常（{total / packed:.0f} 倍，上限 {limits.max_zip_ratio:.0f} 倍），"
                                 "疑似“压缩炸弹”，已拒绝")
    if any(i.flag_bits & 0x1 for i in infos):
        raise RejectedFile(path, "文件已加密；请先解除密码再导入")
    return {"uncompressed": total}


def _check_image(path: Path, limits: Limits) -> dict:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None       # our own cap below; the image is never decoded here
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            if frames > MAX_TIFF_FRAMES:
                raise RejectedFile(path, f"图像页数过多（{frames} 页，上限 {MAX_TIFF_FRAMES}）；请拆分后导入")
            biggest = 0
            for i in range(frames):
                if i:
                    im.seek(i)
                w, h = im.size
                biggest = max(biggest, w * h)
                if w * h > limits.max_image_pixels:
                    raise RejectedFile(
                        path, f"图像过大（第 {i + 1} 页 {w}×{h} 像素，上限 {limits.max_image_pixels} 像素），"
                              "疑似“解压炸弹”或分辨率过高；请降低分辨率后导入")
    except RejectedFile:
        raise
    except Exception as e:   # PIL raises many kinds for broken headers
        raise RejectedFile(path, f"图像文件已损坏或不完整（{type(e).__name__}）；请取得完整的原件再导入")
    return {"frames": frames, "pixels": biggest}


def _check_pdf(path: Path) -> dict:
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(max(0, size - 4096))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise RejectedFile(path, "PDF 文件不完整（缺少文件结尾，可能复制或下载中断）；请取得完整的原件再导入")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            # An empty user password (owner-only restrictions) still opens; anything else is locked.
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise RejectedFile(path, "PDF 已加密（需要密码才能打开）；请先用密码打开并另存为无密码的 PDF 再导入")
        pages = len(reader.pages)
    except RejectedFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as e:
        raise RejectedFile(path, f"PDF 文件已损坏，无法读取（{type(e).__name__}）；请取得完整的原件再导入")
    if pages == 0:
        raise RejectedFile(path, "PDF 没有任何页面；请检查原件")
    return {"pdf_pages": pages}
