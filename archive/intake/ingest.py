"""minzheng ingest: the pipeline that takes historic files into the archive.

Stages, in order (the names are reused in logs, in `events.kind` as `ingest.<stage>` and in benchmarks):

    detect_type → check_limits → store_object → catalog_record → extract_text → index_text

The first four run in the main process; `extract_text` (including OCR) runs in `--jobs` worker
processes; the catalog, the text store and the index are written by the main process only.
A record's `state` moves stored → extracted → indexed; a record found short of `indexed` (after a
crash) is completed by the next ingest, and objects without a record are removed. An ingest holds
ROOT/.ingest.lock so that one writer works on a root at a time.

Test-only hook: MINZHENG_TEST_SLOW_STAGE="stage=seconds" sleeps that long in the named stage for
every file (used by the kill -9 and concurrent-search tests; never set it in production).
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import MinzhengError, RejectedFile
from archive.inspection.classify import classify_record
from archive.store import catalog
from archive.store.lock import write_lock
from archive.store.objects import object_path, sha256_file, store_file, text_path
from archive.store.textstore import index_doc, write_pages
from generators.office import load_county
from indexer import extract, get_ocr_engine, guess_metadata, open_index

from .detect import Limits, check_limits, detect_type
from .manifest import ManifestRow, load_manifest

_MP = multiprocessing.get_context("spawn")    # never fork a process that holds index threads and SQLite handles

log = logging.getLogger(__name__)

STAGES = ("detect_type", "check_limits", "store_object", "catalog_record", "extract_text", "index_text")
GUESSED_FIELDS = ("title", "doc_number", "author", "doc_date")
INDEX_BATCH = 64          # records per index commit …
INDEX_SECONDS = 5.0       # … or sooner, so a long OCR batch becomes searchable as it goes
SLOW_ENV = "MINZHENG_TEST_SLOW_STAGE"
EXTENSIONS = {"tiff": "tif", "image": "img", "text": "txt"}


@dataclass
class IngestReport:
    ingested: list[dict] = field(default_factory=list)    # original_name, sha256, record_id, pages, text_source
    duplicates: list[dict] = field(default_factory=list)  # original_name, sha256, record_id
    rejected: list[dict] = field(default_factory=list)    # original_name, error
    resumed: int = 0              # records left unfinished by an earlier, interrupted ingest and completed now
    orphans_removed: int = 0      # objects without a record (interrupted ingest), removed
    temp_removed: int = 0         # temp files left by a crash, removed
    pages: int = 0
    seconds: float = 0.0
    stage_seconds: dict = field(default_factory=lambda: {s: 0.0 for s in STAGES})

    def to_dict(self) -> dict:
        return {"ingested": self.ingested, "duplicates": self.duplicates, "rejected": self.rejected}

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def summary(self) -> str:
        """Readable Chinese summary, then each rejected file as 文件名：原因."""
        by_source = {}
        for r in self.ingested:
            by_source[r["text_source"]] = by_source.get(r["text_source"], 0) + 1
        src = "，".join(f"{ {'text': '文本层', 'ocr': 'OCR 识别', 'none': '无文字'}.get(k, k)} {v} 件"
                       for k, v in sorted(by_source.items()))
        lines = [f"导入 {len(self.ingested)} 件（共 {self.pages} 页{'；' + src if src else ''}），"
                 f"重复 {len(self.duplicates)} 件，拒收 {len(self.rejected)} 件，用时 {self.seconds:.1f} 秒。"]
        if self.resumed:
            lines.append(f"补完上次中断的导入 {self.resumed} 件。")
        if self.orphans_removed or self.temp_removed:
            lines.append(f"清理上次中断留下的文件 {self.orphans_removed + self.temp_removed} 个。")
        if self.rejected:
            lines.append("拒收的文件：")
            lines += [f"  {r['original_name']}：{r['error']}" for r in self.rejected]
        return "\n".join(lines)


@dataclass
class _Job:
    record_id: int
    sha256: str
    kind: str
    name: str                     # original name
    report: bool = True           # appears under `ingested` (False: an old unfinished record from elsewhere)
    dup_names: list = field(default_factory=list)
    flushed: bool = False         # indexed and reported


# ------------------------------------------------------------------ helpers
def _slow(stage: str) -> None:
    spec = os.environ.get(SLOW_ENV)
    if spec:
        name, _, secs = spec.partition("=")
        if name == stage:
            time.sleep(float(secs or 1))


def walk(paths, *, skip_under: Path | None = None) -> list[Path]:
    """Files named and files found in directories (recursively, sorted); hidden files, Office lock
    files (~$…) and our own temp files in directories are skipped. Missing paths are kept (rejected later)."""
    out: list[Path] = []
    skip = skip_under.resolve() if skip_under else None
    for p in map(Path, paths):
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dp = Path(dirpath)
                if skip and (dp.resolve() == skip or skip in dp.resolve().parents):
                    dirnames[:] = []
                    continue
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for fn in sorted(filenames):
                    if not fn.startswith((".", "~$")):
                        out.append(dp / fn)
        else:
            out.append(p)
    seen, uniq = set(), []
    for p in out:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            uniq.append(p)
    return uniq


def _known_offices(conn) -> set[str] | None:
    codes = {r["code"] for r in conn.execute("SELECT code FROM offices")}
    return codes or None


def _check_defaults(settings, conn, office, category, retention) -> None:
    problems = []
    offices = _known_offices(conn)
    if office and offices is not None and office not in offices:
        problems.append(f"未知机构代码 {office}（本县有：{'、'.join(sorted(offices))}）")
    if category and category not in settings.categories:
        problems.append(f"未知类别 {category}（可用：{'、'.join(settings.categories)}）")
    if retention and retention not in settings.retentions:
        problems.append(f"未知保管期限 {retention}（可用：{'、'.join(settings.retentions)}）")
    if problems:
        raise MinzhengError("；".join(problems), exit_code=2)


def _households(settings) -> dict[str, str]:
    """{id_number: name} of the county's aid recipients, for classify_record; {} when there is no office data."""
    try:

        county = load_county(settings)
        return {r.id_number: r.name for o in county.offices for r in o.recipients}
    except Exception as e:   # no office data, or the generators package is not ready: classification without names
        log.debug("未载入救助对象名单：%s", e)
        return {}


