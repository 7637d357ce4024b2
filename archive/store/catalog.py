"""The catalog: offices, records, volumes, events and the server's tables. The source of truth.
SQLite (WAL) by default; PostgreSQL when the root's settings name a `postgresql://` URL (archive.store.db)."""
from __future__ import annotations

import json
import re
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from archive.common.errors import RootError

from . import db

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
-- accounts of the county server (archive.accounts): clerk / archivist / inspector / admin
CREATE TABLE IF NOT EXISTS users (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,            -- clerk / archivist / inspector / admin
    office      TEXT,                     -- 机构代码: a clerk's own office
    pw_hash     TEXT NOT NULL,            -- scrypt$n$r$p$salt$hash (hex)
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);
-- failed logins, for lock-out (per name) and slow-down (per address); cleared for a name on success
CREATE TABLE IF NOT EXISTS login_failures (
    id       INTEGER PRIMARY KEY,
    at       REAL NOT NULL,               -- unix time
    name     TEXT NOT NULL,
    address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS login_failures_name ON login_failures (name, at);
CREATE INDEX IF NOT EXISTS login_failures_address ON login_failures (address, at);
-- server-side sessions: the cookie holds a random token, the table its sha256
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created     REAL NOT NULL,
    last_seen   REAL NOT NULL,
    address     TEXT NOT NULL DEFAULT ''
);
-- 利用登记: every view, page image, download, export, search, report download of the server
CREATE TABLE IF NOT EXISTS use_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    role       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,             -- view / page_image / download / export / search / report_download / login …
    target     TEXT NOT NULL DEFAULT '',  -- record id, file, query
    office     TEXT,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS use_log_at ON use_log (at);
-- background jobs of the county server (archive.jobs): ingest, bind, generate, with state and progress
CREATE TABLE IF NOT EXISTS jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,             -- ingest / bind / generate
    state        TEXT NOT NULL DEFAULT 'queued',  -- queued → running → done / failed; interrupted by a restart
    user_name    TEXT,                      -- who asked for it
    office       TEXT,                      -- the office it is for (clerks see their own office's jobs)
    params       TEXT NOT NULL DEFAULT '{}',   -- JSON: what to do
    progress     TEXT NOT NULL DEFAULT '{}',   -- JSON: files done/total, pages, OCR pages, last message
    result       TEXT,                      -- JSON when done
    error        TEXT,                      -- Chinese message when failed
    restarts     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id);
-- 著录 corrections (archive.description): one row per changed field, who and when
CREATE TABLE IF NOT EXISTS history (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_name  TEXT NOT NULL,             -- OS user (command line) or the server's user
    source     TEXT NOT NULL,             -- cli / catalog import / web
    record_id  INTEGER NOT NULL,
    field      TEXT NOT NULL,             -- title, doc_date, …; archival_code when a 档号 is withdrawn
    old_value  TEXT,
    new_value  TEXT,
    action     TEXT NOT NULL DEFAULT 'edit'   -- edit / confirm (待核 cleared, value kept) / withdraw
);
CREATE INDEX IF NOT EXISTS history_record ON history (record_id, id);
-- bound volumes whose records changed afterwards (a volume counts while not superseded)
CREATE TABLE IF NOT EXISTS rebind_needed (
    id         INTEGER PRIMARY KEY,
    volume_id  INTEGER NOT NULL,
    record_id  INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    fields     TEXT NOT NULL DEFAULT '[]'  -- JSON list of the changed fields
);
"""


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def connect(target: Path | str, *, create: bool = False):
    """Open the catalog: a SQLite file (WAL mode, rows as sqlite3.Row) or, for a `postgresql://` URL, a
    PostgreSQL database through archive.store.db (same SQL, same row behaviour). `create` makes the schema."""
    if db.is_postgres(target):
        conn = db.connect_postgres(str(target), SCHEMA, create=create)
    else:
        path = db.sqlite_path(target)
        conn = db.connect_sqlite(path, create=create)
        if create:
            conn.executescript(SCHEMA)
    if create:
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
    else:
        _check_version(conn, target)
        _add_missing_tables(conn)
    return conn


_TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))


def _add_missing_tables(conn: sqlite3.Connection) -> None:
    """A root made by an older version gets the tables added since (all `IF NOT EXISTS`)."""
    if db.dialect_of(conn) == "postgresql":
        have = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = current_schema()")}
    else:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not _TABLES <= have:
        conn.executescript(SCHEMA)


def _check_version(conn, target) -> None:
    path = db.describe(target)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError as e:
        raise RootError(f"{path} 不是有效的档案目录数据库：{e}")
    except Exception as e:            # PostgreSQL: a database that holds no catalog
        if db.dialect_of(conn) != "postgresql":
            raise
        raise RootError(f"{path} 中没有档案目录（{type(e).__name__}）。请先用 minzheng catalog migrate 迁移，"
                        "或用 minzheng init 新建") from None
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


MAX_ID = 2**63 - 1          # the largest integer the catalog can hold


def record(conn: sqlite3.Connection, key: str | int) -> dict | None:
    """A record by id or by 档号; None when there is none (an id past SQLite's 64-bit integers included)."""
    if isinstance(key, int) or str(key).isdecimal():
        if not 0 < int(key) <= MAX_ID:
            return None
        row = conn.execute("SELECT * FROM records WHERE id=?", (int(key),)).fetchone()
    else:
        row = conn.execute("SELECT * FROM records WHERE archival_code=?", (str(key),)).fetchone()
    return record_dict(row) if row else None


def record_dict(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["needs_review"] = json.loads(d.get("needs_review") or "[]")
    d["meta"] = json.loads(d.get("meta") or "{}")
    return d
