"""`minzheng backup DEST`: a consistent copy of an archive root, made while the server runs.

The catalog is copied with SQLite's online backup API (one read transaction: a snapshot, and writers
are not blocked in WAL mode). Objects are immutable and content-addressed: exactly those the snapshot
names are copied, so objects stored after it (an ingest still running) don't matter. Volumes, text,
settings, the county's data and templates are copied as files (each is written by rename, so a file
is whole or absent). Derived or throw-away directories are left out: index/ (rebuild it with
`minzheng reindex`), cache/ and out/ (generated documents: regenerate them). The result is itself an
archive root: `minzheng --root DEST reindex` then `verify`.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import (
    ConfigError,
    ExitCode,
    MinzhengError,
    WriteError,
    os_reason,
)

from . import db
from .objects import object_path

SKIPPED = ("index", "cache", "out")          # derived data, rebuilt on demand
CATALOG_FILES = ("catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "catalog.sqlite3-journal")
INFO_NAME = "备份说明.json"


@dataclass
class BackupReport:
    dest: Path
    records: int = 0
    catalog_bytes: int = 0
    objects: int = 0
    object_bytes: int = 0
    missing_objects: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)        # top-level entry → files copied
    file_bytes: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"dest": str(self.dest), "records": self.records, "catalog_bytes": self.catalog_bytes,
                "objects": self.objects, "object_bytes": self.object_bytes,
                "missing_objects": self.missing_objects, "files": self.files, "file_bytes": self.file_bytes,
                "skipped": self.skipped, "seconds": round(self.seconds, 2)}


def _check_dest(settings, dest: Path) -> Path:
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise MinzhengError(f"备份目标 {dest} 是一个文件，不是目录。请指定一个新目录（备份不会覆盖任何文件）",
                            exit_code=ExitCode.usage)
    if dest.exists() and any(dest.iterdir()):
        raise MinzhengError(f"备份目标 {dest} 已存在且不是空目录。请指定一个新目录（备份不会覆盖任何文件）",
                            exit_code=ExitCode.usage)
    root = Path(settings.root).resolve()
    target = dest.resolve()
    if target == root or target.is_relative_to(root):
        raise MinzhengError(f"备份目标 {dest} 在档案根目录里面。请放到根目录以外（最好是另一块磁盘）",
                            exit_code=ExitCode.usage)
    if root.is_relative_to(target):
        raise MinzhengError(f"备份目标 {dest} 包含档案根目录。请换一个目录", exit_code=ExitCode.usage)
    return dest


def _copy_catalog(settings, dest: Path, report: BackupReport) -> list[str]:
    """Snapshot the catalog into dest; the sha256 of every record in the snapshot."""
    url = settings.catalog_url
    if db.is_postgres(url):
        raise ConfigError(f"目录库在 PostgreSQL 上（{db.describe(url)}），本命令只能备份 SQLite 目录库。"
                          "请用 pg_dump 备份数据库，再用本命令以外的方式复制 objects/ 等目录")
    src_path = Path(db.sqlite_path(url))
    if not src_path.is_file():
        raise ConfigError(f"找不到档案目录数据库 {src_path}。请确认 --root 指向档案根目录")
    target = dest / "catalog.sqlite3"
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
    try:
        out = sqlite3.connect(str(target))
        try:
            src.backup(out)                   # one step: a single consistent snapshot
            shas = [r[0] for r in out.execute("SELECT sha256 FROM records")]
            if out.execute("SELECT 1 FROM sqlite_master WHERE name='sessions'").fetchone():
                out.execute("DELETE FROM sessions")      # logins don't carry over to a restored root
                out.commit()
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()
    report.records = len(shas)
    report.catalog_bytes = target.stat().st_size
    return shas


def _copy_objects(settings, dest: Path, shas: list[str], report: BackupReport) -> None:
    src_dir, out_dir = Path(settings.objects_dir), dest / "objects"
    for sha in shas:
        src = object_path(src_dir, sha)
        if not src.is_file():
            report.missing_objects.append(sha)
            continue
        target = object_path(out_dir, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        report.objects += 1
        report.object_bytes += target.stat().st_size


def _ignore_temp(directory, names):
    return [n for n in names if n.startswith(".tmp-") or n.endswith(".lock")]


def _copy_rest(settings, dest: Path, report: BackupReport) -> None:
    root = Path(settings.root)
    for entry in sorted(root.iterdir()):
        name = entry.name
        if name in CATALOG_FILES or name == "objects" or name.startswith(".") or name.endswith(".lock"):
            continue
        if name in SKIPPED:
            report.skipped.append(name)
            continue
        target = dest / name
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, ignore=_ignore_temp, symlinks=True)
                files = [p for p in target.rglob("*") if p.is_file()]
            elif entry.is_file():
                shutil.copy2(entry, target)
                files = [target]
            else:
                continue
        except (shutil.Error, OSError) as e:
            if isinstance(e, shutil.Error):          # args[0]: [(source, target, English reason), …]
                bad = e.args[0][0] if e.args and e.args[0] else None
                why = f"{bad[0]} 无法复制" if isinstance(bad, tuple) else "有文件无法复制"
            else:
                why = f"{getattr(e, 'filename', None) or name}：{os_reason(e)}"
            raise MinzhengError(f"复制 {name} 时出错：{why}。备份不完整，请换一个新目录重新运行 minzheng backup") from None
        report.files[name] = len(files)
        report.file_bytes += sum(p.stat().st_size for p in files)


def backup(settings, dest: Path | str) -> BackupReport:
    """Copy the root at `settings` to the new or empty directory `dest` (see the module's text)."""
    t0 = time.perf_counter()
    dest = _check_dest(settings, Path(dest))
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(dest, e, "请换一个备份目录（最好在另一块磁盘上）") from e
    report = BackupReport(dest=dest)
    shas = _copy_catalog(settings, dest, report)
    _copy_objects(settings, dest, shas, report)
    _copy_rest(settings, dest, report)
    report.seconds = time.perf_counter() - t0
    info = {**report.to_dict(), "source": str(Path(settings.root).resolve()),
            "made_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "restore": "把本目录当作档案根目录使用：minzheng --root 本目录 reindex，再 minzheng --root 本目录 verify"}
    (dest / INFO_NAME).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return report
