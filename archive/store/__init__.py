"""The archive root on disk: settings (minzheng.toml), the catalog (SQLite: records, offices, volumes,
events), the content-addressed object store, the extracted-text store, the one-writer lock, and
`verify` (fixity and catalog ↔ objects ↔ text ↔ index consistency)."""
from . import catalog
from .config import (
    CONFIG_NAME,
    SAMPLES_DIR,
    TEMPLATES_DIR,
    Settings,
    default_root,
    load_settings,
    read_toml,
)
from .lock import write_lock
from .objects import object_path, sha256_file, store_file, text_path
from .textstore import read_pages, write_pages
from .verify import VerifyReport, verify

__all__ = [
    "catalog", "Settings", "load_settings", "default_root", "read_toml", "CONFIG_NAME", "SAMPLES_DIR",
    "TEMPLATES_DIR", "write_lock", "object_path", "text_path", "sha256_file", "store_file",
    "read_pages", "write_pages", "verify", "VerifyReport",
]
