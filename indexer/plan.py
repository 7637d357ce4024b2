"""A parsed query as a backend-neutral plan: nested tuples that each backend turns into its own queries.

    ("match", field, QueryTerms)      the term's tokens as a phrase in a positional field; its
                                      one-character runs in `uni` (field "all") or in the field itself
    ("any", field, tokens)            at least one of the tokens (candidates for approximate matching)
    ("gapped", field, variants, term) any of the variants, each ([(offset, token)] a phrase with gaps,
                                      (characters that must also occur, anywhere)); a backend with
                                      pattern phrases may build its own from the term instead
    ("raw", field, value)             an exact value (office, category, retention, household, doctype)
    ("int", field, value)             an exact number (year)
    ("prefix", field, text)           a value starting with text (档号)
    ("range", field, lo, hi)          a number in lo…hi, None = open (date, yyyymmdd)
    ("bool", must, should, must_not)  tuples of nodes; no must = every record
    ("or", nodes)
    ("const", node, score)            a constant score when node matches (the 题名/文号 bonus)
"""
from __future__ import annotations

from indexer.normalize import is_cjk
from indexer.query import Query, Term
from indexer.tokens import fold_doc_number, query_terms, squash

SORTS = ("relevance", "date", "-date", "code")
FIELD_BONUS = 10_000.0          # per term group found in 题名 or 文号: far above any BM25 score of a few terms
TEXT_FIELDS = {"": "all", "title": "title_tok", "author": "author_tok", "doc_number": "docno_tok"}
APPROX_MIN_CHARS = 4            # shorter terms are matched strictly only (3 of 4 characters is the least)


def term_node(t: Term):
    if t.field == "code":
        return ("prefix", "code", t.text)
    if t.field == "household":
        return ("raw", "household", t.text)
    return ("match", TEXT_FIELDS[t.field], query_terms(t.text))


def inner_positions(term: str) -> list[int]:
    """Where a misread is looked for: the inner Chinese characters (a different digit or letter makes a
    different 文号, date or amount, not a misread one)."""
    return [j for j in range(1, len(term) - 1) if is_cjk(term[j])]


def approximable(t: Term) -> bool:
    sq = squash(t.text)
    return t.field in ("", "title") and not t.exact and len(sq) >= APPROX_MIN_CHARS and bool(inner_positions(sq))


def _either(nodes: list):
    return nodes[0] if len(nodes) == 1 else ("or", tuple(nodes))


def filter_nodes(filters: dict, q: Query) -> list:
    out = [("raw", k, str(filters[k])) for k in ("office", "category", "retention", "household", "doctype")
           if k in filters]
    if "year" in filters:
        out.append(("int", "year", int(filters["year"])))
    if q.date_from is not None or q.date_to is not None:
        # records without a date (0) never fall in a range
        out.append(("range", "date", q.date_from if q.date_from is not None else 1, q.date_to))
    return out


def title_nodes(q: Query) -> list:
    """For each term group that can be found in 题名/文号, the node matching it there."""
    out = []
    for g in q.groups:
        nodes = []
        for t in g:
            if t.field == "":
                nodes.append(("match", "title_tok", query_terms(t.text)))
                nodes.append(("match", "docno_tok", query_terms(fold_doc_number(t.text))))
            elif t.field in ("title", "doc_number"):
                nodes.append(term_node(t))
        if nodes:
            out.append(_either(nodes))
    return out


def strict_plan(q: Query, filters: dict):
    must = [_either([term_node(t) for t in g]) for g in q.groups] + filter_nodes(filters, q)
    must_not = [term_node(t) for t in q.exclude]
    bonus = [("const", n, FIELD_BONUS) for n in title_nodes(q)]
    return ("bool", tuple(must), tuple(bonus), tuple(must_not))


def tier_plan(q: Query, filters: dict, level: int):
    """The strict matches holding exactly `level` term groups in 题名/文号, when that can be said
    in one query (level = all such groups); else None."""
    nodes = title_nodes(q)
    if level < 1 or level != len(nodes):
        return None
    _, must, _, must_not = strict_plan(q, filters)
    return ("bool", must + tuple(nodes), (), must_not)


def _one_off(field: str, qt):
    """Records where the term occurs with one character misread, dropped or added: for each inner
    character, the term's other bigrams as a phrase with a gap there (the part after it in place, or
    shifted by one). A term that is not one run of characters: any of its bigrams."""
    toks = [t for _, t in qt.phrase]
    if len(qt.cover) != 1 or not qt.complete or len(toks) != len(qt.body) or len(toks) < 3:
        return ("any", field, qt.body)
    n = len(toks) + 1                                   # characters
    variants = []
    for j in inner_positions(qt.squashed):              # character j misread: bigrams j-1 and j lost
        left = [(i, toks[i]) for i in range(0, j - 1)]
        right = [(i, toks[i]) for i in range(j + 1, n - 1)]
        # a lone character on one side (a 4-character term) is required too, without its position
        chars = tuple(c for c, side in ((qt.squashed[0], left), (qt.squashed[-1], right)) if not side)
        for d in (0, 1, -1):                            # the part after it in place, one later, one earlier
            if d and not (left and right):
                continue
            v = (tuple(left + [(i + d, tok) for i, tok in right]), chars)
            if v[0] and v not in variants:
                variants.append(v)
    return ("gapped", field, tuple(variants), qt.squashed)


def approx_plan(q: Query, filters: dict):
    """Records where each approximable term occurs with one character misread (and the other terms
    strictly), or None when no term can be matched approximately."""
    if not any(approximable(t) for g in q.groups for t in g):
        return None
    must = []
    for g in q.groups:
        nodes = []
        for t in g:
            if approximable(t):
                nodes.append(_one_off(TEXT_FIELDS[t.field], query_terms(t.text)))
            else:
                nodes.append(term_node(t))
        must.append(_either(nodes))
    must += filter_nodes(filters, q)
    return ("bool", tuple(must), (), tuple(term_node(t) for t in q.exclude))
