"""Every PDF the demo-like run writes, checked as a reader sees it (tests/pdfcheck.py).

One run per session, through the real CLI: `init --sample`, `generate all --office QSZ --pdf` (one
LibreOffice run), `report completeness --format pdf`, `report standardization --format pdf`. Then each PDF:
every character has a glyph in an embedded font, no unembedded font, no text within 5 mm of an edge;
numbers and dates on one line; the inspection form's signature block on its table's last page; each wall
board on one page. The checker itself is tested first on small PDFs with each defect.
"""
from __future__ import annotations

import functools
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pdfcheck import (
    apart,
    check_pdf,
    glyph_stats,
    outside_printable,
    overlapping_words,
    pages_with,
    rows_of,
    split_across_lines,
    unembedded_fonts,
)

import archive
import generators
from archive.common.cjk_font import serif_font_for
from archive.common.tools import SOFFICE
from generators.ledger import ledger_rows, ledger_specs
from generators.pdf import ledger_pdf
from generators.render import cn_date

MINZHENG = [str(Path(sys.executable).with_name("minzheng"))]
BOARDS = ("规章制度", "城乡低保办事流程", "工作职责", "岗位分工", "民政办事指南", "服务承诺", "民政工作“四公开”")


# ---------------------------------------------------------------- the checker catches each defect
@functools.cache
def _font() -> str:
    """One Noto subset for these small PDFs (building one takes a second or two); it has no 是."""
    return serif_font_for("合计户边外家庭人口月发放金额检查人签字")


def _pdf(path: Path, draw) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    draw(c)
    c.save()
    return path


def test_checker_finds_a_character_missing_from_the_embedded_subset(tmp_path):
    font = _font()                             # without 是: reportlab draws its .notdef box
    pdf = _pdf(tmp_path / "tofu.pdf", lambda c: (c.setFont(font, 12), c.drawString(100, 700, "合计 是 户")))
    problems = check_pdf(pdf)
    assert any("没有" in p and "字形" in p for p in problems), problems
    assert "Helvetica" in unembedded_fonts(pdf)       # the canvas's initial font, referenced, not embedded
    assert glyph_stats(pdf).chars == 4                # 合 计 (box) 户: spaces are not counted


def test_checker_finds_text_off_the_page_and_in_the_margin(tmp_path):
    font = _font()

    def draw(c):
        c.setFont(font, 12)
        c.drawString(560, 400, "边边边")              # runs past the right edge of A4 (595 pt)
        c.drawString(40, 8, "外")                     # 2.8 mm above the bottom edge
    problems = outside_printable(_pdf(tmp_path / "edge.pdf", draw))
    assert any("边" in p for p in problems) and any("外" in p for p in problems), problems


def test_checker_finds_text_running_into_the_next_column(tmp_path):
    font = _font()

    def draw(c):
        c.setFont(font, 9)
        c.drawString(100, 700, "家庭人口")           # 36 pt wide, the next cell's text starts 30 pt on
        c.drawString(130, 700, "月发放金额")
        c.drawString(100, 650, "家庭人口")
        c.drawString(140, 650, "月发放金额")
    problems = overlapping_words(_pdf(tmp_path / "overlap.pdf", draw))
    assert len(problems) == 1 and "叠在一起" in problems[0], problems


def test_checker_finds_a_number_broken_over_two_lines_and_a_signature_apart(tmp_path):
    font = _font()

    def draw(c):
        c.setFont(font, 11)
        c.drawString(100, 700, "1390000100")
        c.drawString(100, 686, "0")
        c.drawString(100, 660, "2024-01-02")
        c.drawString(100, 600, "合计")
        c.showPage()
        c.setFont(font, 11)
        c.drawString(100, 700, "检查人签字")
    pdf = _pdf(tmp_path / "wrap.pdf", draw)
    assert split_across_lines(pdf, ["2024-01-02"]) == []
    assert any("两行" in p for p in split_across_lines(pdf, ["13900001000"]))
    assert any("找不到" in p for p in split_across_lines(pdf, ["13900001001"]))
    assert pages_with(pdf, "检查人签字") == [2]
    assert apart(pdf, "合计", "检查人签字") and apart(pdf, "1390000100", "2024-01-02") == []


def test_content_stream_reader_keeps_strings_whole():
    from pdfcontent import operations

    data = (b"q BT /F1 12 Tf (a\\(b\\)c\\\\d(e)f\\101) Tj [<4142 43> -20 (x)] TJ 3 Tr ET Q "
            b"BI /W 2 /H 1 ID \x00EI\xff EI /X0 Do % note\n/P <</MCID 0>> BDC (y) ' EMC")
    ops = [(o, op) for o, op in operations(data)]
    assert [op for _, op in ops] == [b"q", b"BT", b"Tf", b"Tj", b"TJ", b"Tr", b"ET", b"Q", b"Do", b"BDC", b"'",
                                     b"EMC"]
    assert ops[2][0] == ["/F1", 12.0] and ops[3][0] == [b"a(b)c\\d(e)fA"]
    assert ops[4][0] == [[b"ABC", -20.0, b"x"]] and ops[8][0] == ["/X0"] and ops[10][0] == [b"y"]


