"""Build the built-in .docx templates in templates/ (run once after editing this file).

    .venv/bin/python tools/make_templates.py            # rewrites templates/*.docx

The templates are data: a county edits them in Word (or puts its own under ROOT/templates/).
This script only makes the starting point. Each file is a small, clean WordprocessingML
package written from scratch (no python-docx default template, whose theme and font table
make East-Asian text fall back to a Japanese font): the styles set
w:rFonts/@w:eastAsia (宋体, 仿宋, 黑体) and w:lang/@w:eastAsia="zh-CN", A4 pages with margins.
Jinja tags for docxtpl are written one per run, so Word never splits them.
"""
from __future__ import annotations

import io
import sys
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


# ---------------------------------------------------------------- ledger (台账)
def make_ledger():
    doc = blank_document(landscape=True)
    header_footer(doc, "{{ office.full_name }}　{{ ledger.title }}")
    para(doc, "{{ office.full_name }}{{ ledger.title }}", "Title")
    para(doc, "（{{ year }}年度　{{ county }}{{ office.name }}）", "Subtitle")
    para(doc, "填报单位：{{ office.full_name }}　　　　填报日期：{{ today }}　　　　单位：元、人", "Plain")
    table(doc,
          ["序号", "姓名", "性别", "公民身份号码", "村（居）", "家庭人口", "{{ ledger.amount_label }}",
           "开始日期", "救助原因", "联系电话"],
          [10, 18, 10, 38, 28, 18, 26, 21, 62, 25],
          loop="ledger.rows", nowrap=(3, 6, 7, 9),
          cells=["{{ r.no }}", "{{ r.name }}", "{{ r.gender }}", "{{ r.id_number }}", "{{ r.village }}",
                 "{{ r.household_size }}", "{{ r.amount }}", "{{ r.start_date }}", "{{ r.reason }}",
                 "{{ r.phone }}"],
          aligns=["center", None, "center", None, None, "center", "right", "center", None, None],
          footer=["合计", "{{ ledger.totals.households }}户", "", "", "",
                  "{{ ledger.totals.persons }}", "{{ ledger.totals.amount }}", "", "", ""])
    para(doc, "")
    para(doc, "制表人：{{ ledger.maker }}　　　　审核人（主任）：{{ ledger.director }}　　　　"
              "本台账与电子台账（Excel）内容一致，金额单位为元。", "Plain")
    return doc


# ---------------------------------------------------------------- roster (花名册)
def make_roster():
    doc = blank_document()
    header_footer(doc, "{{ office.full_name }}　工作人员花名册")
    para(doc, "{{ office.full_name }}工作人员花名册", "Title")
    para(doc, "（{{ year }}年度）", "Subtitle")
    para(doc, "{{ office.kind_label }}人口：{{ office.population }}人　　村（居）委会：{{ office.villages|length }}个　　"
              "办公电话：{{ office.phone }}", "Plain")
    para(doc, "一、民政专职工作人员", "Heading 1")
    table(doc, ["序号", "姓名", "性别", "职务", "公民身份号码", "学历", "到岗日期", "持证上岗", "联系电话"],
          [10, 16, 10, 18, 38, 10, 21, 11, 25],
          loop="staff", nowrap=(4, 6, 8),
          cells=["{{ r.no }}", "{{ r.name }}", "{{ r.gender }}", "{{ r.role }}", "{{ r.id_number }}",
                 "{{ r.education }}", "{{ r.hired }}", "{{ r.certified }}", "{{ r.phone }}"],
          aligns=["center", None, "center", "center", None, "center", "center", "center", None],
          footer=["合计", "{{ staff|length }}人", "", "", "", "", "", "", ""])
    para(doc, "二、村（居）民政协理员", "Heading 1")
    table(doc, ["序号", "村（居）委会", "姓名", "性别", "公民身份号码", "持证上岗", "联系电话"],
          [10, 34, 20, 10, 38, 18, 25],
          loop="assistants", nowrap=(4, 6),
          cells=["{{ r.no }}", "{{ r.village }}", "{{ r.name }}", "{{ r.gender }}", "{{ r.id_number }}",
                 "{{ r.certified }}", "{{ r.phone }}"],
          aligns=["center", None, None, "center", None, "center", None],
          footer=["合计", "{{ assistants_named }}人（{{ office.villages|length }}个村居）", "", "", "", "", ""])
    para(doc, "")
    para(doc, "人员如有变动，须报县（市）民政局同意并备案。新任人员经培训考试合格后持证上岗。", "Plain")
    para(doc, "填表人：________　　主任：{{ director }}　　填表日期：{{ today }}", "Signature")
    return doc


