"""Whether an embedded index (a directory in the root) is there to be searched, found by looking only:
opening a missing index for reading must not create an empty one."""
from __future__ import annotations

from pathlib import Path

INDEX_FILES = {"tantivy": "meta.json", "whoosh": "_MAIN_*.toc"}


def index_state(index_dir: Path, backend: str = "tantivy") -> str:
    """"ok", "missing" (no directory) or "empty" (a directory without an index in it). An index kept in a
    database (postgres) has nothing on disk to look at: "ok"."""
    pattern = INDEX_FILES.get(backend)
    if pattern is None:
        return "ok"
    d = Path(index_dir)
    if not d.is_dir():
        return "missing"
    return "ok" if any(d.glob(pattern)) else "empty"
