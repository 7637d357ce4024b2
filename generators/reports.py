"""Render inspectors' reports (completeness, standardization) to text, JSON, CSV, XLSX, DOCX and PDF.

Every format is drawn from the same views of the report's dict (`to_dict()`), so the numbers agree:
- xlsx: one sheet per view, the summary sheet with a native Excel bar chart;
- docx: landscape A4, a bar-chart image (Pillow), tables sized to the page, header rows repeated,
  Chinese fonts set in w:eastAsia;
- pdf: drawn with reportlab directly (no LibreOffice), same chart and tables, page numbers;
- csv: one table, UTF-8 with BOM (opens in Excel): column 视图 says which view a row belongs to;
- json: the report dict itself.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.cjk_font import serif_font_for, system_font
from archive.common.errors import ConfigError
from archive.common.files import atomic_write_bytes
from archive.common.tables import display_width, format_table

FORMATS = ("text", "json", "csv", "xlsx", "docx", "pdf")
MAX_DOC_ROWS = 1000        # docx/pdf list at most this many rows per view (xlsx/csv/json have them all)


@dataclass
class View:
    key: str
    title: str                                  # sheet name / section heading (Chinese)
    columns: list[tuple[str, str]]              # (key, Chinese header)
    rows: list[dict] = field(default_factory=list)
    widths: list[float] | None = None           # relative column widths for docx/pdf
    note: str = ""
    text_rows: int = 100                        # rows shown on screen (text format)


@dataclass
class Chart:
    title: str
    labels: list[str]
    values: list[float]
    y_title: str
    max_value: float = 100.0
    line: float | None = None                  # e.g. the pass line


# ---------------------------------------------------------------- views
def _pct(v) -> str:
    return f"{v:.1f}%"


def completeness_views(rep: dict) -> tuple[list[View], Chart]:
    offices = rep["offices"]
    summary = View("summary", "机构汇总", [
        ("code", "机构代码"), ("name", "机构"), ("households", "应建户档"), ("complete", "齐全户档"),
        ("percent", "齐全率（%）"), ("missing_count", "缺件数"), ("metadata_gap_count", "著录缺项件数"),
        ("sequence_gaps", "断号组数"), ("unbound", "逾期未装订件数"), ("fixity_count", "原件校验失败"),
        ("needs_review", "待复核记录")],
        widths=[1.2, 1.6, 1.1, 1.1, 1, 1, 1.3, 1, 1.3, 1.2, 1.1])
    for o in offices:
        summary.rows.append({
            "code": o["code"], "name": o["name"], "households": o["households"], "complete": o["complete"],
            "percent": o["percent"], "missing_count": o["missing_count"],
            "metadata_gap_count": o["metadata_gap_count"], "sequence_gaps": len(o["sequence_gaps"]),
            "unbound": sum(u["records"] for u in o["unbound"]), "fixity_count": o.get("fixity_count", len(o["fixity"])),
            "needs_review": o["needs_review"]})
    s = rep["summary"]
    summary.rows.append({"code": "合计", "name": rep.get("county", ""), "households": s["households"],
                         "complete": s["complete"], "percent": s["percent"], "missing_count": s["missing"],
                         "metadata_gap_count": s["metadata_gaps"], "sequence_gaps": s["sequence_gaps"],
                         "unbound": s["unbound_records"], "fixity_count": s["fixity_failures"],
                         "needs_review": s["needs_review"]})
    overview = View("overview", "机构×救助类别", [
        ("code", "机构代码"), ("name", "机构"), ("category", "类别"), ("class_name", "救助类别"),
        ("households", "应建户档"), ("complete", "齐全户档"), ("percent", "齐全率（%）"), ("missing", "缺件数"),
        ("records", "户档记录"), ("unmatched_records", "未归户记录")],
        widths=[1.1, 1.4, 0.8, 2.4, 1, 1, 1, 0.9, 1, 1.1])
    missing = View("missing", "缺件明细", [
        ("code", "机构代码"), ("name", "机构"), ("category", "类别"), ("household", "户主身份证号/户号"),
        ("household_name", "户主"), ("village", "村（居）"), ("document_type", "缺少的材料")],
        widths=[1, 1.3, 0.8, 2.4, 1.1, 1.3, 2.2])
    for o in offices:
        for c in o["classes"]:
            overview.rows.append({"code": o["code"], "name": o["name"], "category": c["category"],
                                  "class_name": c["name"], "households": c["households"], "complete": c["complete"],
                                  "percent": c["percent"], "missing": len(c["missing"]),
                                  "records": c["records"], "unmatched_records": c["unmatched_records"]})
            for m in c["missing"]:
                missing.rows.append({"code": o["code"], "name": o["name"], "category": c["category"],
                                     "household": m["household"], "household_name": m.get("name", ""),
                                     "village": m.get("village", ""), "document_type": m["document_type"]})
    meta_fields = View("metadata_fields", "著录缺项统计", [
        ("code", "机构代码"), ("name", "机构"), ("field", "著录项"), ("records", "缺此项的件数")], widths=[1, 1.3, 1.2, 1.2])
    for o in offices:
        for f, n in o["metadata_gap_fields"].items():
            meta_fields.rows.append({"code": o["code"], "name": o["name"], "field": f, "records": n})
    meta = View("metadata", "著录缺项", [
        ("code", "机构代码"), ("record_id", "记录号"), ("original_name", "文件名"), ("title", "题名"),
        ("year", "年度"), ("category", "类别"), ("missing", "缺少的著录项")],
        widths=[1, 0.8, 2.6, 3, 0.7, 0.6, 1.8], text_rows=20)
    seq = View("sequence", "件号断号", [
        ("code", "机构代码"), ("category", "类别"), ("year", "年度"), ("retention", "保管期限"),
        ("missing", "缺号"), ("duplicates", "重号")], widths=[1, 0.8, 0.8, 1, 4, 2])
    unbound = View("unbound", "逾期未装订", [
        ("code", "机构代码"), ("category", "类别"), ("year", "年度"), ("retention", "保管期限"), ("records", "件数")],
        widths=[1, 1, 1, 1, 1])
    fix = View("fixity", "原件校验", [
        ("code", "机构代码"), ("record_id", "记录号"), ("original_name", "文件名"), ("sha256", "SHA-256"),
        ("problem", "问题")], widths=[1, 0.8, 2.4, 3.4, 3])
    for o in offices:
        for g in o["metadata_gaps"]:
            meta.rows.append({**g, "code": o["code"], "missing": "、".join(g["missing"])})
        for g in o["sequence_gaps"]:
            seq.rows.append({"code": o["code"], "category": g["category"], "year": g["year"],
                             "retention": g["retention"],
                             "missing": "、".join(_range(a, b) for a, b in g["missing"]),
                             "duplicates": "、".join(f"{n:04d}" for n in g["duplicates"])})
        for u in o["unbound"]:
            unbound.rows.append({"code": o["code"], **u})
        for f in o["fixity"]:
            fix.rows.append({"code": o["code"], **f})
    if s["metadata_gaps"] > len(meta.rows):
        meta.note = f"共 {s['metadata_gaps']} 件，此处列出前 {len(meta.rows)} 件"
    chart = Chart("各机构户档齐全率", [o["name"] for o in offices], [o["percent"] for o in offices], "齐全率（%）")
    return [summary, overview, missing, meta_fields, meta, seq, unbound, fix], chart


def _range(a: int, b: int) -> str:
    return f"{a:04d}" if a == b else f"{a:04d}–{b:04d}"


def standardization_views(rep: dict) -> tuple[list[View], Chart]:
    total = View("summary", "总评", [
        ("code", "机构代码"), ("name", "机构"), ("score", "得分"), ("qualifies", "可申请返还一半经费"),
        ("failed_essential", "不合格必备项"), ("failed", "不合格项")], widths=[1, 1.3, 0.8, 1.6, 2.6, 4])
    items = View("items", "检查项", [
        ("code", "机构代码"), ("name", "机构"), ("item", "检查项"), ("essential", "必备"), ("weight", "分值"),
        ("result", "结果"), ("points", "得分"), ("evidence", "依据与实际情况")],
        widths=[0.9, 1.1, 2.2, 0.6, 0.6, 0.8, 0.6, 6.5])
    for o in rep["offices"]:
        total.rows.append({"code": o["code"], "name": o["name"], "score": _num(o["score"]),
                           "qualifies": "是" if o["qualifies"] else "否",
                           "failed_essential": "、".join(o["failed_essential"]), "failed": "、".join(o["failed"])})
        for i in o["items"]:
            items.rows.append({"code": o["code"], "name": o["name"], "item": i["name"],
                               "essential": "是" if i["essential"] else "", "weight": _num(i["weight"]),
                               "result": "合格" if i["passed"] else "不合格", "points": _num(i["points"]),
                               "evidence": i["evidence"]})
    total.note = f"合格线：得分不低于 {_num(rep['pass_score'])} 且必备项全部合格"
    chart = Chart("各机构规范化建设得分", [o["name"] for o in rep["offices"]], [o["score"] for o in rep["offices"]],
                  "得分", line=rep["pass_score"])
    return [total, items], chart


def _num(v: float):
    return int(v) if float(v).is_integer() else v


def views_of(rep: dict) -> tuple[list[View], Chart]:
    if rep.get("kind") == "standardization":
        return standardization_views(rep)
    return completeness_views(rep)


def title_of(rep: dict) -> str:
    what = "规范化建设检查验收报告" if rep.get("kind") == "standardization" else "档案完整性报告"
    f = rep.get("filters", {})
    scope = "".join([f"（{f['year']} 年度）" if f.get("year") else ""])
    return f"{rep.get('county', '')}民政办{what}{scope}"


def subtitle_of(rep: dict) -> str:
    f = rep.get("filters", {})
    parts = [f"规则集：{rep.get('rules', '')}"]
    if f.get("office"):
        parts.append(f"机构：{f['office']}")
    if f.get("category"):
        parts.append(f"类别：{f['category']}")
    parts.append(f"生成时间：{rep.get('generated_at', '')[:19].replace('T', ' ')}")
    return "　".join(parts)


def summary_lines(rep: dict) -> list[str]:
    s = rep["summary"]
    if rep.get("kind") == "standardization":
        return [f"共 {s['offices']} 个民政办，{s['qualified']} 个达到验收合格线（可申请返还一半建设经费），"
                f"平均得分 {s['mean_score']}。"]
    return [f"共 {s['offices']} 个民政办，应建户档 {s['households']} 户，齐全 {s['complete']} 户（{_pct(s['percent'])}），"
            f"缺件 {s['missing']} 件。",
            f"著录缺项 {s['metadata_gaps']} 件，件号断号 {s['sequence_gaps']} 处，逾期未装订 {s['unbound_records']} 件，"
            f"原件校验失败 {s['fixity_failures']} 件，推断归户待复核 {s['needs_review']} 件。"]


# ---------------------------------------------------------------- entry points
def render_report(report, fmt: str, out: Path | str | None = None) -> str | Path:
    """Render `report` (a report object or its dict). text/json/csv without `out` return the string;
    otherwise the file is written (atomically) and its path returned."""
    rep = report.to_dict() if hasattr(report, "to_dict") else report
    fmt = (fmt or "text").lower()
    if fmt not in FORMATS:
        raise ConfigError(f"不支持的报告格式 {fmt}；可用：{'、'.join(FORMATS)}")
    if fmt in ("text", "json", "csv"):
        s = {"text": render_text, "json": render_json, "csv": render_csv}[fmt](rep)
        if out is None:
            return s
        data = s.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    else:
        if out is None:
            raise ConfigError(f"{fmt} 格式需要指定输出文件（--out 文件名.{fmt}）")
        data = {"xlsx": render_xlsx, "docx": render_docx, "pdf": render_pdf}[fmt](rep)
    out = Path(out)
    atomic_write_bytes(out, data)
    return out


def render_json(rep: dict) -> str:
    return json.dumps(rep, ensure_ascii=False, indent=2, default=str)


def render_text(rep: dict) -> str:
    views, _ = views_of(rep)
    lines = [title_of(rep), subtitle_of(rep), ""] + summary_lines(rep)
    for v in views:
        if not v.rows:
            continue
        lines += ["", f"【{v.title}】" + (f"（{v.note}）" if v.note else "")]
        rows = v.rows[:v.text_rows]
        lines.append(format_table(rows, v.columns))
        if len(v.rows) > len(rows):
            lines.append(f"……（共 {len(v.rows)} 行，只显示前 {len(rows)} 行；完整清单请用 --format xlsx 或 csv）")
    return "\n".join(lines)


def render_csv(rep: dict) -> str:
    views, _ = views_of(rep)
    headers: list[str] = ["视图"]
    for v in views:
        for _, h in v.columns:
            if h not in headers:
                headers.append(h)
    buf = io.StringIO()
    w = csv.DictWriter(buf, headers, lineterminator="\n")
    w.writeheader()
    for v in views:
        for r in v.rows:
            w.writerow({"视图": v.title, **{h: _cell(r.get(k)) for k, h in v.columns}})
    return buf.getvalue()


def _cell(v):
    return "" if v is None else v


# ---------------------------------------------------------------- xlsx
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


# ---------------------------------------------------------------- chart image (Pillow)
def _cjk_font(size: int):
    from PIL import ImageFont

    path, index = system_font()          # MissingToolError naming fonts-noto-cjk when it isn't installed
    return ImageFont.truetype(str(path), size, index=index)


def chart_png(chart: Chart, width: int = 1600, height: int = 700) -> bytes:
    """A bar chart as PNG (matplotlib-free): one bar per office, value on top, optional pass line."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    f_title, f_label, f_small = _cjk_font(36), _cjk_font(26), _cjk_font(22)
    d.text((width / 2, 20), chart.title, font=f_title, fill="black", anchor="ma")
    left, right, top, bottom = 130, width - 40, 130, height - 90
    d.line([(left, top), (left, bottom), (right, bottom)], fill="black", width=2)
    steps = 5
    for i in range(steps + 1):
        v = chart.max_value * i / steps
        y = bottom - (bottom - top) * i / steps
        d.line([(left - 8, y), (left, y)], fill="black", width=2)
        if i:
            d.line([(left + 1, y), (right, y)], fill="#DDDDDD", width=1)
        d.text((left - 14, y), f"{v:g}", font=f_small, fill="black", anchor="rm")
    d.text((left - 60, top - 30), chart.y_title, font=f_small, fill="black", anchor="ls")
    n = max(len(chart.labels), 1)
    slot = (right - left) / n
    bar_w = min(slot * 0.6, 160)
    for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
        cx = left + slot * (i + 0.5)
        h = (bottom - top) * max(0.0, min(value, chart.max_value)) / chart.max_value
        ok = chart.line is None and value >= 100 or chart.line is not None and value >= chart.line
        d.rectangle([cx - bar_w / 2, bottom - h, cx + bar_w / 2, bottom], fill="#3C78B4" if ok else "#D9534F")
        d.text((cx, bottom - h - 6), f"{value:g}", font=f_small, fill="black", anchor="md")
        d.text((cx, bottom + 14), label, font=f_label if slot > 120 else f_small, fill="black", anchor="ma")
    if chart.line is not None:
        y = bottom - (bottom - top) * chart.line / chart.max_value
        for x in range(left, right, 24):
            d.line([(x, y), (min(x + 12, right), y)], fill="#D9534F", width=3)
        d.text((right, y - 6), f"合格线 {chart.line:g}", font=f_small, fill="#D9534F", anchor="rd")
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


