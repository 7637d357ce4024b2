"""Reports as Word: landscape A4, the chart image, tables sized to the page with header rows repeated,
Chinese fonts set in w:eastAsia."""
from __future__ import annotations

import io

from .chart import chart_png
from .views import MAX_DOC_ROWS, View, subtitle_of, summary_lines, title_of, views_of


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
