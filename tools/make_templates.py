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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))    # run as a script or loaded by path

from docx_parts import (  # noqa: E402
    OUT_DIR,
    Mm,
    blank_document,
    cell_text,
    header_footer,
    keep_with_next,
    para,
    set_widths,
    table,
)
from wall_texts import DUTIES, GUIDE, PROCEDURE, PROMISES, RULES  # noqa: E402


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