def _extract_worker(obj: str, kind: str, ocr_name: str | None, jobs: int, max_pixels: int) -> dict:
    """Stage extract_text, in a worker process (or inline). Returns plain data or {"error": 原因}."""
    try:
        ocr = get_ocr_engine(ocr_name) if ocr_name else None
        # objects have no extension, but some readers (openpyxl, LibreOffice) go by it: give them a named link
        with tempfile.TemporaryDirectory(prefix="minzheng-extract-") as tmp:
            link = Path(tmp) / f"original.{EXTENSIONS.get(kind, kind)}"
            os.symlink(os.path.abspath(obj), link)
            ex = extract(link, kind, ocr=ocr, jobs=jobs, max_image_pixels=max_pixels)
    except MinzhengError as e:
        if getattr(e, "exit_code", 1) == 3:      # missing tool: not the file's fault
            raise
        return {"error": str(e)}
    except MemoryError:
        return {"error": "文件内容过大，提取文字时内存不足；请拆分后导入"}
    except Exception as e:                      # a library choking on a malformed file
        log.debug("extract_text failed", exc_info=True)
        return {"error": f"无法提取文字，文件可能已损坏（{type(e).__name__}: {str(e)[:120]}）"}
    return {"pages": list(ex.pages), "text_source": ex.text_source,
            "page_count": ex.page_count or len(ex.pages), "encoding": ex.encoding, "notes": list(ex.notes or [])}


