"""The archive root on disk: settings (minzheng.toml), the catalog (SQLite by default, PostgreSQL when
configured: records, offices, volumes, events, the server's tables) and its dialect layer (db), moving
the catalog between engines (migrate), the content-addressed object store, the extracted-text store,
the one-writer lock, and `verify` (fixity and catalog ↔ objects ↔ text ↔ index consistency).

Names are imported on first use: opening the catalog does not load the index or PDF libraries."""
from archive.common.lazy import lazy_exports

_EXPORTS = {
    "CONFIG_NAME": ".config", "SAMPLES_DIR": ".config", "TEMPLATES_DIR": ".config", "Settings": ".config",
    "default_root": ".config", "load_settings": ".config", "read_toml": ".config", "set_setting": ".config",
    "write_lock": ".lock",
    "object_path": ".objects", "sha256_file": ".objects", "store_file": ".objects", "text_path": ".objects",
    "read_pages": ".textstore", "write_pages": ".textstore",
    "VerifyReport": ".verify",   # the function: archive.verify (archive.store.verify is its module)
    "migrate_catalog": ".migrate", "MigrationReport": ".migrate",
}
__all__ = sorted([*_EXPORTS, "catalog", "db"])
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
