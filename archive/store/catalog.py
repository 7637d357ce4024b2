"""The catalog (SQLite, WAL): offices, records, volumes, events. The source of truth."""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from archive.common.errors import RootError

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- offices of the county, loaded from ROOT/data (the data files stay the source for documents)
CREATE TABLE IF NOT EXISTS offices (
    code       TEXT PRIMARY KEY,          -- 机构代码, e.g. QSZ
    name       TEXT NOT NULL,             -- 青山镇
    kind       TEXT NOT NULL,             -- 乡 / 镇 / 街道
    population INTEGER NOT NULL,
    fonds      TEXT                       -- 全宗号 of the office when it differs from the county's
);
-- one row per archived file (record = 件)
CREATE TABLE IF NOT EXISTS records (
    id             INTEGER PRIMARY KEY,   -- record_id
    sha256         TEXT NOT NULL UNIQUE,  -- object in objects/ab/abcdef…
    state          TEXT NOT NULL DEFAULT 'stored',  -- stored → extracted → indexed
    original_name  TEXT NOT NULL,         -- base name as ingested
    original_path  TEXT,                  -- full path as given at ingest
    mime           TEXT,
    size           INTEGER,
    encoding       TEXT,                  -- text files: utf-8 / gb18030
    pages          INTEGER,
    text_source    TEXT,                  -- text / ocr / none
    title          TEXT,                  -- 题名
    doc_number     TEXT,                  -- 文号, e.g. 永民发〔2014〕12号
    author         TEXT,                  -- 责任者
    doc_date       TEXT,                  -- YYYY-MM-DD
    office         TEXT,                  -- 机构代码
    category       TEXT,                  -- 门类代码: WS DB TK YL LS JZ FX TZ
    year           INTEGER,               -- 年度
    retention      TEXT,                  -- Y / D30 / D10
    archival_code  TEXT UNIQUE,           -- 档号, assigned by binding/codes, stable once set
    item_no        INTEGER,               -- 件号
    household      TEXT,                  -- household / recipient ID (for completeness)
    document_type  TEXT,                  -- e.g. 申请书, 审批表
    security       TEXT,                  -- 密级
    open_status    TEXT,                  -- 开放标识
    needs_review   TEXT NOT NULL DEFAULT '[]',  -- JSON list of fields inferred, not given
    meta           TEXT NOT NULL DEFAULT '{}',  -- JSON: anything else (manifest extras)
    ingested_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_oyc ON records (office, year, category, retention);
CREATE INDEX IF NOT EXISTS records_household ON records (household);
CREATE TABLE IF NOT EXISTS volumes (
    id             INTEGER PRIMARY KEY,
    office         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    category       TEXT NOT NULL,
    retention      TEXT NOT NULL,
    seq            INTEGER NOT NULL,      -- volume number within office/year/category/retention
    version        INTEGER NOT NULL,      -- binding again makes a new version; old ones are kept
    archival_code  TEXT NOT NULL,
    pdf            TEXT NOT NULL,         -- path relative to the root
    manifest       TEXT NOT NULL,
    pages          INTEGER NOT NULL,
    profile        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    superseded     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS volume_items (
    volume_id   INTEGER NOT NULL REFERENCES volumes(id),
    record_id   INTEGER NOT NULL REFERENCES records(id),
    position    INTEGER NOT NULL,
    first_page  INTEGER NOT NULL,
    last_page   INTEGER NOT NULL,
    PRIMARY KEY (volume_id, record_id)
);
-- audit log: one row per thing that happened
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,             -- init, ingest.store_object, bind, generate, verify, …
    record_id  INTEGER,
    detail     TEXT NOT NULL DEFAULT '{}'
);
"""


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def connect(path: Path | str, *, create: bool = False) -> sqlite3.Connection:
    """Open the catalog (WAL mode, rows as sqlite3.Row). `create` makes the schema."""
    path = Path(path)
    if not create and not path.is_file():

        raise RootError(f"找不到档案目录数据库 {path}。请先运行 minzheng init")
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    if create:
        conn.executescript(SCHEMA)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
    else:
        _check_version(conn, path)
    return conn


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError as e:
        raise RootError(f"{path} 不是有效的档案目录数据库：{e}")
    if row is None or int(row["value"]) > SCHEMA_VERSION:
        raise RootError(f"{path} 的数据库版本（{row and row['value']}）比本程序新，请升级 minzheng")


@contextmanager
def transaction(conn: sqlite3.Connection):
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def log_event(conn: sqlite3.Connection, kind: str, record_id: int | None = None, **detail) -> None:
    conn.execute(
        "INSERT INTO events(at, kind, record_id, detail) VALUES (?, ?, ?, ?)",
        (now(), kind, record_id, json.dumps(detail, ensure_ascii=False, default=str)),
    )


def upsert_office(conn: sqlite3.Connection, code: str, name: str, kind: str, population: int, fonds: str | None = None) -> None:
    conn.execute(
        "INSERT INTO offices(code, name, kind, population, fonds) VALUES (?,?,?,?,?) "
        "ON CONFLICT(code) DO UPDATE SET name=excluded.name, kind=excluded.kind, "
        "population=excluded.population, fonds=excluded.fonds",
        (code, name, kind, population, fonds),
    )


def offices(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM offices ORDER BY code")]


def record(conn: sqlite3.Connection, key: str | int) -> dict | None:
    """A record by id or by 档号."""
    if isinstance(key, int) or str(key).isdigit():
        row = conn.execute("SELECT * FROM records WHERE id=?", (int(key),)).fetchone()
    else:
        row = conn.execute("SELECT * FROM records WHERE archival_code=?", (str(key),)).fetchone()
    return record_dict(row) if row else None


def record_dict(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["needs_review"] = json.loads(d.get("needs_review") or "[]")
    d["meta"] = json.loads(d.get("meta") or "{}")
    return d
