"""Turn each original (PDF, scan, Word file, plain text) into a PDF the binder can place page by page.

PDFs are used as they are (read-only, straight from the object store). Images become A4 pages with
the image at its own resolution (no resampling: JPEG data is embedded as is). Word/ODF/RTF files are
converted by LibreOffice in one batch with a private profile. Plain text is typeset with reportlab.
A record that cannot be rendered gets a Chinese reason; the caller reports it.
"""
from __future__ import annotations

import logging
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from archive.common.cjk_font import Fonts
from archive.common.errors import MinzhengError
from archive.common.textcodec import decode_text
from archive.common.tools import SOFFICE, soffice_convert
from archive.store.objects import object_path

from .profiles import A4, MM

log = logging.getLogger(__name__)

OFFICE_EXT = {"docx": ".docx", "doc": ".doc", "odt": ".odt", "rtf": ".rtf", "wps": ".wps"}


@dataclass
class Source:
    """One record ready to bind: a PDF path, or the reason it can't be rendered."""

    record_id: int
    pdf: Path | None
    error: str | None = None


def sniff(path: Path) -> str:
    """pdf / jpeg / png / tiff / image / docx / odt / doc / rtf / ofd / zip / text — by content."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF") or b"%PDF" in head:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith((b"GIF8", b"BM")):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "odt"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    return "text"


def prepare_sources(settings, records: list[dict], fonts: Fonts, work_dir: Path) -> dict[int, Source]:
    """A Source per record id. Office files are converted in one LibreOffice call."""
    out: dict[int, Source] = {}
    office: list[tuple[dict, Path, str]] = []
    for rec in records:
        obj = object_path(settings.objects_dir, rec["sha256"])
        if not obj.is_file():
            out[rec["id"]] = Source(rec["id"], None, f"原件 objects/{rec['sha256'][:2]}/{rec['sha256']} 不存在，请运行 minzheng verify")
            continue
        kind = sniff(obj)
        try:
            if kind == "pdf":
                out[rec["id"]] = Source(rec["id"], _check_pdf(obj))
            elif kind in ("jpeg", "png", "tiff", "image"):
                dest = work_dir / f"r{rec['id']}.pdf"
                image_to_pdf(obj, dest, kind, fonts.serif)
                out[rec["id"]] = Source(rec["id"], dest)
            elif kind in OFFICE_EXT:
                office.append((rec, obj, kind))
            elif kind == "text":
                dest = work_dir / f"r{rec['id']}.pdf"
                text_to_pdf(read_text(obj, rec.get("encoding")), dest, fonts)
                out[rec["id"]] = Source(rec["id"], dest)
            elif kind == "ofd":
                out[rec["id"]] = Source(rec["id"], None, "OFD 文件暂不能装订，请先用版式阅读器另存为 PDF 再导入")
            else:
                out[rec["id"]] = Source(rec["id"], None, f"无法识别的文件类型（{kind}）")
        except Exception as e:       # one bad original must not stop the volume; it is reported
            log.debug("转换失败 %s", rec["id"], exc_info=True)
            out[rec["id"]] = Source(rec["id"], None, f"无法转换为 PDF：{e}")
    if office:
        out.update(_convert_office(office, work_dir))
    return out


def _check_pdf(path: Path) -> Path:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("PDF 已加密")
    if len(reader.pages) == 0:
        raise ValueError("PDF 没有页面")
    return path


def read_text(path: Path, encoding: str | None = None) -> str:
    data = path.read_bytes()
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return decode_text(data)[0]
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def image_to_pdf(src: Path, dest: Path, kind: str, font: str) -> None:
    """One A4 page per image frame; the image fills the page without cropping, at its own pixels."""
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 0     # binary streams: ASCII85 in pure Python costs ~1 s per scan and 25 % in size
    try:
        _image_to_pdf(src, dest, kind, font)
    finally:
        rl_config.useA85 = saved


def _image_to_pdf(src: Path, dest: Path, kind: str, font: str) -> None:
    from PIL import Image, ImageSequence

    with Image.open(src) as im:
        if kind != "jpeg" and all(f.mode == "1" for f in ImageSequence.Iterator(im)):
            # black-and-white scans: Pillow writes them CCITT G4, lossless and small, one page per frame at
            # the scan's own size; the binder scales the pages onto A4
            dpi = im.info.get("dpi") or (0, 0)
            res = float(dpi[0]) if dpi and float(dpi[0] or 0) > 20 else max(im.width / 8.27, im.height / 11.69)
            im.seek(0)
            im.save(dest, "PDF", resolution=res, save_all=True)
            return
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(dest), pageCompression=1, initialFontName=font)   # else Helvetica is referenced
    with Image.open(src) as im:
        frames = [src] if kind == "jpeg" else ImageSequence.Iterator(im)
        for frame in frames:
            if kind == "jpeg":
                w, h = im.size
                reader = ImageReader(str(src))        # DCT data embedded as is
            else:
                f = frame.copy()
                if f.mode not in ("1", "L", "RGB"):
                    f = f.convert("RGB")
                w, h = f.size
                reader = ImageReader(f)
            pw, ph = A4 if h >= w else (A4[1], A4[0])
            s = min(pw / w, ph / h)
            c.setPageSize((pw, ph))
            c.drawImage(reader, (pw - w * s) / 2, (ph - h * s) / 2, w * s, h * s)
            c.showPage()
    c.save()


def text_to_pdf(text: str, dest: Path, fonts: Fonts, size: float = 12) -> None:
    """Typeset plain text on A4 (margins per GB/T 9705), wrapping by character width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    left, right, top, bottom = 25 * MM, 15 * MM, 30 * MM, 25 * MM
    width = A4[0] - left - right
    lead = size * 1.6
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = ""
        for ch in para.replace("\t", "    "):
            if stringWidth(line + ch, fonts.serif, size) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    c = canvas.Canvas(str(dest), pagesize=A4, initialFontName=fonts.serif)
    y = A4[1] - top
    for line in lines or [""]:
        if y < bottom:
            c.showPage()
            y = A4[1] - top
        c.setFont(fonts.serif, size)
        c.drawString(left, y - size, line)
        y -= lead
    c.showPage()
    c.save()


def _convert_office(items: list[tuple[dict, Path, str]], work_dir: Path) -> dict[int, Source]:
    """All Word/ODF files in one LibreOffice run (archive.tools.soffice_convert)."""
    out: dict[int, Source] = {}
    if not SOFFICE.available():
        for rec, _, _ in items:
            out[rec["id"]] = Source(rec["id"], None, "需要 LibreOffice（soffice）才能装订 Word 文件。"
                                                     "请安装：sudo apt-get install libreoffice-writer-nogui")
        return out
    inbox = work_dir / "office-in"
    inbox.mkdir(exist_ok=True)
    inputs = {}
    for rec, obj, kind in items:
        p = inbox / f"r{rec['id']}{OFFICE_EXT[kind]}"
        shutil.copyfile(obj, p)
        inputs[rec["id"]] = p
    try:
        made = soffice_convert(list(inputs.values()), "pdf", work_dir / "office-out")
    except MinzhengError as e:         # a failed run is reported per record below
        log.warning("LibreOffice 转换出错：%s", e)
        made = {}
    for rec, _, _ in items:
        pdf = made.get(inputs[rec["id"]])
        if pdf is not None:
            out[rec["id"]] = Source(rec["id"], pdf)
        else:
            out[rec["id"]] = Source(rec["id"], None, "LibreOffice 未能把该 Word 文件转换为 PDF（文件可能已损坏）")
    return out
