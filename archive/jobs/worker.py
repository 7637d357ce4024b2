"""The one worker that runs the jobs of an archive root.

Every server process may start a Worker, but only the one holding ROOT/.jobs.lock (an OS file lock,
released when its process dies) runs jobs, one at a time, oldest first. When a worker takes the lock,
any job still marked running belongs to a worker that is gone: it becomes `interrupted`."""
from __future__ import annotations

import fcntl
import logging
import threading
import time

from archive.common.errors import MinzhengError, RootError

from . import runners, table

log = logging.getLogger(__name__)

LOCK_NAME = ".jobs.lock"
PROGRESS_EVERY = 0.3       # seconds between progress writes (the last one is always written)

_workers: dict = {}
_workers_lock = threading.Lock()


class _Reporter:
    """Progress of one job, written to the table at most every PROGRESS_EVERY seconds."""

    def __init__(self, conn, job_id: int):
        self.conn, self.job_id, self.state, self.last = conn, job_id, {}, 0.0

    def __call__(self, update: dict) -> None:
        self.state.update(update)
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY:
            self.last = now
            table.set_progress(self.conn, self.job_id, self.state)


class Worker:
    def __init__(self, settings, *, poll: float = 1.0, ingest_jobs: int | None = None):
        self.settings, self.poll = settings, poll
        # processes extracting text during an ingest: minzheng.toml [jobs] ingest_jobs, default every core
        self.ingest_jobs = ingest_jobs or settings.get("jobs", "ingest_jobs", None)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_file = None
        self.current: int | None = None

    # ---- the lock: one worker per root, across processes
    def try_lock(self) -> bool:
        if self._lock_file is not None:
            return True
        f = open(self.settings.root / LOCK_NAME, "a+")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            return False
        self._lock_file = f
        conn = table.connect(self.settings)
        try:
            gone = table.mark_interrupted(conn)
        finally:
            conn.close()
        if gone:
            log.warning("上次服务器停止时未完成的任务已标记为中断：%s", "、".join(map(str, gone)))
        return True

    def release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    # ---- running
    def run_once(self) -> table.Job | None:
        """Claim the oldest queued job and run it to the end. None when the queue is empty."""
        conn = table.connect(self.settings)
        try:
            job = table.claim_next(conn)
            if job is None:
                return None
            self.current = job.id
            report = _Reporter(conn, job.id)
            try:
                result = runners.run(self.settings, job, report, ingest_jobs=self.ingest_jobs)
            except MinzhengError as e:
                table.finish(conn, job.id, error=str(e), progress=report.state)
            except Exception as e:
                log.exception("任务 %s 出错", job.id)
                table.finish(conn, job.id, progress=report.state,
                             error=f"任务运行时出现意外错误（{type(e).__name__}），已记录在服务器日志中；"
                                   "请检查后重新开始该任务")
            else:
                table.finish(conn, job.id, result=result, progress=report.state)
            if job.kind == "ingest":
                runners.remove_uploads(self.settings, job.id)
            return table.get(conn, job.id)
        finally:
            self.current = None
            conn.close()

    def drain(self) -> list[table.Job]:
        """Run queued jobs until none is left (for tests and scripts). Takes the lock first."""
        if not self.try_lock():
            raise MinzhengError("另一个进程正在运行本档案库的任务，请稍后再试")
        done = []
        while (job := self.run_once()) is not None:
            done.append(job)
        return done

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.try_lock():
                    while not self._stop.is_set() and self.run_once() is not None:
                        pass
            except (RootError, FileNotFoundError) as e:     # the root is gone: nothing left to run
                log.warning("任务工作线程停止：%s", e)
                break
            except MinzhengError as e:                      # e.g. the database server unreachable: say it, retry
                log.warning("任务工作线程暂停：%s（稍后重试）", e)
            except Exception:                               # e.g. the catalog briefly unavailable: try again
                log.exception("任务工作线程出错，稍后重试")
            self._wake.wait(self.poll)
            self._wake.clear()
        self.release()

    def start(self) -> Worker:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="mz-jobs", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = 30) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def start_worker(settings, **kw) -> Worker:
    """This process's worker for the root (started once; later calls return the same one)."""
    key = str(settings.root.resolve())
    with _workers_lock:
        w = _workers.get(key)
        if w is None or not w.alive:
            w = _workers[key] = Worker(settings, **kw).start()
        return w


def wake_workers(settings) -> None:
    w = _workers.get(str(settings.root.resolve()))
    if w is not None:
        w.wake()


def stop_worker(settings, timeout: float | None = 30) -> None:
    with _workers_lock:
        w = _workers.pop(str(settings.root.resolve()), None)
    if w is not None:
        w.stop(timeout)
