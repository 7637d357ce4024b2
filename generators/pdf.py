"""PDF output: all .docx of a run through ONE headless LibreOffice process; big ledgers drawn with reportlab.

LibreOffice needs ~12 s for a 1,000-row Word table and minutes for 5,000 rows, so a ledger above
BIG_LEDGER_ROWS is drawn directly (header repeated on every page, page numbers); its .docx stays for editing.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from archive.common.cjk_font import drawable, serif_font_for
from archive.common.errors import MinzhengError
from archive.common.files import atomic_path
from archive.common.tools import soffice_convert
from generators.ledger import LedgerSpec, ledger_rows
from generators.office.model import Office
from generators.render import money

log = logging.getLogger(__name__)

BIG_LEDGER_ROWS = 300


def convert_with_soffice(docs: list[Path], *, timeout: float = 900) -> list[Path]:
    """Convert every .docx in `docs` to PDF next to it, in one LibreOffice run."""
    if not docs:
        return []
    with tempfile.TemporaryDirectory(prefix="minzheng-pdf-") as work:
        made = soffice_convert(docs, "pdf:writer_pdf_Export", Path(work), timeout=timeout)
        written, missing = [], []
        for d in docs:
            if made[Path(d)] is None:
                missing.append(d.name)
                continue
            target = d.with_suffix(".pdf")
            with atomic_path(target) as tmp:
                shutil.copyfile(made[Path(d)], tmp)
            written.append(target)
    if missing:
        raise MinzhengError(f"LibreOffice 没有转换出这些文件的 PDF：{'、'.join(missing)}。"
                            f"请用 -vv 查看 LibreOffice 的输出，或在 Word 中打开检查")
    return written


def ledger_pdf(office: Office, spec: LedgerSpec, year: int, today: date, target: Path,
               cache_dir: Path | None = None) -> Path:
    """Draw a ledger as PDF with reportlab: A4 landscape, header row on every page, “第 N 页”."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        LongTable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    header = ["序号", "姓名", "性别", "公民身份号码", "村（居）", "家庭人口", spec.amount_label, "开始日期",
              "救助原因", "联系电话"]
    widths = [12, 18, 11, 42, 30, 18, 31, 22, 49, 27]         # mm: numbers, dates and headers on one line
    data = [header]
    for r in ledger_rows(spec):       # a character no CJK face can draw is shown as its code, not as a box
        data.append([drawable(str(c)) for c in (r["no"], r["name"], r["gender"], r["id_number"], r["village"],
                                                r["household_size"], r["amount"], r["start_date"], r["reason"],
                                                r["phone"])])

    data.append(["合计", f"{spec.households}户", "", "", "", str(spec.persons), money(spec.amount), "", "", ""])
    page_title = drawable(f"{office.full_name}　{spec.title}（{year}年度）")
    doc_title = drawable(f"{office.full_name}{spec.title}")
    # the PDF carries its own font: a Noto Serif CJK subset of exactly the characters drawn
    subtitle = f"（{year}年度）　填报日期：{today.isoformat()}　单位：元、人"
    drawn = "".join(str(c) for row in data for c in row) + page_title + doc_title + subtitle + "第页"
    font = serif_font_for(drawn, cache_dir)
    title_style = ParagraphStyle("t", fontName=font, fontSize=18, leading=24, alignment=1)
    sub_style = ParagraphStyle("s", fontName=font, fontSize=11, leading=16, alignment=1)
    wrap = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11, wordWrap="CJK")
    reason = header.index("救助原因")
    for row in data[1:-1]:                       # long reasons wrap inside their column
        row[reason] = Paragraph(escape(row[reason]), wrap)
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (5, 1), (5, -1), "CENTER"), ("ALIGN", (6, 1), (6, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, -1), (-1, -1), font, 9),
    ]))

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        w, h = landscape(A4)
        canvas.drawCentredString(w / 2, h - 12 * mm, page_title)
        canvas.drawCentredString(w / 2, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    with atomic_path(target) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=18 * mm, bottomMargin=16 * mm, title=page_title, author=office.full_name,
                                initialFontName=font)       # else reportlab references Helvetica
        doc.build([Paragraph(escape(doc_title), title_style),
                   Paragraph(escape(subtitle), sub_style),
                   Spacer(1, 4 * mm), table], onFirstPage=on_page, onLaterPages=on_page)
    return target
