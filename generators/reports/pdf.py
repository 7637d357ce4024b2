"""Reports as PDF, drawn with reportlab (no LibreOffice): the chart, the tables, page numbers, with an
embedded subset of a CJK font."""
from __future__ import annotations

import io

from archive.common.cjk_font import drawable, serif_font_for

from .chart import chart_png
from .views import MAX_DOC_ROWS, subtitle_of, summary_lines, title_of, views_of


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
    sections = []                  # (heading, note, notice, table rows as strings) for each view
    for n, v in enumerate(views, 1):
        rows = v.rows[:MAX_DOC_ROWS]
        notice = (f"共 {len(v.rows)} 行，此处列出前 {len(rows)} 行；完整清单见 xlsx 或 csv 格式。"
                  if len(v.rows) > len(rows) else "")
        table = [[h for _, h in v.columns]]
        # a character no CJK face can draw (✗, emoji in a file name) is shown as its code, not as a box
        table += [[drawable("" if r.get(k) is None else str(r.get(k))) for k, _ in v.columns] for r in rows]
        sections.append((f"{n}. {v.title}", drawable(v.note), notice, table if rows else None))
    # the PDF carries its own font: a Noto Serif CJK subset of exactly the characters drawn, so no
    # character falls back to the font's empty box
    title_text, subtitle_text = drawable(title_of(rep)), drawable(subtitle_of(rep))
    summary = [drawable(line) for line in summary_lines(rep)]
    drawn = [title_text, subtitle_text, *summary, "第页", "无。"]
    for heading, note, notice, table in sections:
        drawn += [heading, note, notice, *("".join(row) for row in table or [])]
    font = serif_font_for("".join(drawn))
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
                            bottomMargin=margin, title=title_of(rep), author="minzheng",
                            initialFontName=font)          # else reportlab references Helvetica
    width = page[0] - 2 * margin

    def page_no(canvas, d):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(page[0] / 2, 10 * mm, f"第 {d.page} 页")
        canvas.restoreState()

    story = [Paragraph(_esc(title_text), title), Paragraph(_esc(subtitle_text), sub)]
    story += [Paragraph(_esc(line), body) for line in summary]
    if chart.labels:
        story += [Spacer(1, 6), Image(io.BytesIO(chart_png(chart)), width=200 * mm, height=200 * mm * 700 / 1600)]
    for v, (heading, note, notice, table) in zip(views, sections):
        story.append(Paragraph(_esc(heading), h1))
        if note:
            story.append(Paragraph(_esc(note), body))
        if table is None:
            story.append(Paragraph("无。", body))
            continue
        if notice:
            story.append(Paragraph(_esc(notice), body))
        data = [[Paragraph(_esc(h), head) for h in table[0]]]
        data += [[Paragraph(_esc(c), cell) for c in row] for row in table[1:]]
        rel = v.widths or [1.0] * len(v.columns)
        t = LongTable(data, colWidths=[width * x / sum(rel) for x in rel], repeatRows=1)
        t.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), font, 8.5),       # the cells' own font: else Helvetica is referenced
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("NOSPLIT", (0, -2), (-1, -1)),             # the last row (合计) never stands alone on a page
        ]))
        story.append(t)
    doc.build(story, onFirstPage=page_no, onLaterPages=page_no)
    return buf.getvalue()


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
