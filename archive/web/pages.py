"""Page images of a record, rendered from the original and cached under ROOT/cache/pages/<sha>/<n>.png.

PDFs go through pdftoppm at a modest size; TIFF (every frame), JPEG and PNG through Pillow.
The cache is derived data: delete it at any time.
"""
from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path

from archive.common.errors import MinzhengError, NotFoundError
from archive.common.files import atomic_write_bytes
from archive.common.tools import PDFTOPPM
from archive.store.objects import object_path

log = logging.getLogger(__name__)

MAX_SIDE = 1400            # long side in pixels: an A4 page → 990 × 1400 (about 120 dpi)
RENDER_TIMEOUT = 60


class PageImageError(MinzhengError):
    """The page could not be drawn (unsupported format, damaged file, missing tool)."""


def cache_path(settings, sha256: str, page: int) -> Path:
    return Path(settings.cache_dir) / "pages" / sha256 / f"{page}.png"


def kind_of(mime: str | None, head: bytes) -> str | None:
    """'pdf', 'image' or None (no page image: Word, Excel, text…)."""
    if head.startswith(b"%PDF-") or mime == "application/pdf":
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG"):
        return "image"
    return None


def has_page_images(settings, rec: dict) -> bool:
    src = object_path(settings.objects_dir, rec["sha256"])
    try:
        with open(src, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return kind_of(rec.get("mime"), head) is not None


def page_image(settings, rec: dict, page: int) -> Path:
    """The cached PNG of page `page` (1-based) of record `rec` (needs sha256, mime, pages)."""
    pages = rec.get("pages") or 1
    if page < 1 or page > pages:
        raise NotFoundError(f"记录 {rec['id']} 只有 {pages} 页，没有第 {page} 页")
    dest = cache_path(settings, rec["sha256"], page)
    if dest.is_file():
        return dest
    src = object_path(settings.objects_dir, rec["sha256"])
    if not src.is_file():
        raise NotFoundError(f"记录 {rec['id']} 的原件不在档案库中（{src.name}）。请运行 minzheng verify 检查")
    with open(src, "rb") as f:
        head = f.read(8)
    kind = kind_of(rec.get("mime"), head)
    if kind == "pdf":
        png = _render_pdf(src, page)
    elif kind == "image":
        png = _render_image(src, page)
    else:
        raise NotFoundError(f"记录 {rec['id']} 的原件（{rec.get('mime') or '未知类型'}）没有页面图像，请下载原件查看")
    atomic_write_bytes(dest, png)
    return dest


def _render_pdf(src: Path, page: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="mz-page-") as tmp:
        out = Path(tmp) / "p"
        PDFTOPPM.run(["-f", str(page), "-l", str(page), "-scale-to", str(MAX_SIDE),
                      "-png", "-singlefile", str(src), str(out)], timeout=RENDER_TIMEOUT)
        made = out.with_suffix(".png")
        if not made.is_file():
            raise PageImageError(f"pdftoppm 没有生成第 {page} 页的图像")
        return made.read_bytes()


def _render_image(src: Path, page: int) -> bytes:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(src) as im:
            if page > 1:
                try:
                    im.seek(page - 1)
                except EOFError:
                    raise NotFoundError(f"图像只有 {im.tell() + 1} 帧，没有第 {page} 页")
            im.load()
            frame = im.convert("L" if im.mode in ("1", "L", "I;16", "I") else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise PageImageError(f"无法读取图像：{e}") from e
    frame.thumbnail((MAX_SIDE, MAX_SIDE))
    buf = io.BytesIO()
    frame.save(buf, "PNG", optimize=False)
    return buf.getvalue()