# ------------------------------------------------------------------ the pipeline
class _Run:
    def __init__(self, settings, *, defaults: dict, manifest: dict[Path, ManifestRow], jobs: int, ocr: bool,
                 progress: bool, total: int):
        self.settings = settings
        self.defaults = defaults
        self.manifest = manifest
        self.jobs = max(1, jobs)
        self.ocr_name = settings.get("ocr", "engine", "tesseract-hybrid") if ocr else None
        self.limits = Limits.from_settings(settings)
        self.report = IngestReport()
        self.conn = catalog.connect(settings.catalog_path)
        self.index = None
        self.pending_index: list[tuple[_Job, list[str]]] = []
        self.last_flush = time.monotonic()
        self.batch_sha: dict[str, _Job | None] = {}
        self.households = None
        self.bar = None
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=sys.stderr, unit="件", desc="导入", leave=False)

    @contextmanager
    def stage(self, name: str):
        t = time.perf_counter()
        _slow(name)
        try:
            yield
        finally:
            self.report.stage_seconds[name] += time.perf_counter() - t

    def tick(self):
        if self.bar is not None:
            self.bar.update(1)

    def reject(self, name: str, stage: str, reason: str, record_id: int | None = None):
        self.report.rejected.append({"original_name": name, "error": reason})
        catalog.log_event(self.conn, "ingest.rejected", record_id, stage=stage, name=name, error=reason)
        log.info("%s 拒收 %s：%s", stage, name, reason)
        self.tick()

    # ---- stages detect_type … catalog_record (main process)
    def admit(self, path: Path) -> _Job | None:
        name = path.name
        stage = "detect_type"
        try:
            with self.stage(stage):
                det = detect_type(path, self.limits)
            stage = "check_limits"
            with self.stage(stage):
                facts = check_limits(path, det.kind, self.limits)
            stage = "store_object"
            sha = sha256_file(path)
        except RejectedFile as e:
            self.reject(name, stage, e.reason)
            return None
        except OSError as e:
            self.reject(name, stage, f"无法读取文件（{e.strerror or e}）")
            return None
        if sha in self.batch_sha:                      # the same content twice in this batch
            job = self.batch_sha[sha]
            if job is None or job.flushed:
                rid = job.record_id if job else self._record_id(sha)
                self.report.duplicates.append({"original_name": name, "sha256": sha, "record_id": rid})
                self.tick()
            elif not job.report:                       # a record an interrupted ingest left unfinished
                job.report, job.name = True, name
            else:
                job.dup_names.append(name)
            return None
        row = self.conn.execute("SELECT id, state FROM records WHERE sha256=?", (sha,)).fetchone()
        if row is not None and row["state"] == "indexed":
            self.report.duplicates.append({"original_name": name, "sha256": sha, "record_id": row["id"]})
            self.batch_sha[sha] = None
            self.tick()
            return None
        try:
            with self.stage("store_object"):
                _, _, created = store_file(self.settings.objects_dir, path, sha)
        except OSError as e:
            self.reject(name, "store_object", f"无法复制到档案库（{e.strerror or e}）；请检查磁盘空间后重试")
            return None
        if row is not None:                            # unfinished record whose object was lost: repaired
            job = _Job(row["id"], sha, det.kind, name)
        else:
            with self.stage("catalog_record"):
                rid = self._catalog(path, sha, det, facts, created)
            job = _Job(rid, sha, det.kind, name)
        self.batch_sha[sha] = job
        return job

    def _record_id(self, sha: str):
        row = self.conn.execute("SELECT id FROM records WHERE sha256=?", (sha,)).fetchone()
        return row["id"] if row else None

    def _catalog(self, path: Path, sha: str, det, facts: dict, created: bool) -> int:
        m = self.manifest.get(path.resolve())
        given = dict(m.values) if m else {}
        extra = given.pop("extra", None)
        vals = {k: given.get(k) or self.defaults.get(k) for k in
                ("title", "doc_number", "author", "doc_date", "office", "category", "year", "retention",
                 "household", "document_type", "open_status", "security")}
        meta = {"kind": det.kind, **({"manifest": extra} if extra else {}), **facts}
        if m:
            meta["manifest_row"] = m.row
        with catalog.transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO records(sha256, state, original_name, original_path, mime, size, title, doc_number,"
                " author, doc_date, office, category, year, retention, household, document_type, open_status,"
                " security, meta, ingested_at)"
                " VALUES (?, 'stored', ?,?,?,?, ?,?,?,?, ?,?,?,?, ?,?,?,?, ?,?)",
                (sha, path.name, str(path.resolve()), det.mime, path.stat().st_size, vals["title"],
                 vals["doc_number"], vals["author"], vals["doc_date"], vals["office"], vals["category"],
                 vals["year"], vals["retention"], vals["household"], vals["document_type"], vals["open_status"],
                 vals["security"], json.dumps(meta, ensure_ascii=False), catalog.now()))
            rid = cur.lastrowid
            catalog.log_event(self.conn, "ingest.store_object", rid, sha256=sha, created=created)
            catalog.log_event(self.conn, "ingest.catalog_record", rid, name=path.name, file_kind=det.kind,
                              mime=det.mime, manifest=bool(m))
        return rid

    # ---- stage extract_text: results come back to the main process
    def extracted(self, job: _Job, res: dict) -> None:
        if "error" in res:
            self.drop(job, "extract_text", res["error"])
            return
        with self.stage("extract_text"):
            pages = res["pages"] or [""]
            write_pages(self.settings, job.sha256, pages)
            rec = catalog.record(self.conn, job.record_id)
            updates, review = self._fill_metadata(rec, pages)
            updates.update(pages=len(pages), text_source=res["text_source"], encoding=res.get("encoding"),
                           state="extracted")
            needs = list(dict.fromkeys(rec["needs_review"] + review))
            meta = dict(rec["meta"])
            if res.get("notes"):
                meta["notes"] = res["notes"]
            if self.ocr_name and res["text_source"] == "ocr":
                meta["ocr_engine"] = self.ocr_name
            sets = ", ".join(f"{k}=?" for k in updates)
            with catalog.transaction(self.conn):
                self.conn.execute(f"UPDATE records SET {sets}, needs_review=?, meta=? WHERE id=?",
                                  (*updates.values(), json.dumps(needs, ensure_ascii=False),
                                   json.dumps(meta, ensure_ascii=False), job.record_id))
                catalog.log_event(self.conn, "ingest.extract_text", job.record_id, pages=len(pages),
                                  text_source=res["text_source"], guessed=review)
            rec.update(updates)
        self.pending_index.append((job, pages))
        if len(self.pending_index) >= INDEX_BATCH or time.monotonic() - self.last_flush > INDEX_SECONDS:
            self.flush_index()

    def _fill_metadata(self, rec: dict, pages: list[str]) -> tuple[dict, list[str]]:
        """Fields the manifest and options left empty, guessed from the text and marked needs_review."""
        text = "\n".join(pages)
        updates, review = {}, []
        guessed = guess_metadata(text[:20000]) if text.strip() else {}
        for k in GUESSED_FIELDS:
            if not rec.get(k) and guessed.get(k):
                updates[k] = guessed[k]
                review.append(k)
        title = rec.get("title") or updates.get("title")
        if not title:
            updates["title"] = title = Path(rec["original_name"]).stem
            review.append("title")
        date = rec.get("doc_date") or updates.get("doc_date")
        if not rec.get("year") and date and str(date)[:4].isdigit():
            updates["year"] = int(str(date)[:4])
            review.append("year")
        if not rec.get("household") or not rec.get("document_type"):
            if self.households is None:
                self.households = _households(self.settings)
            household, doc_type = classify_record(title, text, self.households)
            if household and not rec.get("household"):
                updates["household"] = household
                review.append("household")
            if doc_type and not rec.get("document_type"):
                updates["document_type"] = doc_type
                review.append("document_type")
        return updates, review

    def drop(self, job: _Job, stage: str, reason: str) -> None:
        """A file that turned out unreadable after it was stored: remove its record and object."""
        with catalog.transaction(self.conn):
            self.conn.execute("DELETE FROM records WHERE id=?", (job.record_id,))
        _unlink(object_path(self.settings.objects_dir, job.sha256))
        _unlink(text_path(self.settings.text_dir, job.sha256))
        self.batch_sha[job.sha256] = None
        for name in [job.name] + job.dup_names:
            self.reject(name, stage, reason, job.record_id)

    # ---- stage index_text: batched commits; state → indexed after the commit
    def open_index(self):
        if self.index is None:

            self.index = open_index(self.settings.index_dir, self.settings.index_backend)
        return self.index

    def flush_index(self) -> None:
        if not self.pending_index:
            return
        batch, self.pending_index = self.pending_index, []
        self.last_flush = time.monotonic()
        with self.stage("index_text"):
            idx = self.open_index()
            docs = []
            for job, pages in batch:
                rec = catalog.record(self.conn, job.record_id)
                docs.append(index_doc(rec, pages))
            ids = [j.record_id for j, _ in batch]
            idx.delete(ids)
            idx.add(docs)
            idx.commit()
            with catalog.transaction(self.conn):
                for job, pages in batch:
                    self.conn.execute("UPDATE records SET state='indexed' WHERE id=?", (job.record_id,))
                    catalog.log_event(self.conn, "ingest.index_text", job.record_id)
        for job, pages in batch:
            job.flushed = True
            self.report.pages += len(pages)
            if job.report:
                rec = self.conn.execute("SELECT text_source FROM records WHERE id=?", (job.record_id,)).fetchone()
                self.report.ingested.append({"original_name": job.name, "sha256": job.sha256,
                                             "record_id": job.record_id, "pages": len(pages),
                                             "text_source": rec["text_source"]})
                for d in job.dup_names:
                    self.report.duplicates.append({"original_name": d, "sha256": job.sha256,
                                                   "record_id": job.record_id})
            self.tick()

    def close(self):
        try:
            if self.index is not None:
                self.index.close()
        finally:
            self.conn.close()
            if self.bar is not None:
                self.bar.close()


