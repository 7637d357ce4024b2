"""Best page, snippet and highlight offsets for a hit, computed from the stored normalized pages."""
from __future__ import annotations

import functools
import re

from indexer.tokens import QueryTerms

WINDOW = 80
_SEP = r"[\W_]*"      # anything but letters, digits and CJK characters (all \w); cheap to compile


@functools.lru_cache(maxsize=256)
def phrase_regex(squashed: str) -> re.Pattern | None:
    """The query's searchable characters in order, anything unsearchable allowed between them."""
    if not squashed:
        return None
    return re.compile(_SEP.join(re.escape(ch) for ch in squashed), re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern | None:
    if not terms:
        return None
    alts = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in alts), re.IGNORECASE)


def has_phrase(q: QueryTerms, texts) -> bool:
    rx = phrase_regex(q.squashed)
    if rx is None:
        return False
    return any(q.squashed in t or rx.search(t) for t in texts if t)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _window(text: str, start: int, end: int, width: int = WINDOW) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    pad = max(0, (width - (end - start)) // 2)
    s = max(0, start - pad)
    e = min(len(text), s + max(width, end - start))
    s = max(0, e - max(width, end - start))
    return s, e


def make_snippet(q: QueryTerms, title: str, pages: list[str]) -> tuple[int | None, str, list[tuple[int, int]], bool]:
    """(1-based page or None, snippet, highlight spans in the snippet, exact phrase found)."""
    prx = phrase_regex(q.squashed)
    trx = _terms_regex(q.body + q.chars)
    best = None          # (rank tuple, page index, match start, match end, phrase)
    for i, text in enumerate(pages):
        if not text:
            continue
        m = prx.search(text) if prx else None
        if m:
            best = ((2, 0), i, m.start(), m.end(), True)
            break
        if trx is None:
            continue
        found = {mm.group(0).lower(): mm.start() for mm in trx.finditer(text)}
        if found:
            rank = (1, len(found))
            if best is None or rank > best[0]:
                first = min(found.values())
                best = (rank, i, first, first + 1, False)
    if best is None:
        # only the title (or metadata) matched
        spans = _spans(title, prx, trx)
        phrase = bool(prx and prx.search(title))
        return None, title[:WINDOW], [s for s in spans if s[1] <= WINDOW], phrase
    _, i, s, e, phrase = best
    text = pages[i]
    ws, we = _window(text, s, e)
    snip = text[ws:we].replace("\n", " ")
    spans = _spans(snip, prx if phrase else None, None if phrase else trx)
    return i + 1, snip, spans, phrase


def _spans(text: str, prx, trx) -> list[tuple[int, int]]:
    spans = []
    if prx is not None:
        spans = [(m.start(), m.end()) for m in prx.finditer(text)]
    if not spans and trx is not None:
        spans = [(m.start(), m.end()) for m in trx.finditer(text)]
    return _merge(spans)


def mark(snippet: str, spans: list[tuple[int, int]], open: str = "【", close: str = "】") -> str:
    out, last = [], 0
    for s, e in spans:
        out.append(snippet[last:s])
        out.append(open + snippet[s:e] + close)
        last = e
    out.append(snippet[last:])
    return "".join(out)
