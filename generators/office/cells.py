"""Parsing one cell or one table of rows of office data; each problem names file, row and column."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date

from archive.common.textcodec import parse_date as parse_any_date

from .columns import AREA_ALIASES, FALSE_WORDS, FILES, TRUE_WORDS, UNIT_SUFFIXES, Column
from .idnumber import normalize_id, validate_id_number
from .sheets import Table, norm_header

log = logging.getLogger(__name__)


class CellError(ValueError):
    pass


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _number(v) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = float(v)
        if not math.isfinite(v):
            raise CellError(f"“{v}” 不是数字")
        return v
    s = _text(v).replace(",", "").replace("，", "")
    for u in UNIT_SUFFIXES:
        s = s.removesuffix(u)
    try:
        n = float(s)
    except ValueError:
        raise CellError(f"“{_text(v)}” 不是数字") from None
    if not math.isfinite(n):
        raise CellError(f"“{_text(v)}” 不是数字")
    return n


def parse_date(v) -> date:
    d = parse_any_date(v)
    if d is None:
        raise CellError(f"“{_text(v)}” 不是有效日期（可写作 2024-03-01、2024/3/1 或 2024年3月1日）")
    return d


def parse_cell(col: Column, v):
    if col.kind == "id":
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            raise CellError("身份证号被保存成了数字（末几位可能已丢失），请把该列设为“文本”格式后重新填写")
        s = normalize_id(_text(v))
        msg = validate_id_number(s)
        if msg:
            raise CellError(msg)
        return s
    if col.kind == "int":
        n = _number(v)
        if not n.is_integer():
            raise CellError(f"“{_text(v)}” 应为整数")
        if n < col.minimum:
            raise CellError(f"不能小于 {col.minimum}（现为 {int(n)}）")
        if n > col.maximum:
            raise CellError(f"不能大于 {col.maximum:,}（现为 {_text(v)}），请核对")
        return int(n)
    if col.kind in ("amount", "area"):
        n = _number(v)
        if n < 0:
            raise CellError(f"不能为负数（现为 {_text(v)}）")
        if n > col.maximum:
            raise CellError(f"不能大于 {col.maximum:,}（现为 {_text(v)}），请核对")
        return round(n, 2)
    if col.kind == "date":
        return parse_date(v)
    if col.kind == "bool":
        s = _text(v).lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
        raise CellError(f"“{_text(v)}” 应填 是 或 否")
    s = _text(v)
    if col.key == "area":
        s = AREA_ALIASES.get(s, s)
    if col.key in ("code", "office", "category"):
        s = s.upper()
    if col.choices and s not in col.choices:
        raise CellError(f"“{s}” 不是可选值（可选：{'、'.join(col.choices)}）")
    return s


@dataclass
class Row:
    """One parsed row: where it came from, and its values by key (absent when empty or invalid)."""

    table: Table
    number: int
    values: dict
    ok: bool = True
    failed: set[str] = field(default_factory=set)   # keys of cells that could not be parsed (reported)

    def where(self, header: str | None = None) -> str:
        col = f" “{header}” 列" if header else ""
        return f"{self.table.label} 第 {self.number} 行{col}"


def _column_index(columns: tuple[Column, ...], headers: list) -> dict[str, int]:
    names = [norm_header(h) for h in headers]
    index: dict[str, int] = {}
    for col in columns:
        for candidate in (col.header,) + col.aliases:
            cand = norm_header(candidate)
            if cand in names:
                index[col.key] = names.index(cand)
                break
    return index


def _find_header(table: Table, columns: tuple[Column, ...]) -> dict[str, int] | None:
    """The header row is the first row (of the first four) that has every required column: a title
    line above it, as in ledgers exported from Excel, is skipped."""
    candidates = [(table.header_row, table.headers)] + [(n, [str(c) for c in cells]) for n, cells in table.rows[:3]]
    for k, (number, headers) in enumerate(candidates):
        index = _column_index(columns, headers)
        if all(c.key in index for c in columns if c.required):
            if k:
                log.info("%s：第 %d 行是标题行，上面的 %d 行当作表名跳过", table.label, number, k)
                table.header_row, table.headers, table.rows = number, headers, table.rows[k:]
            return index
    return None


def parse_table(stem: str, table: Table, problems: list[str]) -> list[Row] | None:
    """Map headers to columns and parse every cell; None when a required column is missing."""
    columns = FILES[stem]
    index = _find_header(table, columns)
    if index is None:
        found = _column_index(columns, table.headers)
        missing = [c.header for c in columns if c.required and c.key not in found]
        problems.append(
            f"{table.label} 第 {table.header_row} 行（标题行）：缺少必需的列 " + "、".join(f"“{m}”" for m in missing)
            + f"（现有列：{'、'.join(str(h) for h in table.headers if str(h).strip())}）"
        )
        return None
    rows = []
    for number, cells in table.rows:
        row = Row(table, number, {})
        for col in columns:
            i = index.get(col.key)
            raw = cells[i] if i is not None and i < len(cells) else ""
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if col.required:
                    problems.append(f"{row.where(col.header)}：不能为空")
                    row.ok = False
                continue
            try:
                row.values[col.key] = parse_cell(col, raw)
            except CellError as e:
                problems.append(f"{row.where(col.header)}：{e}")
                row.ok = False
                row.failed.add(col.key)
        rows.append(row)
    return rows
