"""Stage write: one volume's PDF (front pages, documents streamed through pypdf with the 归档章 and page
numbers overlaid), its labels, XML manifest and checksums.

Double-sided profiles: the PDF is printed duplex, so every part — cover, contents list, each document, notes
sheet, back cover — starts on a front (recto) page; where the part before ends on a front page an unnumbered
blank back page is inserted, as archives do. Page numbers count the pages with content only."""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from archive.store import catalog
from archive.store.bags import PAYLOAD, write_bag

from .layout import PlacedPage, SourceDoc, blank_backs
from .pdf_place import draw_form, page_as_form
from .profiles import A4, Profile
from .stamp import (
    Placement,
    draw_page_number,
    draw_stamp,
    ink_map,
    page_number_box,
    place_stamp,
)
from .volume_manifest import bag_info, build_manifest
from .volume_pages import (
    VolumeInfo,
    draw_back_cover,
    draw_contents,
    draw_cover,
    draw_labels,
    draw_notes,
)

log = logging.getLogger(__name__)


def file_stem(code: str) -> str:
    """The volume's file names: the 档号 with "·" as "-" (and no characters that file systems or BagIt tools
    treat specially)."""
    return re.sub(r"[\\/%:*?\"<>|\s]", "-", code.replace("·", "-"))


@dataclass
class Written:
    front: int                  # PDF pages before the first document (cover, contents list, blank backs)
    blank: int                  # blank back pages inserted in the whole volume
    total: int                  # PDF pages
    warnings: list[str] = field(default_factory=list)


