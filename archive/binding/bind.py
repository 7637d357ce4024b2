"""minzheng bind: bind an office's records of one year and category into archive volumes (案卷).

Stages, in order: select_records → assign_codes → prepare_sources (originals → PDF) → plan_volumes
(page counts, split at the profile's limit) → per volume: draw_front/back (cover, contents, notes),
place_stamps, write_pdf (pages streamed through pypdf with overlays), write_labels, write_manifest,
write_checksums → publish (rename the finished directory into place) → record (catalog rows, event).

A bound volume is never changed: binding again makes version N+1 in a new directory and marks the
earlier version superseded; its files stay where they are.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from archive.common.cjk_font import build_fonts
from archive.common.errors import MinzhengError, NotFoundError
from archive.common.files import fsync_dir, fsync_tree
from archive.store import catalog
from archive.store.config import Settings
from archive.store.objects import object_path

from .codes import CodeReport, assign_codes, fonds_of, group_prefix
from .originals_pdf import Source, prepare_sources, read_text, sniff
from .pdf_place import draw_form, page_as_form
from .profiles import A4, Profile, load_profile
from .stamp import (
    Placement,
    draw_page_number,
    draw_stamp,
    ink_map,
    page_number_box,
    place_stamp,
)
from .volume_manifest import CHECKSUMS, build_manifest, write_checksums
from .volume_pages import (
    FIXED_TEXT,
    DocEntry,
    VolumeInfo,
    draw_back_cover,
    draw_contents,
    draw_cover,
    draw_labels,
    draw_notes,
)

log = logging.getLogger(__name__)

A4_TOLERANCE = 4.0      # points: pages this close to A4 are used without scaling


@dataclass
class BoundVolume:
    volume_id: int
    archival_code: str
    seq: int
    version: int
    directory: Path
    pdf: Path
    manifest: Path
    labels: Path
    checksums: Path
    pages: int
    front_pages: int
    documents: list[DocEntry]
    stamp_warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"archival_code": self.archival_code, "seq": self.seq, "version": self.version,
                "pdf": str(self.pdf), "manifest": str(self.manifest), "labels": str(self.labels),
                "checksums": str(self.checksums), "pages": self.pages,
                "documents": [{"archival_code": d.archival_code, "title": d.title, "first_page": d.first_page,
                               "last_page": d.last_page} for d in self.documents]}


@dataclass
class BindReport:
    volumes: list[BoundVolume] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)      # {"record_id","archival_code","original_name","error"}
    codes: CodeReport = field(default_factory=CodeReport)
    warnings: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> list[str]:
        return [str(g) for g in self.codes.gaps]

    def to_dict(self) -> dict:
        return {"volumes": [v.to_dict() for v in self.volumes], "failed": self.failed, "gaps": self.gaps,
                "codes_assigned": len(self.codes.assigned), "warnings": self.warnings}


@dataclass
class _Page:
    """Where one source page goes on the bound A4 page."""

    index: int
    width: float
    height: float
    scale: float
    tx: float
    ty: float
    direct: bool          # A4 already, no rotation/offset: added as is
    src_h: float = 0.0    # height of the source page as seen (after /Rotate), points


@dataclass
class _Doc:
    rec: dict
    source: Path
    pages: list[_Page]


def bind(settings: Settings, *, office: str, year: int, category: str, retention: str | None = None,
         profile: str | None = None, progress: Callable[[str], None] | None = None) -> BindReport:
    """Bind the selection into volumes; returns what was written. Raises NotFoundError for an empty selection."""
    say = progress or (lambda msg: None)
    prof = load_profile(settings, profile)
    conn = catalog.connect(settings.catalog_path)
    try:
        return _bind(settings, conn, prof, office, int(year), category, retention, say)
    finally:
        conn.close()


# ---------------------------------------------------------------- stage: select_records
def _selection_rows(conn, office, year, category, retention) -> list[dict]:
    sql = "SELECT * FROM records WHERE office=? AND year=? AND category=?"
    args = [office, year, category]
    if retention:
        sql += " AND retention=?"
        args.append(retention)
    return [catalog.record_dict(r) for r in conn.execute(sql + " ORDER BY retention, item_no, id", args)]


def _what_exists(conn, office: str) -> str:
    rows = conn.execute(
        "SELECT office, year, category, retention, COUNT(*) n FROM records GROUP BY office, year, category, retention "
        "ORDER BY office=? DESC, office, year, category, retention LIMIT 12", (office,)).fetchall()
    if not rows:
        return "档案中还没有任何记录，请先用 minzheng ingest 导入文件"
    parts = [f"{r['office'] or '?'} {r['year'] or '?'} 年 {r['category'] or '?'} {r['retention'] or '?'}（{r['n']} 件）"
             for r in rows]
    return "档案中现有：" + "；".join(parts)


def _bind(settings, conn, prof: Profile, office, year, category, retention, say) -> BindReport:
    report = BindReport()
    rows = _selection_rows(conn, office, year, category, retention)
    sel = f"{office} {year} 年 {category} 类" + (f"（保管期限 {retention}）" if retention else "")
    if not rows:
        raise NotFoundError(f"没有 {sel}的记录可装订。{_what_exists(conn, office)}")
    no_ret = [r for r in rows if not r["retention"]]
    for r in no_ret:
        report.warnings.append(f"{r['original_name']}（记录 {r['id']}）没有保管期限，未装订；请补录后重新装订")

    # ---- stage: assign_codes
    report.codes = assign_codes(settings, office=office, year=year, category=category, retention=retention, conn=conn)
    for g in report.codes.gaps:
        report.warnings.append(f"件号缺失：{g}（不会补号；请在备考表中说明）")
    rows = [r for r in _selection_rows(conn, office, year, category, retention) if r["retention"]]
    if not rows:
        raise NotFoundError(f"{sel} 的记录都没有保管期限，无法装订。请先补录保管期限")
    say(f"已编档号：新编 {len(report.codes.assigned)} 件，沿用 {report.codes.kept} 件")

    office_row = conn.execute("SELECT name FROM offices WHERE code=?", (office,)).fetchone()
    names = {"office": office_row["name"] if office_row else office,
             "fonds_name": settings.get("county", "fonds_name", settings.county_name),
             "category": settings.categories.get(category, category)}

    settings.volumes_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-bind-", dir=settings.volumes_dir))
    published: list[Path] = []
    try:
        # ---- stage: prepare_sources (fonts first: plain-text originals are typeset with them)
        text = [FIXED_TEXT, prof.all_text(), "".join(names.values()), "".join(settings.retentions.values())]
        for r in rows:
            text += [str(r.get(k) or "") for k in ("title", "doc_number", "author", "archival_code", "original_name")]
            obj = object_path(settings.objects_dir, r["sha256"])
            if obj.is_file() and sniff(obj) == "text":
                text.append(read_text(obj, r.get("encoding")))
        fonts = build_fonts("".join(text), settings.cache_dir / "fonts")
        say(f"正在转换 {len(rows)} 件原件……")
        sources = prepare_sources(settings, rows, fonts, work)

        by_ret: dict[str, list[_Doc]] = {}
        for r in rows:
            src: Source = sources[r["id"]]
            doc = None
            if src.pdf is not None:
                try:
                    doc = _Doc(r, src.pdf, _plan_pages(src.pdf))
                except Exception as e:      # a PDF that pypdf cannot read is reported like any other
                    src = Source(r["id"], None, f"无法读取 PDF：{e}")
            if doc is None:
                report.failed.append({"record_id": r["id"], "archival_code": r["archival_code"],
                                      "original_name": r["original_name"], "error": src.error})
                continue
            by_ret.setdefault(r["retention"], []).append(doc)

        fonds = fonds_of(conn, settings, office)
        pending: list[tuple[VolumeInfo, Path, int, list[_Doc], int, list[str]]] = []
        for ret, docs in sorted(by_ret.items()):
            version = 1 + (conn.execute(
                "SELECT MAX(version) v FROM volumes WHERE office=? AND year=? AND category=? AND retention=?",
                (office, year, category, ret)).fetchone()["v"] or 0)
            chunks = _split(docs, int(prof["volume"]["max_pages"]))
            for seq, chunk in enumerate(chunks, 1):
                if sum(len(d.pages) for d in chunk) > int(prof["volume"]["max_pages"]):
                    report.warnings.append(f"{chunk[0].rec['archival_code']} 一件就超过每卷 {prof['volume']['max_pages']} 页的上限，单独成卷")
                vol = _volume_info(settings, prof, fonds, names, office, year, category, ret, seq, version,
                                   chunk, report, len(chunks))
                fonts = _fonts_for(settings, fonds, vol, fonts, text)
                say(f"正在装订 {vol.archival_code}（{vol.pages} 页）……")
                vdir = work / f"{seq:03d}-v{version}"
                vdir.mkdir()
                front, warnings = _write_volume(vdir, vol, chunk, prof, fonts)
                report.warnings.extend(warnings)
                pending.append((vol, vdir, front, chunk, version, warnings))

        # ---- stage: publish + record
        created = catalog.now()
        results = []
        for vol, vdir, front, chunk, version, warnings in pending:
            dest = settings.volumes_dir / office / str(year) / f"{category}-{vol.retention}" / vdir.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                raise MinzhengError(f"{dest} 已存在（可能另一个 minzheng bind 正在装订同一类文件），案卷不会被覆盖。"
                                    "请稍后重新运行")
            fsync_tree(vdir)                 # labels, manifest and checksums as durable as the PDF
            os.rename(vdir, dest)
            fsync_dir(dest.parent)
            published.append(dest)
            results.append((vol, dest, front, chunk, version, warnings))
        with catalog.transaction(conn):
            for ret in by_ret:
                conn.execute("UPDATE volumes SET superseded=1 WHERE office=? AND year=? AND category=? AND retention=? "
                             "AND superseded=0", (office, year, category, ret))
            for vol, dest, front, chunk, version, warnings in results:
                bv = _record(settings, conn, prof, vol, dest, front, created)
                bv.stamp_warnings = warnings
                report.volumes.append(bv)
        return report
    except BaseException:
        for d in published:
            shutil.rmtree(d, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fonts_for(settings, fonds, vol: VolumeInfo, fonts, text: list[str]):
    """The fonts again, with more characters, when the volume's own text needs glyphs not yet in the subset."""
    mine = [vol.title, vol.summary, vol.fonds_name, vol.office_name, vol.category_name, vol.retention_name, fonds]
    if fonts.covers("".join(mine)):
        return fonts
    text.extend(mine)
    return build_fonts("".join(text), settings.cache_dir / "fonts")


