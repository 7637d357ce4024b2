"""The pieces the template builder (tools/make_templates.py) puts together: a clean WordprocessingML
package written from scratch (styles with w:eastAsia fonts, zh-CN language, A4 with margins), and
helpers for paragraphs, tables with repeated headers and fixed widths, no-wrap cells, page breaks."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

OUT_DIR = Path(__file__).resolve().parent.parent / "templates"

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

SONG, FANG, HEI = "宋体", "仿宋", "黑体"


def rfonts(east: str) -> str:
    return (f'<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
            f'w:eastAsia="{east}" w:cs="Times New Roman"/>')


def pstyle(sid: str, name: str, *, east: str = SONG, size: float | None = None, bold=False,
           align: str | None = None, before=0, after=0, line: int | None = None, indent_chars=0,
           keep_next=False, keep_lines=False, based="Normal") -> str:
    ppr = ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if keep_lines:
        ppr += "<w:keepLines/>"
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line:
        spacing += f' w:line="{line}" w:lineRule="auto"'
    ppr += spacing + "/>"
    if indent_chars:
        ppr += f'<w:ind w:firstLineChars="{indent_chars * 100}" w:firstLine="{int(indent_chars * (size or 12) * 20)}"/>'
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    rpr = rfonts(east) + ("<w:b/><w:bCs/>" if bold else "")
    if size:
        rpr += f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>'
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{based}"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {W}>
<w:docDefaults>
<w:rPrDefault><w:rPr>{rfonts(SONG)}<w:kern w:val="2"/><w:sz w:val="24"/><w:szCs w:val="24"/>
<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr>{rfonts(SONG)}</w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>
<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>
<w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>
<w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>
<w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders></w:tblPr></w:style>
{pstyle("Title", "Title", east=HEI, size=22, align="center", before=0, after=240)}
{pstyle("Subtitle", "Subtitle", east=FANG, size=14, align="center", after=200)}
{pstyle("Heading1", "heading 1", east=HEI, size=16, before=240, after=120, keep_next=True)}
{pstyle("Body", "Body", east=FANG, size=14, line=360, indent_chars=2)}
{pstyle("Plain", "Plain", east=SONG, size=12, line=300)}
{pstyle("WallTitle", "WallTitle", east=HEI, size=36, align="center", before=0, after=240)}
{pstyle("WallHeading", "WallHeading", east=HEI, size=18, before=120, after=60, keep_next=True)}
{pstyle("WallBody", "WallBody", east=FANG, size=16, line=320, indent_chars=2, keep_lines=True)}
{pstyle("WallItem", "WallItem", east=FANG, size=16, line=264, after=60, indent_chars=2, keep_lines=True)}
{pstyle("WallTable", "WallTable", east=FANG, size=15, line=240)}
{pstyle("TableText", "TableText", east=SONG, size=10.5)}
{pstyle("TableHead", "TableHead", east=HEI, size=10.5, align="center")}
{pstyle("Signature", "Signature", east=FANG, size=14, before=240, line=360)}
{pstyle("FormSign", "FormSign", east=FANG, size=12, before=100, line=300)}
{pstyle("Header", "header", east=SONG, size=9, align="center")}
{pstyle("Footer", "footer", east=SONG, size=9, align="center")}
</w:styles>"""

FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts {W}>
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="仿宋"><w:altName w:val="FangSong"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
</w:fonts>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {W}><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>"""

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W} {R}><w:body><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>
<w:pgMar w:top="1440" w:right="1247" w:bottom="1440" w:left="1531" w:header="851" w:footer="851" w:gutter="0"/>
</w:sectPr></w:body></w:document>"""

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>民政办文书模板</dc:title>
<dc:creator>minzheng</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>minzheng</Application></Properties>"""


def blank_document(*, landscape: bool = False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("word/document.xml", DOCUMENT), ("word/_rels/document.xml.rels", DOC_RELS),
                           ("word/styles.xml", STYLES), ("word/settings.xml", SETTINGS),
                           ("word/fontTable.xml", FONT_TABLE), ("docProps/core.xml", CORE),
                           ("docProps/app.xml", APP)]:
            z.writestr(name, text.encode("utf-8"))
    buf.seek(0)
    doc = Document(buf)
    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
        sec.top_margin = sec.bottom_margin = Mm(20)
        sec.left_margin = sec.right_margin = Mm(20)
    else:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(25), Mm(25)
        sec.left_margin, sec.right_margin = Mm(27), Mm(22)
    return doc


# ---------------------------------------------------------------- helpers
def para(doc_or_cell, text: str = "", style: str = "Plain", *, align: str | None = None):
    p = doc_or_cell.add_paragraph(style=style)
    if text:
        p.add_run(text)
    if align:
        p.paragraph_format.alignment = {"center": 1, "right": 2, "left": 0}[align]
    return p


def cell_text(cell, text: str, style: str = "TableText", align: str | None = None):
    p = cell.paragraphs[0]
    p.style = style
    if text:
        p.add_run(text)
    if align:
        p.paragraph_format.alignment = {"center": 1, "right": 2, "left": 0}[align]


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    trpr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))


CELL_MARGIN_MM = 1.0      # left/right padding inside table cells (Word's default 1.9 mm wraps short numbers)


def table(doc, headers: list[str], widths_mm: list[float], *, head_style="TableHead", loop: str | None = None,
          cells: list[str] | None = None, body_style="TableText", aligns: list[str] | None = None,
          footer: list[str] | None = None, nowrap: tuple[int, ...] = ()):
    """A grid table: header row (repeated on each page), then an optional docxtpl loop row.

    Column widths are chosen so that each header fits on one or two lines of whole words and numbers
    (ID numbers, dates, phones, amounts) on one line; `nowrap` columns also say so to Word (w:noWrap)."""
    n = len(headers)
    t = doc.add_table(rows=1, cols=n)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    margin = int(Mm(CELL_MARGIN_MM).twips)
    t._tbl.tblPr.append(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="{margin}" w:type="dxa"/>'
        f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'))
    for i, h in enumerate(headers):
        cell_text(t.rows[0].cells[i], h, head_style, "center")
    repeat_header(t.rows[0])
    if loop:
        start = t.add_row()
        cell_text(start.cells[0], "{%tr for r in " + loop + " %}", body_style)
        body = t.add_row()
        body._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))   # a row never splits
        for i, c in enumerate(cells or []):
            cell_text(body.cells[i], c, body_style, (aligns or [None] * n)[i])
            if i in nowrap:
                no_wrap(body.cells[i])
        end = t.add_row()
        cell_text(end.cells[0], "{%tr endfor %}", body_style)
    if footer:
        row = t.add_row()
        for i, c in enumerate(footer):
            cell_text(row.cells[i], c, head_style if i == 0 else body_style, (aligns or [None] * n)[i])
    set_widths(t, widths_mm)
    return t


def no_wrap(cell) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:noWrap {nsdecls("w")}/>'))


def keep_with_next(row) -> None:
    """Every paragraph of `row` keeps with the next one: the row stays on the page of what follows it."""
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def set_widths(t, widths_mm: list[float]) -> None:
    """Column widths in the grid (LibreOffice reads tblGrid) and in every cell (Word reads tcW)."""
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in t.rows:
        for i, w in enumerate(widths_mm):
            row.cells[i].width = Mm(w)


def field_run(paragraph, instr: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr="{instr}"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))


def header_footer(doc, header_text: str) -> None:
    sec = doc.sections[0]
    hp = sec.header.paragraphs[0]
    hp.style = "Header"
    hp.add_run(header_text)
    fp = sec.footer.paragraphs[0]
    fp.style = "Footer"
    fp.add_run("第 ")
    field_run(fp, "PAGE")
    fp.add_run(" 页 共 ")
    field_run(fp, "NUMPAGES")
    fp.add_run(" 页")


def page_break(doc) -> None:
    doc.add_paragraph(style="Plain").add_run().add_break(__import__("docx").enum.text.WD_BREAK.PAGE)
