"""The query language of `minzheng search` and the search page, parsed into a `Query`.

    临时救助 张大山          both terms (AND), each a phrase of its characters
    "城乡低保"               an exact phrase (also “…” 「…」)
    低保 -退出               a term that must not occur
    低保 | 特困    低保 或 特困   either
    题名:低保  文号:青民发〔2016〕3号  责任者:民政办  档号:Z109-LS  户号:439921…  日期:2016-01..2016-06

Field names and operators are recognised in full and half width (：｜－); every term is normalised
like indexed text (traditional → simplified, full → half width). A query that cannot be parsed
raises `QueryError`, whose Chinese message names the character where the problem is.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field

from archive.common.errors import ExitCode, MinzhengError
from indexer.normalize import fold_width, normalize, to_simplified
from indexer.tokens import fold_doc_number, squash

# field name as typed → field key
FIELDS = {
    "题名": "title", "标题": "title", "title": "title",
    "文号": "doc_number", "docno": "doc_number",
    "责任者": "author", "author": "author",
    "档号": "code", "code": "code",
    "户号": "household", "身份证号": "household", "household": "household",
    "日期": "date", "date": "date",
}
FIELD_LABELS = {"": "全文", "title": "题名", "doc_number": "文号", "author": "责任者", "code": "档号",
                "household": "户号", "date": "日期"}
HELP_FIELDS = "题名、文号、责任者、档号、户号、日期"
FIELD_EXAMPLES = {"title": "低保", "doc_number": "青民发〔2016〕3号", "author": "青山县民政局", "code": "Z109-WS·2016",
                  "household": "430103198001010012", "date": "2016-01..2016-06"}   # what each field's value looks like

_OR = {"|", "｜"}
_OR_WORDS = {"或", "OR"}
_NEG = {"-", "－", "—"}
_OPEN = set('"“”「『＂')
_CLOSE = set('"“”」』＂')
_FIELD = re.compile(r"([A-Za-zＡ-Ｚａ-ｚ]{2,12}|[\u3400-\u9fff]{1,6})[:：]")
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_RANGE = re.compile(r"\.\.|~|～|至")


class QueryError(MinzhengError):
    """A query that cannot be parsed; `position` is the 1-based character where the problem is."""

    exit_code = ExitCode.usage

    def __init__(self, position: int, problem: str, advice: str = ""):
        self.position = position
        msg = f"检索式第 {position} 个字符处有误：{problem}"
        super().__init__(msg + (f"。{advice}" if advice else ""))


@dataclass(frozen=True)
class Term:
    """One thing to find. field "" = anywhere (题名, 文号, 档号, 正文 …); text is normalised
    (文号 without brackets, 档号/户号 upper-case)."""

    field: str
    text: str
    exact: bool = False

    def label(self) -> str:
        q = f"“{self.text}”" if self.exact else self.text
        return q if not self.field else f"{FIELD_LABELS[self.field]}:{q}"


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Term, ...], ...] = ()     # all groups must match; a group matches if any term does
    exclude: tuple[Term, ...] = ()                # none may match
    date_from: int | None = None                  # yyyymmdd (month/day 00 when not given)
    date_to: int | None = None
    source: str = field(default="", compare=False)

    @property
    def browse(self) -> bool:
        """No term to look for: list records by the filters (and date range) alone."""
        return not self.groups and not self.exclude

    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]

    def text_terms(self) -> list[Term]:
        """Terms searched in text (anywhere, 题名, 责任者), for snippets and approximate matching."""
        return [t for t in self.terms() if t.field in ("", "title", "author")]


def parse_query(source: str) -> Query:
    """Parse what was typed; raises QueryError (Chinese, with the position) when it cannot."""
    s = unicodedata.normalize("NFC", source or "")
    items = _scan(s)
    groups: list[list[Term]] = []
    exclude: list[Term] = []
    date_from = date_to = None
    pending_or: int | None = None
    last_was_term = False
    for idx, (kind, pos, payload) in enumerate(items):
        next_or = idx + 1 < len(items) and items[idx + 1][0] == "or"
        if kind == "or":
            if not last_was_term or pending_or is not None:
                raise QueryError(pos, "“|”（或）前后都要有检索词", "例如：低保 | 特困")
            pending_or = pos
            continue
        neg, term = payload
        if term is None:                       # a date range
            if neg or pending_or is not None or next_or:
                raise QueryError(pos, "日期条件不能排除，也不能用“|”（或）连接", "例如：低保 日期:2016..2018")
            lo, hi = kind
            if lo is not None and (date_from is None or lo > date_from):
                date_from = lo
            if hi is not None and (date_to is None or hi < date_to):
                date_to = hi
            last_was_term = False
            continue
        if neg:
            if pending_or is not None or next_or:
                raise QueryError(pos, "排除的词（-词）不能用“|”（或）连接", "例如：低保 -退出")
            exclude.append(term)
            last_was_term = False
            continue
        if pending_or is not None:
            groups[-1].append(term)
            pending_or = None
        else:
            groups.append([term])
        last_was_term = True
    if pending_or is not None:
        raise QueryError(pending_or, "“|”（或）后面缺少检索词", "例如：低保 | 特困")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise QueryError(1, "日期范围的起点晚于终点", "例如：日期:2016-01..2016-06")
    uniq = tuple(tuple(dict.fromkeys(g)) for g in groups)
    return Query(tuple(dict.fromkeys(uniq)), tuple(dict.fromkeys(exclude)), date_from, date_to, source=source)


def _scan(s: str) -> list:
    """[(kind, 1-based position, payload)]: ("or", pos, None) or (kind, pos, (negated, Term|None))."""
    out = []
    n, i = len(s), 0
    while i < n:
        c = s[i]
        if c.isspace() or c in "\u200b\ufeff":
            i += 1
            continue
        if c in _OR:
            out.append(("or", i + 1, None))
            i += 1
            continue
        start = i
        neg = c in _NEG
        if neg:
            i += 1
            if i >= n or s[i].isspace() or s[i] in _OR:
                raise QueryError(start + 1, "“-”后面缺少要排除的词", "排除写成 -词（中间不要空格），例如：低保 -退出")
        fkey, m = "", _FIELD.match(s, i)
        if m:
            name = to_simplified(fold_width(m.group(1)))
            fkey = FIELDS.get(name.lower()) or FIELDS.get(name)
            if fkey is None:
                raise QueryError(i + 1, f"没有“{m.group(1)}”这个字段",
                                 f"可用的字段：{HELP_FIELDS}；要检索带冒号的原文请加引号，如 \"{m.group(0)}…\"")
            i = m.end()
            if i >= n or s[i].isspace() or s[i] in _OR:
                raise QueryError(i, f"“{m.group(0)}”后面缺少内容", f"例如：{m.group(1)}:{FIELD_EXAMPLES[fkey]}")
        vpos = i + 1
        if s[i] in _OPEN:
            j = i + 1
            while j < n and s[j] not in _CLOSE:
                j += 1
            if j >= n:
                raise QueryError(i + 1, "引号没有配对", "请补上另一半引号，或去掉这个引号")
            value, exact, i = s[i + 1:j], True, j + 1
        else:
            j = i
            while j < n and not s[j].isspace() and s[j] not in _OR and s[j] not in _OPEN:
                j += 1
            value, exact, i = s[i:j], False, j
        if not neg and not fkey and not exact and value in _OR_WORDS:
            out.append(("or", vpos, None))
            continue
        if fkey == "date":
            out.append((_date_range(value, vpos), start + 1, (neg, None)))
            continue
        if not fkey and not exact and _ID_NUMBER.match(fold_width(value)):
            fkey = "id_number"
        term = _term(fkey, value, exact, vpos)
        if term is None:
            if neg or fkey or exact:
                raise QueryError(vpos, f"“{value}”里没有可检索的字、字母或数字")
            continue                            # stray punctuation between terms
        if isinstance(term, tuple):             # an ID number: the household, or the number in the text
            out.append(("term", start + 1, (neg, term[0])))
            if not neg:
                out.append(("or", start + 1, None))
            term = term[1]
        out.append(("term", start + 1, (neg, term)))
    # stray punctuation only: nothing to search although something was typed
    shown = s.strip(" \t\r\n\f\v\u3000\u200b\ufeff\xa0")
    if not out and shown and not squash(normalize(s)):
        raise QueryError(s.index(shown[0]) + 1, f"“{shown[:20]}”里没有可检索的字、字母或数字")
    return out


def _term(fkey: str, value: str, exact: bool, pos: int):
    if fkey == "code":
        text = to_simplified(fold_width(value)).strip().upper()
        return Term("code", text, exact) if text else None
    if fkey in ("household", "id_number"):
        text = to_simplified(fold_width(value)).strip().upper()
        if not text:
            return None
        if fkey == "id_number":
            return Term("household", text), Term("", normalize(text))
        return Term("household", text, exact)
    text = normalize(value)
    if fkey == "doc_number":
        text = fold_doc_number(text)
    if not squash(text):
        return None
    return Term(fkey, text, exact)


def _date_range(value: str, pos: int) -> tuple[int | None, int | None]:
    v = fold_width(value).strip()
    m = _RANGE.search(v)
    if m:
        a, b = v[:m.start()].strip(), v[m.end():].strip()
        if not a and not b:
            raise QueryError(pos, "日期范围两端都是空的", "例如：日期:2016-01..2016-06、日期:2016..、日期:..2018")
        lo = _date(a, pos, low=True) if a else None
        hi = _date(b, pos + m.end(), low=False) if b else None
        if lo is not None and hi is not None and lo > hi:
            raise QueryError(pos, f"日期范围“{value}”的起点晚于终点", "例如：日期:2016-01..2016-06")
        return lo, hi
    return _date(v, pos, low=True), _date(v, pos, low=False)


def _date(v: str, pos: int, *, low: bool) -> int:
    m = _DATE.match(v) or _DATE_COMPACT.match(v)
    if not m:
        raise QueryError(pos, f"“{v}”不是日期", "日期写成 2016、2016-03、2016-03-01，范围写成 2016-01..2016-06")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if not 1000 <= y <= 2999:
        raise QueryError(pos, f"年份“{y}”不对", "年份写四位数字，如 2016")
    if mo is None:
        return y * 10000 + (0 if low else 9999)
    mo = int(mo)
    if not 1 <= mo <= 12:
        raise QueryError(pos, f"日期“{v}”的月份应在 1–12 之间")
    if d is None:
        return y * 10000 + mo * 100 + (0 if low else 99)
    d = int(d)
    if not 1 <= d <= calendar.monthrange(y, mo)[1]:
        raise QueryError(pos, f"日期“{v}”的日不对（{y} 年 {mo} 月只有 {calendar.monthrange(y, mo)[1]} 天）")
    return y * 10000 + mo * 100 + d
