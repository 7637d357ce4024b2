"""Every report format opens in its own library and says the same numbers as the JSON."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_sample import TODAY, build_sample

import archive
import generators


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    import cli

    base = tmp_path_factory.mktemp("formats")
    root = base / "root"
    r = CliRunner().invoke(cli.cli, ["--root", str(root), "init", "--sample"], obj={})
    assert r.exit_code == 0, r.output
    settings = build_sample(root)
    rep = archive.completeness_report(settings, today=TODAY)
    std = archive.standardization_report(settings, today=TODAY)
    files = {fmt: generators.render_report(rep, fmt, base / f"c.{fmt}") for fmt in ("json", "csv", "xlsx", "docx", "pdf")}
    sfiles = {fmt: generators.render_report(std, fmt, base / f"s.{fmt}") for fmt in ("xlsx", "docx", "pdf")}
    return {"root": root, "rep": rep.to_dict(), "std": std.to_dict(), "files": files, "sfiles": sfiles}


def office_numbers(rep) -> dict[str, tuple[int, int, int]]:
    return {o["code"]: (o["households"], o["complete"], o["missing_count"]) for o in rep["offices"]}


def test_json_file_is_the_stable_shape(built):
    d = json.loads(built["files"]["json"].read_text(encoding="utf-8"))
    assert d["offices"] and {"code", "name", "classes"} <= set(d["offices"][0])
    c = d["offices"][0]["classes"][0]
    assert {"category", "households", "complete", "missing"} <= set(c)
    ytz = next(o for o in d["offices"] if o["code"] == "YTZ")
    m = next(c for c in ytz["classes"] if c["category"] == "DB")["missing"]
    assert m and set(m[0]) >= {"household", "document_type"}
    assert office_numbers(d) == office_numbers(built["rep"])


def test_xlsx_one_sheet_per_view_with_a_native_chart(built):
    from openpyxl import load_workbook

    path = built["files"]["xlsx"]
    wb = load_workbook(path)
    assert wb.sheetnames == ["机构汇总", "机构×救助类别", "缺件明细", "著录缺项统计", "著录缺项", "件号断号",
                             "逾期未装订", "原件校验"]
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1 and b"barChart>" in z.read(charts[0]) and "机构汇总".encode() in z.read(charts[0])
        assert b"charts/chart1.xml" in z.read("xl/drawings/_rels/drawing1.xml.rels")
    ws = wb["机构汇总"]
    header = [c.value for c in ws[3]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    for code, (hh, ok, miss) in office_numbers(built["rep"]).items():
        assert (rows[code]["应建户档"], rows[code]["齐全户档"], rows[code]["缺件数"]) == (hh, ok, miss)
    assert rows["YTZ"]["齐全率（%）"] == 86.0
    miss = [r for r in wb["缺件明细"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(miss) == 9 and {r[0] for r in miss} == {"YTZ"}


def test_csv_agrees(built):
    text = built["files"]["csv"].read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    summary = {r["机构代码"]: r for r in rows if r["视图"] == "机构汇总"}
    for code, (hh, ok, miss) in office_numbers(built["rep"]).items():
        assert (int(summary[code]["应建户档"]), int(summary[code]["齐全户档"]), int(summary[code]["缺件数"])) == (hh, ok, miss)
    missing = [r for r in rows if r["视图"] == "缺件明细"]
    want = {(m["household"], m["document_type"]) for o in built["rep"]["offices"] for c in o["classes"] for m in c["missing"]}
    assert {(r["户主身份证号/户号"], r["缺少的材料"]) for r in missing} == want


def test_docx_has_chart_tables_and_east_asian_fonts(built):
    import docx

    path = built["files"]["docx"]
    d = docx.Document(str(path))
    assert len(d.inline_shapes) == 1                             # the chart image
    table = d.tables[0]
    header = [c.text for c in table.rows[0].cells]
    rows = {r.cells[0].text: dict(zip(header, (c.text for c in r.cells))) for r in table.rows[1:]}
    for code, (hh, ok, miss) in office_numbers(built["rep"]).items():
        assert (int(rows[code]["应建户档"]), int(rows[code]["齐全户档"]), int(rows[code]["缺件数"])) == (hh, ok, miss)
    missing_table = d.tables[2]
    assert len(missing_table.rows) == 1 + 9
    with zipfile.ZipFile(path) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert "<w:tblHeader" in body                                # header rows repeat across pages
    sect = d.sections[0]
    printable = sect.page_width - sect.left_margin - sect.right_margin
    for t in d.tables:                                           # tables fit the printable width
        assert sum(c.width for c in t.rows[0].cells) <= printable
        assert sum(col.width for col in t.columns) <= printable  # the grid LibreOffice lays out by


def test_pdf_opens_with_chart_and_same_numbers(built):
    from pypdf import PdfReader

    reader = PdfReader(str(built["files"]["pdf"]))
    assert len(reader.pages) >= 2
    text = "".join(p.extract_text() for p in reader.pages)
    flat = "".join(text.split())
    assert "档案完整性报告" in flat and "云台镇" in flat and "缺件明细" in flat
    s = built["rep"]["summary"]
    assert f"应建户档{s['households']}户，齐全{s['complete']}户" in flat
    ytz = next(o for o in built["rep"]["offices"] if o["code"] == "YTZ")
    m = ytz["classes"][0]["missing"][0]
    assert m["household"] in flat
    images = [x for x in reader.pages[0].images]
    assert images, "the chart image is on the first page"
    from test_generate_pdf import unembedded_fonts

    assert unembedded_fonts(built["files"]["pdf"]) == set()      # the PDF carries its own Chinese font


def test_standardization_formats_agree(built):
    import docx
    from openpyxl import load_workbook
    from pypdf import PdfReader

    std = built["std"]
    scores = {o["code"]: o["score"] for o in std["offices"]}
    wb = load_workbook(built["sfiles"]["xlsx"])
    assert wb.sheetnames == ["总评", "检查项"]
    xl = {r[0]: r[2] for r in wb["总评"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert {k: float(v) for k, v in xl.items()} == scores
    with zipfile.ZipFile(built["sfiles"]["xlsx"]) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    items = [r for r in wb["检查项"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(items) == sum(len(o["items"]) for o in std["offices"])
    d = docx.Document(str(built["sfiles"]["docx"]))
    dx = {r.cells[0].text: float(r.cells[2].text) for r in d.tables[0].rows[1:]}
    assert dx == scores and len(d.inline_shapes) == 1
    flat = "".join("".join(p.extract_text() for p in PdfReader(str(built["sfiles"]["pdf"])).pages).split())
    assert "规范化建设检查验收报告" in flat and "合格线" in flat and "不合格" in flat


# ---------------------------------------------------------------- through the CLI
def test_cli_text_json_and_files(built, invoke, tmp_path):
    root = built["root"]
    r = invoke(root, "report", "completeness")
    assert "机构汇总" in r.stdout and "云台镇" in r.stdout and r.stderr == ""
    d = json.loads(invoke(root, "report", "completeness", "--format", "json").stdout)
    assert office_numbers(d) == office_numbers(built["rep"])
    d = json.loads(invoke(root, "report", "completeness", "--office", "YTZ", "--category", "DB", "--format", "json").stdout)
    assert [len(c["missing"]) for c in d["offices"][0]["classes"]] == [4]
    out = tmp_path / "县完整性.xlsx"
    r = invoke(root, "report", "completeness", "--out", out)           # format from the suffix
    assert out.is_file() and zipfile.is_zipfile(out) and str(out) in r.stdout
    r = invoke(root, "report", "standardization", "--format", "docx")  # default path under ROOT/out/reports
    made = list((root / "out" / "reports").glob("standardization-*.docx"))
    assert len(made) == 1 and str(made[0]) in r.stdout
    d = json.loads(invoke(root, "report", "standardization", "--office", "YTZ", "--json").stdout)
    assert d["offices"][0]["qualifies"] is False and d["offices"][0]["items"][0]["key"] == "staffing"
    r = invoke(root, "report", "standardization", "--office", "YTZ")
    assert "云台镇" in r.stdout and "否" in r.stdout


def test_cli_bad_office_is_a_chinese_error(built, invoke):
    r = invoke(built["root"], "report", "completeness", "--office", "XYZ", ok=False)
    assert r.exit_code == 1 and "XYZ" in r.stderr and "Traceback" not in r.stderr


def test_commands_have_help(invoke):
    for cmd in ("completeness", "standardization"):
        r = invoke(None, "report", cmd, "--help")
        assert "--format" in r.stdout and "--out" in r.stdout


# ---------------------------------------------------------------- the PDFs as a reader sees them
def test_report_pdfs_draw_every_character_with_an_embedded_glyph(built):
    from pdfcheck import check_pdf, glyph_stats, unembedded_fonts

    for pdf in (built["files"]["pdf"], built["sfiles"]["pdf"]):
        assert check_pdf(pdf) == []                   # glyphs, embedded fonts, within the printable area
        assert unembedded_fonts(pdf) == []            # not even Helvetica referenced
        assert glyph_stats(pdf).chars > 500


def test_standardization_pdf_verdicts_are_words_a_reader_tells_apart(built):
    from pdfcheck import rows_of

    std = built["std"]
    rows = [r.split() for page in rows_of(built["sfiles"]["pdf"]).values() for r in page]
    for o in std["offices"]:                          # the 总评 row: code, name, score, then 是/否
        verdict = "是" if o["qualifies"] else "否"
        assert [o["code"], o["name"], f"{o['score']:g}", verdict] in [r[:4] for r in rows], o["code"]
    assert {"合格", "不合格"} <= {w for r in rows for w in r}       # the 结果 column of the 检查项 table


def test_report_pdf_subset_covers_rows_not_only_titles(tmp_path):
    """A character that only occurs in a table cell (here a rare surname) is drawn with its own glyph."""
    from pdfcheck import check_pdf
    from pypdf import PdfReader

    rep = {"kind": "standardization", "county": "青山县", "rules": "默认规则", "generated_at": "2026-01-02T03:04:05",
           "pass_score": 90, "filters": {}, "summary": {"offices": 1, "qualified": 1, "mean_score": 95},
           "offices": [{"code": "QSZ", "name": "青山镇", "score": 95, "qualifies": True, "failed_essential": [],
                        "failed": ["挂牌"], "items": [
                            {"name": "人员配备", "essential": True, "weight": 20, "passed": True, "points": 20,
                             "evidence": "主任：龑翀；协理员：亓官燚、氹仔㭎"},
                            {"name": "挂牌", "essential": False, "weight": 5, "passed": False, "points": 0,
                             "evidence": "未挂“民政办”牌子 ✗ 😀"}]}]}
    out = generators.render_report(rep, "pdf", tmp_path / "s.pdf")
    assert check_pdf(out) == []
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "龑翀" in text and "〔U+2717〕" in text and "〔U+1F600〕" in text    # no face has ✗ or 😀: their codes


def test_cjk_font_names_what_it_cannot_draw():
    from archive.common.cjk_font import drawable, uncovered

    assert uncovered("合计是否✓√×●㎡") == ""                  # symbols Noto CJK has are drawn as they are
    assert uncovered("合格✗☑😀✗") == "✗☑😀"
    assert drawable("不合格✗") == "不合格〔U+2717〕" and drawable("合格") == "合格"


def test_report_pdf_long_unbroken_cells_wrap_inside_the_page(built, tmp_path):
    """A 90-letter file name, a SHA-256 and a 120-letter title wrap inside their columns: nothing crosses
    the page edge or the next column."""
    import copy

    from pdfcheck import check_pdf, split_across_lines

    rep = copy.deepcopy(built["rep"])
    o = rep["offices"][0]
    o["fixity"].append({"record_id": 12345678, "original_name": "Z" * 90 + ".pdf", "sha256": "ab" * 32,
                        "problem": "原件大小不符（目录 1234 字节，实际 0 字节）"})
    o["metadata_gaps"].append({"record_id": 7, "original_name": "关于" + "很长的文件名" * 12 + "_v3_ABCDEFGHIJ0123.docx",
                               "title": "T" * 120, "year": 2024, "category": "DB", "missing": ["档号", "责任者"]})
    out = generators.render_report(rep, "pdf", tmp_path / "long.pdf")
    assert check_pdf(out) == []
    assert split_across_lines(out, ["12345678"]) == []          # short numbers still stand whole


def test_report_pdf_total_row_keeps_company(built):
    """The 合计 row of the 机构汇总 table is on the page of the last office's row, never alone."""
    from pdfcheck import rows_of

    last = built["rep"]["offices"][-1]["code"]
    pages = rows_of(built["files"]["pdf"])
    total = next(p for p, rows in sorted(pages.items()) if any(r.startswith("合计 ") for r in rows))
    assert any(r.startswith(f"{last} ") for r in pages[total])


