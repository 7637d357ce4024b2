"""The 待核 queue: records whose description still holds guessed fields, by office and year."""
from __future__ import annotations

from archive.store import catalog
from archive.store.known_codes import check_codes

from .fields import KEYS, LABELS


def select_records(conn, *, office=None, year=None, category=None, review_only=False) -> list[dict]:
    """Catalog records (as dicts) in 档号/date order, filtered."""
    where, args = [], []
    for col, val in (("office", office), ("year", year), ("category", category)):
        if val not in (None, ""):
            where.append(f"{col}=?")
            args.append(int(val) if col == "year" else str(val).upper())
    if review_only:
        where.append("needs_review NOT IN ('[]', '')")
    sql = "SELECT * FROM records" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY office, year, category, archival_code IS NULL, archival_code, doc_date, id"
    return [catalog.record_dict(r) for r in conn.execute(sql, args)]


def review_list(settings, office: str | None = None, year: int | None = None) -> list[dict]:
    """Records with 待核 fields: {record_id, archival_code, title, office, year, category, original_name,
    needs_review: [keys], labels: [Chinese labels]}. An office code the archive does not know is an
    UnknownCodeError."""
    conn = catalog.connect(settings.catalog_url)
    try:
        check_codes(settings, conn, office=office)
        recs = select_records(conn, office=office, year=year, review_only=True)
    finally:
        conn.close()
    out = []
    for r in recs:
        keys = sorted(r["needs_review"], key=lambda k: KEYS.index(k) if k in KEYS else len(KEYS))
        out.append({"record_id": r["id"], "archival_code": r["archival_code"], "title": r["title"],
                    "office": r["office"], "year": r["year"], "category": r["category"],
                    "original_name": r["original_name"], "needs_review": keys,
                    "labels": [LABELS.get(k, k) for k in keys]})
    return out
