"""Approximate matching: a term whose characters were partly misread (OCR) is still found.

A term of four or more characters matches approximately where it occurs with one inner character
misread, dropped or one too many: all its other characters in order, in two runs of one or more
bigrams, so at least 3 of 4 characters (RATIO) agree — the index finds such records with gapped
phrase queries (indexer.plan), one regular expression per term confirms them here. Under
RULE = "bigrams" the share of the term's bigrams found in place must reach RATIO instead (the
literal rule, which loses every 4–8 character term with one inner misread; benchmarks/search.py
measures both).
"""
from __future__ import annotations

import functools
import re

from indexer.normalize import CJK_RANGES
from indexer.plan import approximable, inner_positions
from indexer.query import Query
from indexer.snippet import WINDOW, phrase_regex, window
from indexer.tokens import squash

RATIO = 0.75
RULE = "chars"


@functools.cache
def _searchable() -> tuple[re.Pattern, re.Pattern]:
    """(one searchable character, a run of others), compiled on first use."""
    return re.compile(rf"[{CJK_RANGES}0-9a-z]"), re.compile(rf"[^{CJK_RANGES}0-9a-z]+")


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
    return _searchable()[1].sub("", text.lower())


_SEP = r"[\W_]*"


@functools.lru_cache(maxsize=256)
def one_edit_regex(term: str) -> re.Pattern:
    """The term with one inner character misread, dropped or doubled by an extra one, in normalized
    text (anything unsearchable allowed between characters, as for an exact phrase)."""
    def seq(chars: str) -> str:
        return _SEP.join(re.escape(c) for c in chars)
    alts = []
    for j in inner_positions(term):
        left, right = seq(term[:j]), seq(term[j + 1:])
        alts.append(f"{left}{_SEP}\\w{_SEP}{right}")                   # misread
        alts.append(f"{left}{_SEP}{right}")                              # dropped
        alts.append(f"{seq(term[:j + 1])}{_SEP}\\w{_SEP}{right}")        # one character too many
    return re.compile("|".join(f"(?:{a})" for a in alts), re.IGNORECASE)


def _place(t, term: str, texts: list[str], scope) -> tuple[float, tuple | None]:
    """(share, (text index, start, end)) of the best approximate place of a term."""
    if RULE == "chars":
        rx = one_edit_regex(term)
        for i in scope:
            m = rx.search(texts[i]) if texts[i] else None
            if m:
                return (len(term) - 1) / len(term), (i, m.start(), m.end())
        return 0.0, None
    best, spot = 0.0, None
    for i in scope:
        share, s, e = best_match(term, squashed(texts[i]))
        if share > best:
            best, spot = share, (i, s, e, "squashed")
    return best, spot


def approx_hit(q: Query, title: str, meta: str, pages: list[str]):
    """(share, page or None, snippet, highlight spans) when every term group of the query matches
    (strictly or approximately) and at least one only approximately; else None."""
    texts = [title, meta] + list(pages)
    worst, spot = 1.0, None
    for g in q.groups:
        best_g, spot_g = 0.0, None
        for t in g:
            if t.field not in ("", "title"):
                best_g = 1.0                    # matched strictly by the candidate query
                break
            term = squash(t.text)
            scope = range(1) if t.field == "title" else range(len(texts))
            exact = phrase_regex(term)
            if any(texts[i] and exact.search(texts[i]) for i in scope):
                best_g = 1.0
                break
            if not approximable(t):
                continue
            share, where = _place(t, term, texts, scope)
            if share > best_g:
                best_g, spot_g = share, where
        if best_g < RATIO:
            return None
        if best_g < worst:
            worst, spot = best_g, spot_g
    if spot is None:
        return None                               # everything matched strictly: not an approximate hit
    i, start, end = spot[:3]
    text = texts[i]
    if len(spot) > 3:                             # offsets in the squashed text: back to the text's own
        pos = [m.start() for m in _searchable()[0].finditer(text.lower())]
        if not pos:
            return worst, None, title[:WINDOW], []
        start, end = pos[max(0, min(start, len(pos) - 1))], pos[max(0, min(end, len(pos)) - 1)] + 1
    if i < 2:
        return worst, None, title[:WINDOW], ([(start, end)] if i == 0 and end <= WINDOW else [])
    ws, we = window(text, start, end)
    return worst, i - 1, text[ws:we].replace("\n", " "), [(start - ws, end - ws)]
