"""One writer per archive root: ingest, reindex and index refreshes take ROOT/.ingest.lock in turn."""
from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager

log = logging.getLogger(__name__)


@contextmanager
def write_lock(settings):
    """One writer per root (ingest, reindex, refresh_index); others wait."""
    settings.root.mkdir(parents=True, exist_ok=True)
    f = open(settings.root / ".ingest.lock", "a+")
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
