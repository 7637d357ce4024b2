"""Who may write to an archive root at the same time.

- `write_lock`: one writer alone (reindex, refreshing the index after 档号 changes): it waits for every
  ingest to end, and ingests wait for it.
- `ingest_lock`: ingests share the root. An ingest that starts alone holds the root exclusively
  for a moment, to clean up after a crash and take over records an interrupted ingest left
  unfinished; then it shares, and other ingests run beside it.
- `ObjectClaims`: the lock per object. An ingest claims a file's content (its SHA-256) before
  storing and cataloguing it and holds the claim until the record is indexed, so the same file sent
  at once from two offices ends as one record.

All are flock(2) locks on files in the root: they vanish with the process that held them (kill -9).
"""
from __future__ import annotations

import fcntl
import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

LOCK_NAME = ".ingest.lock"
CLAIMS_DIR = ".claims"
CLAIM_WAIT = 120.0         # seconds an ingest waits for another to finish the same content


def _lock_file(settings):
    settings.root.mkdir(parents=True, exist_ok=True)
    return open(settings.root / LOCK_NAME, "a+")


@contextmanager
def write_lock(settings):
    """One writer alone (reindex, refresh_index); waits for running ingests to end."""
    f = _lock_file(settings)
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("另一个导入或索引重建正在进行，等待它结束……")
            fcntl.flock(f, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()


class IngestLock:
    def __init__(self, f, alone: bool):
        self._f = f
        self.alone = alone      # no other ingest was running when this one started

    def share(self) -> None:
        """Done with the exclusive part (crash clean-up, unfinished records): let other ingests in."""
        if self.alone:
            fcntl.flock(self._f, fcntl.LOCK_SH)


@contextmanager
def ingest_lock(settings) -> Iterator[IngestLock]:
    f = _lock_file(settings)
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            lock = IngestLock(f, alone=True)
        except BlockingIOError:
            try:
                fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("正在重建索引，等待它结束……")
                fcntl.flock(f, fcntl.LOCK_SH)
            lock = IngestLock(f, alone=False)
        yield lock
    finally:
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()


class ObjectClaims:
    """Claims on objects by SHA-256 (ROOT/.claims/ab/<sha>), held from admission until indexed."""

    def __init__(self, settings):
        self.dir = Path(settings.root) / CLAIMS_DIR
        self._held: dict[str, object] = {}

    def claim(self, sha: str, *, wait: float = CLAIM_WAIT) -> bool:
        """True once this ingest holds the object; False if another ingest kept it for `wait` seconds."""
        if sha in self._held:
            return True
        path = self.dir / sha[:2] / sha
        deadline = time.monotonic() + wait
        while True:
            path.parent.mkdir(parents=True, exist_ok=True)
            f = open(path, "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.close()
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
                continue
            try:
                same = os.stat(path).st_ino == os.fstat(f.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:                 # not a file the previous holder has just removed
                self._held[sha] = f
                return True
            f.close()

    def release(self, sha: str) -> None:
        f = self._held.pop(sha, None)
        if f is None:
            return
        path = self.dir / sha[:2] / sha
        try:
            os.unlink(path)          # a waiter that then locks the removed file sees it and opens afresh
        except FileNotFoundError:
            pass
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()

    def release_all(self) -> None:
        for sha in list(self._held):
            self.release(sha)
