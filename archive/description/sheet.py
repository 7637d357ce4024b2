"""The catalog as a spreadsheet: `export_catalog` writes one row per record (record id, 档号, every field,
which are 待核) for correcting in Excel or WPS; `import_catalog` checks every row with the manifest's rules
and applies the changed cells of all rows in one transaction, or nothing at all."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import DataError, WriteError
from archive.common.files import atomic_path
from archive.common.xlsx_text import is_formula, keep_text
from archive.store import catalog
from archive.store.known_codes import check_codes

from .edit import BoundRecordError, EditResult, apply_changes, follow_index, guard, plan
from .fields import FIELDS, KEYS, LABELS, FieldError, Rules, field_key, validate
from .fields import _text as cell_text
from .history import volumes_needing_rebind
from .review import select_records

SHEET = "著录"
ID_HEADER, CODE_HEADER, REVIEW_HEADER = "记录号", "档号", "待核"
INFO = [("original_name", "原文件名", 30), ("pages", "页数", 6)]
WIDTHS = {"title": 48, "doc_number": 20, "author": 22, "doc_date": 12, "office": 8, "category": 8, "year": 7,
          "retention": 9, "household": 21, "document_type": 12, "open_status": 9, "security": 7}
_ID_NAMES = {"记录号", "record_id", "id", "记录id"}
_CODE_NAMES = {"档号", "archival_code"}
_REVIEW_NAMES = {"待核", "needs_review", "待核项"}
_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass
class ExportResult:
    path: Path
    records: int
    needs_review: int

    def to_dict(self) -> dict:
        return {"path": str(self.path), "records": self.records, "needs_review": self.needs_review}

    def summary(self) -> str:
        return (f"已导出 {self.records} 条记录（其中 {self.needs_review} 条有待核字段）到 {self.path}。"
                f"在 Excel 或 WPS 中改正后运行：minzheng catalog import {self.path}")


@dataclass
class ImportResult:
    path: Path
    rows: int
    results: list[EditResult] = field(default_factory=list)
    rebind: list[dict] = field(default_factory=list)
    checked_only: bool = False
    index_warning: str | None = None

    @property
    def changed(self) -> list[EditResult]:
        return [r for r in self.results if r.changes or r.confirmed or r.code_withdrawn]

    def to_dict(self) -> dict:
        return {"path": str(self.path), "rows": self.rows, "records_changed": len(self.changed),
                "changes": sum(len(r.changes) for r in self.results),
                "confirmed": sum(len(r.confirmed) for r in self.results), "checked_only": self.checked_only,
                "records": [r.to_dict() for r in self.changed], "rebind": self.rebind,
                "index_warning": self.index_warning}

    def summary(self) -> str:
        d = self.to_dict()
        head = "检查通过，未写入（去掉 --check 即可导入）：" if self.checked_only else "已导入："
        lines = [(f"{head}{self.path.name} 共 {self.rows} 行，{d['records_changed']} 条记录有变化"
                 f"（修改 {d['changes']} 项，核对取消待核 {d['confirmed']} 项）。")]
        for r in self.changed:
            lines += ["  " + s for s in r.lines() if "仍待核" not in s and "需要重新装订" not in s]
        for v in self.rebind:
            lines.append(f"案卷 {v['archival_code']} 需要重新装订（其中的记录已修改）")
        if self.index_warning:
            lines.append(self.index_warning)
        return "\n".join(lines)


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i)


def export_catalog(settings, out: Path | str, *, office=None, year=None, category=None) -> ExportResult:
    """Write the selected records to an .xlsx: frozen header, column widths, 待核 cells shaded, lists for
    office/category/retention, and a 说明 sheet saying how to bring the corrections back."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise DataError(f"导出文件应以 .xlsx 结尾，现为 {out.name}")
    conn = catalog.connect(settings.catalog_url)
    try:
        check_codes(settings, conn, office=office, category=category)
        recs = select_records(conn, office=office, year=year, category=category)
        offices = sorted(r["code"] for r in conn.execute("SELECT code FROM offices"))
    finally:
        conn.close()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    headers = [ID_HEADER, CODE_HEADER] + [label for _, label, _ in FIELDS] + [REVIEW_HEADER] + [h for _, h, _ in INFO]
    ws.append(headers)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    yellow = PatternFill("solid", fgColor="FFF2A8")
    for c in ws[1]:
        c.font, c.fill = bold, grey
    for r in recs:
        row = [r["id"], r["archival_code"] or ""] + [cell_text(r.get(k)) if k != "year" else r.get(k)
                                                     for k, _, _ in FIELDS]
        row += ["、".join(LABELS[k] for k in KEYS if k in r["needs_review"])] + [r.get(k) for k, _, _ in INFO]
        ws.append(row)
        n = ws.max_row
        for cell in ws[n]:
            keep_text(cell)               # a title typed as =… goes out as text, not a formula Excel runs
        for i, (k, _, _) in enumerate(FIELDS, start=3):
            cell = ws.cell(n, i)
            if k != "year":
                cell.number_format = "@"          # ID numbers and dates stay text, as typed
            if k in r["needs_review"]:
                cell.fill = yellow
    widths = [8, 26] + [WIDTHS.get(k, 12) for k, _, _ in FIELDS] + [20] + [w for _, _, w in INFO]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[_column_letter(i)].width = w
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{_column_letter(len(headers))}{max(ws.max_row, 1)}"
    last = max(ws.max_row, 2)
    for key, codes in (("office", offices), ("category", list(settings.categories)),
                       ("retention", list(settings.retentions))):
        if codes:
            col = _column_letter(3 + [k for k, _, _ in FIELDS].index(key))
            dv = DataValidation(type="list", formula1='"' + ",".join(codes) + '"', allow_blank=True)
            dv.error, dv.errorTitle = f"请从列表中选择{LABELS[key]}代码", LABELS[key]
            ws.add_data_validation(dv)
            dv.add(f"{col}2:{col}{last}")
    help_ws = wb.create_sheet("说明")
    for line in ["在“著录”表中直接改正各项；记录号、档号、原文件名、页数不能改。",
                 ("黄色单元格是导入时推断的（待核）。改了的单元格自动取消待核；核对无误而不用改的，"
                 "把该项从“待核”列中删去即可。"),
                 "日期写 2016-04-20 或 2016年4月20日；机构、类别、保管期限从下拉列表选；户主身份证号按文本保存。",
                 "改完保存为 .xlsx，运行 minzheng catalog import 文件名.xlsx：先检查每一行，有错就一项也不改。",
                 "已装订进案卷的记录要加 --force 才能改，改后需重新装订该案卷。"]:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 110
    for row in help_ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)
    try:
        with atomic_path(out) as tmp:
            wb.save(tmp)
    except OSError as e:
        raise WriteError(out, e, "请用 --out 换一个位置，或检查那里的权限和磁盘空间后重新运行") from e
    return ExportResult(out, len(recs), sum(1 for r in recs if r["needs_review"]))


