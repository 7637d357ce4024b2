"""Tokens for the index: runs of CJK and digits → overlapping bigrams (+ single characters),
Latin letters → lowercase words.

Text must be normalized first (`indexer.normalize`). Every backend stores the same tokens:
- `stream(text)` — the positional token stream for the `body` field: a CJK run of two or more
  characters gives its bigrams in order, a one-character run gives that character, a run of
  Latin letters gives the lowercase word. Phrase queries over it have real positions.
- `unigrams(text)` — every CJK character and digit, for one-character queries.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from indexer.normalize import CJK_RANGES

# Digits are bigrammed together with the CJK characters around them, so that a query cut in the
# middle of a number or date ("4年2月7日", "3〕58号") still matches; Latin letters form words.
_SEGMENT = re.compile(rf"([{CJK_RANGES}0-9]+)|([A-Za-z]+)")


def segments(text: str) -> list[tuple[str, str]]:
    """[(kind, run)] with kind "cjk" or "word", in text order; other characters separate runs."""
    out = []
    for m in _SEGMENT.finditer(text):
        if m.group(1):
            out.append(("cjk", m.group(1)))
        else:
            out.append(("word", m.group(2).lower()))
    return out


def bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


_X = f"{CJK_RANGES}0-9"
# one pass in C: a bigram at every position followed by another CJK/digit character (zero-width
# lookahead, so they overlap), a lone CJK/digit character, or a run of Latin letters
# compiled on first use: only indexing needs them (a CJK character class takes milliseconds to compile,
# which a one-off `minzheng search` would pay for nothing)


@functools.cache
def _stream_rx() -> re.Pattern:
    return re.compile(rf"(?=([{_X}]{{2}}))|(?<![{_X}])([{_X}])(?![{_X}])|(?<![A-Za-z])([A-Za-z]+)")


@functools.cache
def _uni_rx() -> re.Pattern:
    return re.compile(rf"[{_X}]")


def stream(text: str) -> list[str]:
    return [a or b or c for a, b, c in _stream_rx().findall(text.lower())]


def unigrams(text: str) -> list[str]:
    return _uni_rx().findall(text)


@dataclass(frozen=True)
class QueryTerms:
    """What a query needs: body terms (bigrams, words) and single characters, all required,
    plus the phrase: body tokens with their offsets in the query token stream."""

    body: tuple[str, ...]             # distinct bigrams and words, all required
    chars: tuple[str, ...]            # distinct single CJK characters (one-character runs), required
    phrase: tuple[tuple[int, str], ...]  # (offset, token) for a positional phrase query (inner tokens)
    squashed: str                     # the query's searchable characters, for exact-phrase checks
    complete: bool = True             # the phrase holds every token of the query (none left to `squashed`)
    cover: tuple[tuple[int, int], ...] = ()   # (start, end) offsets of each bigram run in `phrase`

    def phrase_cover(self) -> list[tuple[int, str]]:
        """The phrase with every other bigram of a run dropped (plus its last one): the kept
        bigrams still cover every character at fixed offsets, so a positional match of them is
        the same exact phrase — with half the terms for the index to check."""
        keep = set(range(len(self.phrase)))
        for a, b in self.cover:
            for i in range(a, b):
                if (i - a) % 2 == 1 and i != b - 1:
                    keep.discard(i)
        return [t for i, t in enumerate(self.phrase) if i in keep]

    @property
    def empty(self) -> bool:
        return not self.body and not self.chars


def squash(text: str) -> str:
    """Only CJK ideographs and lowercase Latin/digits: what an exact-phrase check compares."""
    return "".join(run for _, run in segments(text))


def query_terms(normalized_query: str) -> QueryTerms:
    segs = segments(normalized_query)
    body: list[str] = []
    chars: list[str] = []
    phrase: list[tuple[int, str]] = []
    pos = 0
    complete = True
    cover: list[tuple[int, int]] = []
    for i, (kind, run) in enumerate(segs):
        if kind == "word":
            body.append(run)
            phrase.append((pos, run))
            pos += 1
        elif len(run) >= 2:
            start = len(phrase)
            for b in bigrams(run):
                body.append(b)
                phrase.append((pos, b))
                pos += 1
            cover.append((start, len(phrase)))
        else:
            chars.append(run)
            # a one-character run inside the query (between words) is a token in the body
            # stream of the document too; at either end of the query the document may
            # continue the run ("2014年" vs "2014年度"), so it is checked by `squashed` only.
            if 0 < i < len(segs) - 1 or len(segs) == 1:
                phrase.append((pos, run))
            else:
                complete = False
            pos += 1
    return QueryTerms(tuple(dict.fromkeys(body)), tuple(dict.fromkeys(chars)), tuple(phrase),
                      "".join(run for _, run in segs), complete, tuple(cover))


_DOC_NUMBER_BRACKETS = str.maketrans("", "", "〔〕[]()【】（）［］﹝﹞")


def fold_doc_number(text: str) -> str:
    """A 文号 as compared: normalized text without brackets, so 青民发〔2016〕3号 = 青民发[2016]3号."""
    return text.translate(_DOC_NUMBER_BRACKETS)


def date_key(doc_date: str | None, year: int | None) -> int:
    """yyyymmdd for sorting and date ranges; month/day 00 when only the year is known; 0 when neither."""
    d = (doc_date or "").strip()
    if len(d) >= 10 and d[:4].isdigit() and d[5:7].isdigit() and d[8:10].isdigit():
        return int(d[:4]) * 10000 + int(d[5:7]) * 100 + int(d[8:10])
    if len(d) >= 7 and d[:4].isdigit() and d[5:7].isdigit():
        return int(d[:4]) * 10000 + int(d[5:7]) * 100
    if year:
        return int(year) * 10000
    return 0
