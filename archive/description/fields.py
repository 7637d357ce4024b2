"""The catalog fields an archivist may correct (著录项) and the rules a new value must pass: the same
rules as the ingest manifest (dates, known office/category/retention codes, year 1900–2100), plus the
ID-number check (GB 11643) for a household given as an ID number. Pure functions: no catalog writes."""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from archive.intake.manifest import ALIASES, parse_date
from generators.office import validate_id_number

# (key, Chinese label, CLI option) in display order
FIELDS: list[tuple[str, str, str]] = [
    ("title", "题名", "--title"),
    ("doc_number", "文号", "--doc-number"),
    ("author", "责任者", "--author"),
    ("doc_date", "日期", "--date"),
    ("office", "机构", "--office"),
    ("category", "类别", "--category"),
    ("year", "年度", "--year"),
    ("retention", "保管期限", "--retention"),
    ("household", "户主身份证号/户号", "--household"),
    ("document_type", "文件类型", "--doc-type"),
    ("open_status", "开放标识", "--open-status"),
    ("security", "密级", "--security"),
]
KEYS = tuple(k for k, _, _ in FIELDS)
LABELS = {k: label for k, label, _ in FIELDS}
OPTIONS = {k: opt for k, _, opt in FIELDS}
# the fields that make up a 档号 (全宗号-门类·年度-保管期限-机构-件号)
CODE_FIELDS = ("office", "category", "year", "retention")

# a header or a 待核 cell may name a field by its label or by any of the manifest's column names
_NAMES = {**{a.lower(): k for k, names in ALIASES.items() for a in names if k in LABELS},
          **{label.lower(): k for k, label in LABELS.items()}, **{k: k for k in KEYS}}

MAX_LENGTH = {"title": 500}
DEFAULT_MAX = 200
_HOUSEHOLD_CODE = re.compile(r"[0-9A-Za-z\-_/.·]{1,40}")
_ID_LIKE = re.compile(r"[0-9]{17}[0-9Xx]")


class FieldError(ValueError):
    """A value that a field does not accept; the message is Chinese and says what to write instead."""


def field_key(name: str) -> str | None:
    """'题名', 'title', '发文字号', '户号' … → the field key; None when it names no editable field."""
    return _NAMES.get(str(name).strip().lower())


@dataclass(frozen=True)
class Rules:
    """What the county knows: its office codes (None = no office list yet, any code accepted),
    categories and retention periods {code: name}."""
    offices: frozenset[str] | None
    categories: dict
    retentions: dict

    @classmethod
    def load(cls, settings, conn: sqlite3.Connection) -> Rules:
        codes = frozenset(r["code"] for r in conn.execute("SELECT code FROM offices"))
        return cls(codes or None, dict(settings.categories), dict(settings.retentions))


def _text(raw) -> str:
    """A cell or option value as text: None → '', dates → ISO, 2016.0 → '2016'."""
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _code(value: str, known: dict, what: str) -> str:
    """A code given as 'LS', 'ls', '临时救助' or 'LS 临时救助' → 'LS'."""
    by_name = {v: k for k, v in known.items()}
    parts = value.split()
    candidates = [value, value.upper()]
    if len(parts) == 2:
        candidates += [parts[0].upper()] if known.get(parts[0].upper()) == parts[1] else []
    for c in candidates:
        if c in known:
            return c
        if c in by_name:
            return by_name[c]
    choices = "、".join(f"{k} {v}" for k, v in known.items())
    raise FieldError(f"未知{what} “{value}”（可用：{choices}）")


def _household(value: str) -> str:
    compact = value.replace(" ", "")
    if _ID_LIKE.fullmatch(compact) or (compact.isdigit() and 15 <= len(compact) <= 19):
        problem = validate_id_number(compact)
        if problem:
            raise FieldError(f"身份证号 “{value}” 有误：{problem}；是户号的话请不要写成 18 位身份证号的样子")
        return compact.upper()
    if not _HOUSEHOLD_CODE.fullmatch(compact):
        raise FieldError(f"“{value}” 既不是 18 位身份证号，也不是户号（户号只用字母、数字和 - _ / .，不超过 40 个字符）")
    return compact


def validate(key: str, raw, rules: Rules):
    """The value to store for `key`, normalised the way ingest stores it (None = empty), or FieldError
    with a Chinese message saying what is wrong (without the field's name: the caller says where)."""
    if key not in LABELS:
        raise FieldError(f"“{key}” 不是可以修改的著录项（可改：{'、'.join(LABELS.values())}）")
    value = _text(raw)
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in value):
        raise FieldError("含有换行、控制字符或无法显示的字符；请只写一行文字")
    if not value:
        if key == "title":
            raise FieldError("题名不能为空")
        return None
    limit = MAX_LENGTH.get(key, DEFAULT_MAX)
    if len(value) > limit:
        raise FieldError(f"太长（{len(value)} 个字符，最多 {limit} 个）")
    if key == "doc_date":
        d = parse_date(value)
        if d is None:
            raise FieldError(f"“{value}” 不是有效日期（应写 2014-05-06、2014年5月6日、20140506 或 2014/5/6）")
        return d
    if key == "year":
        y = unicodedata.normalize("NFKC", value).removesuffix(".0")
        if not (re.fullmatch(r"[0-9]{4}", y) and 1900 <= int(y) <= 2100):
            raise FieldError(f"年度应为 1900–2100 之间的四位数字，现为 “{value}”")
        return int(y)
    if key == "office":
        code = unicodedata.normalize("NFKC", value).upper()
        if rules.offices is not None and code not in rules.offices:
            raise FieldError(f"未知机构代码 {value}（本县有：{'、'.join(sorted(rules.offices))}）")
        if not re.fullmatch(r"[A-Z0-9]{1,12}", code):
            raise FieldError(f"机构代码应为大写字母或数字，如 QSZ，现为 “{value}”")
        return code
    if key == "category":
        return _code(unicodedata.normalize("NFKC", value), rules.categories, "类别")
    if key == "retention":
        return _code(unicodedata.normalize("NFKC", value), rules.retentions, "保管期限")
    if key == "household":
        return _household(unicodedata.normalize("NFKC", value))
    return value


__all__ = ["CODE_FIELDS", "FIELDS", "KEYS", "LABELS", "OPTIONS", "FieldError", "Rules", "field_key", "validate"]
