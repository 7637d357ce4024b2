"""The narrow full-text index interface; tantivy (default) and whoosh backends implement it.

Both backends receive the same normalized text split into the same tokens (`indexer.tokens`):
`all` holds the positional token stream of title, 文号, 档号, extra metadata and every page; `uni`
single CJK characters; `title_tok`, `docno_tok`, `author_tok` the positional tokens of 题名, 文号
(brackets folded) and 责任者; `code` (档号, prefix queries), `household`, `doctype`, `office`,
`category`, `retention` exact values; `year`, `date` (yyyymmdd) numbers; `code_sort` the 档号 order
key; `data` stores title, metadata and pages for snippets.

A query (`indexer.query`) becomes a backend-neutral plan (`indexer.plan`); each term must occur as a
phrase of its characters. Terms found in 题名 or 文号 score a constant bonus above any body match.
When fewer than APPROX_BELOW records match strictly, records holding most of a term's bigrams in
order at one place (`indexer.approx`) follow, marked approximate.
"""
from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from indexer.approx import approx_hit
from indexer.errors import SearchIndexError
from indexer.normalize import normalize
from indexer.plan import FIELD_BONUS, SORTS, approx_plan, strict_plan, tier_plan, title_nodes
from indexer.query import Query, parse_query
from indexer.snippet import make_snippet, mark
from indexer.tokens import date_key, fold_doc_number, stream, unigrams

APPROX_BELOW = 10          # approximate matches are looked for when fewer strict matches than this
APPROX_CANDIDATES = 200    # records (by bigram overlap) checked for an approximate match
COUNT_FIRST = 10_000       # pages reaching past this count the matches first (offset/limit bounded by them)
SCHEMA_VERSION = "2"       # written to index_dir/SCHEMA_FILE; an older index must be rebuilt
SCHEMA_FILE = "minzheng-schema.txt"


@dataclass
class IndexDoc:
    record_id: int
    title: str
    pages: list[str]
    doc_number: str = ""
    office: str = ""
    category: str = ""
    year: int | None = None
    retention: str = ""
    archival_code: str = ""
    extra: str = ""
    author: str = ""
    doc_date: str = ""          # YYYY-MM-DD (or YYYY-MM)
    household: str = ""
    document_type: str = ""

    def tokens(self) -> dict:
        """The field values every backend indexes (normalized once, here)."""
        title = normalize(self.title)
        docno = normalize(self.doc_number)
        author = normalize(self.author)
        meta = " ".join(x for x in (docno, normalize(self.archival_code), author, normalize(self.extra)) if x)
        pages = [normalize(p) for p in self.pages]
        body = _join_pages(pages)             # a word split by a page break is still one word
        code = (self.archival_code or "").strip().upper()
        date = date_key(self.doc_date, self.year)
        code_sort = code or f"~{date:08d}{int(self.record_id):012d}"   # '~' sorts after every 档号
        docno_f = fold_doc_number(docno)
        return {
            "record_id": int(self.record_id),
            "all": " ".join(stream(title) + stream(meta) + stream(body)),
            "uni": " ".join(unigrams(title) + unigrams(meta) + unigrams(body)),
            "title_tok": " ".join(stream(title) + unigrams(title)),
            "docno_tok": " ".join(stream(docno_f) + unigrams(docno_f)),
            "author_tok": " ".join(stream(author) + unigrams(author)),
            "office": self.office or "",
            "category": self.category or "",
            "retention": self.retention or "",
            "code": code,
            "code_sort": code_sort,
            "household": (self.household or "").strip().upper(),
            "doctype": (self.document_type or "").strip(),
            "year": int(self.year) if self.year is not None else None,
            "date": date,
            "date_hi": date or 99999999,
            "data": json.dumps({"t": title, "m": meta, "p": pages, "d": date, "c": code_sort}, ensure_ascii=False),
        }


@dataclass
class Hit:
    record_id: int
    score: float
    page: int | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    phrase: bool = False
    approximate: bool = False

    def marked(self, open: str = "【", close: str = "】") -> str:
        """The snippet with each highlighted passage wrapped in open/close."""
        return mark(self.snippet, self.highlights, open, close)

    def to_dict(self) -> dict:
        return {"record_id": self.record_id, "score": round(self.score, 4), "page": self.page,
                "snippet": self.snippet, "highlights": [list(h) for h in self.highlights],
                "phrase": self.phrase, "approximate": self.approximate}


@dataclass
class Candidate:
    record_id: int
    score: float
    data: str | None     # the stored JSON (title, metadata, pages, date, 档号 key); None when not loaded
    key: object = None   # the sort key the backend ordered by


@dataclass
class Results:
    total: int                 # strict matches (lower bound when counted is False) + approximate ones
    hits: list[Hit]
    strict: int = 0
    approximate: int = 0
    counted: bool = True       # False: `strict` is a lower bound (counting stopped: count_cap)
    sort: str = "relevance"


