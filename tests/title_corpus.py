"""A corpus of fictional documents laid out the way real ones are, for measuring title guessing:
statutes and rules (title, then 第一章 总则 / 第一条 …), 公文 (red header, 文号, a `…关于…的<文种>` title that
may wrap over two lines, 主送, body quoting other documents, 落款, 成文日期, 抄送, 印发), reports, minutes,
notices, applications, ledgers and wall boards, each written as .docx (heading style, large type, or plain
paragraphs), .pdf (type sizes as 公文 print them), .txt (UTF-8 or GB18030), .ofd or .xlsx.

All text is made up here from fixed word lists; `build(folder, n, seed)` writes the files and returns
(path, kind, true title, layout) for each. Used by tests/test_title_guess.py and benchmarks/titles.py.
"""
from __future__ import annotations

import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

PLACES = ["青山县", "白水县", "河西县", "东林县", "南岭县"]
TOWNS = ["青山镇", "龙湖镇", "柳河乡", "东关街道", "石桥镇", "白沙乡"]
BODIES = ["民政局", "人民政府", "人民政府办公室", "财政局", "民政办公室"]
PROVINCES = ["江南省", "西川省", "北原省"]
TOPICS = ["做好{y}年冬春生活救助", "进一步加强农村低保规范管理", "开展{y}年社会救助专项治理", "调整{y}年城乡低保标准",
          "规范临时救助审批程序", "做好特困人员供养服务", "加强乡镇民政办档案管理", "开展困难群众救助资金核查",
          "落实医疗救助一站式结算", "做好{y}年度救灾物资储备", "推进社会救助信息化建设", "表彰{y}年度民政工作先进单位",
          "印发《乡镇民政办规范化建设标准》", "转发省民政厅临时救助工作指导意见", "建立困难群众主动发现机制"]
GENRES = ["通知", "意见", "决定", "通报", "报告", "请示", "批复", "函", "实施方案"]
LAW_TOPICS = ["城乡居民最低生活保障", "特困人员救助供养", "临时救助", "社会救助", "医疗救助", "自然灾害救助",
              "民政档案管理", "养老服务", "残疾人两项补贴发放", "流浪乞讨人员救助管理"]
LAW_GENRES = ["实施办法", "条例", "管理办法", "暂行规定", "实施细则", "办法"]
NAMES = ["张大山", "李春花", "王小林", "赵德明", "刘桂兰", "陈国强", "周秀英", "吴建华"]
VILLAGES = ["李家村", "王庄村", "河口村", "东山社区", "柳树村", "石门村"]
HAN_DIGITS = "〇一二三四五六七八九"

SENTENCES = [
    "为切实保障困难群众基本生活，按照上级部署，结合本地实际，制定本{g}。",
    "各地要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "对符合条件的困难家庭，要做到应保尽保、应救尽救，不得以任何理由拒绝受理。",
    "要严格执行申请、审核、审批和公示程序，做到程序规范、对象准确、标准统一。",
    "各乡镇要在每季度末将工作进展情况报县民政局社会救助股。",
    "对工作不力、造成不良影响的，将予以通报批评并追究有关人员责任。",
    "救助资金实行社会化发放，按月足额打卡到户，严禁截留、挤占和挪用。",
    "要加强政策宣传，通过公示栏、村务公开栏等方式公开救助政策和办理流程。",
]


@dataclass
class TitleDoc:
    path: Path
    kind: str            # statute, gongwen, report, minutes, notice, application, ledger, rules
    title: str
    layout: str          # docx-heading, docx-large, docx-plain, pdf, txt, txt-gb18030, ofd, xlsx


