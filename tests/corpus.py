"""A test corpus of Chinese archive files, built from the fictional documents in tests/data/.

Small clear builders, each writing one file, plus `build_corpus(dir)` that writes a set of
born-digital files (text PDF, DOCX, XLSX, GB18030 text, OFD) and scans (image PDF, multi-page
TIFF with G4 compression, PNG/JPEG photos, a traditional-script scan, a mixed PDF, a PDF whose
text layer is mojibake) and returns what each file holds, for recall and extraction tests.

    from corpus import build_corpus, render_page, write_scanned_pdf, ...
"""
from __future__ import annotations

import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PROJECT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT / "tests" / "data"     # our own fictional 公文; 000_* is in traditional script
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_FILES = {"sans": "NotoSansCJK-Regular.ttc", "serif": "NotoSerifCJK-Regular.ttc"}
FONT_INDEX = {"sc": 2, "tc": 3}           # faces inside the .ttc collections

_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]+\)")


# ------------------------------------------------------------------ text
def seed_texts() -> dict[str, str]:
    """{file stem: text} of the corpus's source documents (000_* traditional, the others simplified);
    pinyin annotations like 號(hào), as web copies of 公文 carry, are removed."""
    out = {}
    for p in sorted(SEEDS_DIR.glob("*.txt")):
        out[p.stem] = _PINYIN.sub("", p.read_text(encoding="utf-8"))
    return out


def sentences(text: str) -> list[str]:
    """Sentences (ending in 。；！？ or a line end), without table-like header lines."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.count("|") > 1 or "当前位置" in line or "欢迎访问" in line:
            continue
        for s in re.findall(r"[^。；！？]+[。；！？]?", line):
            s = s.strip()
            if len(s) >= 4:
                out.append(s)
    return out


def chunk(sents: list[str], size: int) -> list[str]:
    """Consecutive sentences grouped into documents of about `size` characters."""
    docs, cur = [], ""
    for s in sents:
        cur += s
        if len(cur) >= size:
            docs.append(cur)
            cur = ""
    if len(cur) > size // 3:
        docs.append(cur)
    return docs


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap at `width` characters (Chinese has no spaces to break at)."""
    lines = []
    for para in text.split("\n"):
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    return lines


# ------------------------------------------------------------------ images
def cjk_font(size: int, *, face: str = "sans", script: str = "sc") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(NOTO_DIR / FONT_FILES[face]), size, index=FONT_INDEX[script])


