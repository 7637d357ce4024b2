"""Create an archive root (minzheng init), and move its catalog between engines (minzheng catalog migrate)."""
from __future__ import annotations

import shutil
from pathlib import Path

from archive.common.errors import ConfigError, RootError
from archive.intake.reindex import reindex
from archive.store import catalog, db
from archive.store.config import (
    CONFIG_NAME,
    DEFAULTS_FILE,
    SAMPLES_DIR,
    Settings,
    load_settings,
)
from archive.store.migrate import MigrationReport, migrate_catalog
from generators.office import import_office_data

SUBDIRS = ("objects", "text", "index", "volumes", "out", "data")


def init_root(root: Path | str, *, county: str | None = None, fonds: str | None = None,
              sample: bool = False) -> Settings:
    """Create a new archive root (with the sample county's office data when `sample`).

    Refuses a directory that already has anything in it; removes what it made if anything fails.
    """
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise RootError(f"{root} 已存在且不是空目录，不会改动它。请换一个目录，或先移走其中的文件")
    root.mkdir(parents=True, exist_ok=True)
    try:
        text = DEFAULTS_FILE.read_text(encoding="utf-8")
        if county:
            text = text.replace('name = "青山县"', f'name = "{county}"', 1)
            text = text.replace('fonds_name = "青山县民政局"', f'fonds_name = "{county}民政局"', 1)
        if fonds:
            text = text.replace('fonds = "Z109"', f'fonds = "{fonds}"', 1)
        (root / CONFIG_NAME).write_text(text, encoding="utf-8")
        settings = load_settings(root)     # validates fonds etc.
        for d in SUBDIRS:
            (root / d).mkdir(exist_ok=True)
        conn = catalog.connect(settings.catalog_url, create=True)
        try:
            catalog.log_event(conn, "init", county=settings.county_name, fonds=settings.fonds, sample=sample)
        finally:
            conn.close()
        if sample:


            import_office_data(settings, SAMPLES_DIR / "county" / "data")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)   # nothing half-written stays behind
        raise
    return settings


def move_catalog(settings: Settings, to: str, *, index: str | None = None) -> MigrationReport:
    """Move the root's catalog to `to` (archive.store.migrate) and keep search working: with
    index="postgres" (PostgreSQL only) the full-text index is rebuilt in the new database; a root whose
    index lived in PostgreSQL gets a tantivy index again when its catalog goes back to SQLite."""
    if index not in (None, "postgres", "tantivy", "whoosh"):
        raise ConfigError(f"--index 只能是 postgres、tantivy 或 whoosh，不是 “{index}”")
    if index == "postgres" and not db.is_postgres(to):
        raise ConfigError("检索放进数据库（--index postgres）要求目录库迁到 PostgreSQL")
    report = migrate_catalog(settings, to)
    if index is None and settings.index_backend == "postgres" and not db.is_postgres(to):
        index = "tantivy"
    if index is not None and (index != settings.index_backend or index == "postgres"):
        report.reindexed = reindex(settings, backend=index).records
        report.index_backend = index
    return report
