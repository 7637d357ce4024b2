"""Text normalization, done once in Python before any index sees text or a query.

- traditional → simplified (opencc t2s; a fast path skips text without traditional characters)
- full-width letters, digits and number signs → half-width
- whitespace between CJK characters removed (OCR spacing, line breaks inside a sentence), and
  between CJK and digits, Latin letters or ASCII punctuation ("第 1 页", "工作 ,推进")
- a word split by a hyphen at a line end joined; other whitespace runs become one space,
  except a line break after a sentence end (。！？：；), which is kept as a paragraph break
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata

# CJK ideographs (URO, ext A, compatibility ideographs) — what bigrams are made of.
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2026\u201c\u201d\u2018\u2019\u00b7"
_CJK = f"[{CJK_RANGES}{CJK_PUNCT}]"
_SENT_END = "。！？：；!?"

# Full-width ASCII letters/digits and a few signs used in numbers and codes → half-width.
_WIDTH = {0x3000: " "}
for _c in range(0xFF10, 0xFF1A):
    _WIDTH[_c] = chr(_c - 0xFEE0)
for _c in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):
    _WIDTH[_c] = chr(_c - 0xFEE0)
for _ch in "％＋－．／＃＆＠＿＝＜＞":
    _WIDTH[ord(_ch)] = chr(ord(_ch) - 0xFEE0)
_WIDTH[0x00A0] = " "
_WIDTH[0xFEFF] = ""          # BOM / zero-width no-break space
_WIDTH[0x200B] = ""          # zero-width space

_COMPAT = re.compile("[\uf900-\ufaff]")
_WS = re.compile(r"[\s\u3000]")
_CJK_SPACE = re.compile(rf"(?<={_CJK})[ \t\r\n\f\v\u3000]+(?={_CJK})")
_ASCII_PUNCT = r"[!-/:-@\[-`{-~]"
# OCR puts spaces around ASCII punctuation next to Chinese: "工作 ,推进" "( 居 )"
_PUNCT_SPACE = re.compile(rf"(?<={_CJK})[ \t]+(?={_ASCII_PUNCT})|(?<={_ASCII_PUNCT})[ \t]+(?={_CJK})"
                          rf"|(?<=[(\[])[ \t]+|[ \t]+(?=[)\]])"
                          rf"|(?<={_CJK})[ \t]+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])[ \t]+(?={_CJK})")
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])-\s*\n\s*(?=[a-z])")
_PARA = re.compile(rf"(?<=[{_SENT_END}])[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r"[ \t]*\n[ \t\r\n\f\v]*")


@functools.cache
def _t2s():
    """(converter, set of characters whose presence means the text needs conversion)."""
    import opencc
    from opencc import OpenCC

    cc = OpenCC("t2s")
    d = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    trigger: set[str] = set()
    with open(os.path.join(d, "TSCharacters.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            if v.split()[0] != k:
                trigger.add(k)
    with open(os.path.join(d, "TSPhrases.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            v = v.split()[0]
            trigger.update(a for a, b in zip(k, v) if a != b)
    return cc, frozenset(trigger)


def to_simplified(text: str) -> str:
    cc, trigger = _t2s()
    if trigger.isdisjoint(text):
        return text
    return cc.convert(text)


def fold_width(text: str) -> str:
    return text.translate(_WIDTH)


def join_lines(text: str) -> str:
    """Remove whitespace between CJK characters; keep paragraph breaks after sentence ends."""
    if not _WS.search(text):
        return text
    text = _HYPHEN_BREAK.sub("", text)
    text = _PARA.sub("\u2029", text)              # protect paragraph breaks
    text = _CJK_SPACE.sub("", text)
    text = _NEWLINES.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _PUNCT_SPACE.sub("", text)
    return text.replace("\u2029", "\n").strip()


def normalize(text: str) -> str:
    """The one normalization for indexed text and queries (see module doc)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = fold_width(text)
    # CJK compatibility ideographs (U+F900–FAFF) → unified ones
    if _COMPAT.search(text):
        text = "".join(unicodedata.normalize("NFKC", ch) if "\uf900" <= ch <= "\ufaff" else ch for ch in text)
    text = to_simplified(text)
    return join_lines(text)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