_ALPHABET = "青山镇民政办合计是否合格不合格档号题名日期户主身份证０１２ABCxyz0123456789-_.（）《》“”、；：✓✗√×●☑😀𠮷㎡≥ "


@settings(max_examples=3, deadline=None)
@given(cells=st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=120), min_size=3, max_size=3))
def test_report_pdf_any_cell_text_reads_right(tmp_path_factory, cells):
    """Whatever the cells hold (symbols Noto lacks, emoji, long unbroken runs), the PDF draws every
    character with an embedded glyph, inside the page and its column."""
    from pdfcheck import check_pdf

    rep = {"kind": "standardization", "county": "青山县", "rules": "默认规则", "generated_at": "2026-01-02T03:04:05",
           "pass_score": 90, "filters": {}, "summary": {"offices": 1, "qualified": 0, "mean_score": 5},
           "offices": [{"code": "QSZ", "name": cells[0], "score": 5, "qualifies": False, "failed_essential": [cells[1]],
                        "failed": [], "items": [{"name": cells[1], "essential": True, "weight": 5, "passed": False,
                                                 "points": 0, "evidence": cells[2]}]}]}
    out = generators.render_report(rep, "pdf", tmp_path_factory.mktemp("any") / "s.pdf")
    assert check_pdf(out) == []