# ---------------------------------------------------------------- stage: plan_volumes
def _plan_pages(pdf: Path) -> list[_Page]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    out = []
    for i, page in enumerate(reader.pages):
        box = page.mediabox
        x0, y0 = float(box.left), float(box.bottom)
        w, h = float(box.width), float(box.height)
        rot = (page.rotation or 0) % 360
        if rot in (90, 270):
            w, h = h, w
        is_a4 = abs(w - A4[0]) < A4_TOLERANCE and abs(h - A4[1]) < A4_TOLERANCE
        if is_a4 and rot == 0 and x0 == 0 and y0 == 0:
            out.append(_Page(i, w, h, 1.0, 0.0, 0.0, True, h))
            continue
        tw, th = A4 if h >= w else (A4[1], A4[0])
        s = min(tw / w, th / h)
        out.append(_Page(i, tw, th, s, (tw - w * s) / 2, (th - h * s) / 2, False, h))
    return out


def _split(docs: list[_Doc], limit: int) -> list[list[_Doc]]:
    chunks: list[list[_Doc]] = [[]]
    count = 0
    for d in docs:
        n = len(d.pages)
        if chunks[-1] and count + n > limit:
            chunks.append([])
            count = 0
        chunks[-1].append(d)
        count += n
    return [c for c in chunks if c]


