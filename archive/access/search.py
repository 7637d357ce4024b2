"""minzheng search: full-text hits from the index, joined with the catalog (the source of truth);
with no search term, the records passing the filters straight from the catalog (browse)."""
from __future__ import annotations

from dataclasses import dataclass, field

from archive.common.errors import MinzhengError
from archive.store import catalog
from archive.store.known_codes import check_codes
from indexer import open_index
from indexer.errors import SearchIndexError
from indexer.plan import SORTS
from indexer.query import Query, QueryError, parse_query
from indexer.state import index_state

from .browse import browse, facets

FACET_CAP = 10_000     # a full-text search with more matches than this shows no facet counts
SEARCH_MAX_PAGE = 1000        # records on one page at most; everything goes to a file (export_search)
MAX_OFFSET = 2 ** 62   # past any archive's end, and inside SQLite's integers


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[dict] = field(default_factory=list)
    sort: str = "relevance"
    browse: bool = False               # no search term: records listed by the filters alone
    approximate: int = 0               # how many of `total` are approximate matches
    facets: dict | None = None         # {"office"|"year"|"category": {value: count}} when asked for

    def to_dict(self) -> dict:
        """DESIGN.md's contract: {"query","total","sort","hits":[{record_id, archival_code, title, office,
        category, year, original_name, sha256, score, snippet, approximate, …}]}; snippet with 【】 marks."""
        d = {"query": self.query, "total": self.total, "sort": self.sort, "hits": self.hits}
        if self.facets is not None:
            d["facets"] = {k: {str(a): n for a, n in v.items()} for k, v in self.facets.items()}
        return d


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
        "score": round(float(hit.score), 4) if hit else 0.0,
        "snippet": hit.marked("【", "】") if hit else "",
        "page": hit.page if hit else None,
        "phrase": bool(hit.phrase) if hit else False,
        "approximate": bool(hit.approximate) if hit else False,
        "household": rec.get("household"),
        "document_type": rec.get("document_type"),
        "doc_number": rec.get("doc_number"),
        "author": rec.get("author"),
        "doc_date": rec.get("doc_date"),
        "retention": rec.get("retention"),
        "pages": rec.get("pages"),
    }


def parse(query: str, date_range: str | None = None) -> Query:
    """The query, with an extra date range (`2016-01..2016-06`, from a form field) added to it."""
    q = parse_query(query or "")
    if date_range:
        d = parse_query(f"日期:{date_range}")
        lo = max(x for x in (q.date_from, d.date_from, 0) if x is not None) or None
        his = [x for x in (q.date_to, d.date_to) if x is not None]
        q = Query(q.groups, q.exclude, lo, min(his) if his else None, source=q.source)
        if q.date_from is not None and q.date_to is not None and q.date_from > q.date_to:
            raise QueryError(1, f"日期范围 {date_range} 与检索式中的日期条件没有交集")
    return q


def _filters(office, category, year, retention, household, document_type) -> dict:
    f = {"office": office.upper() if office else None, "category": category.upper() if category else None,
         "year": year, "retention": retention.upper() if retention else None,
         "household": household.strip().upper() if household else None, "doctype": document_type}
    return {k: v for k, v in f.items() if v not in (None, "")}


