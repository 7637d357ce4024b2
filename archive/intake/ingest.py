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
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from archive.common.errors import MinzhengError, RejectedFile, os_reason
from archive.store import catalog
from archive.store.lock import CLAIM_WAIT, ObjectClaims, ingest_lock
from archive.store.objects import object_path, sha256_file, store_file, text_path
from archive.store.textstore import write_pages

from .detect import Limits, check_limits, detect_type
from .files import walk
from .guess import Guesser
from .indexing import IndexStage
from .manifest import ManifestRow, load_manifest
from .recovery import Job, clean_crash_leftovers, unfinished_jobs, unlink_quietly
from .report import IngestReport
from .workers import run_pipeline

log = logging.getLogger(__name__)

MAX_RESUME = 3            # attempts at finishing a record left unfinished, then it is rejected
INDEX_BATCH = 64          # records per index commit …
INDEX_SECONDS = 5.0       # … or sooner, so a long OCR batch becomes searchable as it goes
SLOW_ENV = "MINZHENG_TEST_SLOW_STAGE"


# ------------------------------------------------------------------ helpers
def _slow(stage: str) -> None:
    spec = os.environ.get(SLOW_ENV)
    if spec:
        name, _, secs = spec.partition("=")
        if name == stage:
            time.sleep(float(secs or 1))


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


# ------------------------------------------------------------------ the pipeline
class _Run(IndexStage):
    def __init__(self, settings, *, defaults: dict, manifest: dict[Path, ManifestRow], jobs: int, ocr: bool,
                 progress: bool, total: int):
        self.settings = settings
        self.defaults = defaults
        self.manifest = manifest
        self.jobs = max(1, jobs)
        self.ocr_name = settings.get("ocr", "engine", "tesseract-hybrid") if ocr else None
        self.limits = Limits.from_settings(settings)
        self.report = IngestReport()
        self.conn = catalog.connect(settings.catalog_url)
        self.index = None
        self.pending_index: list[tuple[Job, list[str]]] = []
        self.last_flush = time.monotonic()
        self.batch_sha: dict[str, Job | None] = {}
        self.guesser = Guesser(settings)
        self.claims = ObjectClaims(settings)
        self.claim_wait = 0.0        # first pass: a file another ingest is working on is put aside …
        self.busy: list[Path] = []   # … and taken after this ingest's other files
        self.bar = None
        # progress: True draws a bar on stderr; a callable gets a dict after each file and each extraction
        self.notify = progress if callable(progress) else None
        self.counts = {"files_done": 0, "files_total": total, "pages": 0, "ocr_pages": 0}
        if progress is True:
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
        self.counts["files_done"] += 1
        if self.notify is not None:
            self.notify(dict(self.counts))

    def reject(self, name: str, stage: str, reason: str, record_id: int | None = None):
        self.report.rejected.append({"original_name": name, "error": reason})
        catalog.log_event(self.conn, "ingest.rejected", record_id, stage=stage, name=name, error=reason)
        log.info("%s 拒收 %s：%s", stage, name, reason)
        self.tick()

    # ---- stages detect_type … catalog_record (main process)
    def admit(self, path: Path) -> Job | None:
        try:
            return self._admit(path)
        except Exception as e:   # a bug or a damaged file: this file is rejected, the batch goes on
            log.warning("导入 %s 时出错", path, exc_info=True)
            self.reject(path.name, "catalog_record", _unexpected(e))
            return None

    def _admit(self, path: Path) -> Job | None:
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
            self.reject(name, stage, f"无法读取文件（{os_reason(e)}）")
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
        if not self.claims.claim(sha, wait=self.claim_wait):
            if not self.claim_wait:                    # another ingest is storing the same content right now
                self.busy.append(path)
                return None
            self.report.duplicates.append({"original_name": name, "sha256": sha, "record_id": self._record_id(sha)})
            self.tick()
            return None
        row = self.conn.execute("SELECT id, state FROM records WHERE sha256=?", (sha,)).fetchone()
        if row is not None and row["state"] == "indexed":
            self.claims.release(sha)
            self.report.duplicates.append({"original_name": name, "sha256": sha, "record_id": row["id"]})
            self.batch_sha[sha] = None
            self.tick()
            return None
        try:
            with self.stage("store_object"):
                _, _, created = store_file(self.settings.objects_dir, path, sha)
        except OSError as e:
            self.claims.release(sha)
            self.reject(name, "store_object", f"无法复制到档案库（{os_reason(e)}）；请检查磁盘空间后重试")
            return None
        if row is not None:                            # unfinished record whose object was lost: repaired
            job = Job(row["id"], sha, det.kind, name)
        else:
            with self.stage("catalog_record"):
                rid = self._catalog(path, sha, det, facts, created)
            job = Job(rid, sha, det.kind, name)
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
    def extracted(self, job: Job, res: dict) -> None:
        """Record what extraction found; a failure here rejects (or defers) this file only."""
        try:
            self._extracted(job, res)
        except OSError as e:      # disk full, permissions: not the file's fault, finished by the next run
            log.warning("保存 %s 的文字时出错", job.name, exc_info=True)
            self.defer(job, "extract_text", f"无法保存提取的文字（{os_reason(e)}）")
        except Exception as e:
            log.warning("处理 %s 的文字时出错", job.name, exc_info=True)
            self.drop(job, "extract_text", _unexpected(e))

    def _extracted(self, job: Job, res: dict) -> None:
        if "error" in res:
            self.drop(job, "extract_text", res["error"])
            return
        with self.stage("extract_text"):
            pages = res["pages"] or [""]
            write_pages(self.settings, job.sha256, pages)
            rec = catalog.record(self.conn, job.record_id)
            updates, review = self.guesser.fill(rec, pages, res.get("head"))
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
        self.counts["pages"] += len(pages)
        if res["text_source"] == "ocr":
            self.counts["ocr_pages"] += len(pages)
        if self.notify is not None:
            self.notify(dict(self.counts))
        self.pending_index.append((job, pages))
        if len(self.pending_index) >= INDEX_BATCH or time.monotonic() - self.last_flush > INDEX_SECONDS:
            self.flush_index()

    def drop(self, job: Job, stage: str, reason: str) -> None:
        """A file that turned out unreadable after it was stored: remove its record and object."""
        self.pending_index = [(j, p) for j, p in self.pending_index if j is not job]
        with catalog.transaction(self.conn):
            self.conn.execute("DELETE FROM records WHERE id=?", (job.record_id,))
        unlink_quietly(object_path(self.settings.objects_dir, job.sha256))
        unlink_quietly(text_path(self.settings.text_dir, job.sha256))
        self.batch_sha[job.sha256] = None
        self.claims.release(job.sha256)
        for name in [job.name] + job.dup_names:
            self.reject(name, stage, reason, job.record_id)

    def defer(self, job: Job, stage: str, reason: str) -> None:
        """Stored but not finished: the record stays and the next ingest finishes it (MAX_RESUME attempts)."""
        self.batch_sha[job.sha256] = None
        self.claims.release(job.sha256)
        for name in [job.name] + job.dup_names:
            self.reject(name, stage, f"{reason}；原件已存入档案库，下次运行 minzheng ingest 时会补完", job.record_id)

    def resuming(self, job: Job) -> bool:
        """Count an attempt at finishing a record an earlier ingest left unfinished; after MAX_RESUME failed
        attempts the record is rejected (removed with its object) so that it never blocks later ingests."""
        rec = catalog.record(self.conn, job.record_id)
        if rec is None:
            return False
        meta = dict(rec["meta"])
        tries = int(meta.get("resume_attempts") or 0)
        if tries >= MAX_RESUME:
            self.drop(job, "extract_text", f"上次导入未能完成，已尝试补完 {tries} 次仍失败，已从档案库移除；"
                                           "请检查该文件（可另存或重新扫描）后重新导入")
            return False
        meta["resume_attempts"] = tries + 1
        with catalog.transaction(self.conn):
            self.conn.execute("UPDATE records SET meta=? WHERE id=?",
                              (json.dumps(meta, ensure_ascii=False), job.record_id))
        return True

    def close(self):
        try:
            if self.index is not None:
                self.index.close()
        finally:
            self.claims.release_all()
            self.conn.close()
            if self.bar is not None:
                self.bar.close()