# ---------------------------------------------------------------- docx
def _east_asia(style_or_run, east_asia: str, ascii_font: str = "Times New Roman") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = style_or_run.element
    rpr = el.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, v in (("w:ascii", ascii_font), ("w:hAnsi", ascii_font), ("w:eastAsia", east_asia), ("w:cs", ascii_font)):
        fonts.set(qn(attr), v)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def render_docx(rep: dict) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    views, chart = views_of(rep)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(1.8)
    sec.top_margin = sec.bottom_margin = Cm(1.8)
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _east_asia(normal, "宋体")
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.size, st.font.bold, st.font.color.rgb = Pt(size), True, RGBColor(0, 0, 0)
        _east_asia(st, "黑体")
    # the page number in the footer
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = p.add_run()
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._r.append(fc)
        else:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            run._r.append(it)

    t = doc.add_paragraph(title_of(rep), style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(subtitle_of(rep)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in summary_lines(rep):
        doc.add_paragraph(line)
    if chart.labels:
        doc.add_picture(io.BytesIO(chart_png(chart)), width=Cm(22))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, v in enumerate(views, 1):
        doc.add_paragraph(f"{n}. {v.title}", style="Heading 1")
        if v.note:
            doc.add_paragraph(v.note)
        if not v.rows:
            doc.add_paragraph("无。")
            continue
        rows = v.rows[:MAX_DOC_ROWS]
        if len(v.rows) > len(rows):
            doc.add_paragraph(f"共 {len(v.rows)} 行，此处列出前 {len(rows)} 行；完整清单见 xlsx 或 csv 格式。")
        table = doc.add_table(rows=1, cols=len(v.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = _widths(v, text_width)
        for col, w in zip(table.columns, widths):
            col.width = w                                     # w:gridCol, which LibreOffice follows
        hdr = table.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        th = OxmlElement("w:tblHeader")
        th.set(qn("w:val"), "true")
        trpr.append(th)                                       # header row repeats on every page
        for cell, (_, h), w in zip(hdr.cells, v.columns, widths):
            cell.width = w
            _cell_text(cell, h, bold=True)
            _shade(cell, "DDE6F0")
        for r in rows:
            cells = table.add_row().cells
            for cell, (k, _), w in zip(cells, v.columns, widths):
                cell.width = w
                _cell_text(cell, "" if r.get(k) is None else str(r.get(k)))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _widths(v: View, total) -> list:
    rel = v.widths or [1.0] * len(v.columns)
    s = sum(rel)
    return [int(total * 0.99 * x / s) for x in rel]     # a little under the width: Word rounds to twips


def _cell_text(cell, text: str, bold: bool = False) -> None:
    from docx.shared import Pt

    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.font.size = Pt(9)
    run.bold = bold
    p.paragraph_format.space_after = Pt(0)


def _shade(cell, color: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shd)


# ---------------------------------------------------------------- pdf (reportlab)
def render_pdf(rep: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        LongTable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    views, chart = views_of(rep)
    # the PDF carries its own font: a Noto Serif CJK subset of every character the report can show
    drawn = json.dumps(rep, ensure_ascii=False) + title_of(rep) + subtitle_of(rep) + "".join(summary_lines(rep))
    drawn += "".join(v.title + (v.note or "") + "".join(h for _, h in v.columns) for v in views)
    font = serif_font_for(drawn + "第页共行此处列出前完整清单见或格式无。")
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=24, alignment=1, spaceAfter=4)
    sub = ParagraphStyle("s", fontName=font, fontSize=9, leading=12, alignment=1, spaceAfter=8)
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=15)
    h1 = ParagraphStyle("h", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    head = ParagraphStyle("hc", parent=cell, alignment=1)

    buf = io.BytesIO()
    page = landscape(A4)
    margin = 18 * mm
    doc = SimpleDocTemplate(buf, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=title_of(rep), author="minzheng")
    width = page[0] - 2 * margin

    def page_no(canvas, d):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(page[0] / 2, 10 * mm, f"第 {d.page} 页")
        canvas.restoreState()

    story = [Paragraph(_esc(title_of(rep)), title), Paragraph(_esc(subtitle_of(rep)), sub)]
    story += [Paragraph(_esc(line), body) for line in summary_lines(rep)]
    if chart.labels:
        story += [Spacer(1, 6), Image(io.BytesIO(chart_png(chart)), width=200 * mm, height=200 * mm * 700 / 1600)]
    for n, v in enumerate(views, 1):
        story.append(Paragraph(_esc(f"{n}. {v.title}"), h1))
        if v.note:
            story.append(Paragraph(_esc(v.note), body))
        if not v.rows:
            story.append(Paragraph("无。", body))
            continue
        rows = v.rows[:MAX_DOC_ROWS]
        if len(v.rows) > len(rows):
            story.append(Paragraph(f"共 {len(v.rows)} 行，此处列出前 {len(rows)} 行；完整清单见 xlsx 或 csv 格式。", body))
        data = [[Paragraph(_esc(h), head) for _, h in v.columns]]
        data += [[Paragraph(_esc("" if r.get(k) is None else str(r.get(k))), cell) for k, _ in v.columns] for r in rows]
        rel = v.widths or [1.0] * len(v.columns)
        t = LongTable(data, colWidths=[width * x / sum(rel) for x in rel], repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        story.append(t)
    doc.build(story, onFirstPage=page_no, onLaterPages=page_no)
    return buf.getvalue()


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