def _volume_info(settings, prof, fonds, names, office, year, category, ret, seq, version, chunk: list[_Doc],
                 report: BindReport, n_volumes: int) -> VolumeInfo:
    entries, page = [], 1
    for i, d in enumerate(chunk, 1):
        r = d.rec
        n = len(d.pages)
        entries.append(DocEntry(seq=i, record_id=r["id"], archival_code=r["archival_code"], item_no=r["item_no"],
                                title=r["title"] or Path(r["original_name"]).stem, doc_number=r["doc_number"] or "",
                                author=r["author"] or "", date=r["doc_date"] or "", first_page=page,
                                last_page=page + n - 1, pages=n))
        page += n
    dates = sorted(e.date for e in entries if e.date)
    ret_name = settings.retentions.get(ret, ret)
    code = f"{group_prefix(fonds, category, year, ret, office)}-J{seq:03d}"
    title = f"{names['office']}民政办公室{year}年{names['category']}档案（{ret_name}）第{seq}卷"
    vol = VolumeInfo(archival_code=code, fonds=fonds, fonds_name=names["fonds_name"], office=office,
                     office_name=names["office"], year=year, category=category, category_name=names["category"],
                     retention=ret, retention_name=ret_name, seq=seq, version=version, title=title,
                     date_from=dates[0] if dates else "", date_to=dates[-1] if dates else "",
                     filing_date=date.today().isoformat(), documents=entries)
    lo, hi = entries[0].item_no, entries[-1].item_no
    last = seq == n_volumes
    notes = [f"本卷共 {len(entries)} 件，{vol.pages} 页，件号 {lo:04d}—{hi:04d}。"]
    prefix = group_prefix(fonds, category, year, ret, office)
    gaps = [g for g in report.codes.gaps if g.group == prefix and (lo <= g.item_no <= hi or (last and g.item_no > hi))]
    if gaps:
        notes.append("缺号：" + "、".join(f"{g.item_no:04d}" for g in gaps) + "（原记录已删除或未归档，未补号）。")
    for f in report.failed:
        rec_item = int((f.get("archival_code") or "0").rsplit("-", 1)[-1] or 0)
        if f.get("archival_code", "").startswith(prefix) and (lo <= rec_item <= hi or (last and rec_item > hi)):
            notes.append(f"{f['archival_code']}（{f['original_name']}）未能装入：{f['error']}。")
    vol.summary = "\n".join(notes)
    return vol