def _codes_of(conn, record_ids: set) -> dict:
    """{record id: 档号} of those records that have one (for naming what a duplicate repeats)."""
    ids = sorted(i for i in record_ids if i is not None)
    out = {}
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        for r in conn.execute(f"SELECT id, archival_code FROM records WHERE id IN ({','.join('?' * len(part))}) "
                              "AND archival_code IS NOT NULL", part):
            out[r["id"]] = r["archival_code"]
    return out


def _unexpected(e: Exception) -> str:
    return (f"处理此文件时程序出错（{type(e).__name__}），此文件未导入，其余文件照常导入；"
            "请把此文件和日志交给维护人员")


def ingest(settings, paths, *, office: str | None = None, category: str | None = None, year: int | None = None,
           retention: str | None = None, manifest: Path | str | None = None, jobs: int | None = None,
           ocr: bool = True, progress: bool = False) -> IngestReport:
    """Ingest files and folders into the archive at `settings.root`. A bad file is reported in
    `IngestReport.rejected` and the batch goes on; a bad manifest or option raises before anything is stored."""
    t0 = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    defaults = {"office": office.upper() if office else None, "category": category.upper() if category else None,
                "year": year, "retention": retention.upper() if retention else None}
    with ingest_lock(settings) as lock:
        conn = catalog.connect(settings.catalog_url)
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
            leftover = []
            if lock.alone:            # no other ingest is running: clean up after a crash, finish what it left
                clean_crash_leftovers(settings, run.conn, run.report)
                leftover = unfinished_jobs(run.conn, run.settings.objects_dir)
                for job in leftover:
                    run.claims.claim(job.sha256, wait=0)
            lock.share()              # from here on other ingests may run beside this one
            run_pipeline(run, files, leftover)
            run.flush_index()
            if run.busy:              # files another ingest was storing: now theirs are done, or we wait
                busy, run.busy, run.claim_wait = run.busy, [], CLAIM_WAIT
                run_pipeline(run, busy, [])
                run.flush_index()
            run.report.resumed = len(leftover)
            run.report.seconds = time.perf_counter() - t0
            rep = run.report
            rep.duplicate_codes = _codes_of(run.conn, {d["record_id"] for d in rep.duplicates})
            if rep.ingested or rep.rejected or rep.resumed:
                with catalog.transaction(run.conn):
                    catalog.log_event(run.conn, "ingest", None, ingested=len(rep.ingested),
                                      duplicates=len(rep.duplicates), rejected=len(rep.rejected),
                                      resumed=rep.resumed, pages=rep.pages, jobs=jobs,
                                      ocr_engine=run.ocr_name)
        finally:
            run.close()
    return run.report