def search(settings, query: str, *, office: str | None = None, category: str | None = None,
           year: int | None = None, retention: str | None = None, household: str | None = None,
           document_type: str | None = None, sort: str | None = None, date_range: str | None = None,
           limit: int = 10, offset: int = 0, with_facets: bool = False) -> SearchResult:
    """Search the root's index (see indexer.query for the language; QueryError names the position of a
    mistake). No search term: the records passing the filters, from the catalog. Hits whose record is
    no longer in the catalog are dropped. sort: relevance (default with a term) | date | -date | code
    (default without)."""
    q = parse(query, date_range)
    if sort is not None and sort not in SORTS:
        raise QueryError(1, f"不认识的排序方式“{sort}”", "可用：relevance（相关度）、date（日期）、-date（日期倒序）、code（档号）")
    check_page(limit, offset)
    offset = min(offset, MAX_OFFSET)       # anything past the end is an empty page
    filters = _filters(office, category, year, retention, household, document_type)
    conn = catalog.connect(settings.catalog_url)
    try:
        check_codes(settings, conn, office=office, category=category, retention=retention)
        if q.browse:
            sort = sort or "code"
            total, recs = browse(conn, filters, q.date_from, q.date_to, sort, limit, offset)
            res = SearchResult(query, total, [_hit_dict(None, r) for r in recs], sort=sort, browse=True)
            if with_facets:
                res.facets = facets(conn, filters, q.date_from, q.date_to)
            return res
        sort = sort or "relevance"
        state = index_state(settings.index_dir, settings.index_backend)
        if state != "ok":
            if state == "empty" and not _has_records(conn, indexed=True):   # nothing indexed yet: nothing to find
                return SearchResult(query, 0, sort=sort)
            raise SearchIndexError(index_problem(settings, conn))
        idx = open_index(settings.index_dir, settings.index_backend, url=settings.catalog_url, create=False)
        try:
            r = idx.query(q, sort=sort, limit=limit, offset=offset, **_index_filters(filters))
            ids = None
            if with_facets and r.total <= FACET_CAP:       # beyond it the counts would be partial: none
                wide = {k: v for k, v in filters.items() if k not in ("office", "year", "category")}
                ids = [h.record_id for h in idx.query(q, sort="relevance", limit=FACET_CAP, ids_only=True,
                                                      **_index_filters(wide)).hits]
        finally:
            idx.close()
        out, dropped = [], 0
        for h in r.hits:
            rec = catalog.record(conn, h.record_id)
            if rec is None:
                dropped += 1
                continue
            out.append(_hit_dict(h, rec))
        res = SearchResult(query, max(0, r.total - dropped), out, sort=sort, approximate=r.approximate)
        if ids is not None:
            res.facets = facets(conn, filters, q.date_from, q.date_to, ids)
        return res
    finally:
        conn.close()


def check_page(limit: int, offset: int) -> None:
    """A page is 1…SEARCH_MAX_PAGE records from an offset ≥ 0 (a usage error otherwise)."""
    if not 1 <= limit <= SEARCH_MAX_PAGE:
        raise MinzhengError(f"每页显示 1–{SEARCH_MAX_PAGE} 条（现为 {limit}）。要全部结果，请导出到文件："
                            "--format xlsx --out 结果.xlsx", exit_code=2)
    if offset < 0:
        raise MinzhengError(f"跳过的条数不能为负数（现为 {offset}）", exit_code=2)


def index_problem(settings, conn, *, root: str | None = None, where: str = "", then: str = "") -> str | None:
    """Why a full-text search cannot work now (a Chinese message naming how to rebuild), or None. Looks,
    never writes. `root` names the archive root in the advice (default: its path); `where` to run the
    rebuild, `then` what to do after it (the page: 在服务器上, 然后刷新本页)."""
    state = index_state(settings.index_dir, getattr(settings, "index_backend", "tantivy"))
    if state == "ok":
        return None
    rebuild = (f"请{where}运行 minzheng --root {root or settings.root} reindex 重建索引（只读原件和目录，不改动档案）"
               f"{then}。")
    if state == "missing":
        return "全文索引（档案根目录下的 index/）不存在，现在检索不到任何档案。" + rebuild
    if _has_records(conn, indexed=True):
        return "全文索引（index/）是空的或已损坏，现在检索不到任何档案。" + rebuild
    if not _has_records(conn):
        return "档案库中还没有任何档案。请先导入（minzheng ingest 文件或目录），再来检索。"
    return None                          # the first ingest has not written the index yet


def _has_records(conn, *, indexed: bool = False) -> bool:
    """Whether the catalog holds a record (indexed: one already written to the index, by ingest or reindex)."""
    where = " WHERE state = 'indexed'" if indexed else ""
    return conn.execute(f"SELECT 1 FROM records{where} LIMIT 1").fetchone() is not None


def _index_filters(filters: dict) -> dict:
    return {("document_type" if k == "doctype" else k): v for k, v in filters.items()}