def _read(path: Path) -> tuple[list[tuple], dict[int, list[int]]]:
    """The sheet's rows of values, and {row number: [column indexes]} of the cells that hold a formula
    (their value is None here: a formula is not an archivist's text)."""
    import openpyxl
    if not path.is_file():
        raise DataError(f"找不到文件 {path}")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:          # noqa: BLE001 - any unreadable workbook gets the same answer
        raise DataError(f"无法读取 {path.name}（{type(e).__name__}）；请确认它是 Excel/WPS 保存的 .xlsx 文件")
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows, formulas = [], {}
        for n, cells in enumerate(ws.iter_rows(), start=1):
            for i, c in enumerate(cells):
                if is_formula(c):
                    formulas.setdefault(n, []).append(i)
            rows.append(tuple(None if is_formula(c) else c.value for c in cells))
        return rows, formulas
    finally:
        wb.close()


def _columns(path: Path, header: tuple) -> dict:
    """{key: column index} of the header row. A column it does not know (say 日期 renamed to 日期（年月日）)
    or one given twice is an error: the archivist's edits in it would otherwise be lost without a word."""
    cols: dict = {}
    problems = []
    info = {h for _, h, _ in INFO}
    for i, h in enumerate(header):
        name = cell_text(h)
        if not name:
            continue
        low = name.lower()
        key = ("id" if name in _ID_NAMES or low in _ID_NAMES else "code" if low in _CODE_NAMES
               else "review" if low in _REVIEW_NAMES else "info:" + name if name in info else field_key(name))
        where = f"第 1 行（标题行）{_column_letter(i + 1)} 列"
        if key is None:
            problems.append(f"{where}：不认识的列 “{name}”")
        elif key in cols:
            problems.append(f"{where}：“{name}” 与 {_column_letter(cols[key] + 1)} 列是同一项，只能有一列")
        else:
            cols[key] = i
    if "id" not in cols:
        raise DataError(f"{path.name} 第 1 行（标题行）没有“记录号”列；请用 minzheng catalog export 导出的表格改正后再导入")
    if problems:
        expected = "、".join([ID_HEADER, CODE_HEADER] + [label for _, label, _ in FIELDS] + [REVIEW_HEADER] + sorted(info))
        raise DataError(f"{path.name} 的标题行有误，没有写入任何修改；请把列名改回导出时的样子（{expected}）：", problems)
    return cols


def _review_cell(text: str, where: str, problems: list) -> set | None:
    if not text:
        return set()
    keys = set()
    for part in filter(None, _SPLIT.split(text)):
        k = field_key(part)
        if k is None:
            problems.append(f"{where}：“{part}” 不是著录项（可写：{'、'.join(LABELS.values())}）")
            return None
        keys.add(k)
    return keys


