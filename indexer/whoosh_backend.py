"""whoosh backend (the whoosh-reloaded fork): the same tokens, split on spaces.

whoosh locks its writer with an OS file lock (fcntl), so a crashed writer leaves no stale lock;
the writer is always closed (committed or cancelled) in `commit`/`rollback`/`close`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from whoosh import index as windex
from whoosh import query as wq
from whoosh import sorting
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.scoring import BM25F
from whoosh.writing import CLEAR

from indexer.errors import IndexBusyError, SearchIndexError
from indexer.index import Candidate, Index

LOCK_WAIT = 30.0
WRITER_MB = 128


def _schema() -> Schema:
    sp = SpaceSeparatedTokenizer()
    return Schema(
        record_id=NUMERIC(int, bits=64, stored=True, unique=True, signed=True),
        all=TEXT(analyzer=sp, phrase=True),
        uni=TEXT(analyzer=sp, phrase=False),
        title_tok=TEXT(analyzer=sp, phrase=True),
        docno_tok=TEXT(analyzer=sp, phrase=True),
        author_tok=TEXT(analyzer=sp, phrase=True),
        office=ID, category=ID, retention=ID, code=ID, household=ID, doctype=ID,
        code_sort=ID(sortable=True),
        year=NUMERIC(int, bits=32, signed=True),
        date=NUMERIC(int, bits=32, signed=True, sortable=True),
        date_hi=NUMERIC(int, bits=32, signed=True, sortable=True),
        data=STORED,
    )


class WhooshIndex(Index):
    backend = "whoosh"

    def __init__(self, index_dir: Path, *, procs: int = 1, create: bool = True):
        super().__init__(index_dir)
        if create:                             # only writers create; a reader finds it missing (open_index)
            self.index_dir.mkdir(parents=True, exist_ok=True)
        if (self.index_dir / "meta.json").exists():
            raise SearchIndexError(f"{self.index_dir} 是 tantivy 索引，不是 whoosh 索引。"
                              "请运行 minzheng reindex --backend whoosh 重建，或在 minzheng.toml 中设置 [index] backend = \"tantivy\"")
        self._check_schema(existing=windex.exists_in(str(self.index_dir)))
        try:
            if windex.exists_in(str(self.index_dir)):
                self._ix = windex.open_dir(str(self.index_dir))
            else:
                self._ix = windex.create_in(str(self.index_dir), _schema())
        except Exception as e:  # noqa: BLE001
            raise SearchIndexError(f"无法打开全文索引 {self.index_dir}：{e}。可运行 minzheng reindex 重建索引")
        self._writer = None
        self._procs = procs

    def _w(self):
        if self._writer is None:
            try:
                self._writer = self._ix.writer(timeout=LOCK_WAIT, delay=0.2, limitmb=WRITER_MB,
                                               procs=self._procs, multisegment=self._procs > 1)
            except LockError:
                raise IndexBusyError("全文索引正被另一个进程写入（例如正在导入）。请等它结束后再试")
        return self._writer

    def _add_fields(self, fields: Iterable[dict]) -> None:
        w = self._w()
        for f in fields:
            doc = {k: f[k] for k in ("record_id", "all", "uni", "title_tok", "docno_tok", "author_tok", "code_sort",
                                     "date", "date_hi", "data")}
            for k in ("office", "category", "retention", "code", "household", "doctype"):
                if f[k]:
                    doc[k] = f[k]
            if f["year"] is not None:
                doc["year"] = f["year"]
            w.update_document(**doc)

    def delete(self, record_ids: Iterable[int]) -> None:
        w = self._w()
        for rid in record_ids:
            w.delete_by_term("record_id", int(rid))

    def commit(self) -> None:
        if self._writer is not None:
            w, self._writer = self._writer, None
            try:
                w.commit()
            except BaseException:
                w.cancel()          # release the lock: a failed commit must not leave it held
                raise

    def rollback(self) -> None:
        if self._writer is not None:
            w, self._writer = self._writer, None
            w.cancel()

    def clear(self) -> None:
        self.rollback()
        w = self._w()
        self._writer = None
        try:
            w.commit(mergetype=CLEAR)
        except BaseException:
            w.cancel()
            raise

    def close(self) -> None:
        try:
            self.rollback()
        finally:
            self._ix.close()

    def doc_ids(self) -> set[int]:
        with self._ix.searcher() as s:
            return {int(f["record_id"]) for f in s.all_stored_fields()}

    def _q(self, node):
        """The whoosh query for a plan node (see indexer.plan)."""
        kind = node[0]
        if kind == "match":
            _, fname, qt = node
            uni = "uni" if fname == "all" else fname
            parts = [wq.Term(uni, c) for c in qt.chars]
            if qt.body:
                # whoosh phrases have no offsets: the phrase tokens are contiguous (gaps only at the ends)
                toks = [t for _, t in qt.phrase]
                parts.append(wq.Phrase(fname, toks) if len(toks) >= 2 else wq.Term(fname, qt.body[0]))
            return parts[0] if len(parts) == 1 else wq.And(parts)
        if kind == "gapped":                # no offsets in whoosh phrases: each contiguous part as a phrase
            uni = "uni" if node[1] == "all" else node[1]
            return wq.Or([wq.And([wq.Phrase(node[1], part) if len(part) > 1 else wq.Term(node[1], part[0])
                                  for part in _parts(phrase)] + [wq.Term(uni, c) for c in chars])
                          for phrase, chars in node[2]])
        if kind == "any":
            return wq.Or([wq.Term(node[1], t) for t in node[2]])
        if kind in ("raw", "int"):
            return wq.Term(node[1], node[2])
        if kind == "prefix":
            return wq.Prefix(node[1], node[2])
        if kind == "range":
            return wq.NumericRange(node[1], node[2], node[3])
        if kind == "or":
            return wq.Or([self._q(n) for n in node[1]])
        if kind == "const":
            return wq.ConstantScoreQuery(self._q(node[1]), node[2])
        _, must, should, must_not = node
        main = wq.And([self._q(n) for n in must]) if must else wq.Every()
        if must_not:
            main = wq.AndNot(main, wq.Or([self._q(n) for n in must_not]))
        if should:
            main = wq.AndMaybe(main, wq.Or([self._q(n) for n in should]))
        return main

    def _execute(self, plan, *, limit, sort, count, load_from=0, count_cap=None):
        query = self._q(plan)
        sortedby = None
        if sort == "date":
            sortedby = [sorting.FieldFacet("date_hi"), sorting.FieldFacet("code_sort")]
        elif sort == "-date":
            sortedby = [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("code_sort")]
        elif sort == "code":
            sortedby = sorting.FieldFacet("code_sort")
        with self._ix.searcher(weighting=BM25F()) as s:
            res = s.search(query, limit=limit, sortedby=sortedby)
            total = len(res) if count else res.scored_length()
            out = []
            for i, h in enumerate(res):
                f = h.fields() if i >= load_from else {"record_id": h["record_id"]}
                out.append(Candidate(int(f["record_id"]), float(h.score or 0.0) if sortedby is None else 0.0,
                                     f.get("data"), None))
        return total, out


def _parts(variant) -> list[list[str]]:
    """The runs of consecutive offsets of a gapped phrase, as token lists."""
    parts: list[list[str]] = []
    last = None
    for off, tok in variant:
        if last is None or off != last + 1:
            parts.append([])
        parts[-1].append(tok)
        last = off
    return parts
