"""Hit passages as safe HTML: the text is escaped piece by piece, the matched spans wrapped in <mark>."""
from __future__ import annotations

from markupsafe import Markup, escape


def spans_of(hit) -> list[tuple[int, int]]:
    """(start, end) character offsets into the hit's snippet, from `highlights` if the hit has them."""
    raw = getattr(hit, "highlights", None)
    if raw is None and isinstance(hit, dict):
        raw = hit.get("highlights")
    out = []
    for s in raw or ():
        try:
            a, b = (s["start"], s["end"]) if isinstance(s, dict) else (s[0], s[1])
            out.append((int(a), int(b)))
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return out


def marked(text: str, spans) -> Markup:
    """`text` with each span in <mark>; overlapping or out-of-range spans are clipped, never trusted."""
    text = text or ""
    parts: list[Markup] = []
    pos = 0
    for a, b in sorted(spans):
        a, b = max(a, pos, 0), min(b, len(text))
        if b <= a:
            continue
        parts.append(escape(text[pos:a]))
        parts.append(Markup("<mark>") + escape(text[a:b]) + Markup("</mark>"))
        pos = b
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def terms_marked(text: str, terms: list[str]) -> Markup:
    """Fallback when a hit carries no offsets: mark literal occurrences of the query's terms."""
    spans = []
    for t in terms:
        if not t:
            continue
        i = text.find(t)
        while i >= 0:
            spans.append((i, i + len(t)))
            i = text.find(t, i + len(t))
    return marked(text, spans)
