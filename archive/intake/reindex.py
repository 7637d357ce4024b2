"""minzheng reindex: rebuild index/ from the catalog and text/ (and text/ from the objects with --extract);
`--backend` switches the root between tantivy and whoosh. `refresh_index` updates a few records in place
(e.g. after binding assigns 档号)."""
from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from archive.common.errors import ConfigError, MinzhengError
from archive.store import catalog
from archive.store.config import CONFIG_NAME, set_setting
from archive.store.lock import write_lock
from archive.store.objects import object_path
from archive.store.textstore import index_doc, read_pages, write_pages
from indexer import BACKENDS, open_index
from indexer.backends import EMBEDDED

from .detect import Limits
from .workers import MP, extract_worker

BATCH = 500


@dataclass
class ReindexReport:
    backend: str
    previous_backend: str
    records: int = 0
    pages: int = 0
    extracted: int = 0
    skipped: list[dict] = field(default_factory=list)   # record_id, reason
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"backend": self.backend, "previous_backend": self.previous_backend, "records": self.records,
                "pages": self.pages, "extracted": self.extracted, "skipped": self.skipped,
                "seconds": round(self.seconds, 2)}

    def summary(self) -> str:
        s = f"已重建全文索引（{self.backend}）：{self.records} 条记录，{self.pages} 页，用时 {self.seconds:.1f} 秒。"
        if self.extracted:
            s += f"重新提取文字 {self.extracted} 件。"
        if self.backend != self.previous_backend:
            s += f"索引后端已由 {self.previous_backend} 切换为 {self.backend}（已写入 {CONFIG_NAME}）。"
        for k in self.skipped:
            s += f"\n  记录 {k['record_id']}：{k['reason']}"
        return s


def set_backend(settings, backend: str) -> None:
    """Rewrite `[index] backend` in the root's minzheng.toml (other lines untouched)."""
    set_setting(settings, "index", "backend", backend)


def _re_extract(settings, conn, recs: list[dict], jobs: int, ocr: bool, rep: ReindexReport) -> None:
    ocr_name = settings.get("ocr", "engine", "tesseract-hybrid") if ocr else None
    px = Limits.from_settings(settings).max_image_pixels
    args = [(str(object_path(settings.objects_dir, r["sha256"])), r["meta"].get("kind") or "pdf", ocr_name, 1, px)
            for r in recs]
    def results():     # handled as they arrive: one record's pages in memory at a time, not all of them
        if jobs > 1 and len(recs) > 1:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=MP) as pool:
                yield from zip(recs, pool.map(extract_worker, *zip(*args)))
        else:
            for r, a in zip(recs, args):
                yield r, extract_worker(*a[:3], jobs, a[4])

    for r, res in results():
        if "error" in res:
            rep.skipped.append({"record_id": r["id"], "reason": f"无法重新提取文字：{res['error']}"})
            continue
        pages = res["pages"] or [""]
        write_pages(settings, r["sha256"], pages)
        with catalog.transaction(conn):
            conn.execute("UPDATE records SET pages=?, text_source=?, encoding=? WHERE id=?",
                         (len(pages), res["text_source"], res.get("encoding"), r["id"]))
        rep.extracted += 1