def render_page(text: str, *, width: int = 1100, font_size: int = 30, face: str = "sans", script: str = "sc",
                noise: float = 0.0, angle: float = 0.0, title: str | None = None, seed: int = 0) -> Image.Image:
    """A grayscale page image with the text typeset line by line; `noise` adds speckles and blur
    (a scanner's look), `angle` a slight skew."""
    font = cjk_font(font_size, face=face, script=script)
    per_line = max(8, (width - 2 * 60) // font_size)
    lines = wrap(text, per_line)
    line_h = int(font_size * 1.6)
    top = 70 + (line_h * 2 if title else 0)
    height = top + line_h * len(lines) + 70
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    if title:
        tfont = cjk_font(int(font_size * 1.3), face=face, script=script)
        d.text((60, 60), title[:per_line], font=tfont, fill=0)
    for i, line in enumerate(lines):
        d.text((60, top + i * line_h), line, font=font, fill=0)
    if angle:
        img = img.rotate(angle, expand=False, fillcolor=255, resample=Image.BICUBIC)
    if noise:
        rnd = random.Random(seed)
        px = img.load()
        for _ in range(int(width * height * noise * 0.01)):
            x, y = rnd.randrange(width), rnd.randrange(height)
            px[x, y] = rnd.choice((0, 90, 160))
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        img = img.point(lambda v: max(0, min(255, int(v * 0.92 + 12))))   # grey paper
    return img


def write_scanned_pdf(path: Path, pages: list[Image.Image], dpi: int = 200) -> Path:
    """An image-only PDF (no text layer), one page per image."""
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return path


def write_tiff(path: Path, pages: list[Image.Image], *, g4: bool = False) -> Path:
    """A multi-page TIFF; g4=True stores bilevel pages with CCITT Group 4 compression."""
    if g4:
        pages = [p.point(lambda v: 255 if v > 160 else 0).convert("1") for p in pages]
        pages[0].save(path, format="TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(200, 200))
    else:
        pages[0].save(path, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(200, 200))
    return path


def write_photo(path: Path, page: Image.Image, *, fmt: str = "JPEG") -> Path:
    """A page 'photographed': warm tint, slight blur, saved as JPEG or PNG."""
    rgb = Image.merge("RGB", (page, page.point(lambda v: int(v * 0.97)), page.point(lambda v: int(v * 0.9))))
    rgb = rgb.filter(ImageFilter.GaussianBlur(0.4))
    if fmt == "JPEG":
        rgb.save(path, format="JPEG", quality=85)
    else:
        rgb.save(path, format="PNG")
    return path


# ------------------------------------------------------------------ born-digital
def _cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    name = "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def write_text_pdf(path: Path, title: str, pages: list[str], *, image_pages: dict[int, Image.Image] | None = None,
                   garbage_layer: bool = False) -> Path:
    """A born-digital PDF: Chinese text in a CID font (UniGB-UCS2-H, as 公文 PDFs do), one list
    item per page. image_pages={i: image} draws page i as a scan instead (a mixed PDF);
    garbage_layer=True puts mojibake text under a page image (a text layer that needs OCR)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = _cid_font()
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    image_pages = image_pages or {}
    for i, text in enumerate(pages):
        if i in image_pages:
            img = image_pages[i]
            iw, ih = img.size
            scale = min((w - 60) / iw, (h - 60) / ih)
            c.drawImage(ImageReader(img), 30, h - 30 - ih * scale, iw * scale, ih * scale)
            if garbage_layer:
                junk = text.encode("gb18030", "replace").decode("latin-1")
                t = c.beginText(40, h - 60)
                t.setTextRenderMode(3)            # invisible, like an OCR layer
                t.setFont("Helvetica", 10)
                for line in wrap(junk, 60)[:40]:
                    t.textLine(line)
                c.drawText(t)
        else:
            y = h - 72
            if i == 0 and title:
                c.setFont(font, 16)
                c.drawString(60, y, title[:34])
                y -= 36
            c.setFont(font, 12)
            for line in wrap(text, 38):
                if y < 60:
                    break
                c.drawString(60, y, line)
                y -= 20
        c.showPage()
    c.save()
    return path


def write_docx(path: Path, title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    style = d.styles["Normal"]
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    d.add_heading(title, level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for col, val in enumerate(row):
                t.cell(r, col).text = val
    d.save(str(path))
    return path


def write_xlsx(path: Path, title: str, rows: list[list]) -> Path:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([title])
    for r in rows:
        ws.append(r)
    wb.save(str(path))
    return path


def write_gb18030(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("gb18030"))
    return path


def write_ofd(path: Path, pages: list[str]) -> Path:
    """A minimal OFD: OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml with TextCode."""
    ns = "http://www.ofdspec.org/2016"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{ns}" Version="1.0">'
                   f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>'
                   f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        page_refs = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{ns}">'
                   f'<ofd:CommonData><ofd:MaxUnitID>100</ofd:MaxUnitID></ofd:CommonData>'
                   f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
        for i, text in enumerate(pages):
            objs = "".join(
                f'<ofd:TextObject ID="{i * 100 + j + 20}" Boundary="20 {20 + j * 8} 170 8" Font="1" Size="5">'
                f'<ofd:TextCode X="0" Y="6">{_xml_escape(line)}</ofd:TextCode></ofd:TextObject>'
                for j, line in enumerate(wrap(text, 30)))
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{ns}"><ofd:Content>'
                       f'<ofd:Layer ID="{i + 5}">{objs}</ofd:Layer></ofd:Content></ofd:Page>')
    return path


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------ the corpus
@dataclass
class CorpusDoc:
    path: Path
    kind: str                 # what python-magic would say: pdf, docx, xlsx, text, ofd, tiff, image
    title: str
    pages: list[str]          # the text on each page, as written (simplified unless traditional)
    scanned: bool = False     # text only reachable through OCR
    traditional: bool = False
    doc_number: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.pages)


FICTIONAL = [
    ("青山镇人民政府关于2016年李家村临时救助对象的公示", "青民发〔2016〕7号",
     "经村民委员会评议、镇人民政府审核，李家村张某某家庭因火灾致房屋损毁，王某某因重病住院自付费用较高，"
     "符合临时救助条件，拟给予临时救助金各三千元。公示期为七天，对公示对象有异议的，可向镇民政办反映。"
     "联系电话：0746-1234567。青山镇人民政府二〇一六年四月十二日"),
    ("白水乡民政办关于开展特困供养人员年度核查工作的通知", "白民办[2018]3号",
     "各村（社区）：为做好特困供养人员动态管理工作，现就开展年度核查工作通知如下：一、核查对象为全乡分散供养和集中供养的特困人员；"
     "二、核查内容包括收入、财产、赡养扶养情况和生活自理能力；三、各村于2018年6月30日前将核查表报乡民政办。白水乡民政办2018年5月20日"),
    ("河东街道城乡低保家庭经济状况核对报告", "河街发(2015)21号",
     "根据申请人授权，街道社会事务办对辖区内新申请城乡最低生活保障的二十三户家庭开展了经济状况核对，"
     "核对内容包括工资收入、银行存款、房产登记和车辆登记信息。核对结果显示，其中十九户符合低保条件，四户因拥有机动车辆不予纳入。"
     "2015-09-18"),
]


def build_corpus(root: Path, *, scans: bool = True) -> list[CorpusDoc]:
    """Write the corpus into `root` and return what each file holds. scans=False skips image files."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    seeds = seed_texts()
    simp = [s for k, t in seeds.items() if not k.startswith("000") for s in sentences(t)]
    trad = [s for k, t in seeds.items() if k.startswith("000") for s in sentences(t)]
    from opencc import OpenCC
    t2s = OpenCC("t2s").convert
    docs: list[CorpusDoc] = []

    simp_docs = chunk(simp, 260)
    trad_docs = chunk([t2s(s) for s in trad], 260)          # the 000 seed, simplified, for born-digital files
    trad_orig = chunk(trad, 260)                            # …and in its own traditional script, for a scan
    bodies = simp_docs + trad_docs

    def title_of(text: str, n: int) -> str:
        return f"民政工作文件第{n}号：" + re.sub(r"[，。、：；（）()《》,:]", "", text)[:12]

    # born-digital: text PDFs (2 pages), DOCX, GB18030 text, OFD, XLSX
    kinds = ["pdf", "docx", "text", "pdf", "docx", "ofd"]
    for i, body in enumerate(bodies):
        kind = kinds[i % len(kinds)]
        title = title_of(body, i + 1)
        half = len(body) // 2
        pages = [body[:half], body[half:]]
        if kind == "pdf":
            p = write_text_pdf(root / f"文本{i:02d} 公文.pdf", title, pages)
            doc_pages = [title + pages[0], pages[1]]
        elif kind == "docx":
            p = write_docx(root / f"文档{i:02d}.docx", title, [pages[0], pages[1]])
            doc_pages = [title + body]
        elif kind == "text":
            p = write_gb18030(root / f"文本{i:02d}-gb18030.txt", title + "\n" + body)
            doc_pages = [title + body]
        else:
            p = write_ofd(root / f"版式{i:02d}.ofd", [title + pages[0], pages[1]])
            doc_pages = [title + pages[0], pages[1]]
        docs.append(CorpusDoc(p, kind, title, doc_pages))
    for j, (title, number, body) in enumerate(FICTIONAL):
        p = write_docx(root / f"公示{j}.docx", title, [number, body])
        docs.append(CorpusDoc(p, "docx", title, [title + number + body], doc_number=number))
    rows = [["序号", "姓名", "村（社区）", "救助类别", "金额（元）"],
            [1, "张某某", "李家村", "临时救助", 3000], [2, "王某某", "李家村", "临时救助", 3000],
            [3, "赵某某", "石桥村", "医疗救助", 5200]]
    p = write_xlsx(root / "救助台账.xlsx", "2016年临时救助发放台账", rows)
    docs.append(CorpusDoc(p, "xlsx", "2016年临时救助发放台账",
                          ["\n".join(["台账", "2016年临时救助发放台账"] + ["  ".join(str(v) for v in r) for r in rows])]))
    if not scans:
        return docs

    # scans: short pages so OCR stays quick
    scan_src = chunk(simp, 150)[:6]
    s0, s1, s2, s3, s4, s5 = (scan_src + scan_src)[:6]
    t_title = "青山镇民政办扫描件"
    img = lambda t, **k: render_page(t, **k)  # noqa: E731
    p = write_scanned_pdf(root / "扫描件 2页.pdf", [img(s0), img(s1, noise=0.6, angle=0.4, seed=1)])
    docs.append(CorpusDoc(p, "pdf", t_title, [s0, s1], scanned=True))
    p = write_tiff(root / "台账扫描.tif", [img(s2, face="serif"), img(s3, face="serif")], g4=True)
    docs.append(CorpusDoc(p, "tiff", t_title, [s2, s3], scanned=True, notes=["G4"]))
    p = write_photo(root / "手机拍照.jpg", img(s4, noise=0.4, seed=2))
    docs.append(CorpusDoc(p, "image", t_title, [s4], scanned=True))
    p = write_photo(root / "截图.png", img(s5, face="serif"), fmt="PNG")
    docs.append(CorpusDoc(p, "image", t_title, [s5], scanned=True))
    tr = trad_orig[0][:150]
    p = write_scanned_pdf(root / "繁体扫描.pdf", [img(tr, script="tc", face="serif")])
    docs.append(CorpusDoc(p, "pdf", t_title, [tr], scanned=True, traditional=True))
    # mixed: a text page, then a scanned page; and a page whose text layer is mojibake
    m0, m1 = simp_docs[1][:200], chunk(simp, 150)[7]
    p = write_text_pdf(root / "混合.pdf", "混合文件", [m0, m1], image_pages={1: img(m1)})
    docs.append(CorpusDoc(p, "pdf", "混合文件", ["混合文件" + m0, m1], scanned=True, notes=["mixed"]))
    g = chunk(simp, 150)[8]
    p = write_text_pdf(root / "乱码文字层.pdf", "", [g], image_pages={0: img(g)}, garbage_layer=True)
    docs.append(CorpusDoc(p, "pdf", "", [g], scanned=True, notes=["garbage layer"]))
    return docs


# ------------------------------------------------------------------ measuring
def cjk_only(text: str) -> str:
    from indexer import normalize
    return "".join(ch for ch in normalize(text) if "\u4e00" <= ch <= "\u9fff")


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(truth: str, got: str) -> float:
    """Character error rate on CJK characters, both sides folded to simplified."""
    t, g = cjk_only(truth), cjk_only(got)
    return edit_distance(t, g) / max(1, len(t))


_SHARED: dict = {}


def shared_corpus(base: Path) -> list[CorpusDoc]:
    """build_corpus once per test session (several test modules use it)."""
    key = str(base)
    if key not in _SHARED:
        _SHARED[key] = build_corpus(base)
    return _SHARED[key]


_EXTRACTED: dict = {}


def extracted(doc: CorpusDoc, engine=None, jobs: int = 2):
    """indexer.extraction for a corpus file, cached per (file, engine) for the session (OCR is slow)."""
    from indexer import extract
    key = (str(doc.path), getattr(engine, "name", None))
    if key not in _EXTRACTED:
        _EXTRACTED[key] = extract(doc.path, doc.kind, ocr=engine, jobs=jobs)
    return _EXTRACTED[key]


if __name__ == "__main__":   # python tests/corpus.py DIR — write the corpus for a look
    import sys
    for d in build_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(d.kind, d.path.name, len(d.text), "scan" if d.scanned else "")