# ---------------------------------------------------------------- the demo's PDFs
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not SOFFICE.available():
        pytest.skip("LibreOffice (soffice) is not installed")
    base = tmp_path_factory.mktemp("as-read")
    root, out = base / "root", base / "out"

    def run(*args):
        r = subprocess.run([*MINZHENG, "--root", str(root), *args], capture_output=True, text=True, timeout=600, check=False,
                           cwd=Path(__file__).resolve().parent.parent)
        assert r.returncode == 0, r.stderr
        return r

    run("init", "--sample")
    run("generate", "all", "--office", "QSZ", "--pdf", "--out", str(out))
    run("report", "completeness", "--format", "pdf", "--out", str(base / "completeness.pdf"))
    run("report", "standardization", "--format", "pdf", "--out", str(base / "standardization.pdf"))
    settings = archive.load_settings(root)
    office = generators.load_office(settings, "QSZ")
    year = date.today().year
    big = next(s for s in ledger_specs(office, year) if s.recipients)       # the reportlab ledger path, too
    ledger_pdf(office, big, year, date.today(), base / "ledger-drawn.pdf")
    pdfs = sorted(out.glob("*.pdf")) + [base / "completeness.pdf", base / "standardization.pdf",
                                        base / "ledger-drawn.pdf"]
    return {"office": office, "year": year, "out": out, "pdfs": pdfs, "big": big}


def _one_line_texts(office, year) -> list[str]:
    """Cells a reader must see whole: ID numbers, phones, dates, amounts of QSZ's documents."""
    texts = []
    for s in office.full_time + office.assistants:
        texts += [s.id_number, s.phone] + ([s.hired.isoformat()] if s.hired else [])
    for spec in ledger_specs(office, year):
        for r in ledger_rows(spec):
            texts += [r["id_number"], r["amount"], r["start_date"], r["phone"]]
    return [t for t in texts if t]


@pytest.mark.soffice
@pytest.mark.slow
def test_every_pdf_reads_right(demo):
    """Every PDF: glyphs in embedded fonts, no unembedded font, nothing outside the printable area;
    in the clerk's documents every ID number, phone, date and amount on one line."""
    problems, chars, fonts = [], 0, set()
    wanted = _one_line_texts(demo["office"], demo["year"])
    for pdf in demo["pdfs"]:
        text = "".join(pdf_text(pdf).split())
        mine = [t for t in wanted if t in text or t.replace(",", "") in text] if pdf.parent == demo["out"] else []
        problems += check_pdf(pdf, one_line=mine)
        stats = glyph_stats(pdf)
        chars += stats.chars
        fonts |= stats.fonts
    assert not problems, "\n".join(problems)
    assert len(demo["pdfs"]) >= 10 and chars > 10_000
    print(f"\n{len(demo['pdfs'])} 个 PDF，{chars} 个字符，{len(fonts)} 个嵌入字体")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.soffice
@pytest.mark.slow
def test_roster_numbers_and_dates_stay_whole(demo):
    office = demo["office"]
    roster = demo["out"] / "QSZ-roster.pdf"
    texts = [t for s in office.full_time + office.assistants for t in (s.id_number, s.phone) if t]
    texts += [s.hired.isoformat() for s in office.full_time if s.hired]
    texts.append(cn_date(date.today()))              # 填表日期 in the signature line
    assert texts and split_across_lines(roster, texts) == []
    assert split_across_lines(roster, ["性别", "联系电话", "公民身份号码"]) == []   # headers not one char a line


@pytest.mark.soffice
@pytest.mark.slow
def test_ledger_and_notice_headers_stand_whole(demo):
    """性别 and 家庭人口 read as words, not one character a line; so do the amount and ID headers."""
    ledgers = sorted(demo["out"].glob("QSZ-ledger-*.pdf")) + [demo["pdfs"][-1]]
    notices = sorted(demo["out"].glob("QSZ-notice-*.pdf"))
    assert ledgers and notices
    for pdf in ledgers:
        assert split_across_lines(pdf, ["性别", "家庭人口", "公民身份号码", "开始日期", "联系电话"]) == [], pdf.name
    for pdf in notices:
        assert split_across_lines(pdf, ["家庭人口", "村（居）", "身份证号码（隐去中间部分）"]) == [], pdf.name


@pytest.mark.soffice
@pytest.mark.slow
def test_inspection_signature_on_the_tables_last_page_with_weights(demo):
    form = demo["out"] / "QSZ-inspection.pdf"
    assert apart(form, "自查不符合", "检查人（签字）") == []
    assert apart(form, "自查不符合", "被检查单位负责人（签字）") == []
    flat = "".join(pdf_text(form).split())
    settings_rules = archive.load_rules()
    for it in settings_rules.items:                   # every weight of the rule set is on the form
        assert f"{it.name}{'（必备）' if it.essential else ''}{it.weight:g}分" in flat
    total = [r.split() for page in rows_of(form).values() for r in page if r.startswith("合计")]
    assert total and total[-1][-1] == f"{sum(it.weight for it in settings_rules.items):g}", total   # 分值 total


@pytest.mark.soffice
@pytest.mark.slow
def test_each_wall_board_is_one_page(demo):
    rules = demo["out"] / "QSZ-rules.pdf"
    pages = [pages_with(rules, b) for b in BOARDS]
    assert [p[:1] for p in pages] == [[n] for n in range(1, len(BOARDS) + 1)], pages
    from pypdf import PdfReader

    assert len(PdfReader(str(rules)).pages) == len(BOARDS)
    flat_pages = ["".join(p.extract_text().split()) for p in PdfReader(str(rules)).pages]
    assert "十、考勤和值班制度" in flat_pages[0] and "有人接待" in flat_pages[0]   # the last item whole
