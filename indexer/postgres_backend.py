"""PostgreSQL backend: the same normalised tokens as tantivy and whoosh, in tsvector columns with GIN
indexes, in the catalog's own database (tables search_docs and search_chunks).

Tokens are written as tsvector literals with their real positions, so no text-search parser or
dictionary touches them (no locale, no stemming): a bigram stays a bigram. A phrase is a tsquery of
the query's tokens joined by `<N>` (followed-by at distance N). PostgreSQL keeps positions only up to
16,383 per tsvector, so a record's positional token stream is stored in chunks of CHUNK tokens that
overlap by OVERLAP (a phrase of up to OVERLAP tokens is never cut); per-record fields (题名, 文号,
责任者, single characters) and the filters live in one row per record.

A query plan (indexer.plan) becomes one SQL statement: matches on the positional stream are
`record_id IN (SELECT record_id FROM search_chunks WHERE tsv @@ …)`, the rest are column predicates.
Relevance = the 题名/文号 bonus + ts_rank of the best chunk; the same sorts as the other backends.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from indexer.errors import SearchIndexError
from indexer.index import Candidate, Index

CHUNK = 16000          # tokens per chunk (positions ≤ 16,383 in a tsvector)
OVERLAP = 256          # tokens repeated at the start of the next chunk
PER_RECORD = ("title_tok", "docno_tok", "author_tok")
RANK_MAX = 1000        # matches up to which the body-only ones are ordered by ts_rank

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    record_id  BIGINT PRIMARY KEY,
    uni        TSVECTOR NOT NULL,
    title_tok  TSVECTOR NOT NULL,
    docno_tok  TSVECTOR NOT NULL,
    author_tok TSVECTOR NOT NULL,
    office     TEXT NOT NULL DEFAULT '',
    category   TEXT NOT NULL DEFAULT '',
    retention  TEXT NOT NULL DEFAULT '',
    code       TEXT NOT NULL DEFAULT '',
    household  TEXT NOT NULL DEFAULT '',
    doctype    TEXT NOT NULL DEFAULT '',
    code_sort  TEXT NOT NULL,
    year       INTEGER,
    date       INTEGER NOT NULL DEFAULT 0,
    date_hi    INTEGER NOT NULL,
    data       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_chunks (
    record_id  BIGINT NOT NULL REFERENCES search_docs(record_id) ON DELETE CASCADE,
    chunk      INTEGER NOT NULL,
    tsv        TSVECTOR NOT NULL,
    tri        TSVECTOR NOT NULL,
    PRIMARY KEY (record_id, chunk)
);
CREATE INDEX IF NOT EXISTS search_chunks_tsv ON search_chunks USING GIN (tsv);
CREATE INDEX IF NOT EXISTS search_chunks_tri ON search_chunks USING GIN (tri);
CREATE INDEX IF NOT EXISTS search_docs_uni ON search_docs USING GIN (uni);
CREATE INDEX IF NOT EXISTS search_docs_title ON search_docs USING GIN (title_tok);
CREATE INDEX IF NOT EXISTS search_docs_docno ON search_docs USING GIN (docno_tok);
CREATE INDEX IF NOT EXISTS search_docs_author ON search_docs USING GIN (author_tok);
CREATE INDEX IF NOT EXISTS search_docs_filters ON search_docs (office, year, category);
CREATE INDEX IF NOT EXISTS search_docs_code ON search_docs (code_sort);
CREATE INDEX IF NOT EXISTS search_docs_date ON search_docs (date_hi, code_sort);
"""


def lexeme(tok: str) -> str:
    return "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: list[str], *, positions: bool = True) -> str:
    """`'ab':1,5 'bc':2` for the tokens in order (positions from 1), or the distinct tokens without."""
    if not positions:
        return " ".join(lexeme(t) for t in dict.fromkeys(tokens))
    where: dict[str, list[int]] = {}
    for i, t in enumerate(tokens, 1):
        where.setdefault(t, []).append(min(i, 16383))
    return " ".join(f"{lexeme(t)}:{','.join(map(str, p[:256]))}" for t, p in where.items())


