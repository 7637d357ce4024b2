"""Query parameters of the pages, validated: a bad value is a ParamError (→ 400 with a Chinese page)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200
YEAR_MIN, YEAR_MAX = 1900, 2100
PAGE_MAX = 1000
LIMIT_DEFAULT, LIMIT_MAX = 10, 50


class ParamError(ValueError):
    """A query parameter the page cannot take; the message is Chinese and names the parameter."""


@dataclass(frozen=True)
class Choices:
    """The codes a filter may take: {code: Chinese name}."""

    offices: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    retentions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    office: str | None = None
    category: str | None = None
    year: int | None = None
    retention: str | None = None
    page: int = 1
    limit: int = LIMIT_DEFAULT
    sort: str | None = None          # relevance | date | -date | code (None: relevance, or code when browsing)
    date_from: str | None = None     # 2016, 2016-03 or 2016-03-01
    date_to: str | None = None

    @property
    def date_range(self) -> str | None:
        """The date filter as the query language writes it (2016-01..2016-06), or None."""
        if not self.date_from and not self.date_to:
            return None
        return f"{self.date_from or ''}..{self.date_to or ''}"

    @property
    def active(self) -> bool:
        """A search term or any filter: the page lists records (a browse when there is no term)."""
        return bool(self.q or self.filters or self.date_range)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def filters(self) -> dict:
        return {k: v for k, v in (("office", self.office), ("category", self.category),
                                  ("year", self.year), ("retention", self.retention)) if v is not None}

    def link(self, **changes) -> dict:
        """GET parameters for a link to this search with some values changed (None drops a key)."""
        d = {"q": self.q, **self.filters, "sort": self.sort, "from": self.date_from, "to": self.date_to,
             "page": self.page, "limit": self.limit}
        d.update(changes)
        if d.get("page") == 1:
            d.pop("page")
        if d.get("limit") == LIMIT_DEFAULT:
            d.pop("limit")
        return {k: v for k, v in d.items() if v not in (None, "")}


def _one(args, name: str) -> str | None:
    values = args.getlist(name) if hasattr(args, "getlist") else ([args[name]] if name in args else [])
    if len(values) > 1:
        raise ParamError(f"参数 {name} 只能给一次")
    v = values[0].strip() if values else ""
    return v or None


def integer(args, name: str, label: str, lo: int, hi: int, default: int | None = None) -> int | None:
    v = _one(args, name)
    if v is None:
        return default
    if not (v.isascii() and v.isdigit()) or len(v) > 6:
        raise ParamError(f"{label}（{name}）应为整数，收到 “{v[:20]}”")
    n = int(v)
    if not lo <= n <= hi:
        raise ParamError(f"{label}（{name}）应在 {lo} 到 {hi} 之间，收到 {n}")
    return n


def code(args, name: str, label: str, known: dict[str, str]) -> str | None:
    v = _one(args, name)
    if v is None:
        return None
    if v not in known:
        raise ParamError(f"没有代码为 “{v[:20]}” 的{label}。可选：{'、'.join(f'{k}（{n}）' for k, n in known.items()) or '无'}")
    return v


def search_params(args, choices: Choices) -> SearchParams:
    unknown = sorted(set(args.keys()) - {"q", "office", "category", "year", "retention", "page", "limit", "sort",
                                          "from", "to"})
    if unknown:
        raise ParamError(f"检索页不认识参数 {'、'.join(unknown[:5])}")
    q = _one(args, "q") or ""
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError(f"检索词太长（{len(q)} 个字符），请控制在 {MAX_QUERY_CHARS} 个字符以内")
    if any(ord(c) < 32 and c not in "\t" for c in q):
        raise ParamError("检索词含有控制字符，请重新输入")
    return SearchParams(
        q=q,
        office=code(args, "office", "机构", choices.offices),
        category=code(args, "category", "类别", choices.categories),
        year=integer(args, "year", "年度", YEAR_MIN, YEAR_MAX),
        retention=code(args, "retention", "保管期限", choices.retentions),
        page=integer(args, "page", "页码", 1, PAGE_MAX, default=1),
        limit=integer(args, "limit", "每页条数", 1, LIMIT_MAX, default=LIMIT_DEFAULT),
        sort=code(args, "sort", "排序方式", SORTS),
        date_from=_date(args, "from", "起始日期"),
        date_to=_date(args, "to", "截止日期"),
    )


SORTS = {"relevance": "相关度", "date": "日期（早的在前）", "-date": "日期（新的在前）", "code": "档号"}
_DATE = re.compile(r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$")


def _date(args, name: str, label: str) -> str | None:
    """A date filter: 2016, 2016-03 or 2016-03-01 (checked again, with the calendar, by the search)."""
    v = _one(args, name)
    if v is None:
        return None
    v = v.replace("/", "-").replace(".", "-")
    if not _DATE.match(v):
        raise ParamError(f"{label}（{name}）应写成 2016、2016-03 或 2016-03-01，收到 “{v[:20]}”")
    return v