# ---------------------------------------------------------------- wall rules (上墙制度)
DUTIES = [
    "宣传并落实国家和省、市民政法规政策，拟订本{{ office.kind }}民政工作的年度计划并组织实施。",
    "办理城乡最低生活保障的申请受理、入户核查、审核和日常管理；办理医疗救助、助学救助的申请和审查，救助资金按时足额发放到户。",
    "做好特困人员（五保）供养，随时掌握供养对象的生活状况，供养金按时足额发放。",
    "做好灾害应对和救灾救济：及时核实、上报灾情，摸清受灾困难群众底数，发放救灾款物，安排好受灾群众生活，组织灾后重建和生产自救。",
    "办理临时救助，做好六十年代精简退职人员等特殊对象的基本生活救助。",
    "做好重点优抚对象的服务和管理，落实优待抚恤政策，按时发放抚恤补助金，开展双拥工作。",
    "管理本{{ office.kind }}敬老院、村级五保之家等社会福利机构，发展社会福利事业。",
    "落实老年人优待政策，维护老年人合法权益，指导基层老年人协会开展活动。",
    "指导村（居）务公开和民主管理，推动村（居）民自治和社区建设、社区服务。",
    "承办行政区划、地名和界线管理中上级交办的工作。",
    "做好殡葬管理，推进殡葬改革。",
    "组织慈善捐助和经常性社会捐赠。",
    "做好民政信访、信息报送、政策宣传咨询和民政档案管理。",
    "按要求协助做好福利彩票发行。",
    "协助做好婚姻登记、弃婴收养、老区建设等民政工作。",
    "完成党委、政府和上级民政部门交办的其他工作。",
]

RULES = [
    ("学习制度", "工作人员每月至少集中学习一次民政法规和政策，做好学习记录；新政策出台后及时组织学习，做到人人讲得清、办得准。"),
    ("首问负责制", "群众来办事或咨询，第一个接待的工作人员负责到底：能当场办的当场办；不能办的说明理由，告诉群众该找谁、去哪里。"),
    ("一次性告知制", "办理事项的条件、材料、程序和时限一次讲清，并给书面告知单，不让群众为补材料多跑路。"),
    ("限时办结制", "材料齐全的事项按承诺时限办结；遇特殊情况不能按时办结的，主动向申请人说明原因和预计时间。"),
    ("公示公开制", "救助对象、救助标准和发放结果按规定在公示栏公示，公示期间接受群众监督，对反映的问题逐件核实并答复。"),
    ("资金管理制度", "各类救助资金通过银行直接发放到对象账户，工作人员不经手现金，不截留、不挪用、不优亲厚友。"),
    ("档案管理制度", "台账和档案按年度、类别整理装订，专人管理；电子台账与纸质档案保持一致；查阅、借阅须登记。"),
    ("信息保密制度", "救助对象的身份证号码、家庭收入、健康状况等个人信息只用于民政工作，不对外泄露，公示时身份证号码隐去中间部分。"),
    ("回避制度", "工作人员及村（居）干部的近亲属申请救助的，本人不参与调查、评议和审核，并如实登记备案。"),
    ("考勤和值班制度", "工作人员按时上下班，外出办事登记去向；工作时间办公室有人值守，保证群众来了有人接待。"),
]

