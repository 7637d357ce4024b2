"""tantivy backend: pre-tokenized text through the whitespace tokenizer, so positions are real."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

import tantivy

from indexer.errors import IndexBusyError, SearchIndexError
from indexer.index import Candidate, Index, ParsedQuery

WRITER_HEAP = 128_000_000
LOCK_WAIT = 30.0
TITLE_BOOST = 2.0
PHRASE_BONUS = 10_000.0   # far above any BM25 score of a query's few terms (f32 keeps ~0.001 there)


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("record_id", stored=True, indexed=True, fast=True)
    sb.add_text_field("all", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("uni", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("title_tok", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("office", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("category", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("retention", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_bytes_field("data", stored=True, indexed=False)
    return sb.build()


def _check_dir(index_dir: Path) -> None:
    if any(index_dir.glob("_MAIN_*.toc")):
        raise SearchIndexError(f"{index_dir} 是 whoosh 索引，不是 tantivy 索引。"
                          "请运行 minzheng reindex --backend tantivy 重建，或在 minzheng.toml 中设置 [index] backend = \"whoosh\"")


class TantivyIndex(Index):
    backend = "tantivy"

    def __init__(self, index_dir: Path, *, threads: int = 0):
        super().__init__(index_dir)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        _check_dir(self.index_dir)
        self.schema = _schema()
        try:
            self._ix = tantivy.Index(self.schema, path=str(self.index_dir), reuse=True)
        except Exception as e:  # noqa: BLE001 - tantivy raises plain ValueError/OSError
            raise SearchIndexError(f"无法打开全文索引 {self.index_dir}：{e}。可运行 minzheng reindex 重建索引")
        self._writer = None
        self._threads = threads
        self._dirty = False

    # --- writing ---
    def _w(self):
        if self._writer is None:
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    self._writer = self._ix.writer(WRITER_HEAP, self._threads)
                    break
                except ValueError as e:
                    if "Lock" not in str(e) or time.monotonic() > deadline:
                        if "Lock" in str(e):
                            raise IndexBusyError("全文索引正被另一个进程写入（例如正在导入）。请等它结束后再试")
                        raise SearchIndexError(f"无法写入全文索引 {self.index_dir}：{e}")
                    time.sleep(0.2)
        return self._writer

    def _add_fields(self, fields: Iterable[dict]) -> None:
        w = self._w()
        for f in fields:
            w.delete_documents_by_term("record_id", f["record_id"])
            doc = tantivy.Document()
            doc.add_integer("record_id", f["record_id"])
            doc.add_text("all", f["all"])
            doc.add_text("uni", f["uni"])
            doc.add_text("title_tok", f["title_tok"])
            for k in ("office", "category", "retention"):
                if f[k]:
                    doc.add_text(k, f[k])
            if f["year"] is not None:
                doc.add_integer("year", f["year"])
            doc.add_bytes("data", f["data"].encode("utf-8"))
            w.add_document(doc)
            self._dirty = True

    def delete(self, record_ids: Iterable[int]) -> None:
        w = self._w()
        for rid in record_ids:
            w.delete_documents_by_term("record_id", int(rid))
            self._dirty = True

    def commit(self) -> None:
        """Commit and release the writer (its lock), so other processes can write in turn."""
        if self._writer is not None:
            w, self._writer = self._writer, None
            if self._dirty:
                w.commit()
                self._dirty = False
            w.wait_merging_threads()
            self._ix.reload()

    def rollback(self) -> None:
        if self._writer is not None:
            w, self._writer = self._writer, None
            if self._dirty:
                w.rollback()
                self._dirty = False
            w.wait_merging_threads()

    def clear(self) -> None:
        self._w().delete_all_documents()
        self._dirty = True
        self.commit()

    def close(self) -> None:
        """Uncommitted changes are discarded (the context manager commits on success)."""
        self.rollback()

    # --- reading ---
    def _searcher(self):
        self._ix.reload()
        return self._ix.searcher()

    def doc_ids(self) -> set[int]:
        s = self._searcher()
        n = s.num_docs
        if n == 0:
            return set()
        res = s.search(tantivy.Query.all_query(), limit=n, count=False)
        return {int(v) for v in s.fast_field_values("record_id", [a for _, a in res.hits])}

    def _clauses(self, pq: ParsedQuery, filters: dict, mode: str) -> list:
        Q, Occur, sch = tantivy.Query, tantivy.Occur, self.schema
        q = pq.terms
        clauses = [(Occur.Must, Q.term_query(sch, "uni", c)) for c in q.chars]
        if mode == "phrase":
            # the positional phrase implies every bigram of the query: no separate term clauses
            # (they cost a third of the query's time and change nothing but the score)
            clauses.append((Occur.Must, Q.phrase_query(sch, "all", q.phrase_cover())))
        else:
            clauses += [(Occur.Must, Q.term_query(sch, "all", t)) for t in q.body]
            if mode == "rest":
                clauses.append((Occur.MustNot, Q.phrase_query(sch, "all", q.phrase_cover())))
            elif mode == "ranked":
                # every record holding the exact phrase gets a constant far above any BM25 score,
                # so one query ranks phrase matches first and still counts every match
                clauses.append((Occur.Should, Q.const_score_query(Q.phrase_query(sch, "all", q.phrase_cover()),
                                                                  PHRASE_BONUS)))
        for name in ("office", "category", "retention"):
            if name in filters:
                clauses.append((Occur.Must, Q.term_query(sch, name, str(filters[name]))))
        if "year" in filters:
            clauses.append((Occur.Must, Q.term_query(sch, "year", int(filters["year"]))))
        title_terms = [Q.term_query(sch, "title_tok", t) for t in q.body + q.chars]
        if title_terms:
            clauses.append((Occur.Should, Q.boost_query(
                Q.boolean_query([(Occur.Should, t) for t in title_terms]), TITLE_BOOST)))
        return clauses

    def _run(self, clauses: list, limit: int, offset: int, count: bool) -> tuple[int, list[Candidate]]:
        s = self._searcher()
        res = s.search(tantivy.Query.boolean_query(clauses), limit=limit, count=count, offset=offset)
        out = []
        for score, addr in res.hits:            # stored fields of the returned page only
            doc = s.doc(addr)
            out.append(Candidate(int(doc["record_id"][0]), float(score), bytes(doc["data"][0]).decode("utf-8")))
        return (res.count if count else len(out)), out

    def _candidates(self, pq: ParsedQuery, filters: dict, mode: str, limit: int, offset: int, count: bool = True):
        return self._run(self._clauses(pq, filters, mode), limit, offset, count)

    def _ranked(self, pq: ParsedQuery, filters: dict, limit: int, offset: int):
        """One query instead of three: all bigrams required, the phrase as a constant bonus."""
        total, cands = self._run(self._clauses(pq, filters, "ranked"), limit, offset, True)
        for c in cands:
            if c.score >= PHRASE_BONUS:
                c.score -= PHRASE_BONUS
        return total, cands