def _unlink(p: Path) -> None:
    try:
        p.unlink()
    except FileNotFoundError:
        pass


def _unfinished_jobs(run: _Run) -> list[_Job]:
    rows = run.conn.execute("SELECT id FROM records WHERE state != 'indexed' ORDER BY id").fetchall()
    jobs = []
    for r in rows:
        rec = catalog.record(run.conn, r["id"])
        if not object_path(run.settings.objects_dir, rec["sha256"]).is_file():
            continue          # damage, not an interrupted ingest: verify reports it
        jobs.append(_Job(rec["id"], rec["sha256"], rec["meta"].get("kind") or "pdf", rec["original_name"],
                         report=False))
    return jobs


def _clean_crash_leftovers(settings, conn, report: IngestReport) -> None:
    """Temp files and objects/text without a record, left by a process killed mid-write (we hold the lock).
    Walks one objects/ab/ folder at a time against the catalog's sha256 index, so memory stays small."""
    for d in (settings.objects_dir, settings.text_dir):
        if not d.is_dir():
            continue
        for sub in sorted(p for p in d.iterdir() if p.is_dir()):
            names = [f for f in sub.iterdir()]
            if not names:
                continue
            lo, hi = sub.name, sub.name[:-1] + chr(ord(sub.name[-1]) + 1)
            known = {r[0] for r in conn.execute("SELECT sha256 FROM records WHERE sha256 >= ? AND sha256 < ?",
                                                (lo, hi))}
            for f in names:
                if f.name.startswith(".tmp-"):
                    _unlink(f)
                    report.temp_removed += 1
                elif (f.name if d == settings.objects_dir else f.name.removesuffix(".txt")) not in known:
                    _unlink(f)
                    if d == settings.objects_dir:
                        report.orphans_removed += 1


