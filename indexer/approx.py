"""Approximate matching: a term whose characters were partly misread (OCR) is still found.

A term of four or more characters matches approximately at one place in a text when one of its
bigrams occurs there (a run of two or more characters in the query's order) and, compared character
by character from that place, at least RATIO of its characters agree (one misread character inside
临时救助 leaves 3 of 4), allowing one character inserted or dropped inside the term. Under
RULE = "bigrams" the share of the term's bigrams found in place must reach RATIO instead (the
literal rule, which loses every 4–8 character term with one inner misread; benchmarks/search.py
measures both).
"""
from __future__ import annotations

import functools
import re

from indexer.normalize import CJK_RANGES
from indexer.plan import approximable
from indexer.query import Query
from indexer.snippet import WINDOW, window
from indexer.tokens import squash

RATIO = 0.75
RULE = "chars"
_SEARCHABLE = re.compile(rf"[{CJK_RANGES}0-9a-z]")
_NOT_SEARCHABLE = re.compile(rf"[^{CJK_RANGES}0-9a-z]+")


@functools.lru_cache(maxsize=256)
def _bigrams(term: str) -> tuple[dict, re.Pattern]:
    offsets: dict[str, list[int]] = {}
    for i in range(len(term) - 1):
        offsets.setdefault(term[i:i + 2], []).append(i)
    rx = re.compile("(?=(" + "|".join(re.escape(b) for b in offsets) + "))")
    return offsets, rx


def best_match(term: str, text: str) -> tuple[float, int, int]:
    """(share matched, start, end) of the best place in `text` (both squashed: searchable characters
    only, lower case); (0, 0, 0) when no bigram of the term occurs. A place is anchored by a bigram of
    the term (a run of two or more); the term's characters are compared there one by one, allowing
    one character inserted or dropped inside the term."""
    n, m = len(term), len(text)
    if n < 2:
        return 0.0, 0, 0
    offsets, rx = _bigrams(term)
    anchors = {p - i for hit in rx.finditer(text) for p in (hit.start(),) for i in offsets[hit.group(1)]}
    best, where = 0, (0, 0)

    def same(i: int, at: int) -> int:
        return 1 if 0 <= at < m and text[at] == term[i] else 0

    for a in anchors:
        eq = [same(i, a + i) for i in range(n)]
        c = sum(eq)
        if c > best:
            best, where = c, (a, a + n)
        if RULE == "bigrams" or c == n:
            continue
        for d in (-1, 1):               # the part after k shifted: a character inserted (1) or dropped (-1)
            shifted = [same(i, a + d + i) for i in range(n)]
            left = 0
            for k in range(1, n):
                left += eq[k - 1]
                c2 = left + sum(shifted[k:])
                if c2 > best:
                    best, where = c2, (a, a + n + d)
    if not best:
        return 0.0, 0, 0
    if RULE == "bigrams":               # the literal rule: the share of the term's bigrams found in place
        a = where[0]
        found = sum(1 for i in range(n - 1) if same(i, a + i) and same(i + 1, a + i + 1))
        return found / (n - 1), where[0], where[1]
    return best / n, where[0], where[1]


def squashed(text: str) -> str:
    return _NOT_SEARCHABLE.sub("", text.lower())


def approx_hit(q: Query, title: str, meta: str, pages: list[str]):
    """(share, page or None, snippet, highlight spans) when every term group of the query matches
    (strictly or approximately) and at least one only approximately; else None."""
    texts = [title, meta] + list(pages)
    sq = [squashed(t) for t in texts]
    worst, spot = 1.0, None
    for g in q.groups:
        best_g, spot_g = 0.0, None
        for t in g:
            if t.field not in ("", "title"):
                best_g = 1.0                    # matched strictly by the candidate query
                break
            term = squash(t.text)
            scope = range(1) if t.field == "title" else range(len(texts))
            if any(term in sq[i] for i in scope):
                best_g = 1.0
                break
            if not approximable(t):
                continue
            for i in scope:
                share, s, e = best_match(term, sq[i])
                if share > best_g:
                    best_g, spot_g = share, (i, s, e)
        if best_g < RATIO:
            return None
        if best_g < worst:
            worst, spot = best_g, spot_g
    if spot is None:
        return None                               # everything matched strictly: not an approximate hit
    i, s, e = spot
    text = texts[i]
    pos = [m.start() for m in _SEARCHABLE.finditer(text.lower())]
    if not pos or len(pos) != len(sq[i]):
        return worst, None, title[:WINDOW], []
    start, end = pos[max(0, min(s, len(pos) - 1))], pos[max(0, min(e, len(pos)) - 1)] + 1
    if i < 2:
        return worst, None, title[:WINDOW], ([(start, end)] if i == 0 and end <= WINDOW else [])
    ws, we = window(text, start, end)
    snip = text[ws:we].replace("\n", " ")
    return worst, i - 1, snip, [(start - ws, end - ws)]
