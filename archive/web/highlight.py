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


def from_marks(marked_text: str, open: str = "【", close: str = "】") -> Markup:
    """A snippet that arrives with its highlights already bracketed (archive.search's `snippet`,
    made by indexer.Hit.marked): each bracketed passage becomes <mark>, every piece is escaped.
    An open bracket without a matching close is kept as text."""
    text = marked_text or ""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, length = 0, 0
    while pos < len(text):
        a = text.find(open, pos)
        b = text.find(close, a + len(open)) if a >= 0 else -1
        if a < 0 or b < 0:
            plain.append(text[pos:])
            break
        plain.append(text[pos:a])
        length += a - pos
        inner = text[a + len(open):b]
        plain.append(inner)
        spans.append((length, length + len(inner)))
        length += len(inner)
        pos = b + len(close)
    return marked("".join(plain), spans)


def hit_snippet(hit) -> Markup:
    """The hit's passage as HTML: from offsets when the hit carries them, else from its bracket marks."""
    spans = spans_of(hit)
    snippet = hit.get("snippet") if isinstance(hit, dict) else getattr(hit, "snippet", "")
    if spans:
        return marked(snippet or "", spans)
    return from_marks(snippet or "")
