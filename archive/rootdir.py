"""Create an archive root (minzheng init), and move its catalog between engines (minzheng catalog migrate)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from archive.common.errors import ConfigError, ExitCode, RootError, WriteError
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
    county, fonds = _checked_county(county), _checked_fonds(fonds)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise RootError(f"{root} 已存在且不是空目录，不会改动它。请换一个目录，或先移走其中的文件")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(root, e, "请用 --root 换一个位置") from e
    try:
        text = DEFAULTS_FILE.read_text(encoding="utf-8")
        if county:
            text = text.replace('name = "青山县"', f"name = {_toml_str(county)}", 1)
            text = text.replace('fonds_name = "青山县民政局"', f"fonds_name = {_toml_str(county + '民政局')}", 1)
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


def _checked_county(county: str | None) -> str | None:
    """The county name given to init, trimmed; a name that cannot be one (blank, a line break) is a usage error."""
    if county is None:
        return None
    county = county.strip()
    if not county or not county.isprintable() or len(county) > 30:
        raise ConfigError(f"--county 应为县（区）的名称，如 青山县（不能为空或含换行，最多 30 个字），现为 “{county[:40]}”",
                          exit_code=ExitCode.usage)
    return county


def _checked_fonds(fonds: str | None) -> str | None:
    """The 全宗号 given to init: 4 letters or digits, written in capitals as in every 档号."""
    if fonds is None or not fonds.strip():
        return None
    code = fonds.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{4}", code):
        raise ConfigError(f"--fonds 应为 4 个字母或数字的全宗号，如 Z109，现为 “{fonds[:20]}”", exit_code=ExitCode.usage)
    return code


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


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