# ---------------------------------------------------------------- stage: write the volume
def _file_stem(code: str) -> str:
    return code.replace("·", "-")


def _write_volume(vdir: Path, vol: VolumeInfo, docs: list[_Doc], prof: Profile, fonts) -> tuple[int, list[str]]:
    """Writes PDF, labels, manifest and checksums into vdir. Returns (front page count, warnings)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    stem = _file_stem(vol.archival_code)
    warnings: list[str] = []
    # ---- draw_front / draw_back
    front_pdf, back_pdf, overlay_pdf = vdir / ".front.pdf", vdir / ".back.pdf", vdir / ".overlay.pdf"
    c = canvas.Canvas(str(front_pdf), pagesize=A4)
    draw_cover(c, vol, prof, fonts)
    draw_contents(c, vol, prof, fonts)
    c.save()
    c = canvas.Canvas(str(back_pdf), pagesize=A4)
    draw_notes(c, vol, prof, fonts)
    if prof["volume"]["back_cover"]:
        draw_back_cover(c, vol, prof, fonts)
    c.save()

    # ---- place_stamps + page-number overlays (one overlay page per document page)
    num_font = fonts.serif
    restart = prof["page_numbers"]["restart_per_item"]
    places = _stamp_places(docs, vol, prof, restart, num_font)
    c = canvas.Canvas(str(overlay_pdf))
    n = 0
    for d, entry in zip(docs, vol.documents):
        for k, p in enumerate(d.pages):
            n += 1
            recto = n % 2 == 1
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
    front = PdfReader(str(front_pdf))
    for page in front.pages:
        writer.add_page(page)
    writer.add_outline_item(title="封面", page_number=0)
    if len(front.pages) > 1:
        writer.add_outline_item(title="卷内文件目录", page_number=1)
    n_front = len(front.pages)
    overlay = PdfReader(str(overlay_pdf))
    oi = 0
    for d, entry in zip(docs, vol.documents):
        reader = PdfReader(str(d.source))
        if reader.is_encrypted:
            reader.decrypt("")
        start = len(writer.pages)
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
    notes_at = len(writer.pages)
    for page in back.pages:
        writer.add_page(page)
    writer.add_outline_item(title=prof["notes"]["title"], page_number=notes_at)
    writer.add_metadata({"/Title": vol.title, "/Subject": f"档号 {vol.archival_code}",
                         "/Keywords": vol.archival_code, "/Author": vol.fonds_name,
                         "/Creator": "minzheng bind", "/ArchivalCode": vol.archival_code})
    pdf = vdir / f"{stem}.pdf"
    with open(pdf, "wb") as f:
        writer.write(f)
        f.flush()
        os.fsync(f.fileno())
    writer.close()
    total = len(front.pages) + vol.pages + len(back.pages)
    for tmp in (front_pdf, back_pdf, overlay_pdf):
        tmp.unlink()

    # ---- write_labels, write_manifest, write_checksums
    labels = vdir / f"{stem}-labels.pdf"
    draw_labels(labels, vol, prof, fonts)
    pdf_first = {e.record_id: n_front + e.first_page for e in vol.documents}
    originals = {d.rec["id"]: d.rec for d in docs}
    xml = build_manifest(vol, profile_key=prof.key, profile_name=prof.name, created_at=catalog.now(),
                         front=n_front, back=len(back.pages), pdf=pdf, labels=labels,
                         originals=originals, pdf_first=pdf_first)
    manifest = vdir / f"{stem}.xml"
    manifest.write_bytes(xml)
    write_checksums(vdir, [pdf.name, labels.name, manifest.name])
    log.debug("%s：%d 页", pdf.name, total)
    return n_front, warnings


def _display_matrix(src, p: _Page) -> tuple[float, ...]:
    """Page space → the bound page: apply the page's /Rotate (clockwise), then scale and centre on A4."""
    box = src.mediabox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    rot = (src.rotation or 0) % 360
    a, b, c, d, e, f = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x0 + w),
                        180: (-1, 0, 0, -1, x0 + w, y0 + h), 270: (0, 1, -1, 0, y0 + h, -x0)}[rot]
    s = p.scale
    return (a * s, b * s, c * s, d * s, e * s + p.tx, f * s + p.ty)