def reindex(settings, backend: str | None = None, extract: bool = False, *, jobs: int | None = None,
            ocr: bool = True) -> ReindexReport:
    """Rebuild the index into a new directory, then swap it in; switch the backend when asked."""

    t0 = time.perf_counter()
    previous = settings.index_backend
    backend = backend or previous
    if backend not in BACKENDS:
        raise ConfigError(f"索引后端只能是 {' 或 '.join(BACKENDS)}，不是 “{backend}”")
    rep = ReindexReport(backend=backend, previous_backend=previous)
    with write_lock(settings):
        conn = catalog.connect(settings.catalog_url)
        try:
            recs = [catalog.record_dict(r) for r in conn.execute("SELECT * FROM records ORDER BY id")]
            recs = [r for r in recs if object_path(settings.objects_dir, r["sha256"]).is_file()
                    or read_pages(settings, r["sha256"]) is not None]
            if extract:
                _re_extract(settings, conn, recs, jobs or os.cpu_count() or 1, ocr, rep)
                recs = [catalog.record_dict(r) for r in conn.execute("SELECT * FROM records ORDER BY id")]
            in_db = backend not in EMBEDDED       # postgres: rebuilt in place, in one transaction
            tmp = settings.root / f"index.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            done: list[int] = []
            idx = open_index(settings.index_dir if in_db else tmp, backend, url=settings.catalog_url)
            try:
                if in_db:
                    idx.delete(idx.doc_ids())
                batch = []
                for r in recs:
                    pages = read_pages(settings, r["sha256"])
                    if pages is None:
                        rep.skipped.append({"record_id": r["id"], "reason": "还没有提取文字；请运行 minzheng ingest "
                                                                            "补完，或 minzheng reindex --extract"})
                        continue
                    batch.append(index_doc(r, pages))
                    done.append(r["id"])
                    rep.pages += len(pages)
                    if len(batch) >= BATCH:
                        idx.add(batch)
                        batch = []
                if batch:
                    idx.add(batch)
                idx.commit()
            finally:
                idx.close()
            if not in_db:
                _swap(settings, tmp)
            with catalog.transaction(conn):
                conn.executemany("UPDATE records SET state='indexed' WHERE id=? AND state!='indexed'",
                                 [(i,) for i in done])
                catalog.log_event(conn, "reindex", None, backend=backend, previous=previous, records=len(done),
                                  extracted=rep.extracted)
            rep.records = len(done)
            if backend != previous:
                set_backend(settings, backend)
        finally:
            conn.close()
    rep.seconds = time.perf_counter() - t0
    return rep


def _swap(settings, new_dir) -> None:
    """Put the freshly built index in place of index/ (two renames; readers reopen the directory per query)."""
    live = settings.index_dir
    old = settings.root / f"index.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    stale = [old]
    for attempt in range(5):
        if live.exists():
            stale.append(settings.root / f"index.old-{os.getpid()}-{attempt}")
            os.rename(live, stale[-1])
        try:
            os.rename(new_dir, live)
            break
        except OSError:          # a reader created a fresh index/ between the renames: move that away too
            time.sleep(0.05)
    else:                        # never swapped: keep the new build, say where it is, mark nothing indexed
        raise MinzhengError(f"无法把新建的索引换到 {live}（该目录一直被占用）。新索引保留在 {new_dir}；"
                            "请关闭检索页面（minzheng serve）后重新运行 minzheng reindex")
    for d in stale:
        shutil.rmtree(d, ignore_errors=True)


def refresh_index(settings, record_ids) -> int:
    """Re-index the given records from the catalog and text/ (after their metadata changed, e.g. 档号).
    Returns how many were re-indexed."""

    ids = [int(i) for i in record_ids]
    if not ids:
        return 0
    with write_lock(settings):
        conn = catalog.connect(settings.catalog_url)
        try:
            docs = []
            for rid in ids:
                r = catalog.record(conn, rid)
                if r is None:
                    continue
                pages = read_pages(settings, r["sha256"])
                if pages is not None:
                    docs.append(index_doc(r, pages))
            idx = open_index(settings.index_dir, settings.index_backend, url=settings.catalog_url)
            try:
                idx.delete(ids)
                idx.add(docs)
                idx.commit()
            finally:
                idx.close()
            gone = set(ids) - {d.record_id for d in docs}
            with catalog.transaction(conn):
                catalog.log_event(conn, "index.refresh", None, records=[d.record_id for d in docs],
                                  removed=sorted(gone))
        finally:
            conn.close()
    return len(docs)


__all__ = ["reindex", "refresh_index", "ReindexReport", "set_backend"]