def _runs(pairs: list[tuple[int, str]]) -> list[str]:
    """The character runs spelled by chains of overlapping bigrams at consecutive positions."""
    runs, cur, prev = [], "", None
    for pos, tok in pairs:
        if len(tok) == 2 and cur and prev is not None and pos - prev == 1 and cur[-1] == tok[0]:
            cur += tok[1]
        else:
            if len(cur) >= 3:
                runs.append(cur)
            cur = tok if len(tok) == 2 else ""
        prev = pos
    if len(cur) >= 3:
        runs.append(cur)
    return runs


def ngrams(tokens: list[str]) -> list[str]:
    """Every three- and four-character run of the token stream ('ab', 'bc', 'cd' → 'abc', 'bcd', 'abcd'):
    a term of 3 or 4 characters is then one lexeme (exact, no positions to read), a longer phrase the
    AND of its four-character runs (very few records left for the positional check)."""
    out = []
    for run in _runs(list(enumerate(tokens))):
        out += [run[i:i + 3] for i in range(len(run) - 2)] + [run[i:i + 4] for i in range(len(run) - 3)]
    return out


def query_ngrams(phrase) -> tuple[list[str], bool]:
    """(lexemes that every matching record holds, whether they alone prove the phrase)."""
    runs = _runs(list(phrase))
    grams = [g for run in runs for g in ([run] if len(run) <= 4 else [run[i:i + 4] for i in range(len(run) - 3)])]
    return grams, len(runs) == 1 and len(runs[0]) <= 4


def chunks(tokens: list[str]) -> list[list[str]]:
    if len(tokens) <= CHUNK:
        return [tokens]
    out, start = [], 0
    while start < len(tokens):
        out.append(tokens[start:start + CHUNK])
        if start + CHUNK >= len(tokens):
            break
        start += CHUNK - OVERLAP
    return out


def _phrase(tokens: list[tuple[int, str]]) -> str:
    """[(offset, token)] as a tsquery phrase: `'ab' <2> 'cd'` (cd two positions after ab)."""
    parts, prev = [lexeme(tokens[0][1])], tokens[0][0]
    for off, tok in tokens[1:]:
        parts.append(f"<{off - prev}> {lexeme(tok)}")
        prev = off
    return " ".join(parts)


def phrase_tsquery(qt) -> str | None:
    """The query's tokens as a tsquery phrase (`'ab' <2> 'cd'`), or their AND when they have no phrase."""
    cover = qt.phrase_cover() if qt.phrase else []
    if len(cover) >= 2:
        return _phrase(cover)
    if qt.body:
        return " & ".join(lexeme(t) for t in qt.body)
    return None


