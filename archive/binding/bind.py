"""minzheng bind: bind an office's records of one year and category into archive volumes (案卷).

Stages, in order: select_records → assign_codes → prepare_sources (originals → PDF) → plan_volumes
(page counts, split at the profile's limit) → per volume: draw_front/back (cover, contents, notes),
place_stamps, write_pdf (pages streamed through pypdf with overlays), write_labels, write_manifest,
write_bag (the volume's directory becomes a BagIt bag: files under data/, manifests, bag-info) → publish (rename
the finished directory into place) → record (catalog rows, event).

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
from collections.abc import Callable

from archive.common.cjk_font import build_fonts
from archive.common.errors import MinzhengError, NotFoundError
from archive.common.files import fsync_dir, fsync_tree
from archive.store import catalog
from archive.store.bags import MANIFEST, PAYLOAD
from archive.store.config import Settings
from archive.store.known_codes import check_codes
from archive.store.objects import object_path

from .codes import CodeReport, assign_codes, fonds_of, group_prefix
from .layout import SourceDoc, plan_pages, split_volumes
from .originals_pdf import Source, prepare_sources, read_text, sniff
from .profiles import Profile, load_profile
from .volume_pages import (
    FIXED_TEXT,
    DocEntry,
    VolumeInfo,
)
from .volume_pdf import Written, file_stem, write_volume

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
    pages: int                  # PDF pages
    front_pages: int
    documents: list[DocEntry]
    blank_pages: int = 0        # unnumbered blank backs (double-sided profiles)
    stamp_warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"archival_code": self.archival_code, "seq": self.seq, "version": self.version,
                "pdf": str(self.pdf), "manifest": str(self.manifest), "labels": str(self.labels),
                "checksums": str(self.checksums), "bag": str(self.directory), "pages": self.pages, "blank_pages": self.blank_pages,
                "documents": [{"archival_code": d.archival_code, "title": d.title, "first_page": d.first_page,
                               "last_page": d.last_page, "pdf_page": d.pdf_page} for d in self.documents]}


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


def bind(settings: Settings, *, office: str, year: int, category: str, retention: str | None = None,
         profile: str | None = None, progress: Callable[[str], None] | None = None) -> BindReport:
    """Bind the selection into volumes; returns what was written. Raises NotFoundError for an empty selection."""
    say = progress or (lambda msg: None)
    prof = load_profile(settings, profile)
    conn = catalog.connect(settings.catalog_url)
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
    complete = "office IS NOT NULL AND year IS NOT NULL AND category IS NOT NULL AND retention IS NOT NULL"
    rows = conn.execute(
        f"SELECT office, year, category, retention, COUNT(*) n FROM records WHERE {complete} "
        "GROUP BY office, year, category, retention "
        "ORDER BY office=? DESC, office, year, category, retention LIMIT 12", (office,)).fetchall()
    (unsorted,) = conn.execute(f"SELECT COUNT(*) FROM records WHERE NOT ({complete})").fetchone()
    if not rows and not unsorted:
        return "档案中还没有任何记录，请先用 minzheng ingest 导入文件"
    parts = [f"{r['office']} {r['year']} 年 {r['category']} {r['retention']}（{r['n']} 件）" for r in rows]
    text = "档案中现有：" + "；".join(parts) if parts else "档案中还没有著录齐全、可以装订的记录"
    if unsorted:
        text += (f"。另有 {unsorted} 件还没有著录机构、年度、类别或保管期限，不能装订："
                 "minzheng review 列出它们，minzheng edit 记录号 --office … --year … --category … --retention … 补录")
    return text


def _bind(settings, conn, prof: Profile, office, year, category, retention, say) -> BindReport:
    report = BindReport()
    check_codes(settings, conn, office=office, category=category, retention=retention)
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

        by_ret: dict[str, list[SourceDoc]] = {}
        for r in rows:
            src: Source = sources[r["id"]]
            doc = None
            if src.pdf is not None:
                try:
                    doc = SourceDoc(r, src.pdf, plan_pages(src.pdf))
                except Exception as e:      # a PDF that pypdf cannot read is reported like any other
                    src = Source(r["id"], None, f"无法读取 PDF：{e}")
            if doc is None:
                report.failed.append({"record_id": r["id"], "archival_code": r["archival_code"],
                                      "original_name": r["original_name"], "error": src.error})
                continue
            by_ret.setdefault(r["retention"], []).append(doc)

        fonds = fonds_of(conn, settings, office)
        pending: list[tuple[VolumeInfo, Path, int, list[SourceDoc], int, list[str]]] = []
        for ret, docs in sorted(by_ret.items()):
            version = 1 + (conn.execute(
                "SELECT MAX(version) v FROM volumes WHERE office=? AND year=? AND category=? AND retention=?",
                (office, year, category, ret)).fetchone()["v"] or 0)
            chunks = split_volumes(docs, int(prof["volume"]["max_pages"]))
            for seq, chunk in enumerate(chunks, 1):
                if sum(len(d.pages) for d in chunk) > int(prof["volume"]["max_pages"]):
                    report.warnings.append(f"{chunk[0].rec['archival_code']} 一件就超过每卷 {prof['volume']['max_pages']} 页的上限，单独成卷")
                vol = _volume_info(settings, prof, fonds, names, office, year, category, ret, seq, version,
                                   chunk, report, len(chunks))
                fonts = _fonts_for(settings, fonds, vol, fonts, text)
                say(f"正在装订 {vol.archival_code}（{len(chunk)} 件，文件共 {vol.pages} 页）……")
                vdir = work / f"{seq:03d}-v{version}"
                vdir.mkdir()
                written = write_volume(vdir, vol, chunk, prof, fonts)
                report.warnings.extend(written.warnings)
                pending.append((vol, vdir, written, chunk, version))

        # ---- stage: publish + record
        created = catalog.now()
        results = []
        for vol, vdir, written, chunk, version in pending:
            dest = settings.volumes_dir / office / str(year) / f"{category}-{vol.retention}" / vdir.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                raise MinzhengError(f"{dest} 已存在（可能另一个 minzheng bind 正在装订同一类文件），案卷不会被覆盖。"
                                    "请稍后重新运行")
            fsync_tree(vdir)                 # labels, manifest and checksums as durable as the PDF
            os.rename(vdir, dest)
            fsync_dir(dest.parent)
            published.append(dest)
            results.append((vol, dest, written))
        with catalog.transaction(conn):
            for ret in by_ret:
                conn.execute("UPDATE volumes SET superseded=1 WHERE office=? AND year=? AND category=? AND retention=? "
                             "AND superseded=0", (office, year, category, ret))
            for vol, dest, written in results:
                report.volumes.append(_record(settings, conn, prof, vol, dest, written, created))
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


def _volume_info(settings, prof, fonds, names, office, year, category, ret, seq, version, chunk: list[SourceDoc],
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


# ---------------------------------------------------------------- stage: record
def _record(settings, conn, prof, vol: VolumeInfo, dest: Path, written: Written, created: str) -> BoundVolume:
    from pypdf import PdfReader

    stem = file_stem(vol.archival_code)
    data = dest / PAYLOAD
    pdf, manifest, labels = data / f"{stem}.pdf", data / f"{stem}.xml", data / f"{stem}-labels.pdf"
    pages = len(PdfReader(str(pdf)).pages)
    rel = lambda p: str(p.relative_to(settings.root))
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
                       directory=dest, pdf=pdf, manifest=manifest, labels=labels, checksums=dest / MANIFEST,
                       pages=pages, front_pages=written.front, blank_pages=written.blank, documents=vol.documents,
                       stamp_warnings=written.warnings)
