"""Listing records by their catalog fields alone (no search term), and facet counts.

The catalog is the source of truth: a browse lists every record that passes the filters, in 档号 or
date order, straight from SQL; facets count records per office, year and category, each ignoring its
own filter (so the other offices' counts stay visible after one office is chosen).
"""
from __future__ import annotations

# yyyymmdd like indexer.tokens.date_key: the document's date, else 1 January of its year (month/day 00)
DATE_SQL = ("(CASE WHEN doc_date LIKE '____-__-__' THEN CAST(substr(doc_date, 1, 4) AS INTEGER) * 10000 "
            "+ CAST(substr(doc_date, 6, 2) AS INTEGER) * 100 + CAST(substr(doc_date, 9, 2) AS INTEGER) "
            "WHEN year IS NOT NULL THEN year * 10000 ELSE 0 END)")
_UNBOUND_LAST = "(CASE WHEN archival_code IS NULL THEN 1 ELSE 0 END)"
ORDER = {
    "code": f"{_UNBOUND_LAST}, archival_code, {DATE_SQL}, id",
    "relevance": f"{_UNBOUND_LAST}, archival_code, {DATE_SQL}, id",
    "date": f"(CASE WHEN {DATE_SQL} = 0 THEN 1 ELSE 0 END), {DATE_SQL}, {_UNBOUND_LAST}, archival_code, id",
    "-date": f"{DATE_SQL} DESC, {_UNBOUND_LAST}, archival_code, id",
}
FACETS = ("office", "year", "category")
_COLUMNS = {"office": "office", "category": "category", "year": "year", "retention": "retention",
            "household": "household", "doctype": "document_type"}


def where(filters: dict, date_from: int | None, date_to: int | None, *, skip: str | None = None):
    """(SQL condition, parameters) for the filters (catalog field names as in indexer.Index.query)."""
    conds, params = [], []
    for key, value in filters.items():
        if key == skip or value in (None, ""):
            continue
        conds.append(f"{_COLUMNS[key]} = ?")
        params.append(value)
    if date_from is not None:
        conds.append(f"{DATE_SQL} >= ?")
        params.append(max(1, date_from))
    if date_to is not None:
        conds.append(f"{DATE_SQL} BETWEEN 1 AND ?")
        params.append(date_to)
    return (" WHERE " + " AND ".join(conds)) if conds else "", params


def browse(conn, filters: dict, date_from, date_to, sort: str, limit: int, offset: int) -> tuple[int, list[dict]]:
    """(number of records passing the filters, the records offset…offset+limit in `sort` order)."""
    w, params = where(filters, date_from, date_to)
    total = conn.execute(f"SELECT count(*) FROM records{w}", params).fetchone()[0]
    rows = conn.execute(f"SELECT * FROM records{w} ORDER BY {ORDER[sort]} LIMIT ? OFFSET ?",
                        [*params, int(limit), int(offset)]).fetchall()
    return int(total), [dict(r) for r in rows]


def facets(conn, filters: dict, date_from, date_to, ids: list[int] | None = None) -> dict:
    """{"office": {code: n}, "year": {year: n}, "category": {code: n}} over the records passing the
    other filters; `ids` (from a full-text search) restricts the records counted."""
    out = {}
    if ids is None:
        for name in FACETS:
            w, params = where(filters, date_from, date_to, skip=name)
            out[name] = {r["k"]: int(r["n"]) for r in conn.execute(
                f"SELECT {name} AS k, count(*) AS n FROM records{w} GROUP BY {name}", params) if r["k"] is not None}
    else:
        # one pass over the records passing the other filters; the search's matches counted in Python
        wanted = set(ids)
        rest = {k: v for k, v in filters.items() if k not in FACETS}
        w, params = where(rest, date_from, date_to)
        rows = [r for r in conn.execute(f"SELECT id, office, year, category FROM records{w}", params)
                if r["id"] in wanted]
        for name in FACETS:
            others = [(k, filters[k]) for k in FACETS if k != name and filters.get(k) not in (None, "")]
            counts: dict = {}
            for r in rows:
                if r[name] is not None and all(r[k] == v for k, v in others):
                    counts[r[name]] = counts.get(r[name], 0) + 1
            out[name] = counts
    for name in FACETS:                  # years newest first, the rest by count
        order = (lambda kv: -int(kv[0])) if name == "year" else (lambda kv: (-kv[1], str(kv[0])))
        out[name] = dict(sorted(out[name].items(), key=order))
    return out
