"""Choosing the index backend named in minzheng.toml: tantivy (default) or whoosh. A backend's module,
and the library under it, is loaded only when that backend is opened."""
from __future__ import annotations

import importlib
from pathlib import Path

from indexer.errors import SearchIndexError
from indexer.index import Index

_CLASSES = {"tantivy": ("indexer.tantivy_backend", "TantivyIndex"),
            "whoosh": ("indexer.whoosh_backend", "WhooshIndex")}
BACKENDS = tuple(_CLASSES)


def open_index(index_dir: Path, backend: str = "tantivy") -> Index:
    """Open (creating if missing) the index in index_dir with the named backend."""
    try:
        module, cls = _CLASSES[backend]
    except KeyError:
        raise SearchIndexError(f"未知的索引后端 “{backend}”：只能是 {' 或 '.join(BACKENDS)}") from None
    return getattr(importlib.import_module(module), cls)(Path(index_dir))