def _han_date(y: int, m: int, d: int) -> str:
    def num(n: int) -> str:
        if n < 10:
            return HAN_DIGITS[n]
        return ("" if n < 20 else HAN_DIGITS[n // 10]) + "十" + (HAN_DIGITS[n % 10] if n % 10 else "")
    return "".join(HAN_DIGITS[int(c)] for c in str(y)) + f"年{num(m)}月{num(d)}日"


def _date(r: random.Random, y: int) -> str:
    m, d = r.randint(1, 12), r.randint(1, 28)
    return r.choice([f"{y}年{m}月{d}日", _han_date(y, m, d)])


# ---------------------------------------------------------------- the documents: (title, [(line, role)])
# roles: red (red header), meta (文号, 密级, dates under a title), title, title2 (a wrapped title's second
# line), head (chapter heading), body
def _statute(r: random.Random):
    place = r.choice(PLACES + PROVINCES + ["中华人民共和国"])
    title = f"{place}{r.choice(LAW_TOPICS)}{r.choice(LAW_GENRES)}"
    y = r.randint(1998, 2022)
    lines = [(title, "title")]
    if r.random() < 0.6:
        lines.append((f"（{y}年{r.randint(1, 12)}月{r.randint(1, 28)}日{place}人民政府第{r.randint(2, 40)}次常务会议通过）",
                      "meta"))
    if r.random() < 0.3:
        lines += [("目  录", "head"), ("第一章  总则", "body"), ("第二章  申请与审批", "body"), ("第三章  附则", "body")]
    lines.append(("第一章  总则", "head"))
    g = title[-4:] if title.endswith(("实施办法", "管理办法", "实施细则", "暂行规定")) else title[-2:]
    lines.append((f"第一条  为了规范{r.choice(LAW_TOPICS)}工作，保障困难群众基本生活，根据有关法律法规，结合本地实际，制定本{g}。",
                  "body"))
    lines.append(("第二条  本" + g + "适用于本行政区域内的" + r.choice(LAW_TOPICS) + "工作。", "body"))
    lines.append(("第三条  县级以上人民政府应当将" + r.choice(LAW_TOPICS) + "工作纳入国民经济和社会发展规划，所需经费列入财政预算。",
                  "body"))
    lines.append((f"第四条  依照{r.choice(PROVINCES)}人民政府关于{r.choice(LAW_TOPICS)}工作的规定执行。", "body"))
    lines.append(("第二章  申请与审批", "head"))
    for k, s in enumerate(r.sample(SENTENCES, 3)):
        lines.append((f"第{'五六七'[k]}条  " + s.format(g=g), "body"))
    return title, lines


def _gongwen(r: random.Random, genre: str | None = None):
    y = r.randint(2005, 2024)
    issuer = r.choice([p + b for p in PLACES for b in BODIES[:3]] + [t + "人民政府" for t in TOWNS])
    genre = genre or r.choice(GENRES)
    topic = r.choice(TOPICS).format(y=y)
    lead = issuer if r.random() < 0.75 else ""
    title = f"{lead}关于{topic}的{genre}"
    abbr = issuer[0] + r.choice(["民发", "政发", "政办发", "民函", "财社"])
    number = f"{abbr}{r.choice(['〔', '[', '（'])}{y}{r.choice(['〕', ']', '）'])}{r.randint(1, 99)}号"
    lines = []
    if r.random() < 0.6:
        lines.append((f"{issuer}文件", "red"))
    if r.random() < 0.2:
        lines.append((r.choice(["特急", "机密★1年", "签发人：张建国"]), "meta"))
    lines.append((number, "meta"))
    if len(title) > 22 and r.random() < 0.6:
        cut = r.randint(10, len(title) - 6)
        lines += [(title[:cut], "title"), (title[cut:], "title2")]
    else:
        lines.append((title, "title"))
    lines.append((r.choice(["各乡镇人民政府，县直有关单位：", "各乡镇民政办：", "县人民政府：", "各村（居）民委员会："]), "body"))
    quoted = f"{r.choice(PROVINCES)}民政厅关于{r.choice(TOPICS).format(y=y - 1)}的通知"
    lines.append((f"根据《{quoted}》（{r.choice(PROVINCES)[0]}民发〔{y - 1}〕{r.randint(1, 60)}号）精神，"
                  f"现就有关事项{genre}如下：", "body"))
    for k, s in enumerate(r.sample(SENTENCES, 3)):
        lines.append((f"{'一二三'[k]}、" + s.format(g="方案"), "body"))
    lines += [(issuer, "body"), (_date(r, y), "body")]
    if r.random() < 0.5:
        lines += [(f"抄送：{r.choice(PLACES)}人民政府办公室。", "body"),
                  (f"{issuer}办公室          {y}年{r.randint(1, 12)}月{r.randint(1, 28)}日印发", "body")]
    return title, lines


def _report(r: random.Random):
    y = r.randint(2008, 2024)
    who = r.choice(TOWNS) + r.choice(["民政办", "人民政府", "社会事务办"])
    title = f"{who}{y}年{r.choice(['工作总结', '工作计划', '社会救助工作总结', '民政工作要点'])}"
    lines = [(title, "title"), (f"{y}年，在{who[:3]}党委、政府的正确领导下，我办认真贯彻落实上级各项民政政策，"
                                "各项工作取得了明显成效。现将有关情况总结如下：", "body"),
             ("一、主要工作", "head")]
    lines += [(s.format(g="计划"), "body") for s in r.sample(SENTENCES, 3)]
    lines += [("二、存在的问题", "head"), (r.choice(SENTENCES).format(g="计划"), "body"), (who, "body"), (_date(r, y), "body")]
    return title, lines


def _minutes(r: random.Random):
    y = r.randint(2008, 2024)
    title = f"{r.choice(TOWNS)}{r.choice(['民政工作联席会议纪要', '社会救助审批会议纪要', '低保评议会议纪要'])}"
    lines = [(title, "title"), (f"（{y}年第{r.randint(1, 12)}期）", "meta"),
             (f"时间：{y}年{r.randint(1, 12)}月{r.randint(1, 28)}日", "body"), (f"地点：{r.choice(TOWNS)}人民政府三楼会议室", "body"),
             (f"主持：{r.choice(NAMES)}", "body"), ("参加人员：" + "、".join(r.sample(NAMES, 4)), "body"),
             ("会议听取了各村低保申请情况汇报，经认真评议，形成如下意见：", "body")]
    lines += [(f"{'一二三'[k]}、" + s.format(g="纪要"), "body") for k, s in enumerate(r.sample(SENTENCES, 3))]
    return title, lines


def _notice(r: random.Random):
    y = r.randint(2010, 2024)
    town = r.choice(TOWNS)
    title = r.choice([f"关于{y}年第{r.choice('一二三四')}季度农村低保对象的公示", f"{town}{y}年临时救助对象公示",
                      f"{town}关于{y}年度特困供养人员名单的公告"])
    lines = [(title, "title"), (f"根据社会救助有关规定，经村民代表评议、{town}人民政府审核，现将拟救助对象公示如下，"
                                "公示期七天。", "body"),
             ("序号  姓名  村（居）  家庭人口  救助金额（元）", "body")]
    for i, n in enumerate(r.sample(NAMES, 4), 1):
        lines.append((f"{i}  {n}  {r.choice(VILLAGES)}  {r.randint(1, 6)}  {r.randint(2, 30) * 100}", "body"))
    lines += [("监督电话：0731-5551234", "body"), (f"{town}人民政府", "body"), (_date(r, y), "body")]
    return title, lines


def _application(r: random.Random):
    title = r.choice(["最低生活保障申请书", "临时救助申请书", "特困人员救助供养申请书", "家庭经济状况声明",
                      "收入证明", "特困人员供养协议", "医疗救助申请审批表"])
    n = r.choice(NAMES)
    lines = [(title, "title"), (f"{r.choice(TOWNS)}人民政府：", "body"),
             (f"本人{n}，住{r.choice(VILLAGES)}，家庭人口{r.randint(1, 6)}人，因病致贫，家庭生活十分困难，"
              "特申请给予救助，请予审批。", "body"),
             (f"申请人：{n}", "body"), (_date(r, r.randint(2010, 2024)), "body")]
    return title, lines


def _ledger(r: random.Random):
    y = r.randint(2010, 2024)
    title = f"{r.choice(TOWNS)}民政办公室{y}年{r.choice(['临时救助', '医疗救助', '农村低保', '特困供养', '救灾救济'])}发放台账"
    lines = [(title, "title"), ("序号  姓名  身份证号  村（居）  金额（元）  发放日期", "body")]
    for i, n in enumerate(r.sample(NAMES, 5), 1):
        lines.append((f"{i}  {n}  43992119{r.randint(50, 99)}0{r.randint(1, 9)}0{r.randint(1, 9)}{r.randint(1000, 9999)}  "
                      f"{r.choice(VILLAGES)}  {r.randint(3, 40) * 100}  {y}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                      "body"))
    return title, lines


def _rules(r: random.Random):
    title = f"{r.choice(TOWNS)}民政办{r.choice(['档案管理制度', '社会救助工作制度', '首问负责制度', '办事流程', '岗位职责'])}"
    lines = [(title, "title")]
    lines += [(f"{'一二三四'[k]}、" + s.format(g="制度"), "body") for k, s in enumerate(r.sample(SENTENCES, 4))]
    return title, lines


MAKERS = {"statute": _statute, "gongwen": _gongwen, "report": _report, "minutes": _minutes, "notice": _notice,
          "application": _application, "ledger": _ledger, "rules": _rules}
WEIGHTS = {"statute": 4, "gongwen": 6, "report": 2, "minutes": 1, "notice": 2, "application": 2, "ledger": 1,
           "rules": 1}
LAYOUTS = ["docx-heading", "docx-large", "docx-plain", "pdf", "txt", "txt-gb18030", "ofd"]


# ---------------------------------------------------------------- writers
SIZES = {"red": 36.0, "title": 22.0, "title2": 22.0, "head": 16.0, "meta": 16.0, "body": 16.0}


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _docx(path: Path, lines, layout: str) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    if layout == "docx-large":
        normal.font.size = Pt(16)
    for text, role in lines:
        if layout == "docx-heading" and role in ("title", "title2"):
            d.add_heading(text, level=0)               # Word's 标题 (Title) style
            continue
        if layout == "docx-heading" and role == "head":
            d.add_heading(text, level=1)
            continue
        p = d.add_paragraph()
        run = p.add_run(text)
        if layout == "docx-large" and role in ("red", "title", "title2"):
            run.font.size = Pt(SIZES[role])
            run.bold = role != "red"
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.save(str(path))


def _pdf(path: Path, lines) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    y = h - 80
    for text, role in lines:
        size = SIZES[role]
        per_line = int((w - 150) // size)
        if role == "red":                      # a red header is set to fit one line
            size = min(size, (w - 100) / len(text))
        for part in _wrap(text, per_line if role != "red" else len(text)):
            if y < 70:
                c.showPage()
                y = h - 80
            c.setFont("STSong-Light", size)
            x = (w - c.stringWidth(part, "STSong-Light", size)) / 2 if role in ("red", "title", "title2") else 75
            c.drawString(x, y, part)
            y -= size * 1.6
    c.showPage()
    c.save()


def _txt(path: Path, lines, encoding: str) -> None:
    text = "\n".join(t if role != "body" else "\n".join(_wrap(t, 36)) for t, role in lines) + "\n"
    path.write_bytes(text.encode(encoding))


def _ofd(path: Path, lines) -> None:
    ns = "http://www.ofdspec.org/2016"
    objs, y, k = [], 20.0, 0
    for text, role in lines:
        size = SIZES[role] * 0.3528           # points → mm, as OFD writes them
        if role == "red":                     # a red header is set to fit one line
            size = min(size, 160 / len(text))
        for part in _wrap(text, int(150 // size) if role != "red" else len(text)):
            k += 1
            esc = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            objs.append(f'<ofd:TextObject ID="{k + 20}" Boundary="25 {y:.1f} 160 {size * 1.4:.1f}" Font="1" '
                        f'Size="{size:.2f}"><ofd:TextCode X="0" Y="{size:.1f}">{esc}</ofd:TextCode></ofd:TextObject>')
            y += size * 1.6
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{ns}" Version="1.0">'
                   f'<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{ns}">'
                   f'<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
        z.writestr("Doc_0/Pages/Page_0/Content.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{ns}"><ofd:Content>'
                   f'<ofd:Layer ID="2">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>')


def _xlsx(path: Path, lines) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for text, role in lines:
        ws.append([text] if role == "title" else text.split("  "))
    ws.merge_cells("A1:F1")
    ws["A1"].font = Font(size=18, bold=True)
    wb.save(str(path))


EXT = {"docx-heading": "docx", "docx-large": "docx", "docx-plain": "docx", "pdf": "pdf", "txt": "txt",
       "txt-gb18030": "txt", "ofd": "ofd", "xlsx": "xlsx"}
FILE_KIND = {"docx": "docx", "pdf": "pdf", "txt": "text", "ofd": "ofd", "xlsx": "xlsx"}


def write(path: Path, lines, layout: str) -> None:
    if layout.startswith("docx"):
        _docx(path, lines, layout)
    elif layout == "pdf":
        _pdf(path, lines)
    elif layout == "txt":
        _txt(path, lines, "utf-8")
    elif layout == "txt-gb18030":
        _txt(path, lines, "gb18030")
    elif layout == "ofd":
        _ofd(path, lines)
    else:
        _xlsx(path, lines)


def build(folder: Path, n: int = 120, seed: int = 7) -> list[TitleDoc]:
    """n documents in `folder`: kinds by WEIGHTS, each in one of LAYOUTS (ledgers also as .xlsx)."""
    r = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        title, lines = MAKERS[kind](r)
        layout = "xlsx" if kind == "ledger" and r.random() < 0.5 else LAYOUTS[(i // len(kinds) + i) % len(LAYOUTS)]
        path = folder / f"文件{i:03d}.{EXT[layout]}"
        write(path, lines, layout)
        out.append(TitleDoc(path, kind, title, layout))
    return out