def import_catalog(settings, path: Path | str, *, user: str, force: bool = False, check_only: bool = False,
                   source: str = "catalog import") -> ImportResult:
    """Check every row (Chinese errors naming row and column; nothing written when any is wrong), then
    apply the changed cells of all rows in one transaction and let the index follow."""
    path = Path(path)
    rows, formulas = _read(path)
    if not rows:
        raise DataError(f"{path.name} 是空的；请用 minzheng catalog export 导出的表格改正后再导入")
    cols = _columns(path, rows[0])
    result = ImportResult(path, 0, checked_only=check_only)
    conn = catalog.connect(settings.catalog_url)
    try:
        rules = Rules.load(settings, conn)
        with catalog.transaction(conn):
            at = catalog.now()
            planned, problems = _plan_rows(conn, rules, path, rows, formulas, cols, force, result)
            if problems:
                raise DataError(f"{path.name} 有 {len(problems)} 处错误，没有写入任何修改；请改正后重新导入：", problems)
            if not check_only:
                for rec, diff, confirmed, vols, withdraw in planned:
                    result.results.append(apply_changes(conn, rec, diff, confirmed, user=user, source=source, at=at,
                                                        vols=vols, withdraw=withdraw))
            else:
                result.results = [_preview(rec, diff, confirmed) for rec, diff, confirmed, _, _ in planned]
            changed_vols = {v["volume_id"] for _, diff, _, vols, _ in planned if diff for v in vols}
        result.rebind = [v for v in volumes_needing_rebind(conn) if v["volume_id"] in changed_vols]
    finally:
        conn.close()
    if not check_only:
        result.index_warning = follow_index(settings, [r.record_id for r in result.results if r.changes])
    return result


def _preview(rec, diff, confirmed) -> EditResult:
    res = EditResult(rec["id"], rec.get("archival_code"), confirmed=confirmed)
    res.changes = [{"field": k, "label": LABELS[k], "old": o, "new": n} for k, (o, n) in diff.items()]
    return res


def _plan_rows(conn, rules, path, rows, formulas, cols, force, result):
    problems: list[str] = []
    planned, seen = [], {}
    header = rows[0]
    for n, row in enumerate(rows[1:], start=2):
        cells = {k: (row[i] if i < len(row) else None) for k, i in cols.items()}
        if not any(cell_text(v) for v in row) and n not in formulas:
            continue
        result.rows += 1
        where = f"第 {n} 行"
        if n in formulas:
            for i in formulas[n]:
                name = cell_text(header[i]) if i < len(header) else ""
                problems.append(f"{where} “{name}” 列（{_column_letter(i + 1)} 列）：单元格里是公式，请改成文字"
                                "（要写以 = 开头的文字，在 Excel 里先把单元格设成“文本”）")
            continue
        raw_id = cell_text(cells["id"])
        if not raw_id.isdecimal():
            problems.append(f"{where} “记录号” 列（{_column_letter(cols['id'] + 1)} 列）：应为数字，现为 “{raw_id}”")
            continue
        rec = catalog.record(conn, int(raw_id))
        if rec is None:
            problems.append(f"{where} “记录号” 列（{_column_letter(cols['id'] + 1)} 列）：没有记录号为 {raw_id} 的记录")
            continue
        if rec["id"] in seen:
            problems.append(f"{where}：记录 {raw_id} 与第 {seen[rec['id']]} 行重复")
            continue
        seen[rec["id"]] = n
        if "code" in cols and cell_text(cells["code"]) != cell_text(rec.get("archival_code")):
            problems.append(f"{where} “档号” 列（{_column_letter(cols['code'] + 1)} 列）：档号由装订时编定，不能在此修改"
                            f"（应为 “{rec.get('archival_code') or ''}”）")
        values = {}
        for key in LABELS:
            if key not in cols or cell_text(cells[key]) == cell_text(rec.get(key)):
                continue                      # only changed cells count
            try:
                values[key] = validate(key, cells[key], rules)
            except FieldError as e:
                problems.append(f"{where} “{LABELS[key]}” 列（{_column_letter(cols[key] + 1)} 列）：{e}")
        listed = (_review_cell(cell_text(cells["review"]), f"{where} “待核” 列（{_column_letter(cols['review'] + 1)} 列）",
                               problems) if "review" in cols else None)
        diff, _ = plan(rec, values)
        marks = set(rec["needs_review"])
        confirmed = [k for k in LABELS if k in marks and k not in diff and listed is not None and k not in listed]
        try:
            vols, withdraw = guard(rec, diff, conn, force)
        except BoundRecordError as e:
            problems.append(f"{where}：{e}")
            continue
        planned.append((rec, diff, confirmed, vols, withdraw))
    return planned, problems
