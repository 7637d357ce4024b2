"""Every record a search (or a browse) finds, written to a CSV or Excel file: one row per record with
its catalog fields and the page where the query was found. The file is written whole or not at all."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from archive.common.errors import MinzhengError, WriteError
from archive.common.files import atomic_path, atomic_write_bytes
from archive.store import catalog

from .search import search

FORMATS = ("csv", "xlsx")
COLUMNS = [("archival_code", "档号"), ("title", "题名"), ("doc_number", "文号"), ("author", "责任者"),
           ("doc_date", "日期"), ("office", "机构"), ("year", "年度"), ("category", "类别"),
           ("retention", "保管期限"), ("pages", "页数"), ("page", "命中页"), ("match", "匹配"),
           ("record_id", "记录号")]
CHUNK = 1000


def export_format(fmt: str | None, out: Path) -> str:
    """The format asked for, or the one the file name ends in; a file named for the other format is a
    usage error (an Excel workbook in a .csv file opens as garbage)."""
    ext = Path(out).suffix.lstrip(".").lower()
    if fmt and ext in FORMATS and ext != fmt.lower():
        raise MinzhengError(f"导出格式 {fmt} 与文件名 {out} 的扩展名 .{ext} 不一致：请把文件名改成以 .{fmt.lower()} 结尾，"
                            f"或去掉 --format（格式按扩展名定）", exit_code=2)
    fmt = (fmt or ext).lower()
    if fmt not in FORMATS:
        raise MinzhengError(f"导出文件 {out} 的格式应为 csv 或 xlsx（用 --format 指定，或让文件名以 .csv/.xlsx 结尾）",
                            exit_code=2)
    return fmt


def export_rows(settings, query: str, transform=None, **kw) -> tuple[list[dict], int]:
    """(rows, total) of every matching record, in the search's order, fields named for people;
    `transform(row)` may change each row (the server masks ID numbers for roles that don't see them)."""
    conn = catalog.connect(settings.catalog_url)
    try:
        offices = {o["code"]: o["name"] for o in catalog.offices(conn)}
    finally:
        conn.close()
    cats, rets = settings.categories, settings.retentions
    rows, offset, total = [], 0, None
    while total is None or offset < total:
        res = search(settings, query, limit=CHUNK, offset=offset, **kw)
        total = res.total
        if not res.hits:
            break
        for h in res.hits:
            row = {
                **h,
                "office_code": h.get("office"),
                "office": f"{offices.get(h['office'], '')}（{h['office']}）" if h.get("office") else "",
                "category": f"{h['category']} {cats.get(h['category'], '')}".strip() if h.get("category") else "",
                "retention": rets.get(h.get("retention") or "", h.get("retention") or ""),
                "match": "" if res.browse else ("近似" if h["approximate"] else "检索词"),
            }
            rows.append(transform(row) if transform else row)
        offset += len(res.hits)
    return rows, len(rows)


def export_search(settings, query: str, *, fmt: str | None, out: Path, transform=None, **kw) -> int:
    """Write every record matching `query` (and the filters in kw, as for `search`) to `out`;
    returns how many rows were written."""
    out = Path(out)
    fmt = export_format(fmt, out)
    rows, n = export_rows(settings, query, transform, **kw)
    try:
        _write(fmt, out, rows)
    except OSError as e:
        raise WriteError(out, e, "请用 --out 换一个位置，或检查那里的权限和磁盘空间后重新运行") from e
    return n


def _write(fmt: str, out: Path, rows: list[dict]) -> None:
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([label for _, label in COLUMNS])
        for r in rows:
            w.writerow(["" if r.get(k) is None else r.get(k) for k, _ in COLUMNS])
        atomic_write_bytes(out, buf.getvalue().encode("utf-8-sig"))   # BOM: Excel/WPS open it as UTF-8
        return
    from openpyxl import Workbook  # only an Excel export loads openpyxl
    with atomic_path(out) as tmp:          # first: a place that cannot be written leaves no half-built workbook
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("检索结果")
        ws.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJKLM", (26, 48, 22, 18, 12, 16, 7, 14, 10, 6, 8, 8, 8)):
            ws.column_dimensions[letter].width = width
        ws.append([label for _, label in COLUMNS])
        for r in rows:
            ws.append(["" if r.get(k) is None else r.get(k) for k, _ in COLUMNS])
        wb.save(tmp)
