"""Rule sets for completeness and standardization reports: templates/rules/NAME.toml or ROOT/rules/NAME.toml.

A rule set says which documents each household file must hold per aid class (with keywords used to
infer a record's document type), which metadata every record needs (DA/T 18-2022), which record-level
checks run, and how the year-end standardization inspection is scored. Every key is checked: a typo
or an unknown key is a ConfigError naming the file and the key.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import ConfigError
from archive.store.config import TEMPLATES_DIR, read_toml
from generators.office.model import AID_CLASSES

# DA/T 18-2022 metadata name → records column
METADATA_FIELDS: dict[str, str] = {
    "档号": "archival_code",
    "题名": "title",
    "日期": "doc_date",
    "责任者": "author",
    "保管期限": "retention",
    "开放标识": "open_status",
    "文件编号": "doc_number",
    "密级": "security",
}
RETENTIONS = ("Y", "D30", "D10")
ARCHIVE_ITEMS = ("postings", "archives", "ledgers", "volumes")   # judged from the archive, not `office check`


@dataclass(frozen=True)
class DocumentRule:
    name: str                       # 文件类型, e.g. 申请书
    keywords: tuple[str, ...]
    retention: str
    required: bool = True


@dataclass(frozen=True)
class ClassRule:
    code: str                       # DB TK YL LS JZ FX
    name: str
    retention: str
    documents: tuple[DocumentRule, ...]

    @property
    def required(self) -> list[str]:
        return [d.name for d in self.documents if d.required]


@dataclass(frozen=True)
class StandardItem:
    key: str
    name: str
    weight: float
    essential: bool = False
    findings: tuple[str, ...] = ()  # fnmatch patterns over Finding.rule


@dataclass
class RuleSet:
    name: str
    path: Path
    description: str = ""
    metadata: tuple[str, ...] = ()                  # Chinese names, keys of METADATA_FIELDS
    sequence: bool = True
    unbound: bool = True
    fixity: bool = True
    classes: dict[str, ClassRule] = field(default_factory=dict)
    pass_score: float = 90.0
    postings_kinds: tuple[str, ...] = ("rules",)
    items: tuple[StandardItem, ...] = ()

    @property
    def metadata_columns(self) -> dict[str, str]:
        return {m: METADATA_FIELDS[m] for m in self.metadata}

    def to_dict(self) -> dict:
        return {
            "name": self.name, "path": str(self.path), "metadata": list(self.metadata),
            "classes": {c.code: {"name": c.name, "required": c.required} for c in self.classes.values()},
            "pass_score": self.pass_score,
        }


def load_rules(settings=None, name: str | None = None) -> RuleSet:
    """The rule set named `name` (default: [archive] rules in minzheng.toml), ROOT/rules first."""
    if settings is None:
        return load_rules_file(TEMPLATES_DIR / "rules" / f"{name or 'default'}.toml")
    name = name or settings.get("archive", "rules", "default")
    return load_rules_file(settings.resource("rules", name))


_cache: dict[tuple[str, float], RuleSet] = {}


def load_rules_file(path: Path | str) -> RuleSet:
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except FileNotFoundError:
        raise ConfigError(f"找不到规则文件 {path}")
    if key not in _cache:
        _cache[key] = _parse(path, read_toml(path))
    return _cache[key]


# ---------------------------------------------------------------- validation
class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, what: str):
        raise ConfigError(f"规则文件 {self.path} 中 {key}：{what}。请修改后重试")

    def keys(self, table, where: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()):
        if not isinstance(table, dict):
            self.fail(where, "应为表（[…] 或 {…}）")
        for k in table:
            if k not in allowed:
                near = difflib.get_close_matches(k, allowed, n=1)
                hint = f"，是不是 “{near[0]}”？" if near else f"；可用的键：{'、'.join(allowed)}"
                self.fail(f"{where}.{k}" if where else k, f"未知的键{hint}")
        for k in required:
            if k not in table:
                self.fail(f"{where}.{k}" if where else k, "缺少此键")

    def typed(self, value, key: str, kind, what: str):
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            self.fail(key, f"应为{what}，现为 {value!r}")
        return value

    def strings(self, value, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, f"应为非空字符串列表，现为 {value!r}")
        return tuple(v.strip() for v in value)

    def retention(self, value, key: str) -> str:
        if value not in RETENTIONS:
            self.fail(key, f"保管期限应为 {' / '.join(RETENTIONS)}，现为 {value!r}")
        return value


def _parse(path: Path, data: dict) -> RuleSet:
    c = _Checker(path)
    c.keys(data, "", ("name", "description", "metadata", "checks", "classes", "standardization"),
           ("name", "classes"))
    rs = RuleSet(name=c.typed(data["name"], "name", str, "字符串"), path=path,
                 description=c.typed(data.get("description", ""), "description", str, "字符串"))

    meta = data.get("metadata", {})
    c.keys(meta, "metadata", ("required",))
    rs.metadata = c.strings(meta.get("required", list(METADATA_FIELDS)[:6]), "metadata.required")
    for m in rs.metadata:
        if m not in METADATA_FIELDS:
            c.fail("metadata.required", f"未知的著录项 “{m}”；可用：{'、'.join(METADATA_FIELDS)}")

    checks = data.get("checks", {})
    c.keys(checks, "checks", ("sequence", "unbound", "fixity"))
    for k in ("sequence", "unbound", "fixity"):
        setattr(rs, k, c.typed(checks.get(k, True), f"checks.{k}", bool, " true 或 false"))

    classes = data["classes"]
    c.keys(classes, "classes", tuple(_aid_classes()))
    for code, cls in classes.items():
        w = f"classes.{code}"
        c.keys(cls, w, ("name", "retention", "documents"), ("documents",))
        retention = c.retention(cls.get("retention", "D30"), f"{w}.retention")
        docs = cls["documents"]
        if not isinstance(docs, list) or not docs:
            c.fail(f"{w}.documents", "应为非空列表")
        rules, seen = [], set()
        for i, d in enumerate(docs):
            dw = f"{w}.documents[{i}]"
            c.keys(d, dw, ("name", "keywords", "retention", "required"), ("name",))
            name = c.typed(d["name"], f"{dw}.name", str, "字符串").strip()
            if name in seen:
                c.fail(f"{dw}.name", f"文件类型 “{name}” 重复")
            seen.add(name)
            rules.append(DocumentRule(
                name=name,
                keywords=c.strings(d.get("keywords", [name]), f"{dw}.keywords"),
                retention=c.retention(d.get("retention", retention), f"{dw}.retention"),
                required=c.typed(d.get("required", True), f"{dw}.required", bool, " true 或 false"),
            ))
        rs.classes[code] = ClassRule(code=code, name=c.typed(cls.get("name", _aid_classes()[code]), f"{w}.name", str, "字符串"),
                                     retention=retention, documents=tuple(rules))

    std = data.get("standardization", {})
    c.keys(std, "standardization", ("pass_score", "postings_kinds", "items"))
    rs.pass_score = c.typed(std.get("pass_score", 90), "standardization.pass_score", float, "数字")
    rs.postings_kinds = c.strings(std.get("postings_kinds", ["rules"]), "standardization.postings_kinds")
    items, keys = [], set()
    for i, it in enumerate(std.get("items", [])):
        iw = f"standardization.items[{i}]"
        c.keys(it, iw, ("key", "name", "weight", "essential", "findings"), ("key", "name", "weight"))
        key = c.typed(it["key"], f"{iw}.key", str, "字符串")
        if key in keys:
            c.fail(f"{iw}.key", f"检查项 “{key}” 重复")
        keys.add(key)
        findings = c.strings(it.get("findings", []), f"{iw}.findings") if "findings" in it else ()
        if key not in ARCHIVE_ITEMS and not findings:
            c.fail(f"{iw}.findings", f"检查项 “{key}” 不是 {'/'.join(ARCHIVE_ITEMS)} 之一，须用 findings 指定汇总的 office check 规则")
        weight = c.typed(it["weight"], f"{iw}.weight", float, "数字")
        if weight < 0:
            c.fail(f"{iw}.weight", "分值不能为负")
        items.append(StandardItem(key=key, name=c.typed(it["name"], f"{iw}.name", str, "字符串"), weight=weight,
                                  essential=c.typed(it.get("essential", False), f"{iw}.essential", bool, " true 或 false"),
                                  findings=findings))
    rs.items = tuple(items)
    return rs


def _aid_classes() -> dict[str, str]:
    return AID_CLASSES
