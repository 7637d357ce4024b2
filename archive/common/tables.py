"""Plain-text tables that line up Chinese (double-width) characters."""
from __future__ import annotations

import unicodedata


def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def pad(s: str, width: int) -> str:
    return s + " " * max(0, width - display_width(s))


def format_table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """rows: dicts; columns: (key, Chinese header)."""
    cells = [[h for _, h in columns]] + [["" if r.get(k) is None else str(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