PROCEDURE = [
    ("申请", "申请人向户籍所在地{{ office.kind }}民政办提出书面申请，也可委托村（居）委会代为提出。", "随时"),
    ("受理", "材料齐全的当场受理并出具受理回执；材料不全的一次性告知需补充的内容。", "当场"),
    ("调查核对", "工作人员入户调查、走访邻里，通过信息系统核对家庭收入和财产状况。", "10个工作日"),
    ("民主评议", "村（居）委会组织评议，评议结果在村（居）公开栏张榜。", "5个工作日"),
    ("审核公示", "{{ office.kind }}民政办提出审核意见，在申请人所在村（居）公示7天。", "7天"),
    ("审批", "报县民政局审批；不予批准的，书面告知理由。", "10个工作日"),
    ("发放与管理", "批准后按月将救助金打入对象账户，定期复核，家庭情况变化时及时调整。", "按月"),
]

GUIDE = [
    ("城乡最低生活保障", "家庭人均收入低于当地低保标准、财产符合规定的城乡居民", "申请书、户口簿和身份证复印件、收入证明、家庭经济状况核对授权书"),
    ("特困人员供养", "无劳动能力、无生活来源、无法定赡养抚养扶养义务人（或其无能力）的老年人、残疾人和未成年人", "申请书、户口簿和身份证复印件、残疾证或相关证明"),
    ("医疗救助", "低保、特困等困难群众及因病致贫家庭", "申请书、身份证复印件、医疗费用票据和出院小结、报销凭证"),
    ("临时救助", "因突发事件、意外事故、重大疾病等导致基本生活暂时困难的家庭或个人", "申请书、身份证复印件、困难情况证明材料"),
    ("受灾群众救助", "因自然灾害造成基本生活困难的群众", "由村（居）委会统一摸底上报，个人可直接向民政办反映"),
    ("抚恤定补", "烈属、伤残军人、在乡老复员军人等重点优抚对象", "申请书、身份证复印件、相关证件或证明"),
]

PROMISES = [
    "热情接待：群众来访起身相迎、请坐倒水，用语文明，耐心解答。",
    "一次告知：办事条件、材料和流程一次讲清，提供书面告知单。",
    "限时办结：咨询当场答复；材料齐全的申请按公布的时限办结。",
    "公开透明：政策、程序、标准和结果全部公开，救助对象张榜公示。",
    "公平公正：严格按政策办事，不优亲厚友，不吃拿卡要。",
    "保护隐私：不泄露群众的个人信息和家庭情况。",
    "接受监督：欢迎群众批评，对投诉的问题五个工作日内答复。",
]


def board(doc, title: str, first: bool = False) -> None:
    """A wall board's title: each board starts a new page (and is sized to fill just that page)."""
    p = para(doc, title, "WallTitle")
    p.paragraph_format.page_break_before = not first


def lead_para(doc, lead: str, text: str, style: str) -> None:
    """One paragraph, a bold lead-in (the item's name) then its text: an item never splits from its name."""
    p = doc.add_paragraph(style=style)
    p.add_run(lead).bold = True
    p.add_run(text)


