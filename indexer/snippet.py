"""Best page, snippet and highlight offsets for a hit, computed from the stored normalized pages."""
from __future__ import annotations

import functools
import re

from indexer.tokens import squash

WINDOW = 80
_SEP = r"[\W_]*"      # anything but letters, digits and CJK characters (all \w); cheap to compile


@functools.lru_cache(maxsize=256)
def phrase_regex(squashed: str) -> re.Pattern | None:
    """The query's searchable characters in order, anything unsearchable allowed between them."""
    if not squashed:
        return None
    return re.compile(_SEP.join(re.escape(ch) for ch in squashed), re.IGNORECASE)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def window(text: str, start: int, end: int, width: int = WINDOW) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    pad = max(0, (width - (end - start)) // 2)
    s = max(0, start - pad)
    e = min(len(text), s + max(width, end - start))
    s = max(0, e - max(width, end - start))
    return s, e


def make_snippet(terms, title: str, pages: list[str]) -> tuple[int | None, str, list[tuple[int, int]], bool]:
    """(1-based page or None, snippet, highlight spans in the snippet, a term found as a phrase).
    terms: the query's text terms (indexer.query.Term); the page holding most of them is shown."""
    rxs = [rx for rx in dict.fromkeys(phrase_regex(squash(t.text)) for t in terms) if rx is not None]
    if not rxs:                                          # browsing: the start of the text
        for i, text in enumerate(pages):
            if text:
                return i + 1, text[:WINDOW].replace("\n", " "), [], False
        return None, title[:WINDOW], [], False
    best = None                                          # (terms found, page index, start, end)
    for i, text in enumerate(pages):
        if not text:
            continue
        found = [(m.start(), m.end()) for rx in rxs if (m := rx.search(text))]
        if found and (best is None or len(found) > best[0]):
            s, e = min(found)
            best = (len(found), i, s, e)
            if len(found) == len(rxs):
                break
    if best is None:                                     # only the title (or metadata) matched
        spans = _merge([(m.start(), m.end()) for rx in rxs for m in rx.finditer(title)])
        return None, title[:WINDOW], [s for s in spans if s[1] <= WINDOW], bool(spans)
    _, i, s, e = best
    text = pages[i]
    ws, we = window(text, s, e)
    snip = text[ws:we].replace("\n", " ")
    spans = _merge([(m.start(), m.end()) for rx in rxs for m in rx.finditer(snip)])
    return i + 1, snip, spans, True


def mark(snippet: str, spans: list[tuple[int, int]], open: str = "【", close: str = "】") -> str:
    out, last = [], 0
    for s, e in spans:
        out.append(snippet[last:s])
        out.append(open + snippet[s:e] + close)
        last = e
    out.append(snippet[last:])
    return "".join(out)
