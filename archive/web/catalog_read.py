"""Read-only catalog queries the pages need besides search and show: offices, dates, volumes.

The connection refuses writes (`PRAGMA query_only`), so the page cannot change the archive and keeps
working while an ingest writes (WAL readers never block the writer).
"""
from __future__ import annotations

import sqlite3

from archive.access.search import index_problem as search_index_problem
from archive.store import catalog


def connect_readonly(settings) -> sqlite3.Connection:
    conn = catalog.connect(settings.catalog_url)
    conn.execute("PRAGMA query_only=ON")
    return conn


def office_names(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM offices ORDER BY code")}


def record_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM records").fetchone()[0]


def record_exists(conn: sqlite3.Connection, record_id: int) -> bool:
    return conn.execute("SELECT 1 FROM records WHERE id=?", (record_id,)).fetchone() is not None


def record_files(conn: sqlite3.Connection, record_id: int) -> dict | None:
    """What serving a record's original or its pages needs."""
    row = conn.execute("SELECT id, sha256, original_name, mime, pages, office FROM records WHERE id=?",
                       (record_id,)).fetchone()
    return dict(row) if row else None


def record_dates(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict]:
    """doc_date and doc_number of the given records (for the result list)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, doc_date, doc_number, retention FROM records WHERE id IN ({marks})",
                        [int(i) for i in ids])
    return {r["id"]: dict(r) for r in rows}


def volumes(conn: sqlite3.Connection, *, include_superseded: bool = False) -> list[dict]:
    """Bound volumes, newest binding first within office/year/category, each with its items."""
    where = "" if include_superseded else "WHERE v.superseded = 0"
    vols = [dict(r) for r in conn.execute(
        f"SELECT v.* FROM volumes v {where} ORDER BY v.office, v.year DESC, v.category, v.retention, v.seq, "
        "v.version DESC")]
    if not vols:
        return vols
    by_id = {v["id"]: v for v in vols}
    for v in vols:
        v["items"] = []
    marks = ",".join("?" * len(by_id))
    for r in conn.execute(
            "SELECT i.volume_id, i.record_id, i.position, i.first_page, i.last_page, r.title, r.doc_number, "
            "r.author, r.doc_date, r.archival_code, r.original_name FROM volume_items i "
            f"JOIN records r ON r.id = i.record_id WHERE i.volume_id IN ({marks}) ORDER BY i.volume_id, i.position",
            list(by_id)):
        by_id[r["volume_id"]]["items"].append(dict(r))
    return vols


def volume_pdf(conn: sqlite3.Connection, volume_id: int) -> dict | None:
    row = conn.execute("SELECT id, archival_code, pdf, office FROM volumes WHERE id=?", (volume_id,)).fetchone()
    return dict(row) if row else None


def index_problem(settings, conn) -> str | None:
    """Why searching cannot work now (a Chinese message for the page), or None: the library's check
    (looks, never writes), with the advice worded for the page."""
    return search_index_problem(settings, conn, root="档案根目录", where="在服务器上", then="，然后刷新本页")