def make_wall_rules():
    doc = blank_document()
    sec = doc.sections[0]                  # boards are posted, not bound: narrower margins, one page each
    sec.top_margin = sec.bottom_margin = Mm(18)
    sec.left_margin = sec.right_margin = Mm(20)
    # 1. 规章制度
    board(doc, "{{ office.full_name }}规章制度", first=True)
    for i, (name, text) in enumerate(RULES, 1):
        lead_para(doc, f"{'一二三四五六七八九十'[i - 1]}、{name}：", text, "WallItem")
    # 2. 办事流程
    board(doc, "城乡低保办事流程")
    table(doc, ["步骤", "环节", "内容", "时限"], [18, 28, 100, 28], head_style="WallTable",
          body_style="WallTable")
    t = doc.tables[-1]
    for i, (step, text, limit) in enumerate(PROCEDURE, 1):
        row = t.add_row()
        for j, (v, w) in enumerate(zip([str(i), step, text, limit], [18, 28, 100, 28])):
            cell_text(row.cells[j], v, "WallTable", "center" if j != 2 else None)
    set_widths(t, [18, 28, 100, 28])
    para(doc, "")
    para(doc, "临时救助：情况紧急的，先行救助，再补办手续。", "WallBody")
    # 3. 岗位职责
    board(doc, "{{ office.full_name }}工作职责")
    for i, text in enumerate(DUTIES, 1):
        p = para(doc, f"{i}．{text}", "WallBody")
        p.paragraph_format.line_spacing = 1.0          # sixteen duties in large print on one page
    # 3a. 岗位分工: its own board (with the sixteen duties it would not fit one page in large print)
    board(doc, "{{ office.full_name }}岗位分工")
    table(doc, ["姓名", "职务", "分管工作"], [38, 40, 92], head_style="WallTable", body_style="WallTable",
          loop="staff", cells=["{{ r.name }}", "{{ r.role }}", "{{ r.duty }}"], aligns=["center", "center", None])
    para(doc, "")
    para(doc, "办公电话：{{ office.phone }}　　监督电话：{{ office.complaint_phone }}", "WallBody")
    # 4. 办事指南
    board(doc, "民政办事指南")
    table(doc, ["事项", "对象", "需要带的材料"], [34, 70, 70], head_style="WallTable", body_style="WallTable")
    t = doc.tables[-1]
    for item in GUIDE:
        row = t.add_row()
        for j, (v, w) in enumerate(zip(item, [34, 70, 70])):
            cell_text(row.cells[j], v, "WallTable")
    set_widths(t, [34, 70, 70])
    para(doc, "")
    para(doc, "办公地点：{{ office.address }}", "WallBody")
    para(doc, "办公电话：{{ office.phone }}　　监督电话：{{ office.complaint_phone }}", "WallBody")
    # 5. 服务承诺
    board(doc, "服务承诺")
    for i, text in enumerate(PROMISES, 1):
        para(doc, f"{i}．{text}", "WallBody")
    para(doc, "监督电话：{{ office.complaint_phone }}", "WallHeading")
    para(doc, "{{ office.full_name }}", "WallBody", align="right")
    # 6. 四公开
    board(doc, "民政工作“四公开”")
    para(doc, "一、政策公开", "WallHeading")
    para(doc, "《社会救助暂行办法》和低保、特困供养、医疗救助、临时救助、受灾救助、优抚安置的政策，在政策宣传栏常年公开，资料免费取阅。", "WallBody")
    para(doc, "二、程序公开", "WallHeading")
    para(doc, "申请、受理、调查核对、民主评议、审核公示、审批、发放，各环节及时限见《办事流程》。", "WallBody")
    para(doc, "三、标准公开", "WallHeading")
    para(doc, "城市低保标准：________元／人·月", "WallBody")
    para(doc, "农村低保标准：________元／人·年", "WallBody")
    para(doc, "特困人员基本生活标准：________元／人·年", "WallBody")
    para(doc, "四、结果公开", "WallHeading")
    para(doc, "{{ year }}年度救助对象情况（名单见公示栏）：", "WallBody")
    table(doc, ["救助类别", "户数", "人数"], [80, 47, 47], head_style="WallTable", body_style="WallTable",
          loop="summary", cells=["{{ r.class_name }}", "{{ r.households }}", "{{ r.persons }}"],
          aligns=[None, "center", "center"])
    para(doc, "")
    para(doc, "监督电话：{{ office.complaint_phone }}", "WallBody")
    return doc


# ---------------------------------------------------------------- notice (公示)
def make_notice():
    doc = blank_document()
    para(doc, "{{ office.full_name }}", "Title")
    para(doc, "{{ notice.class_name }}对象公示", "Title")
    para(doc, "根据有关规定，经申请、调查核对、民主评议和审核，现将{{ year }}年度{{ notice.class_name }}对象名单予以公示"
              "（共{{ notice.totals.households }}户{{ notice.totals.persons }}人）。", "Body")
    table(doc, ["序号", "姓名", "村（居）", "家庭人口", "{{ notice.amount_label }}", "身份证号码（隐去中间部分）"],
          [10, 18, 28, 18, 30, 57],
          loop="notice.rows", nowrap=(4, 5),
          cells=["{{ r.no }}", "{{ r.name }}", "{{ r.village }}", "{{ r.household_size }}", "{{ r.amount }}",
                 "{{ r.masked_id }}"],
          aligns=["center", None, None, "center", "right", None],
          footer=["合计", "{{ notice.totals.households }}户", "", "{{ notice.totals.persons }}",
                  "{{ notice.totals.amount }}", ""])
    para(doc, "")
    para(doc, "公示期：{{ notice.start }}至{{ notice.end }}（共{{ notice.days }}天）。", "Body")
    para(doc, "公示期间，如对名单有异议，请向{{ office.full_name }}反映（地址：{{ office.address }}；"
              "电话：{{ office.phone }}），或拨打监督投诉电话{{ office.complaint_phone }}。"
              "反映问题请实事求是，我们将逐件核实并答复。", "Body")
    para(doc, "")
    para(doc, "{{ office.full_name }}", "Plain", align="right")
    para(doc, "{{ notice.start }}", "Plain", align="right")
    return doc