def ingest(settings, paths, *, office: str | None = None, category: str | None = None, year: int | None = None,
           retention: str | None = None, manifest: Path | str | None = None, jobs: int | None = None,
           ocr: bool = True, progress: bool = False) -> IngestReport:
    """Ingest files and folders into the archive at `settings.root`. A bad file is reported in
    `IngestReport.rejected` and the batch goes on; a bad manifest or option raises before anything is stored."""
    t0 = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    defaults = {"office": office.upper() if office else None, "category": category.upper() if category else None,
                "year": year, "retention": retention.upper() if retention else None}
    with write_lock(settings):
        conn = catalog.connect(settings.catalog_path)
        try:
            _check_defaults(settings, conn, defaults["office"], defaults["category"], defaults["retention"])
            rows = {}
            if manifest:
                rows = load_manifest(manifest, offices=_known_offices(conn), categories=settings.categories,
                                     retentions=settings.retentions)
        finally:
            conn.close()
        files = walk(paths, skip_under=settings.root)
        if not paths:
            files = walk(sorted(rows), skip_under=settings.root)
        run = _Run(settings, defaults=defaults, manifest=rows, jobs=jobs, ocr=ocr, progress=progress,
                   total=len(files))
        try:
            _clean_crash_leftovers(settings, run.conn, run.report)   # before admitting: no object is in flight
            leftover = _unfinished_jobs(run)
            _run_pipeline(run, files, leftover)
            run.flush_index()
            run.report.resumed = len(leftover)
            run.report.seconds = time.perf_counter() - t0
            rep = run.report
            if rep.ingested or rep.rejected or rep.resumed:
                with catalog.transaction(run.conn):
                    catalog.log_event(run.conn, "ingest", None, ingested=len(rep.ingested),
                                      duplicates=len(rep.duplicates), rejected=len(rep.rejected),
                                      resumed=rep.resumed, pages=rep.pages, jobs=jobs,
                                      ocr_engine=run.ocr_name)
        finally:
            run.close()
    return run.report


