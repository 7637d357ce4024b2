"""Map a record to a household and a document type (completeness reports).

Used by ingest for records whose manifest gives no household or document type; the caller marks
the inferred fields `needs_review`. Pure functions: no catalog, no files.
"""
from __future__ import annotations

import re

from .rules import RuleSet, load_rules

ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
HEAD_CHARS = 300          # a document's type is stated in its heading, not deep in its body


def classify_record(title: str, text: str, households: dict[str, str],
                    rules: RuleSet | None = None) -> tuple[str | None, str | None]:
    """Return (household, document_type) inferred from title and text, or None where unknown.

    `households` maps household IDs (ID numbers) to the recipient's name. The household is the
    first known ID number in the title or text; failing that, the one recipient whose name occurs
    (a name shared by two households decides nothing). The document type is the rule set's type
    whose keyword occurs in the title (longest keyword wins), else earliest in the text's heading.
    """
    title, text = title or "", text or ""
    return _household(title + "\n" + text, households), document_type(title, text, rules)


def document_type(title: str, text: str, rules: RuleSet | None = None) -> str | None:
    pairs = _keywords(rules or load_rules())
    best = None                         # title: longest keyword wins
    for kw, dtype in pairs:
        if kw in title and (best is None or len(kw) > len(best[0])):
            best = (kw, dtype)
    if best:
        return best[1]
    head = text[:HEAD_CHARS]            # text: earliest keyword, the longer one on a tie
    found = [(head.find(kw), -len(kw), dtype) for kw, dtype in pairs if kw in head]
    return min(found)[2] if found else None


def _household(haystack: str, households: dict[str, str]) -> str | None:
    if not households:
        return None
    for m in ID_RE.finditer(haystack):
        hid = m.group(0).upper()
        if hid in households:
            return hid
    by_name: dict[str, set[str]] = {}
    for hid, name in households.items():
        if name and len(name) >= 2:
            by_name.setdefault(name, set()).add(hid)
    hits = {name for name in by_name if name in haystack}
    # a name found only inside a longer found name (王芳 in 王芳芳) does not count
    hits = {n for n in hits if not any(n != o and n in o for o in hits)}
    ids = set().union(*(by_name[n] for n in hits)) if hits else set()
    return next(iter(ids)) if len(ids) == 1 else None


def _keywords(rules: RuleSet) -> list[tuple[str, str]]:
    """(keyword, document type) over all classes; a keyword claimed by two types is kept once (first)."""
    seen: dict[str, str] = {}
    for cls in rules.classes.values():
        for d in cls.documents:
            for kw in d.keywords:
                seen.setdefault(kw, d.name)
    return list(seen.items())
