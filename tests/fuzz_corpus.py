"""Damaged and odd files for fuzzing ingest: real files of every kind we take (made here with python-docx,
openpyxl, reportlab, PIL, the program's own ledgers when a root is given), then seeded damaged copies of
them — byte flips, truncation, inserted junk, a member of a DOCX/XLSX/OFD zip removed or damaged, the
wrong extension — and odd-but-valid texts in UTF-8 (with and without BOM), GB18030 and UTF-16 (with and
without BOM). Every file gets its own name; `build(folder, n, seed)` returns the list of names written.
Used by tests/test_fuzz_ingest.py (small) and benchmarks/fuzz_ingest.py (large).
"""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from corpus import (
    render_page,
    write_docx,
    write_ofd,
    write_text_pdf,
    write_tiff,
    write_xlsx,
)
from title_corpus import build as build_titled

TEXT = ("青山镇民政办关于2016年临时救助发放情况的报告\n青民发〔2016〕3号\n各村（居）委员会：\n"
        "2016年1月2日至2016-03-04，全镇共救助困难群众三十二户，发放救助金48,600元。\n"
        "申请人张大山，身份证号439921196502024567，家住李家村。\n二〇一六年三月五日")
ODD_TEXTS = {
    "两个日期": "说明\n2024-01-02 至 2024-03-04\n",
    "不可能的日期": "通知\n2016-02-30 2016年13月5日 二〇一六年十三月三十二日\n",
    "繁体": "青山鎮民政辦關於做好臨時救助工作的通知\n各村：請於二〇一六年一月二日前報送。",
    "只有标点": "。。。，，，——……\n\n",
    "很长的一行": "救助" * 20000,
    "换页符": "第一页内容\f第二页内容\f\f第四页",
    "表情和符号": "救助金已发放✅ 🏠 ㊣ ①②③ ℃ № ¥500",
    "混合文字": "Сводка 요약 サマリー 摘要 ملخص\n2016年1月2日",
    "文号括号": "白民办[2018]3号 河街发(2015)21号 龙政发【2019】7号\n关于开展年度核查的通知",
    "零宽字符": "青\u200b山\u200b镇\ufeff民政办\u00a0台账",
    "只有空白": "   \n\t\n  ",
    "控制字符": "台账\x01\x02\x03\x04\x05\x06\x07\x08" * 40,
}
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
ZIP_KILL = {".docx": ["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels", "word/styles.xml"],
            ".xlsx": ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml", "xl/sharedStrings.xml",
                      "xl/styles.xml"],
            ".ofd": ["OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"]}


def sources(folder: Path, seed: int = 1, ledgers: Path | None = None) -> list[Path]:
    """Real files of every kind (a few of each), in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    out = [d.path for d in build_titled(folder / "titled", 16, seed)]
    write_docx(folder / "表格.docx", "临时救助审批表", ["申请人：张大山", TEXT], [["姓名", "村"], ["张大山", "李家村"]])
    write_xlsx(folder / "台账.xlsx", "2016年临时救助发放台账", [["姓名", "金额", "日期"], ["张大山", 500, "2016-01-02"]])
    write_text_pdf(folder / "两页.pdf", "青山镇民政办关于救助的通知", [TEXT, TEXT[::-1]])
    write_ofd(folder / "版式.ofd", [TEXT, "第二页"])
    page = render_page(TEXT[:60], width=600, font_size=24)
    page.save(folder / "扫描.png")
    page.convert("RGB").save(folder / "照片.jpg", quality=80)
    write_tiff(folder / "多页.tif", [page, page.rotate(1)], g4=True)
    (folder / "文本.txt").write_text(TEXT, encoding="utf-8")
    out += [folder / n for n in ("表格.docx", "台账.xlsx", "两页.pdf", "版式.ofd", "扫描.png", "照片.jpg", "多页.tif",
                                 "文本.txt")]
    if ledgers is not None:
        out += sorted(p for p in ledgers.iterdir() if p.is_file())
    return out


# ---------------------------------------------------------------- damage
def flip(data: bytes, r: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(r.randint(1, 12)):
        i = r.randrange(len(b))
        b[i] ^= 1 << r.randrange(8)
    return bytes(b)


def truncate(data: bytes, r: random.Random) -> bytes:
    return data[:r.randint(0, max(len(data) - 1, 0))]


def junk(data: bytes, r: random.Random) -> bytes:
    i = r.randrange(len(data) + 1)
    return data[:i] + r.randbytes(r.randint(1, 2048)) + data[i:]


def zip_member(data: bytes, r: random.Random, suffix: str) -> bytes:
    """A DOCX/XLSX/OFD with one member removed, emptied, cut short or filled with junk."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        names = src.namelist()
    except zipfile.BadZipFile:
        return flip(data, r)
    victims = [n for n in ZIP_KILL.get(suffix, []) if n in names] or names
    victim = r.choice(victims)
    how = r.choice(["remove", "empty", "cut", "junk", "not-xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:
            body = src.read(n)
            if n == victim:
                if how == "remove":
                    continue
                body = {"empty": b"", "cut": body[:len(body) // 2], "junk": r.randbytes(300),
                        "not-xml": "这不是XML<<<&".encode()}[how]
            z.writestr(n, body)
    return out.getvalue()


def odd_text(text: str, enc: str) -> bytes:
    return text.encode(enc, errors="replace")


def build(folder: Path, n: int, seed: int = 1, ledgers: Path | None = None) -> list[str]:
    """n files in `folder`: damaged copies of real files, wrong extensions and odd texts (names unique)."""
    r = random.Random(seed)
    src_dir = folder.parent / (folder.name + "-sources")
    srcs = sources(src_dir, seed, ledgers)
    folder.mkdir(parents=True, exist_ok=True)
    names: list[str] = []

    def put(name: str, data: bytes) -> None:
        name = f"{len(names):04d}-{name}"
        (folder / name).write_bytes(data)
        names.append(name)

    for key, text in ODD_TEXTS.items():                  # odd texts in every encoding
        for enc in ENCODINGS:
            if len(names) < n // 3:
                put(f"{key}-{enc}.txt", odd_text(text, enc))
    for p in srcs:                                       # every real file once, undamaged
        if len(names) < n // 2:
            put(f"原样-{p.name}", p.read_bytes())
    damages = ["flip", "truncate", "junk", "zip", "ext"]
    while len(names) < n:
        p = r.choice(srcs)
        data = p.read_bytes()
        how = r.choice(damages)
        if how == "flip":
            put(f"翻转-{p.name}", flip(data, r))
        elif how == "truncate":
            put(f"截断-{p.name}", truncate(data, r))
        elif how == "junk":
            put(f"插入-{p.name}", junk(data, r))
        elif how == "zip" and p.suffix in ZIP_KILL:
            put(f"成员-{p.name}", zip_member(data, r, p.suffix))
        else:
            other = r.choice([".pdf", ".docx", ".xlsx", ".txt", ".jpg", ".ofd", ".doc", ""])
            put(f"扩展名-{p.stem}{other}", data)
    return names
