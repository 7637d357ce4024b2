"""Electronic ledgers (电子台账) as .xlsx: title row, frozen header, filter, widths, a totals row (formulas)."""
from __future__ import annotations

from copy import copy
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from archive.common.files import atomic_path
from archive.common.xlsx_text import keep_text
from generators.ledger import LedgerSpec, ledger_rows
from generators.office.model import Office

# (header, key in ledger_rows, width in characters); monthly aid adds 终止日期 and 变动 (新增/停保/停发)
COLUMNS = [
    ("序号", "no", 6), ("姓名", "name", 10), ("性别", "gender", 6), ("公民身份号码", "id_number", 21),
    ("村（居）", "village", 14), ("家庭人口", "household_size", 9), (None, "amount_value", 16),
    ("开始日期", "start_date", 12), ("救助原因", "cause", 24), ("联系电话", "phone", 14),
]
MONTHLY_COLUMNS = COLUMNS[:8] + [("终止日期", "end_date", 12), ("变动", "change", 10)] + COLUMNS[8:]
ONE_OFF_COLUMNS = [("发放日期", k, w) if k == "start_date" else (h, k, w) for h, k, w in COLUMNS]
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 3, 4
CJK_FONT = "宋体"


def write_ledger_xlsx(office: Office, spec: LedgerSpec, year: int, today: date, target: Path) -> Path:
    columns = MONTHLY_COLUMNS if spec.monthly else ONE_OFF_COLUMNS
    wb = Workbook()
    ws = wb.active
    ws.title = spec.class_name[:31]
    ncol = len(columns)
    last_col = get_column_letter(ncol)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(name="黑体", bold=True, size=11)
    body_font = Font(name=CJK_FONT, size=10.5)

    ws.cell(TITLE_ROW, 1, f"{office.full_name}{spec.title}（{year}年度）").font = Font(name="黑体", size=16, bold=True)
    ws.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 28
    ws.cell(2, 1, f"填报单位：{office.full_name}　填报日期：{today.isoformat()}　单位：元、人").font = body_font
    ws.merge_cells(f"A2:{last_col}2")

    for c, (header, _, width) in enumerate(columns, 1):
        cell = ws.cell(HEADER_ROW, c, header or spec.amount_label)
        cell.font, cell.border = head_font, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width

    # One styled prototype cell per column; body cells copy its style array. Setting font and border
    # on each of 50,000 cells costs seconds (openpyxl looks every style up again each time).
    protos = []
    for c, (_, key, _) in enumerate(columns, 1):
        proto = ws.cell(FIRST_ROW, c)
        proto.font, proto.border = body_font, border
        if key == "amount_value":
            proto.number_format = "#,##0.00"
        elif key == "id_number":
            proto.number_format = "@"             # text: Excel would round an 18-digit number
        protos.append(proto._style)
    rows = ledger_rows(spec)
    keys = [key for _, key, _ in columns]
    for i, row in enumerate(rows):
        r = FIRST_ROW + i
        for c, key in enumerate(keys, 1):
            cell = ws.cell(r, c, row[key])
            keep_text(cell)               # a name or cause typed as =… is text, never a formula Excel runs
            cell._style = copy(protos[c - 1])
    last = FIRST_ROW + len(rows) - 1
    totals = FIRST_ROW + len(rows)
    amount_col = get_column_letter(_col(columns, "amount_value"))
    size_col = get_column_letter(_col(columns, "household_size"))
    ws.cell(totals, 1, "合计")
    ws.cell(totals, 2, f"{len(rows)}户")
    if rows:
        ws.cell(totals, _col(columns, "household_size"), f"=SUM({size_col}{FIRST_ROW}:{size_col}{last})")
        ws.cell(totals, _col(columns, "amount_value"), f"=SUM({amount_col}{FIRST_ROW}:{amount_col}{last})")
    else:
        ws.cell(totals, _col(columns, "household_size"), 0)
        ws.cell(totals, _col(columns, "amount_value"), 0)
    for c in range(1, ncol + 1):
        cell = ws.cell(totals, c)
        cell.font, cell.border = head_font, border
    ws.cell(totals, _col(columns, "amount_value")).number_format = "#,##0.00"

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{max(last, HEADER_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = f"{office.full_name}{spec.title}"
    wb.properties.creator = "minzheng"
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _col(columns: list, key: str) -> int:
    return next(i for i, (_, k, _) in enumerate(columns, 1) if k == key)
