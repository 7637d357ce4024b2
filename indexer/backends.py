"""Choosing the index backend named in minzheng.toml: tantivy (default), whoosh, or postgres (in the
catalog's PostgreSQL database). A backend's module, and the library under it, is loaded only when that
backend is opened."""
from __future__ import annotations

import importlib
from pathlib import Path

from indexer.errors import SearchIndexError
from indexer.index import Index
from indexer.state import index_state

_CLASSES = {"tantivy": ("indexer.tantivy_backend", "TantivyIndex"),
            "whoosh": ("indexer.whoosh_backend", "WhooshIndex"),
            "postgres": ("indexer.postgres_backend", "PostgresIndex")}
BACKENDS = tuple(_CLASSES)
EMBEDDED = ("tantivy", "whoosh")      # an index directory in the root; postgres lives in the catalog database


def open_index(index_dir: Path, backend: str = "tantivy", *, url: str | Path | None = None,
               create: bool = True) -> Index:
    """Open the index in index_dir with the named backend; `url` is the catalog's (the postgres backend
    keeps its tables there; the others ignore it). create=False (for reading): a missing or empty index
    directory is a SearchIndexError and nothing is created."""
    try:
        module, cls = _CLASSES[backend]
    except KeyError:
        raise SearchIndexError(f"未知的索引后端 “{backend}”：只能是 {' 或 '.join(BACKENDS)}") from None
    if not create and index_state(index_dir, backend) != "ok":
        raise SearchIndexError(f"全文索引 {index_dir} 不存在或是空的。请运行 minzheng reindex 重建索引")
    cls_ = getattr(importlib.import_module(module), cls)
    if backend == "postgres":
        return cls_(Path(index_dir), url=str(url) if url else None)
    return cls_(Path(index_dir), create=create)
