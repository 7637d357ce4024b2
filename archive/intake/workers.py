"""Stage extract_text in worker processes: one file per task, a window of tasks in flight, and a file
that kills its worker is retried alone and rejected, not the batch."""
from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from archive.common.errors import MinzhengError
from archive.store.objects import object_path
from indexer import extract, get_ocr_engine

MP = multiprocessing.get_context("spawn")    # never fork a process that holds index threads and SQLite handles
EXTENSIONS = {"tiff": "tif", "image": "img", "text": "txt"}

log = logging.getLogger(__name__)


def extract_worker(obj: str, kind: str, ocr_name: str | None, jobs: int, max_pixels: int) -> dict:
    """Stage extract_text, in a worker process (or inline). Returns plain data or {"error": 原因}."""
    # a damaged file makes the readers warn in English on stderr; the file's fate is reported in Chinese
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        ocr = get_ocr_engine(ocr_name) if ocr_name else None
        # objects have no extension, but some readers (openpyxl, LibreOffice) go by it: give them a named link
        with tempfile.TemporaryDirectory(prefix="minzheng-extract-") as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
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
        return {"error": f"无法提取文字，文件可能已损坏（{type(e).__name__}）；请用原来的软件打开检查，另存后再导入"}
    return {"pages": list(ex.pages), "text_source": ex.text_source,
            "page_count": ex.page_count or len(ex.pages), "encoding": ex.encoding, "notes": list(ex.notes or []),
            "head": [tuple(h) for h in ex.head or []]}


def _isolated(args) -> dict:
    """Run one extraction alone in a fresh worker: a file that kills its worker is rejected, not the batch."""
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=MP) as p:
            return p.submit(extract_worker, *args).result()
    except BrokenProcessPool:
        return {"error": "提取文字的进程异常退出（文件可能触发了解析器缺陷或内存不足）；请检查该文件"}


def run_pipeline(run, files: list[Path], leftover: list) -> None:
    for job in leftover:
        run.batch_sha[job.sha256] = job

    def admitted():
        for path in files:
            job = run.admit(path)
            if job is not None:
                yield job
        for job in leftover:         # after the files, so a file naming one of them is reported as ingested
            if run.resuming(job):    # counts the attempt; a record that keeps failing is rejected instead
                yield job

    def args(job, n):
        return (str(object_path(run.settings.objects_dir, job.sha256)), job.kind, run.ocr_name, n,
                run.limits.max_image_pixels)

    if run.jobs == 1 or len(files) + len(leftover) <= 1:      # sequential (tests), or one file using every core
        for job in admitted():
            run.extracted(job, extract_worker(*args(job, run.jobs)))
        return
    window = run.jobs * 2
    source = admitted()
    inflight: dict = {}
    exhausted = False
    with ProcessPoolExecutor(max_workers=run.jobs, mp_context=MP) as pool:
        broken: list = []
        while True:
            while not exhausted and not broken and len(inflight) < window:
                job = next(source, None)
                if job is None:
                    exhausted = True
                    break
                inflight[pool.submit(extract_worker, *args(job, 1))] = job
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