def write_volume(vdir: Path, vol: VolumeInfo, docs: list[SourceDoc], prof: Profile, fonts) -> Written:
    """Makes vdir a BagIt bag of the volume: PDF, labels and XML manifest under vdir/data/, then the tag files."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    stem = file_stem(vol.archival_code)
    warnings: list[str] = []
    # ---- draw_front / draw_back
    front_pdf, back_pdf, overlay_pdf = vdir / ".front.pdf", vdir / ".back.pdf", vdir / ".overlay.pdf"
    c = canvas.Canvas(str(front_pdf), pagesize=A4, initialFontName=fonts.serif)   # else Helvetica is referenced
    draw_cover(c, vol, prof, fonts)
    n_contents = draw_contents(c, vol, prof, fonts)
    c.save()
    back_parts = [1, 1] if prof["volume"]["back_cover"] else [1]
    blank = blank_backs([1, n_contents, *(len(d.pages) for d in docs), *back_parts], prof.double_sided)
    if blank:                       # the notes sheet says so: a checker counting sheets finds them
        vol.summary += f"\n双面打印，另有空白背面 {blank} 页，未编页号。"
    c = canvas.Canvas(str(back_pdf), pagesize=A4, initialFontName=fonts.serif)
    draw_notes(c, vol, prof, fonts)
    if prof["volume"]["back_cover"]:
        draw_back_cover(c, vol, prof, fonts)
    c.save()

    # ---- place_stamps + page-number overlays (one overlay page per document page)
    num_font = fonts.serif
    restart = prof["page_numbers"]["restart_per_item"]
    places = _stamp_places(docs, vol, prof, restart, num_font)
    c = canvas.Canvas(str(overlay_pdf), initialFontName=fonts.serif)
    n = 0
    for d, entry in zip(docs, vol.documents):
        for k, p in enumerate(d.pages):
            n += 1
            recto = k % 2 == 0              # every document starts on a front page
            c.setPageSize((p.width, p.height))
            number = k + 1 if restart else n
            draw_page_number(c, number, prof, p.width, p.height, recto, num_font)
            if k == 0:
                place = places[entry.record_id]
                if place.ink:
                    warnings.append(f"{entry.archival_code} 首页上方没有足够空白，归档章可能压住少量字迹，请人工核对")
                r = d.rec
                values = {"fonds": vol.fonds, "year": str(vol.year), "item_no": f"{r['item_no']:04d}",
                          "office": vol.office, "retention": vol.retention_name, "pages": str(len(d.pages)),
                          "category": vol.category}
                draw_stamp(c, place, prof, values, fonts.serif)
            c.showPage()
    c.save()

    # ---- write_pdf: stream pages into the writer
    writer = PdfWriter()
    blanks = 0

    def to_front_page() -> None:
        """Double-sided: the next part starts on a front page (a blank back where the last part ended on one)."""
        nonlocal blanks
        if prof.double_sided and len(writer.pages) % 2 == 1:
            writer.add_blank_page(*A4)
            blanks += 1

    front = PdfReader(str(front_pdf))
    writer.add_page(front.pages[0])
    writer.add_outline_item(title="封面", page_number=0)
    if len(front.pages) > 1:
        to_front_page()
        at = len(writer.pages)
        for page in front.pages[1:]:
            writer.add_page(page)
        writer.add_outline_item(title="卷内文件目录", page_number=at)
    overlay = PdfReader(str(overlay_pdf))
    oi = 0
    n_front = 0
    for d, entry in zip(docs, vol.documents):
        reader = PdfReader(str(d.source))
        if reader.is_encrypted:
            reader.decrypt("")
        to_front_page()
        start = len(writer.pages)
        n_front = n_front or start
        entry.pdf_page = start + 1
        for p in d.pages:
            src = reader.pages[p.index]
            if p.direct:
                new = writer.add_page(src)
            else:                   # turned upright and scaled onto A4 as a form; its content is not re-parsed
                new = writer.add_blank_page(p.width, p.height)
                draw_form(writer, new, page_as_form(writer, src), "/MzSrc", _display_matrix(src, p))
            draw_form(writer, new, page_as_form(writer, overlay.pages[oi]), "/MzOverlay")
            oi += 1
        writer.add_outline_item(title=f"{entry.archival_code} {entry.title}", page_number=start)
    back = PdfReader(str(back_pdf))
    to_front_page()
    notes_at = len(writer.pages)
    for i, page in enumerate(back.pages):
        if i:
            to_front_page()             # the back cover
        writer.add_page(page)
    writer.add_outline_item(title=prof["notes"]["title"], page_number=notes_at)
    total = len(writer.pages)
    writer.add_metadata({"/Title": vol.title, "/Subject": f"档号 {vol.archival_code}",
                         "/Keywords": vol.archival_code, "/Author": vol.fonds_name,
                         "/Creator": "minzheng bind", "/ArchivalCode": vol.archival_code})
    payload = vdir / PAYLOAD
    payload.mkdir()
    pdf = payload / f"{stem}.pdf"
    with open(pdf, "wb") as f:
        writer.write(f)
        f.flush()
        os.fsync(f.fileno())
    writer.close()
    for tmp in (front_pdf, back_pdf, overlay_pdf):
        tmp.unlink()

    # ---- write_labels, write_manifest, write_bag
    labels = payload / f"{stem}-labels.pdf"
    draw_labels(labels, vol, prof, fonts)
    originals = {d.rec["id"]: d.rec for d in docs}
    xml = build_manifest(vol, profile_key=prof.key, profile_name=prof.name, created_at=catalog.now(),
                         front=n_front, back=total - notes_at, blank=blanks, total=total, pdf=pdf, labels=labels,
                         originals=originals)
    manifest = payload / f"{stem}.xml"
    manifest.write_bytes(xml)
    write_bag(vdir, bag_info(vol, profile_key=prof.key, profile_name=prof.name, total=total, blank=blanks))
    log.debug("%s：%d 页（空白背面 %d 页）", pdf.name, total, blanks)
    return Written(front=n_front, blank=blanks, total=total, warnings=warnings)


def _display_matrix(src, p: PlacedPage) -> tuple[float, ...]:
    """Page space → the bound page: apply the page's /Rotate (clockwise), then scale and centre on A4."""
    box = src.mediabox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    rot = (src.rotation or 0) % 360
    a, b, c, d, e, f = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x0 + w),
                        180: (-1, 0, 0, -1, x0 + w, y0 + h), 270: (0, 1, -1, 0, y0 + h, -x0)}[rot]
    s = p.scale
    return (a * s, b * s, c * s, d * s, e * s + p.tx, f * s + p.ty)


def _stamp_places(docs: list[SourceDoc], vol: VolumeInfo, prof: Profile, restart: bool, font: str) -> dict[int, Placement]:
    """Stamp placement for each document's first page; renders run two at a time (pdftoppm is the cost)."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = []
    for d, entry in zip(docs, vol.documents):
        number = 1 if restart else entry.first_page
        jobs.append((entry.record_id, d, d.pages[0], True, number))     # a document starts on a front page
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {rid: pool.submit(_stamp_place, d, p, prof, recto, number, font) for rid, d, p, recto, number in jobs}
        return {rid: f.result() for rid, f in futures.items()}


def _stamp_place(d: SourceDoc, p: PlacedPage, prof: Profile, recto: bool, number: int, font: str) -> Placement:
    ink = ink_map(d.source, p.index, p.width, p.height, p.scale, p.tx, p.ty, p.src_h)
    reserved = []
    if prof["page_numbers"]["position"].startswith("top"):
        reserved.append(page_number_box(number, prof, p.width, p.height, recto, font)[3])
    return place_stamp(ink, prof, p.width, p.height, recto, reserved)
