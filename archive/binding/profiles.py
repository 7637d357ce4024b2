"""Binding profiles (装订格式): load templates/profiles/NAME.toml and check every key.

A profile describes one municipal (or the national) format: paper and margins, fonts, page-number
position, archive stamp, volume page limit and box thickness, cover fields, contents-list columns
and notes-sheet fields. Unknown keys, wrong types and values outside the allowed set are reported
in Chinese, naming the key and the file, so that a typo never silently falls back to a default.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import ConfigError
from archive.store.config import Settings, read_toml

MM = 72 / 25.4          # points per millimetre
A4 = (210 * MM, 297 * MM)
PRINTABLE_MM = 5        # office printers leave about this much of every edge unprinted: nothing we draw goes there

COVER_FIELDS = {
    "fonds_name": "全宗名称", "unit": "立卷单位", "class_name": "类目名称", "volume_title": "案卷题名",
    "dates": "时间", "retention": "保管期限", "counts": "件数/页数", "filing_no": "归档号",
    "archival_code": "档号", "security": "密级",
}
CONTENTS_COLUMNS = {
    "seq": "顺序号", "archival_code": "档号", "doc_number": "文号", "author": "责任者", "title": "题名",
    "date": "日期", "page_range": "页号", "pages": "页数", "remarks": "备注",
}
NOTES_FIELDS = {"summary": "本卷情况说明", "filer": "立卷人", "checker": "检查人", "filing_date": "立卷时间"}
STAMP_CELLS = {"fonds": "全宗号", "year": "年度", "item_no": "件号", "office": "机构", "retention": "保管期限",
               "pages": "页数", "category": "门类"}

PAGE_NUMBER_POSITIONS = ("top-outer", "top-right", "bottom-right", "bottom-outer", "bottom-center")
STAMP_POSITIONS = ("top-right", "top-center", "top-left")
COLORS = {"black": (0, 0, 0), "blue": (0, 0.2, 0.75), "red": (0.85, 0.05, 0.05)}

# section → key → (kind, allowed) ; kind: "str", "num", "int", "bool", "list", "grid", "labels"
SCHEMA: dict[str, dict[str, tuple]] = {
    "": {"name": ("str", None)},
    "paper": {"size": ("str", ("A4",)), "margin_top": ("num", (0, 60)), "margin_bottom": ("num", (0, 60)),
              "margin_binding": ("num", (0, 60)), "margin_outer": ("num", (0, 60)), "double_sided": ("bool", None)},
    "font": {"family": ("str", ("serif", "sans")), "size": ("num", (6, 20))},
    "page_numbers": {"position": ("str", PAGE_NUMBER_POSITIONS), "color": ("str", tuple(COLORS)),
                     "size": ("num", (6, 24)), "restart_per_item": ("bool", None),
                     "edge_distance": ("num", (PRINTABLE_MM, 30)), "side_distance": ("num", (PRINTABLE_MM, 40))},
    "stamp": {"width": ("num", (20, 80)), "height": ("num", (8, 40)), "color": ("str", tuple(COLORS)),
              "position": ("str", STAMP_POSITIONS), "cells": ("grid", STAMP_CELLS)},
    "volume": {"max_pages": ("int", (1, 2000)), "box_thickness": ("int", (20, 30, 40, 50)),
               "back_cover": ("bool", None)},
    "cover": {"title": ("str", None), "code_at_top": ("bool", None),
              "date_style": ("str", ("day-range", "month-range")), "fields": ("list", COVER_FIELDS),
              "labels": ("labels", COVER_FIELDS)},
    "contents": {"title": ("str", None), "columns": ("list", CONTENTS_COLUMNS),
                 "date_style": ("str", ("yyyymmdd", "iso")), "labels": ("labels", CONTENTS_COLUMNS)},
    "notes": {"title": ("str", None), "fields": ("list", NOTES_FIELDS), "labels": ("labels", NOTES_FIELDS)},
}
REQUIRED_SECTIONS = ("paper", "font", "page_numbers", "stamp", "volume", "cover", "contents", "notes")
OPTIONAL_KEYS = {("", "name"), ("cover", "labels"), ("contents", "labels"), ("notes", "labels"),
                 ("page_numbers", "edge_distance"), ("page_numbers", "side_distance")}
DEFAULTS = {("page_numbers", "edge_distance"): 10, ("page_numbers", "side_distance"): 15}


@dataclass
class Profile:
    """A validated binding profile. `data` keeps the TOML's sections; helpers give typed values."""

    key: str                 # file stem, e.g. "national"
    path: Path
    data: dict = field(default_factory=dict)

    def __getitem__(self, section: str) -> dict:
        return self.data[section]

    @property
    def name(self) -> str:
        return self.data.get("name", self.key)

    @property
    def double_sided(self) -> bool:
        return self.data["paper"]["double_sided"]

    def margin(self, which: str) -> float:
        """A margin in points: top, bottom, binding, outer."""
        return float(self.data["paper"][f"margin_{which}"]) * MM

    def label(self, section: str, key: str) -> str:
        base = {"cover": COVER_FIELDS, "contents": CONTENTS_COLUMNS, "notes": NOTES_FIELDS}[section]
        return self.data[section].get("labels", {}).get(key, base[key])

    def color(self, section: str) -> tuple[float, float, float]:
        return COLORS[self.data[section]["color"]]

    def all_text(self) -> str:
        """Every string in the profile (for building the font subset)."""
        out: list[str] = []

        def walk(v):
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)

        walk(self.data)
        return "".join(out) + "".join(COVER_FIELDS.values()) + "".join(CONTENTS_COLUMNS.values()) + \
            "".join(NOTES_FIELDS.values()) + "".join(STAMP_CELLS.values())