class Index(ABC):
    """One full-text index directory. Use as a context manager; one writer at a time."""

    backend: str = ""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)

    def _check_schema(self, existing: bool) -> None:
        """A new index gets the schema marker; an existing one without the current marker is refused."""
        marker = self.index_dir / SCHEMA_FILE
        if existing:
            have = marker.read_text().strip() if marker.is_file() else "1"
            if have != SCHEMA_VERSION:
                raise SearchIndexError(f"全文索引 {self.index_dir} 是旧版本的格式（缺少题名、文号、日期等检索字段）。"
                                       "请运行 minzheng reindex 重建索引（不需要重新导入）")
        else:
            marker.write_text(SCHEMA_VERSION + "\n")

    # --- writing ---
    def add(self, docs: Iterable[IndexDoc], *, jobs: int = 1) -> None:
        """Add (or replace, by record_id) documents; visible after commit().
        jobs > 1 tokenizes in that many processes (for bulk builds: reindex, benchmarks)."""
        if jobs <= 1:
            self._add_fields(d.tokens() for d in docs)
            return
        import multiprocessing
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with ctx.Pool(jobs) as pool:
            batch: list[IndexDoc] = []
            for d in docs:                      # in batches, so memory stays bounded
                batch.append(d)
                if len(batch) >= 1000:
                    self._add_fields(pool.map(_tokens, batch, chunksize=50))
                    batch = []
            if batch:
                self._add_fields(pool.map(_tokens, batch, chunksize=50))

    @abstractmethod
    def _add_fields(self, fields: Iterable[dict]) -> None:
        """Write documents already turned into field values by IndexDoc.tokens()."""

    @abstractmethod
    def delete(self, record_ids: Iterable[int]) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (committed at once)."""

    @abstractmethod
    def doc_ids(self) -> set[int]: ...

    @abstractmethod
    def close(self) -> None: ...

    # --- reading ---
    @abstractmethod
    def _execute(self, plan, *, limit: int, sort: str, count: bool, load_from: int = 0,
                 count_cap: int | None = None) -> tuple[int, list[Candidate]]:
        """(number of matching records, the first `limit` candidates in `sort` order). sort "relevance"
        orders by score; "date"/"-date" by date (records without one last), then 档号; "code" by 档号.
        Stored data is loaded for candidates from position load_from on. count=False: the number is
        only the candidates returned. count_cap: the backend may stop counting there (returns cap+1)."""

    def search(self, query: str | Query, **kw) -> tuple[int, list[Hit]]:
        """(number of matching records, hits offset…offset+limit); see `query`."""
        r = self.query(query, **kw)
        return r.total, r.hits

    def query(self, query: str | Query, *, office=None, category=None, year=None, retention=None,
              household=None, document_type=None, sort: str = "relevance", limit: int = 10, offset: int = 0,
              approximate: bool = True, count_cap: int | None = None, ids_only: bool = False) -> Results:
        """Records matching the query (parsed with `indexer.query.parse_query` when a string; its
        QueryError names the position of a mistake), filtered, in `sort` order, hits offset…offset+limit.
        An empty query lists every record passing the filters. count_cap: the total need not be exact
        past it (Results.counted says whether it is); a page of records holding every term in 题名/文号
        is then found without scoring the others.
        ids_only: strict matches only, hits without snippets (for facets and exports)."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")
        q = parse_query(query) if isinstance(query, str) else query
        filters = {"office": office, "category": category, "year": year, "retention": retention,
                   "household": (household or "").strip().upper() or None, "doctype": document_type}
        filters = {k: v for k, v in filters.items() if v not in (None, "")}
        if limit <= 0:
            return Results(0, [], sort=sort)
        if q.browse and sort == "relevance":
            sort = "code"                      # nothing to rank by: 档号 order
        if offset + limit > COUNT_FIRST:       # a far page or a huge one: never ask a backend for more than exist
            total, _ = self._execute(strict_plan(q, filters), limit=1, sort="code", count=True, load_from=1)
            end = total + (APPROX_CANDIDATES if approximate and total < APPROX_BELOW else 0)
            if offset >= end:
                return Results(total, [], strict=total, sort=sort)
            limit = min(limit, end - offset)
        want = offset + limit
        if sort == "relevance" and count_cap is not None and not q.browse and not ids_only:
            quick = self._top_tier_only(q, filters, offset, want)
            if quick is not None:
                return quick
        plan = strict_plan(q, filters)
        if ids_only:
            total, cands = self._execute(plan, limit=want, sort=sort, count=True, load_from=want)
            return Results(total, [Hit(c.record_id, c.score, None, "") for c in cands[offset:]], strict=total, sort=sort)
        total, cands = self._execute(plan, limit=max(want, APPROX_BELOW), sort=sort, count=True,
                                     load_from=offset if sort == "code" else 0, count_cap=count_cap)
        counted = count_cap is None or total <= count_cap
        if sort == "relevance":
            cands = self._tiered(q, filters, cands[:want], want) + cands[want:]
        elif sort != "code":                   # equal dates in 档号 order
            cands = sorted(cands, key=lambda c: _sort_key(sort, json.loads(c.data)))
        texts = q.text_terms()
        hits = [self._hit(c, texts, False) for c in cands[offset:want]]
        approx: list[Hit] = []
        if approximate and q.groups and total < APPROX_BELOW:
            approx = self._approximate(q, filters, sort, {c.record_id for c in cands})
            hits = (hits + approx[max(0, offset - total):])[:limit] if want > total else hits
        return Results(total + len(approx), hits, strict=total, approximate=len(approx), counted=counted, sort=sort)

    def _top_tier_only(self, q: Query, filters: dict, offset: int, want: int) -> Results | None:
        """When the total need not be exact: if enough records hold every term group in 题名/文号, the
        page comes from them alone (by date, then 档号) — the body of the other records is never scored.
        The total is then only those records (a lower bound)."""
        n = len(title_nodes(q))
        plan = tier_plan(q, filters, n)
        if plan is None:
            return None
        top, cands = self._execute(plan, limit=want, sort="date", count=True)
        if top < want:
            return None
        cands = sorted(cands, key=lambda c: _sort_key("date", json.loads(c.data)))
        texts = q.text_terms()
        hits = [self._hit(c, texts, False) for c in cands[offset:want]]
        return Results(top, hits, strict=top, counted=False, sort="relevance")

    def _tiered(self, q: Query, filters: dict, cands: list[Candidate], want: int) -> list[Candidate]:
        """Relevance order: records holding more term groups in 题名/文号 first; among those every record
        is as relevant as the next, so by date, then 档号; body-only matches by score, then date, 档号.
        The records of the last tier shown are fetched again in date order when one query can say so."""
        if not cands:
            return cands
        last = int(cands[-1].score // FIELD_BONUS)
        if last >= 1 and len(cands) >= want:
            plan = tier_plan(q, filters, last)
            if plan is not None:
                above = [c for c in cands if int(c.score // FIELD_BONUS) > last]
                _, same = self._execute(plan, limit=want - len(above), sort="date", count=False)
                for c in same:
                    c.score = last * FIELD_BONUS
                cands = above + same
        return sorted(cands, key=_relevance_key)

    def _hit(self, c: Candidate, terms, approximate: bool) -> Hit:
        d = json.loads(c.data)
        page, snip, spans, phrase = make_snippet(terms, d["t"], d["p"])
        score = c.score % FIELD_BONUS if c.score >= FIELD_BONUS else c.score
        return Hit(c.record_id, float(score), page, snip, spans, phrase, approximate)

    def _approximate(self, q: Query, filters: dict, sort: str, seen: set[int]) -> list[Hit]:
        """Records (not already strict hits) where every term group matches strictly or approximately."""
        plan = approx_plan(q, filters)
        if plan is None:
            return []
        _, cands = self._execute(plan, limit=APPROX_CANDIDATES, sort="relevance", count=False)
        found = []
        for c in cands:
            if c.record_id in seen:
                continue
            d = json.loads(c.data)
            h = approx_hit(q, d["t"], d["m"], d["p"])
            if h is None:
                continue
            ratio, page, snip, spans = h
            found.append((ratio, c, Hit(c.record_id, float(ratio), page, snip, spans, False, True)))
        if sort == "relevance":
            found.sort(key=lambda x: (-x[0], -x[1].score))
        else:
            found.sort(key=lambda x: _sort_key(sort, json.loads(x[1].data)))
        return [h for _, _, h in found]

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.close()
        return False


def _sort_key(sort: str, d: dict):
    date = d.get("d") or 0
    if sort == "date":
        return (date or 99999999, d.get("c", ""))
    if sort == "-date":
        return (-date, d.get("c", ""))
    return (d.get("c", ""),)


def _relevance_key(c: Candidate):
    d = json.loads(c.data) if c.data else {}
    tier = int(c.score // FIELD_BONUS)
    return (-tier, 0.0 if tier else -round(c.score, 3), d.get("d") or 99999999, d.get("c", ""))


_WORDCH = re.compile(r"[\w]")


def _join_pages(pages: list[str]) -> str:
    out = ""
    for p in pages:
        if not p:
            continue
        if out and not (_WORDCH.match(out[-1]) and _WORDCH.match(p[0]) and (ord(out[-1]) > 0x2E80 or ord(p[0]) > 0x2E80)):
            out += " "
        out += p
    return out


def _tokens(doc: IndexDoc) -> dict:
    return doc.tokens()