def test_cli_format_and_out_extension_must_agree(built, invoke, tmp_path):
    """--format json --out x.xlsx would write JSON into a file Excel cannot open: a usage error, nothing written."""
    root = built["root"]
    r = invoke(root, "report", "standardization", "--format", "json", "--out", tmp_path / "x.xlsx", ok=False)
    assert r.exit_code == 2 and "x.json" in r.stderr and not (tmp_path / "x.xlsx").exists()
    r = invoke(root, "report", "completeness", "--out", tmp_path / "c.doc", ok=False)
    assert r.exit_code == 2 and ".docx" in r.stderr and not (tmp_path / "c.doc").exists()
    invoke(root, "report", "standardization", "--out", tmp_path / "s.txt")          # .txt is the text table
    assert "规范化建设" in (tmp_path / "s.txt").read_text(encoding="utf-8")
    invoke(root, "report", "standardization", "--format", "text", "--out", tmp_path / "s2.txt")
    for blank in ("", " "):
        r = invoke(root, "report", "completeness", "--format", "xlsx", "--out", blank, ok=False)
        assert r.exit_code == 2 and "--out 要写输出文件的名字" in r.stderr


def test_cli_out_that_cannot_be_written_is_a_chinese_error(built, invoke, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for fmt in ("xlsx", "json"):
        r = invoke(built["root"], "report", "completeness", "--out", afile / f"r.{fmt}", ok=False)
        assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.exception
        assert str(afile) in r.stderr and "--out" in r.stderr and "Traceback" not in r.stderr


def test_cli_unknown_rules_lists_the_rule_sets_there_are(built, invoke):
    r = invoke(built["root"], "report", "standardization", "--rules", "nosuch", ok=False)
    assert r.exit_code == 4 and "nosuch" in r.stderr and "可用的有：" in r.stderr and "default" in r.stderr