def _isolated(args) -> dict:
    """Run one extraction alone in a fresh worker: a file that kills its worker is rejected, not the batch."""
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=_MP) as p:
            return p.submit(_extract_worker, *args).result()
    except BrokenProcessPool:
        return {"error": "提取文字的进程异常退出（文件可能触发了解析器缺陷或内存不足）；请检查该文件"}


def _run_pipeline(run: _Run, files: list[Path], leftover: list[_Job]) -> None:
    for job in leftover:
        run.batch_sha[job.sha256] = job

    def admitted():
        for path in files:
            job = run.admit(path)
            if job is not None:
                yield job
        yield from leftover          # after the files, so a file naming one of them is reported as ingested

    def args(job, n):
        return (str(object_path(run.settings.objects_dir, job.sha256)), job.kind, run.ocr_name, n,
                run.limits.max_image_pixels)

    if run.jobs == 1 or len(files) + len(leftover) <= 1:      # sequential (tests), or one file using every core
        for job in admitted():
            run.extracted(job, _extract_worker(*args(job, run.jobs)))
        return
    window = run.jobs * 2
    source = admitted()
    inflight: dict = {}
    exhausted = False
    with ProcessPoolExecutor(max_workers=run.jobs, mp_context=_MP) as pool:
        broken: list[_Job] = []
        while True:
            while not exhausted and not broken and len(inflight) < window:
                job = next(source, None)
                if job is None:
                    exhausted = True
                    break
                inflight[pool.submit(_extract_worker, *args(job, 1))] = job
            if not inflight:
                break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in done:
                job = inflight.pop(fut)
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    broken.append(job)
                    continue
                run.extracted(job, res)
            if broken and not inflight:
                break
    if broken:                       # the pool died: find the culprit one file at a time, then go on
        for job in broken:
            run.extracted(job, _isolated(args(job, 1)))
        rest = list(source)
        for job in rest:
            run.extracted(job, _isolated(args(job, 1)))
