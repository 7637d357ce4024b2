"""The narrow full-text index interface; tantivy (default) and whoosh backends implement it.

Both backends receive the same normalized text split into the same tokens (`indexer.tokens`):
field `all` holds the positional token stream of title, document number, archival code, extra
metadata and every page; `uni` holds single CJK characters; `title_tok` the title's tokens for
boosting; `office`, `category`, `retention`, `year` are filters; `data` stores title and pages.

Search: every bigram/word of the query must occur (`all`) and every one-character run (`uni`);
an exact-phrase match is boosted in the backend and the top candidates are re-ranked so that
records containing the phrase come first; a query in double quotes keeps exact-phrase matches only.
"""
from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from indexer.normalize import normalize
from indexer.snippet import has_phrase, make_snippet, mark
from indexer.tokens import QueryTerms, query_terms, stream, unigrams

PHRASE_CHECK_CAP = 2000   # candidates verified for a quoted phrase


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

    def tokens(self) -> dict:
        """The field values every backend indexes (normalized once, here)."""
        title = normalize(self.title)
        meta = " ".join(normalize(x) for x in (self.doc_number, self.archival_code, self.extra) if x)
        pages = [normalize(p) for p in self.pages]
        body = _join_pages(pages)             # a word split by a page break is still one word
        all_tokens = stream(title) + stream(meta) + stream(body)
        uni = unigrams(title) + unigrams(meta) + unigrams(body)
        return {
            "record_id": int(self.record_id),
            "all": " ".join(all_tokens),
            "uni": " ".join(uni),
            "title_tok": " ".join(stream(title) + unigrams(title)),
            "office": self.office or "",
            "category": self.category or "",
            "retention": self.retention or "",
            "year": int(self.year) if self.year is not None else None,
            "data": json.dumps({"t": title, "m": meta, "p": pages}, ensure_ascii=False),
        }


@dataclass
class Hit:
    record_id: int
    score: float
    page: int | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    phrase: bool = False

    def marked(self, open: str = "【", close: str = "】") -> str:
        """The snippet with each highlighted passage wrapped in open/close."""
        return mark(self.snippet, self.highlights, open, close)

    def to_dict(self) -> dict:
        return {"record_id": self.record_id, "score": round(self.score, 4), "page": self.page,
                "snippet": self.snippet, "highlights": [list(h) for h in self.highlights],
                "phrase": self.phrase}


@dataclass
class Candidate:
    record_id: int
    score: float
    data: str            # the stored JSON (title, metadata, pages)


@dataclass(frozen=True)
class ParsedQuery:
    terms: QueryTerms
    quoted: bool


_QUOTES = re.compile(r'^\s*["“”「『](.*)["“”」』]\s*$', re.S)


def parse_query(query: str) -> ParsedQuery:
    m = _QUOTES.match(query or "")
    quoted = bool(m)
    text = m.group(1) if m else (query or "")
    return ParsedQuery(query_terms(normalize(text)), quoted)


class Index(ABC):
    """One full-text index directory. Use as a context manager; one writer at a time."""

    backend: str = ""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)

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
    def _candidates(self, pq: ParsedQuery, filters: dict, mode: str, limit: int, offset: int,
                    count: bool = True) -> tuple[int, list[Candidate]]:
        """(number of matching records, candidates offset…offset+limit by backend score).
        mode "all": every bigram/word (`all`) and one-character run (`uni`) of the query;
        "phrase": those and the positional phrase; "rest": those but not the phrase.
        count=False: the number may be wrong (the backend may skip counting)."""

    def _ranked(self, pq: ParsedQuery, filters: dict, limit: int, offset: int) -> tuple[int, list[Candidate]]:
        """(number of records holding every bigram of the query, candidates offset…offset+limit with
        the exact-phrase matches first, each group by score). Backends may do this in one query."""
        want = offset + limit
        # phrase matches first (top `want` of them, no count), then the rest by score;
        # the total comes from the plain query (all bigrams), which is cheap to count
        _, first = self._candidates(pq, filters, "phrase", want, 0, count=False)
        total, _ = self._candidates(pq, filters, "all", 1, 0)
        rest: list[Candidate] = []
        if len(first) < want:
            _, rest = self._candidates(pq, filters, "rest", want - len(first), 0, count=False)
        return total, (first + rest)[offset:want]

    def search(self, query: str, *, office=None, category=None, year=None, retention=None,
               limit: int = 10, offset: int = 0) -> tuple[int, list[Hit]]:
        """(number of matching records, hits offset…offset+limit): records with the exact phrase
        first, then the others that hold every bigram of the query; "…" keeps the exact phrase only."""
        pq = parse_query(query)
        q = pq.terms
        if q.empty or limit <= 0:
            return 0, []
        filters = {"office": office, "category": category, "year": year, "retention": retention}
        filters = {k: v for k, v in filters.items() if v not in (None, "")}
        want = offset + limit
        positional = len(q.phrase) >= 2            # a positional phrase query is possible
        # the phrase query is exact when its tokens cover the whole query
        exact = positional and q.complete
        if not positional:
            # one token (or tokens that cannot be positioned): every match holds the phrase or close to it
            total, cands = self._candidates(pq, filters, "all", limit, offset)
            if pq.quoted:
                cands = [c for c in cands if _phrase_in(q, c)]
        elif pq.quoted and exact:
            total, cands = self._candidates(pq, filters, "phrase", limit, offset)
        elif pq.quoted:
            total, cands = self._candidates(pq, filters, "phrase", PHRASE_CHECK_CAP, 0)
            checked = [c for c in cands if _phrase_in(q, c)]
            total -= len(cands) - len(checked)
            cands = checked[offset:want]
        else:
            total, cands = self._ranked(pq, filters, limit, offset)
        hits = []                       # snippets only for the hits returned
        for c in cands:
            d = json.loads(c.data)
            page, snip, spans, phrase = make_snippet(q, d["t"], d["p"])
            if not phrase and d.get("m") and has_phrase(q, [d["m"]]):
                phrase = True
            hits.append(Hit(c.record_id, float(c.score), page, snip, spans, phrase))
        return max(total, 0), hits

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


def _phrase_in(q: QueryTerms, c: Candidate) -> bool:
    d = json.loads(c.data)
    return has_phrase(q, [d["t"], d.get("m", "")] + d["p"])