class PostgresIndex(Index):
    backend = "postgres"

    def __init__(self, index_dir: Path, *, url: str | None = None):
        super().__init__(index_dir)
        if not url or not url.startswith(("postgresql://", "postgres://")):
            raise SearchIndexError("索引后端 postgres 要求目录库也在 PostgreSQL 上（[catalog] url）。"
                                   "请先运行 minzheng catalog migrate --to postgresql://…，或改用 tantivy")
        import psycopg

        try:
            self._conn = psycopg.connect(url, autocommit=False, connect_timeout=10)
            with self._conn.cursor() as cur:
                cur.execute(SCHEMA)
                # the token columns are TOASTed, so the planner thinks a sequential scan is cheap and reads
                # (decompresses) every record's tokens; the GIN indexes answer in a millisecond: use them
                cur.execute("SET enable_seqscan = off")
                cur.execute("SET enable_indexscan = off")
            self._conn.commit()
        except psycopg.Error as e:
            raise SearchIndexError(f"无法打开 PostgreSQL 中的全文索引：{str(e).strip().splitlines()[0]}") from None
        self._psycopg = psycopg

    # --- writing ---
    def _add_fields(self, fields: Iterable[dict]) -> None:
        with self._conn.cursor() as cur:
            for f in fields:
                rid = f["record_id"]
                cur.execute("DELETE FROM search_docs WHERE record_id = %s", (rid,))
                cur.execute(
                    "INSERT INTO search_docs (record_id, uni, title_tok, docno_tok, author_tok, office, category,"
                    " retention, code, household, doctype, code_sort, year, date, date_hi, data)"
                    " VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector,"
                    " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (rid, tsvector_literal(f["uni"].split(), positions=False),
                     *(tsvector_literal(f[k].split()) for k in PER_RECORD),
                     f["office"], f["category"], f["retention"], f["code"], f["household"], f["doctype"],
                     f["code_sort"], f["year"], f["date"], f["date_hi"], f["data"]))
                cur.executemany("INSERT INTO search_chunks (record_id, chunk, tsv, tri)"
                                " VALUES (%s, %s, %s::tsvector, %s::tsvector)",
                                [(rid, i, tsvector_literal(c), tsvector_literal(ngrams(c), positions=False))
                                 for i, c in enumerate(chunks(f["all"].split()))])

    def delete(self, record_ids: Iterable[int]) -> None:
        ids = [int(r) for r in record_ids]
        if ids:
            with self._conn.cursor() as cur:
                cur.execute("DELETE FROM search_docs WHERE record_id = ANY(%s)", (ids,))

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def clear(self) -> None:
        with self._conn.cursor() as cur:
            cur.execute("TRUNCATE search_chunks, search_docs")
        self._conn.commit()

    def doc_ids(self) -> set[int]:
        with self._conn.cursor() as cur:
            cur.execute("SELECT record_id FROM search_docs")
            ids = {int(r[0]) for r in cur.fetchall()}
        self._conn.commit()
        return ids

    def close(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self._conn.close()

    # --- reading ---
    def _where(self, node, args: list, ranked: list) -> str:
        """SQL for a plan node (see indexer.plan); `ranked` collects the positional tsqueries for ts_rank."""
        kind = node[0]
        if kind == "match":
            _, field, qt = node
            parts = []
            uni_field = "uni" if field == "all" else field
            if qt.chars:
                args.append(" & ".join(lexeme(c) for c in qt.chars))
                parts.append(f"d.{uni_field} @@ %s::tsquery")
            tsq = phrase_tsquery(qt)
            if tsq is not None:
                tri, exact = query_ngrams(qt.phrase) if field == "all" else ([], False)
                exact = exact and qt.complete and len(qt.phrase) == len(qt.body)   # 3–4 characters: the n-gram is it
                if tri:
                    args.append(" & ".join(lexeme(t) for t in dict.fromkeys(tri)))
                if not exact:
                    args.append(tsq)
                if field == "all":
                    ranked.append(tsq)
                    conds = (["tri @@ %s::tsquery"] if tri else []) + ([] if exact else ["tsv @@ %s::tsquery"])
                    parts.append("d.record_id IN (SELECT record_id FROM search_chunks WHERE "
                                 + " AND ".join(conds) + ")")
                else:
                    parts.append(f"d.{field} @@ %s::tsquery")
            return "(" + " AND ".join(parts) + ")" if parts else "TRUE"
        if kind == "gapped":        # approximate candidates: any of the variants' bigrams (confirmed in Python)
            node = ("any", node[1], tuple(dict.fromkeys(t for phrase, _ in node[2] for _, t in phrase)))
            kind = "any"
        if kind == "any":
            _, field, tokens = node
            if not tokens:
                return "FALSE"
            args.append(" | ".join(lexeme(t) for t in tokens))
            if field == "all":
                return "d.record_id IN (SELECT record_id FROM search_chunks WHERE tsv @@ %s::tsquery)"
            return f"d.{field} @@ %s::tsquery"
        if kind == "raw":
            args.append(node[2])
            return f"d.{_column(node[1])} = %s"
        if kind == "int":
            args.append(int(node[2]))
            return f"d.{_column(node[1])} = %s"
        if kind == "prefix":
            args.append(node[2].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            return f"d.{_column(node[1])} LIKE %s"
        if kind == "range":
            _, field, lo, hi = node
            conds = []
            if lo is not None:
                args.append(int(lo))
                conds.append(f"d.{_column(field)} >= %s")
            if hi is not None:
                args.append(int(hi))
                conds.append(f"d.{_column(field)} <= %s")
            return "(" + " AND ".join(conds) + ")" if conds else "TRUE"
        if kind == "or":
            return "(" + " OR ".join(self._where(n, args, ranked) for n in node[1]) + ")"
        if kind == "const":
            return self._where(node[1], args, ranked)
        _, must, _should, must_not = node
        conds = [self._where(n, args, ranked) for n in must] or ["TRUE"]
        conds += [f"NOT {self._where(n, args, [])}" for n in must_not]
        return "(" + " AND ".join(conds) + ")"

    def _score_sql(self, plan, args: list, ranked: list) -> str:
        """The 题名/文号 bonus (const nodes) plus ts_rank of the best chunk for the query's phrases
        (ranked empty: the bonus alone)."""
        parts = []
        if plan[0] == "bool":
            for node in plan[2]:
                if node[0] == "const":
                    cond = self._where(node[1], args, [])
                    args.append(float(node[2]))
                    parts.append(f"(CASE WHEN {cond} THEN %s ELSE 0 END)")
        if ranked:
            args.append(" | ".join(f"({q})" for q in ranked))
            parts.append("coalesce((SELECT max(ts_rank_cd(c.tsv, %s::tsquery)) FROM search_chunks c "
                         "WHERE c.record_id = d.record_id), 0)")
        return " + ".join(parts) if parts else "0"

    def _execute(self, plan, *, limit, sort, count, load_from=0, count_cap=None):
        args: list = []
        ranked: list = []
        where = self._where(plan, args, ranked)
        where_args = list(args)
        total = None
        try:
            with self._conn.cursor() as cur:
                if count and count_cap is not None:
                    cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_docs d WHERE {where} "
                                f"LIMIT %s) AS capped", where_args + [count_cap + 1])
                    total = int(cur.fetchone()[0])
                counted = count and count_cap is None        # the total from the same pass (a window count)
                order = {"relevance": "score DESC, d.date_hi, d.code_sort",
                         "code": "d.code_sort, d.record_id",
                         "date": "d.date_hi, d.code_sort, d.record_id",
                         "-date": "d.date DESC, d.code_sort, d.record_id"}[sort]
                total_sql = ", count(*) OVER () AS n" if counted else ""

                def run(with_rank: bool):
                    score_args: list = []
                    score = (self._score_sql(plan, score_args, ranked if with_rank else [])
                             if sort == "relevance" else "0")
                    cur.execute(f"SELECT d.record_id, {score} AS score, d.code_sort, d.date{total_sql} "
                                f"FROM search_docs d WHERE {where} ORDER BY {order} LIMIT %s",
                                score_args + where_args + [limit])
                    return cur.fetchall()

                # ts_rank reads every match's tokens again: worth it for a few hundred matches; past RANK_MAX
                # the 题名/文号 tiers, then date and 档号, order the page (as within a title tier)
                rows = run(with_rank=False)
                n = int(rows[0][4]) if counted and rows else (total if total is not None else len(rows))
                if sort == "relevance" and ranked and n <= RANK_MAX:
                    rows = run(with_rank=True)
                if counted:
                    total = n if rows else 0
                rows = [r[:4] for r in rows]
                data = {}
                wanted = [r[0] for r in rows[load_from:]]
                if wanted:
                    cur.execute("SELECT record_id, data FROM search_docs WHERE record_id = ANY(%s)", (wanted,))
                    data = dict(cur.fetchall())
            self._conn.commit()
        except self._psycopg.Error as e:
            self._conn.rollback()
            raise SearchIndexError(f"PostgreSQL 全文检索出错：{str(e).strip().splitlines()[0]}") from None
        out = [Candidate(int(rid), float(sc or 0.0), data.get(rid), (cs, dt)) for rid, sc, cs, dt in rows]
        return (total if total is not None else len(out)), out


_COLUMNS = {"office", "category", "retention", "code", "household", "doctype", "year", "date", "date_hi",
            "code_sort"}


def _column(name: str) -> str:
    if name not in _COLUMNS:
        raise SearchIndexError(f"检索字段 {name} 在 PostgreSQL 索引中不存在")
    return name

