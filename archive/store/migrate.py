"""Moving a root's catalog between engines: SQLite → PostgreSQL (`minzheng catalog migrate --to
postgresql://…`) and back (`--to sqlite:PATH`). Every table is copied in one transaction on the
destination, then counted and checksummed on both sides; only when they agree does minzheng.toml
point at the new catalog. The source is never changed, so a failed or refused migration leaves the
root working as before."""
from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import ConfigError, ExitCode

from . import catalog, db
from .config import Settings, set_setting

BATCH = 2000


@dataclass
class MigrationReport:
    source: str
    destination: str
    tables: dict[str, int] = field(default_factory=dict)      # rows copied per table
    checksums: dict[str, str] = field(default_factory=dict)   # sha256 per table, equal on both sides
    seconds: float = 0.0
    index_backend: str | None = None    # set when the full-text index was rebuilt after the move
    reindexed: int = 0

    def to_dict(self) -> dict:
        return {"source": self.source, "destination": self.destination, "tables": self.tables,
                "checksums": self.checksums, "seconds": round(self.seconds, 2),
                "index_backend": self.index_backend, "reindexed": self.reindexed}

    def summary(self) -> str:
        rows = sum(self.tables.values())
        lines = [f"已把目录库从 {self.source} 迁移到 {self.destination}：{len(self.tables)} 张表，共 {rows} 行，"
                 f"逐表核对行数和校验和一致，用时 {self.seconds:.1f} 秒。"]
        lines += [f"  {t}：{n} 行" for t, n in self.tables.items() if n]
        lines.append("minzheng.toml 已改为使用新的目录库；原来的目录库保持不变，可作备份。")
        if self.index_backend:
            lines.append(f"全文索引已用 {self.index_backend} 重建（{self.reindexed} 条记录）。")
        return "\n".join(lines)


def tables() -> list[str]:
    """The catalog's tables in the order the schema creates them (referenced tables first)."""
    return re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", catalog.SCHEMA)


def _columns(conn, table: str) -> list[str]:
    return [d[0] for d in conn.execute(f"SELECT * FROM {table} WHERE 1=0").description or []]


def _ordered_rows(conn, table: str, cols: list[str]):
    order = "id" if "id" in cols else ", ".join(cols)
    return conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").fetchall()


def _norm(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, (bytes, memoryview)):
        return bytes(v).hex()
    return v


def digest(rows) -> tuple[int, str]:
    """(row count, sha256 of the rows in order), the same for SQLite and PostgreSQL values."""
    h = hashlib.sha256()
    n = 0
    for row in rows:
        h.update(json.dumps([_norm(v) for v in row], ensure_ascii=False, default=str).encode("utf-8"))
        n += 1
    return n, h.hexdigest()


def checksum(conn, table: str, cols: list[str]) -> tuple[int, str]:
    return digest(_ordered_rows(conn, table, cols))


def _dest_url(to: str) -> str | Path:
    if db.is_postgres(to):
        return to
    if to.startswith("sqlite:"):
        if not to[len("sqlite:"):].strip().strip("/"):
            raise ConfigError("sqlite: 后面要写新目录库的文件名，例如 sqlite:/srv/minzheng/catalog-back.sqlite3",
                              exit_code=ExitCode.usage)
        path = db.sqlite_path(to).expanduser().resolve()
        if not path.parent.is_dir():
            raise ConfigError(f"{path.parent} 不是已有的目录，无法在那里建 {path.name}。请先建好这个目录，或换一个路径",
                              exit_code=ExitCode.usage)
        return path
    raise ConfigError(f"不认识的目标 “{to}”：应为 postgresql://用户@主机/库名 或 sqlite:文件路径",
                      exit_code=ExitCode.usage)


def migrate_catalog(settings: Settings, to: str) -> MigrationReport:
    """Copy the catalog to `to`, verify it, and point minzheng.toml at it."""
    t0 = time.perf_counter()
    source_url, dest_url = settings.catalog_url, _dest_url(to)
    if str(db.describe(source_url)) == str(db.describe(dest_url)):
        raise ConfigError(f"目录库已经在 {db.describe(dest_url)}，无需迁移")
    if not db.is_postgres(dest_url) and Path(dest_url).is_dir():
        raise ConfigError(f"{dest_url} 是一个目录。请写新目录库的文件名，例如 sqlite:{Path(dest_url) / 'catalog.sqlite3'}",
                          exit_code=ExitCode.usage)
    if not db.is_postgres(dest_url) and Path(dest_url).exists():
        raise ConfigError(f"{dest_url} 已存在。请换一个新文件名，或先移走它（不会覆盖已有的目录库）")
    report = MigrationReport(db.describe(source_url), db.describe(dest_url))
    src = catalog.connect(source_url)
    try:
        dst = catalog.connect(dest_url, create=True)
    except ConfigError as e:              # the address came from --to, not from minzheng.toml
        src.close()
        _remove_new_sqlite(dest_url)
        raise ConfigError(e.message.split("。请检查 [catalog] url")[0] + "。请检查 --to 的地址（用户、主机、库名），"
                          "以及数据库服务器是否在运行", exit_code=e.exit_code) from None
    except BaseException:
        src.close()
        _remove_new_sqlite(dest_url)
        raise
    done = False
    try:
        if dst.execute("SELECT count(*) FROM records").fetchone()[0]:
            raise ConfigError(f"{db.describe(dest_url)} 里已经有档案记录，不会覆盖。请用一个新的空数据库")
        copied: dict[str, tuple[list[str], tuple[int, str]]] = {}   # table → (columns, source digest)
        with catalog.transaction(dst):
            for table in tables():
                dst.execute(f"DELETE FROM {table}")        # init rows (schema version, the init event)
                cols = [c for c in _columns(src, table) if c in set(_columns(dst, table))]
                rows = _ordered_rows(src, table, cols)
                copied[table] = (cols, digest(rows))
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                for i in range(0, len(rows), BATCH):
                    dst.executemany(sql, [tuple(r) for r in rows[i:i + BATCH]])
                if db.dialect_of(dst) == "postgresql" and "id" in cols:
                    dst.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
                report.tables[table] = len(rows)
        for table, (cols, a) in copied.items():
            b = checksum(dst, table, cols)
            if a != b:
                raise ConfigError(f"迁移后核对不一致：表 {table} 源 {a[0]} 行、目标 {b[0]} 行（校验和不同）。"
                                  "minzheng.toml 未改动，仍使用原来的目录库")
            report.checksums[table] = a[1]
        catalog.log_event(dst, "catalog.migrate", source=report.source, destination=report.destination,
                          rows=sum(report.tables.values()))
        done = True
    finally:
        src.close()
        dst.close()
        if not done:                 # a refused or failed move leaves no half-filled new SQLite file behind
            _remove_new_sqlite(dest_url)
    set_setting(settings, "catalog", "url", str(to) if db.is_postgres(dest_url) else f"sqlite:{dest_url}")
    report.seconds = time.perf_counter() - t0
    return report


def _remove_new_sqlite(dest_url) -> None:
    """Remove the SQLite file this migration created (with its -wal and -shm), so that it can be run again."""
    if db.is_postgres(dest_url):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{dest_url}{suffix}").unlink(missing_ok=True)