# ---------------------------------------------------------------- inspection (规范化检查验收表)
def _tag_row(t, text: str):
    """A row holding only a docxtpl {%tr %} tag (removed when rendered)."""
    row = t.add_row()
    cell_text(row.cells[0], text, "TableText")
    tr = row._tr
    tr.getparent().remove(tr)
    return tr


def make_inspection():
    doc = blank_document(landscape=True)
    header_footer(doc, "{{ county }}乡镇（街道）民政办公室规范化建设检查验收表")
    para(doc, "{{ county }}乡镇（街道）民政办公室规范化建设检查验收表", "Title")
    para(doc, "（{{ year }}年度）", "Subtitle")
    para(doc, "被检查单位：{{ office.full_name }}　　类型：{{ office.kind }}　　人口：{{ office.population }}人　　"
              "村（居）：{{ office.villages|length }}个　　主任：{{ director }}", "Plain")
    para(doc, "办公地点：{{ office.address }}　　办公电话：{{ office.phone }}　　检查日期：______年____月____日", "Plain")
    para(doc, "")
    widths = [11, 36, 62, 62, 16, 14, 14, 42]
    t = table(doc, ["序号", "检查项目", "标准要求", "本办情况（据本办数据预填）", "自查", "分值", "得分", "扣分说明"],
              widths, footer=["合计", "", "", "自查不符合 {{ failed }} 项，共 {{ items|length }} 项", "",
                              "{{ total_weight }}", "", ""],
              aligns=["center", None, None, None, "center", "center", "center", None])
    # rows grouped by the rule set's items: 分值 (and the inspector's 得分) merged over each group ({% vm %})
    footer = t.rows[-1]._tr
    for text in ("{%tr for g in groups %}", "{%tr for r in g.rows %}"):
        footer.addprevious(_tag_row(t, text))
    body = t.add_row()
    for i, (c, a) in enumerate(zip(["{{ r.no }}", "{{ r.item }}", "{{ r.expected }}", "{{ r.actual }}",
                                    "{{ r.result }}", "{{ g.weight }}{% vm %}", "{% vm %}", ""],
                                   ["center", None, None, None, "center", "center", "center", None])):
        cell_text(body.cells[i], c, "TableText", a)
    footer.addprevious(body._tr)
    for text in ("{%tr endfor %}", "{%tr endfor %}"):
        footer.addprevious(_tag_row(t, text))
    set_widths(t, widths)
    keep_with_next(t.rows[-1])                    # the 合计 row stays with the signature block below
    # the block below is short enough to follow the table on its last page, and holds together
    note = para(doc, "分值按规则集“{{ rules_name }}”：{{ weights }}。必备项不合格不能通过验收。", "TableText")
    note.paragraph_format.keep_with_next = True
    for text in ("检查意见：" + "_" * 100, "_" * 108,
                 "检查人（签字）：______________　______________　　　检查日期：______年____月____日"):
        para(doc, text, "FormSign").paragraph_format.keep_with_next = True
    para(doc, "被检查单位负责人（签字）：______________　　　（单位盖章）", "FormSign")
    return doc


TEMPLATES = {
    "ledger.docx": make_ledger,
    "roster.docx": make_roster,
    "wall-rules.docx": make_wall_rules,
    "notice.docx": make_notice,
    "inspection.docx": make_inspection,
}


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in TEMPLATES.items():
        path = out_dir / name
        make().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR
    for p in build(target):
        print(p)
