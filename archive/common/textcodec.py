"""How text files and dates written by people are read, once for the whole program.

Text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's “Unicode 文本”) or without one (told by its
zero bytes), then GB18030.
Dates: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 二〇二四年三月一日, 20240301, in full-width digits too
(a time after the date is ignored); only real calendar dates in 1900–2100.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from .errors import MinzhengError

ENCODINGS = ("utf-8", "gb18030")
MIN_YEAR, MAX_YEAR = 1900, 2100

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", re.ASCII),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII),
)
_HAN_DATE = re.compile(r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日?$")
_HAN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_TIME = re.compile(r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$", re.ASCII)


class TextDecodeError(MinzhengError, UnicodeDecodeError):
    """Bytes that are text in none of the accepted encodings. Still a UnicodeDecodeError for old callers."""

    def __init__(self, err: UnicodeDecodeError):
        UnicodeDecodeError.__init__(self, err.encoding, err.object, err.start, err.end, err.reason)
        self.message = (f"无法识别文字编码（第 {err.start + 1} 个字节起既不是 UTF-8、UTF-16 也不是 GB18030）；"
                        "请用记事本或 WPS 另存为 UTF-8 编码后再试")

    def __str__(self) -> str:
        return self.message


def _utf16_without_bom(raw: bytes) -> str | None:
    """Which UTF-16 a BOM-less text is in, told by its zero bytes (ASCII and CJK punctuation leave many)."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    half = len(raw) // 2
    # a CJK character such as 一 (U+4E00) or 最 (U+6700) has a zero byte on the other side too
    if odd >= half * 0.3 and even * 4 <= odd:
        return "utf-16-le"
    if even >= half * 0.3 and odd * 4 <= even:
        return "utf-16-be"
    return None


# letters of scripts a county office's Chinese text hardly holds (Greek … NKo, U+0370–U+07FF); a GB18030 text
# whose bytes happen to be valid UTF-8 decodes into them
_ODD_FOR_US = re.compile("[\u0370-\u07ff]")
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _plausible(text: str) -> int:
    return len(_CJK.findall(text)) - 2 * len(_ODD_FOR_US.findall(text))


_READABLE = re.compile("[\u0020-\u007e\n\r\t\f\u00a0-\u00ff\u2000-\u206f\u2460-\u24ff\u3000-\u303f"
                       "\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _utf16_by_reading(raw: bytes) -> str | None:
    """Which UTF-16 a BOM-less text without zero bytes (all Chinese) is in: the one reading that is nearly
    all CJK, CJK punctuation and ASCII (GB18030 bytes read as UTF-16 give Hangul, Yi and private-use)."""
    if len(raw) < 8 or len(raw) % 2:
        return None
    fits = []
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if len(_READABLE.findall(text)) >= 0.95 * len(text) and len(_CJK.findall(text)) >= 0.3 * len(text):
            fits.append(enc)
    return fits[0] if len(fits) == 1 else None


def decode_text(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises TextDecodeError (a MinzhengError and a UnicodeDecodeError)
    when no encoding fits."""
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            return raw[3:].decode("utf-8"), "utf-8-sig"
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16"), "utf-16"
        if b"\x00" in raw:
            enc = _utf16_without_bom(raw) or _utf16_by_reading(raw)
            if enc:
                return raw.decode(enc), enc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            enc = _utf16_by_reading(raw)
            if enc:
                return raw.decode(enc), enc
            return raw.decode("gb18030"), "gb18030"
        if _ODD_FOR_US.search(text):          # 元 in GB18030 (D4 AA) is also Ԫ in UTF-8
            try:
                gb = raw.decode("gb18030")
            except UnicodeDecodeError:
                return text, "utf-8"
            if _plausible(gb) > _plausible(text):
                return gb, "gb18030"
        return text, "utf-8"
    except UnicodeDecodeError as e:
        raise TextDecodeError(e) from None


def looks_like_text(head: bytes) -> bool:
    """A sample of a file decodes as text in one of ENCODINGS, or is UTF-16 (a character cut at the end is
    allowed)."""
    even = head[:len(head) // 2 * 2]
    if b"\x00" in head:
        enc = ("utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff"))
               else _utf16_without_bom(even) or _utf16_by_reading(even))
        if enc is None:
            return False
        try:
            text = even.decode(enc)
        except UnicodeDecodeError as e:
            return e.start > len(even) - 4        # a surrogate pair cut at the end
        return not any(ord(ch) < 0x20 and ch not in "\n\r\t\f" for ch in text)
    for enc in ENCODINGS:
        try:
            head.decode(enc)
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4 and e.reason.startswith(("unexpected end", "incomplete")):
                return True       # a character cut by the end of the sample
            continue
        return True
    return _utf16_by_reading(even) is not None


def _han_number(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        if len(a) > 1 or len(b) > 1:
            raise ValueError(s)
        return (_HAN_DIGIT[a] if a else 1) * 10 + (_HAN_DIGIT[b] if b else 0)
    if len(s) != 1:
        raise ValueError(s)
    return _HAN_DIGIT[s]


def make_date(y: int, m: int, d: int) -> date | None:
    """A real calendar date in MIN_YEAR–MAX_YEAR, else None (2016-02-30, 2016年13月 are not dates)."""
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(value) -> date | None:
    """A date from a cell or a string in any of the accepted forms; None when it isn't one."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if MIN_YEAR <= value.year <= MAX_YEAR else None
    s = _TIME.sub("", unicodedata.normalize("NFKC", str(value)).strip())
    words = s.split()
    # "2016 年 1 月 2 日" spaced out, or "2016-01-02 星期六" with a word after the date
    for cand in dict.fromkeys(["".join(words), words[0] if words else ""]):
        for pattern in _DATE_PATTERNS:
            m = pattern.match(cand)
            if m:
                return make_date(int(m[1]), int(m[2]), int(m[3]))
        m = _HAN_DATE.match(cand)
        if m:
            try:
                y = int("".join(str(_HAN_DIGIT[c]) for c in m[1]))
                return make_date(y, _han_number(m[2]), _han_number(m[3]))
            except (KeyError, ValueError):
                return None
    return None
