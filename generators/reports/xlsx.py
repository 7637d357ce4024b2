"""Reports as an Excel workbook: one sheet per view, the summary sheet with a native bar chart."""
from __future__ import annotations

import io

from archive.common.tables import display_width
from archive.common.xlsx_text import keep_text

from .views import subtitle_of, title_of, views_of


def render_xlsx(rep: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    views, chart = views_of(rep)
    wb = Workbook()
    wb.remove(wb.active)
    head_font = Font(name="宋体", bold=True)
    body_font = Font(name="宋体")
    fill = PatternFill("solid", fgColor="DDE6F0")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for n, v in enumerate(views):
        ws = wb.create_sheet(v.title[:31])
        ws.append([title_of(rep) if n == 0 else v.title])
        ws["A1"].font = Font(name="黑体", bold=True, size=14)
        ws.append([subtitle_of(rep) if n == 0 else (v.note or "")])
        first = 3
        ws.append([h for _, h in v.columns])
        for r in v.rows:
            ws.append([_xl(r.get(k)) for k, _ in v.columns])
        for cell in ws[first]:
            cell.font, cell.fill, cell.border = head_font, fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in ws.iter_rows(min_row=first + 1, max_row=ws.max_row):
            for cell in row:
                keep_text(cell)              # a name or title that starts with = is text, not a formula to run
                cell.font, cell.border = body_font, border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = ws.cell(row=first + 1, column=1)
        for i, (k, h) in enumerate(v.columns, 1):
            width = max([display_width(h)] + [display_width(str(r.get(k, ""))) for r in v.rows[:500]]) + 2
            ws.column_dimensions[get_column_letter(i)].width = min(max(width, 6), 60)
        if v.rows:
            ws.auto_filter.ref = f"A{first}:{get_column_letter(len(v.columns))}{first + len(v.rows)}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{first}:{first}"
        if n == 0 and chart.labels:
            # the chart reads the numbers from a small table next to the view, so it updates with them
            col = len(v.columns) + 2
            ws.cell(row=first, column=col, value="机构")
            ws.cell(row=first, column=col + 1, value=chart.y_title)
            for j, (label, value) in enumerate(zip(chart.labels, chart.values), 1):
                ws.cell(row=first + j, column=col, value=label)
                ws.cell(row=first + j, column=col + 1, value=value)
            bar = BarChart()
            bar.type, bar.style = "col", 10
            bar.title, bar.y_axis.title = chart.title, chart.y_title
            bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, chart.max_value
            data = Reference(ws, min_col=col + 1, min_row=first, max_row=first + len(chart.labels))
            cats = Reference(ws, min_col=col, min_row=first + 1, max_row=first + len(chart.labels))
            bar.add_data(data, titles_from_data=True)
            bar.set_categories(cats)
            bar.legend = None
            bar.height, bar.width = 8, 16
            ws.add_chart(bar, ws.cell(row=first + len(v.rows) + 3, column=1).coordinate)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xl(v):
    return "" if v is None else v
