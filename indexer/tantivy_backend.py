"""tantivy backend: pre-tokenized text through the whitespace tokenizer, so positions are real."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Iterable

import tantivy

from indexer.errors import IndexBusyError, SearchIndexError
from indexer.index import Candidate, Index
from indexer.plan import inner_positions

WRITER_HEAP = 128_000_000
LOCK_WAIT = 30.0


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("record_id", stored=True, indexed=True, fast=True)
    sb.add_text_field("all", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("uni", tokenizer_name="whitespace", index_option="freq")
    for name in ("title_tok", "docno_tok", "author_tok"):
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in ("office", "category", "retention", "code", "household", "doctype"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("code_sort", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("date", indexed=True, fast=True)
    sb.add_integer_field("date_hi", indexed=False, fast=True)
    sb.add_bytes_field("data", stored=True, indexed=False)
    return sb.build()


def _check_dir(index_dir: Path) -> None:
    if any(index_dir.glob("_MAIN_*.toc")):
        raise SearchIndexError(f"{index_dir} 是 whoosh 索引，不是 tantivy 索引。"
                          "请运行 minzheng reindex --backend tantivy 重建，或在 minzheng.toml 中设置 [index] backend = \"whoosh\"")


class TantivyIndex(Index):
    backend = "tantivy"

    def __init__(self, index_dir: Path, *, threads: int = 0, create: bool = True):
        super().__init__(index_dir)
        if create:                             # only writers create; a reader finds it missing (open_index)
            self.index_dir.mkdir(parents=True, exist_ok=True)
        _check_dir(self.index_dir)
        self._check_schema(existing=(self.index_dir / "meta.json").exists())
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
            for k in ("title_tok", "docno_tok", "author_tok", "code_sort"):
                doc.add_text(k, f[k])
            for k in ("office", "category", "retention", "code", "household", "doctype"):
                if f[k]:
                    doc.add_text(k, f[k])
            if f["year"] is not None:
                doc.add_integer("year", f["year"])
            doc.add_integer("date", f["date"])
            doc.add_integer("date_hi", f["date_hi"])
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

    def _q(self, node):
        """The tantivy query for a plan node (see indexer.plan)."""
        Q, Occur, sch = tantivy.Query, tantivy.Occur, self.schema
        kind = node[0]
        if kind == "match":
            _, fname, qt = node
            uni = "uni" if fname == "all" else fname
            parts = [Q.term_query(sch, uni, c) for c in qt.chars]
            if qt.body:
                cover = qt.phrase_cover()
                if len(cover) >= 2:
                    parts.append(Q.phrase_query(sch, fname, cover))
                else:
                    parts += [Q.term_query(sch, fname, t) for t in qt.body]
            return parts[0] if len(parts) == 1 else Q.boolean_query([(Occur.Must, p) for p in parts])
        if kind == "gapped":
            uni = "uni" if node[1] == "all" else node[1]
            # the exact misread patterns first: a record matching one also matches a broad variant,
            # so it scores above records that match only the broad ones (short terms)
            alts = [(Occur.Should, q) for q in self._misread(node[1], node[3])]
            for phrase, chars in node[2]:
                q = Q.phrase_query(sch, node[1], list(phrase)) if len(phrase) > 1 else Q.term_query(sch, node[1], phrase[0][1])
                if chars:
                    q = Q.boolean_query([(Occur.Must, q)] + [(Occur.Must, Q.term_query(sch, uni, c)) for c in chars])
                alts.append((Occur.Should, q))
            return Q.boolean_query(alts)
        if kind == "any":
            return Q.boolean_query([(Occur.Should, Q.term_query(sch, node[1], t)) for t in node[2]])
        if kind == "raw":
            return Q.term_query(sch, node[1], node[2])
        if kind == "int":
            return Q.term_query(sch, node[1], int(node[2]))
        if kind == "prefix":
            return Q.regex_query(sch, node[1], re.escape(node[2]) + ".*")
        if kind == "range":
            return Q.range_query(sch, node[1], tantivy.FieldType.Integer, node[2], node[3])
        if kind == "or":
            return Q.boolean_query([(Occur.Should, self._q(n)) for n in node[1]])
        if kind == "const":
            return Q.const_score_query(self._q(node[1]), node[2])
        _, must, should, must_not = node
        clauses = [(Occur.Must, self._q(n)) for n in must] or [(Occur.Must, Q.all_query())]
        clauses += [(Occur.Should, self._q(n)) for n in should]
        clauses += [(Occur.MustNot, self._q(n)) for n in must_not]
        return Q.boolean_query(clauses)

    def _misread(self, field: str, term: str) -> list:
        """One pattern phrase per inner Chinese character of the term: its two bigrams become
        "previous character + any" and "any + next character", so exactly a misread there matches."""
        out = []
        grams = [term[i:i + 2] for i in range(len(term) - 1)]
        for j in inner_positions(term):
            words = [(i, re.escape(g)) for i, g in enumerate(grams) if i not in (j - 1, j)]
            words += [(j - 1, re.escape(term[j - 1]) + "."), (j, "." + re.escape(term[j + 1]))]
            out.append(tantivy.Query.regex_phrase_query(self.schema, field, sorted(words)))
        return out

    def _execute(self, plan, *, limit, sort, count, load_from=0, count_cap=None):
        s = self._searcher()
        query = self._q(plan)
        if sort == "relevance":
            res = s.search(query, limit=limit, count=count)
            hits = [(float(k), a) for k, a in res.hits]
        elif sort == "code":
            res = s.search(query, limit=limit, count=count, order_by_field="code_sort", order=tantivy.Order.Asc)
            hits = list(res.hits)
        else:
            hits, res = self._by_date(s, query, plan, limit, count, sort)
        rids = s.fast_field_values("record_id", [a for _, a in hits[:load_from]]) if load_from else []
        out = []
        for i, (key, addr) in enumerate(hits):
            data = None
            if i >= load_from:                      # stored fields of the returned page only
                doc = s.doc(addr)
                rid, data = doc["record_id"][0], bytes(doc["data"][0]).decode("utf-8")
            else:
                rid = rids[i]
            out.append(Candidate(int(rid), float(key) if sort == "relevance" else 0.0, data, key))
        return (res.count if count else len(out)), out

    def _by_date(self, s, query, plan, limit, count, sort):
        """Top `limit` by date, equal dates by 档号: the records on the last date shown are fetched again
        in 档号 order, so paging never depends on the index's internal order."""
        field, order = ("date_hi", tantivy.Order.Asc) if sort == "date" else ("date", tantivy.Order.Desc)
        res = s.search(query, limit=limit, count=count, order_by_field=field, order=order)
        hits = list(res.hits)
        if not hits:
            return hits, res
        last = hits[-1][0]
        before = [h for h in hits if h[0] != last]
        Q, Occur, sch = tantivy.Query, tantivy.Occur, self.schema
        same = Q.boolean_query([(Occur.Must, query),
                                (Occur.Must, Q.range_query(sch, field, tantivy.FieldType.Integer, last, last,
                                                           use_inverted_index=False))])
        tie = s.search(same, limit=limit - len(before), count=False, order_by_field="code_sort",
                       order=tantivy.Order.Asc)
        return before + [(last, a) for _, a in tie.hits], res

