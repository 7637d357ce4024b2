"""How text files and dates written by people are read, once for the whole program.

Text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's “Unicode 文本”), then GB18030.
Dates: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301 (a time after the date is ignored).
"""
from __future__ import annotations

import re
from datetime import date, datetime

ENCODINGS = ("utf-8", "gb18030")

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def decode_text(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises UnicodeDecodeError when no encoding fits."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def looks_like_text(head: bytes) -> bool:
    """A sample of a file decodes as text in one of ENCODINGS (a character cut at the end is allowed)."""
    if b"\x00" in head:
        return False
    for enc in ENCODINGS:
        try:
            head.decode(enc)
        except UnicodeDecodeError as e:
            if enc == "utf-8" and e.start > len(head) - 4:
                return True
            continue
        return True
    return False


def parse_date(value) -> date | None:
    """A date from a cell or a string in any of the accepted forms; None when it isn't one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip().split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None
