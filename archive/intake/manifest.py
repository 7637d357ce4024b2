"""Ingest manifests (CSV or XLSX): one row per file with the metadata an archivist already knows.

Columns (Chinese header or English alias; order free; only `path` is required):
  path/路径/文件 · 题名/title · 文号/doc_number · 责任者/author · 日期/date · 机构/office ·
  类别/门类/category · 年度/year · 保管期限/retention · 户主身份证号/户号/household · 文件类型/document_type ·
  开放标识/open_status · 密级/security
Relative paths are relative to the manifest's own folder. Other columns (备注 …) are kept in the record's meta.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import DataError
from archive.common.textcodec import decode_text
from archive.common.textcodec import parse_date as parse_any_date

FIELDS = ("path", "title", "doc_number", "author", "doc_date", "office", "category", "year", "retention",
          "household", "document_type", "open_status", "security")

ALIASES = {
    "path": ("path", "路径", "文件", "文件路径", "file"),
    "title": ("题名", "title", "标题"),
    "doc_number": ("文号", "doc_number", "发文字号", "docno"),
    "author": ("责任者", "author", "发文机关"),
    "doc_date": ("日期", "date", "doc_date", "成文日期"),
    "office": ("机构", "office", "机构代码"),
    "category": ("类别", "门类", "category", "救助类别"),
    "year": ("年度", "year"),
    "retention": ("保管期限", "retention"),
    "household": ("户主身份证号/户号", "户主身份证号", "户号", "household", "身份证号"),
    "document_type": ("文件类型", "document_type", "doc_type"),
    "open_status": ("开放标识", "open_status"),
    "security": ("密级", "security"),
}
_HEADER = {alias.lower(): key for key, names in ALIASES.items() for alias in names}



@dataclass
class ManifestRow:
    path: Path
    row: int                       # row number in the file (header = 1)
    values: dict = field(default_factory=dict)   # field → normalized value (only those given)


def parse_date(s: str) -> str | None:
    """'2014年5月6日', '2014-05-06', '20140506', '2014/5/6' → '2014-05-06'; None if not a date."""
    d = parse_any_date(s)
    return d.isoformat() if d else None


def _read_rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:
            raise DataError(f"无法读取清单 {path.name}（{type(e).__name__}）；请确认它是 XLSX 文件")
        try:
            ws = wb.worksheets[0]
            rows = []
            for r in ws.iter_rows(values_only=True):
                rows.append(["" if v is None else (v.date().isoformat() if hasattr(v, "date") and callable(v.date)
                                                   else str(v)) for v in r])
            return rows
        finally:
            wb.close()
    try:
        text, _ = decode_text(path.read_bytes())
    except UnicodeDecodeError:
        raise DataError(f"清单 {path.name} 既不是 UTF-8 也不是 GB18030 编码；请另存为 UTF-8 CSV")
    return [row for row in csv.reader(text.splitlines())]


def load_manifest(path: Path | str, *, offices: set[str] | None, categories: dict[str, str],
                  retentions: dict[str, str]) -> dict[Path, ManifestRow]:
    """Read and validate a manifest. Returns {resolved file path: row}. Raises DataError listing every problem
    as “清单文件名 第 N 行：…”. `offices` None means the root has no office list yet (any code accepted)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"找不到清单文件 {path}")
    rows = _read_rows(path)
    if not rows:
        raise DataError(f"清单 {path.name} 是空的；第一行应为列名（path、题名、文号……）")
    header = [_HEADER.get(str(h).strip().lower()) for h in rows[0]]
    problems: list[str] = []
    extra_cols = [(i, str(h).strip()) for i, (h, k) in enumerate(zip(rows[0], header)) if k is None and str(h).strip()]
    if "path" not in header:
        raise DataError(f"清单 {path.name} 缺少 path（路径）列", problems)
    cat_by_name = {v: k for k, v in categories.items()}
    ret_by_name = {v: k for k, v in retentions.items()}
    out: dict[Path, ManifestRow] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row):
            continue
        vals = {k: str(c).strip() for k, c in zip(header, row) if k and str(c).strip()}
        extra = {name: str(row[i]).strip() for i, name in extra_cols if i < len(row) and str(row[i]).strip()}
        if extra:
            vals["extra"] = extra          # other columns (备注 …) are kept in the record's meta
        where = f"{path.name} 第 {n} 行"
        if "path" not in vals:
            problems.append(f"{where}：缺少文件路径")
            continue
        raw_path = vals.pop("path")
        try:
            p = Path(raw_path)
            p = (p if p.is_absolute() else path.parent / p).resolve()
            exists = p.exists()
        except (OSError, ValueError, RuntimeError):     # a NUL byte, a name too long, a symlink loop
            problems.append(f"{where}：文件路径无效 “{raw_path[:80]}”")
            continue
        if not exists:
            problems.append(f"{where}：文件不存在 {p}")
        if "office" in vals:
            vals["office"] = vals["office"].upper()
            if offices is not None and vals["office"] not in offices:
                problems.append(f"{where}：未知机构代码 {vals['office']}（本县有：{'、'.join(sorted(offices))}）")
        if "category" in vals:
            c = cat_by_name.get(vals["category"], vals["category"].upper())
            if c not in categories:
                problems.append(f"{where}：未知类别 {vals['category']}（可用：{'、'.join(categories)}）")
            vals["category"] = c
        if "retention" in vals:
            r = ret_by_name.get(vals["retention"], vals["retention"].upper())
            if r not in retentions:
                problems.append(f"{where}：未知保管期限 {vals['retention']}（可用：{'、'.join(retentions)}）")
            vals["retention"] = r
        if "doc_date" in vals:
            d = parse_date(vals["doc_date"])
            if d is None:
                problems.append(f"{where}：日期格式不对 “{vals['doc_date']}”（应为 2014-05-06 或 2014年5月6日）")
            else:
                vals["doc_date"] = d
        if "year" in vals:
            y = unicodedata.normalize("NFKC", vals["year"]).strip().removesuffix(".0")
            if not (re.fullmatch(r"[0-9]{4}", y) and 1900 <= int(y) <= 2100):
                problems.append(f"{where}：年度应为四位数字，现为 “{vals['year']}”")
            else:
                vals["year"] = int(y)
        if p in out:
            problems.append(f"{where}：与第 {out[p].row} 行是同一个文件")
        out[p] = ManifestRow(p, n, vals)
    if problems:
        raise DataError(f"清单 {path.name} 有 {len(problems)} 处错误，未导入任何文件；请改正后重试：", problems)
    return out
