"""minzheng search: full-text hits from the index, joined with the catalog (the source of truth)."""
from __future__ import annotations

from dataclasses import dataclass, field

from archive.store import catalog
from indexer import open_index

SCAN_CAP = 5000       # hits fetched from the index when filtering on catalog-only fields (household, type)


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """DESIGN.md's contract: {"query","total","hits":[{record_id, archival_code, title, office, category,
        year, original_name, sha256, score, snippet}]} plus page (1-based or null), snippet with 【】 marks."""
        return {"query": self.query, "total": self.total, "hits": self.hits}


def _hit_dict(hit, rec: dict) -> dict:
    return {
        "record_id": rec["id"],
        "archival_code": rec.get("archival_code"),
        "title": rec.get("title"),
        "office": rec.get("office"),
        "category": rec.get("category"),
        "year": rec.get("year"),
        "original_name": rec.get("original_name"),
        "sha256": rec.get("sha256"),
        "score": round(float(hit.score), 4),
        "snippet": hit.marked("【", "】"),
        "page": hit.page,
        "phrase": bool(hit.phrase),
        "household": rec.get("household"),
        "document_type": rec.get("document_type"),
    }


def search(settings, query: str, *, office: str | None = None, category: str | None = None,
           year: int | None = None, retention: str | None = None, household: str | None = None,
           document_type: str | None = None, limit: int = 10, offset: int = 0) -> SearchResult:
    """Search the root's index. Hits whose record is no longer in the catalog are dropped."""

    office = office.upper() if office else None
    category = category.upper() if category else None
    retention = retention.upper() if retention else None
    by_catalog = bool(household or document_type)
    conn = catalog.connect(settings.catalog_path)
    try:
        idx = open_index(settings.index_dir, settings.index_backend)
        try:
            want = SCAN_CAP if by_catalog else offset + limit
            total, hits = idx.search(query, office=office, category=category, year=year, retention=retention,
                                     limit=want, offset=0)
        finally:
            idx.close()
        out, dropped = [], 0
        for h in hits:
            rec = catalog.record(conn, h.record_id)
            if rec is None:
                dropped += 1
                continue
            if household and rec.get("household") != household:
                continue
            if document_type and rec.get("document_type") != document_type:
                continue
            out.append(_hit_dict(h, rec))
    finally:
        conn.close()
    if by_catalog:
        total = len(out)
    else:
        total = max(0, total - dropped)
    return SearchResult(query=query, total=total, hits=out[offset:offset + limit])