def _stamp_places(docs: list[_Doc], vol: VolumeInfo, prof: Profile, restart: bool, font: str) -> dict[int, Placement]:
    """Stamp placement for each document's first page; renders run two at a time (pdftoppm is the cost)."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = []
    for d, entry in zip(docs, vol.documents):
        number = 1 if restart else entry.first_page
        jobs.append((entry.record_id, d, d.pages[0], entry.first_page % 2 == 1, number))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {rid: pool.submit(_stamp_place, d, p, prof, recto, number, font) for rid, d, p, recto, number in jobs}
        return {rid: f.result() for rid, f in futures.items()}


def _stamp_place(d: _Doc, p: _Page, prof: Profile, recto: bool, number: int, font: str) -> Placement:
    ink = ink_map(d.source, p.index, p.width, p.height, p.scale, p.tx, p.ty, p.src_h)
    reserved = []
    if prof["page_numbers"]["position"].startswith("top"):
        reserved.append(page_number_box(number, prof, p.width, p.height, recto, font)[3])
    return place_stamp(ink, prof, p.width, p.height, recto, reserved)


# ---------------------------------------------------------------- stage: record
def _record(settings, conn, prof, vol: VolumeInfo, dest: Path, front: int, created: str) -> BoundVolume:
    from pypdf import PdfReader

    stem = _file_stem(vol.archival_code)
    pdf, manifest, labels = dest / f"{stem}.pdf", dest / f"{stem}.xml", dest / f"{stem}-labels.pdf"
    pages = len(PdfReader(str(pdf)).pages)
    rel = lambda p: str(p.relative_to(settings.root))  # noqa: E731
    cur = conn.execute(
        "INSERT INTO volumes(office, year, category, retention, seq, version, archival_code, pdf, manifest, pages, "
        "profile, created_at, superseded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)",
        (vol.office, vol.year, vol.category, vol.retention, vol.seq, vol.version, vol.archival_code, rel(pdf),
         rel(manifest), pages, prof.key, created))
    vid = cur.lastrowid
    for e in vol.documents:
        conn.execute("INSERT INTO volume_items(volume_id, record_id, position, first_page, last_page) VALUES (?,?,?,?,?)",
                     (vid, e.record_id, e.seq, e.first_page, e.last_page))
    catalog.log_event(conn, "bind", office=vol.office, year=vol.year, category=vol.category,
                      retention=vol.retention, volume=vol.archival_code, version=vol.version, pages=pages,
                      documents=len(vol.documents), pdf=rel(pdf), profile=prof.key)
    return BoundVolume(volume_id=vid, archival_code=vol.archival_code, seq=vol.seq, version=vol.version,
                       directory=dest, pdf=pdf, manifest=manifest, labels=labels, checksums=dest / CHECKSUMS,
                       pages=pages, front_pages=front, documents=vol.documents)