def load_profile(settings: Settings | None = None, name: str | None = None, *, path: Path | str | None = None) -> Profile:
    """Load and validate a profile by name (ROOT/profiles/NAME.toml before the built-in one) or by path."""
    if path is None:
        if settings is None:
            raise ConfigError("load_profile 需要 settings 或 path")
        name = name or settings.get("archive", "profile", "national")
        path = settings.resource("profiles", name)
    path = Path(path)
    data = read_toml(path)
    _validate(data, path)
    for (section, key), value in DEFAULTS.items():
        data[section].setdefault(key, value)
    return Profile(key=path.stem, path=path, data=data)


def _err(path: Path, key: str, what: str) -> ConfigError:
    return ConfigError(f"装订格式文件 {path} 中的 {key} {what}。请修改该文件后重试")


def _validate(data: dict, path: Path) -> None:
    for top, value in data.items():
        if top in SCHEMA and top != "" and isinstance(value, dict):
            continue
        if top in SCHEMA[""]:
            continue
        raise _err(path, f"“{top}”", f"无法识别（可用的节：{'、'.join(s for s in SCHEMA if s)}；"
                                      f"可用的顶层键：{'、'.join(SCHEMA[''])}）")
    for section in REQUIRED_SECTIONS:
        if section not in data:
            raise _err(path, f"[{section}]", "缺失")
    for section, keys in SCHEMA.items():
        table = data if section == "" else data[section]
        if section:
            for key in table:
                if key not in keys:
                    raise _err(path, f"“{section}.{key}”", f"无法识别（[{section}] 可用的键：{'、'.join(keys)}）")
        for key, (kind, allowed) in keys.items():
            full = f"“{section}.{key}”" if section else f"“{key}”"
            if key not in table:
                if (section, key) in OPTIONAL_KEYS:
                    continue
                raise _err(path, full, "缺失")
            _check_value(path, full, table[key], kind, allowed)


def _check_value(path: Path, full: str, v, kind: str, allowed) -> None:
    if kind == "str":
        if not isinstance(v, str):
            raise _err(path, full, f"应为文字，现为 {v!r}")
        if allowed and v not in allowed:
            raise _err(path, full, f"的值 “{v}” 不可用（可选：{'、'.join(allowed)}）")
    elif kind == "bool":
        if not isinstance(v, bool):
            raise _err(path, full, f"应为 true 或 false，现为 {v!r}")
    elif kind in ("num", "int"):
        ok_type = isinstance(v, int) if kind == "int" else isinstance(v, (int, float))
        if isinstance(v, bool) or not ok_type:
            raise _err(path, full, f"应为{'整数' if kind == 'int' else '数字'}，现为 {v!r}")
        if len(allowed) == 2:       # a range; longer tuples list the allowed values
            lo, hi = allowed
            if not lo <= v <= hi:
                raise _err(path, full, f"的值 {v} 超出范围（{lo}～{hi}）")
        elif v not in allowed:
            raise _err(path, full, f"的值 {v} 不可用（可选：{'、'.join(str(a) for a in allowed)}）")
    elif kind == "list":
        if not isinstance(v, list) or not v:
            raise _err(path, full, "应为非空列表")
        for item in v:
            if item not in allowed:
                raise _err(path, full, f"中的 “{item}” 无法识别（可选：{'、'.join(allowed)}）")
    elif kind == "labels":
        if not isinstance(v, dict):
            raise _err(path, full, "应为一个表")
        for k, label in v.items():
            if k not in allowed:
                raise _err(path, f"{full[:-1]}.{k}”", f"无法识别（可选：{'、'.join(allowed)}）")
            if not isinstance(label, str):
                raise _err(path, f"{full[:-1]}.{k}”", f"应为文字，现为 {label!r}")
    elif kind == "grid":
        if not isinstance(v, list) or len(v) != 2 or not all(isinstance(r, list) and len(r) == 3 for r in v):
            raise _err(path, full, "应为 2 行、每行 3 格的列表，如 [[\"fonds\",\"year\",\"item_no\"],[…]]")
        for row in v:
            for item in row:
                if item not in allowed:
                    raise _err(path, full, f"中的 “{item}” 无法识别（可选：{'、'.join(allowed)}）")
