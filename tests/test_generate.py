"""minzheng generate: open what was generated and check it against the office data."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import archive
import cli as cli_module
import generators
from archive.store.objects import store_file
from generators.ledger import ledger_specs
from generators.office.idnumber import mask_id
from generators.office.model import Office, Recipient
from generators.reports import render_report

PROJECT = Path(__file__).resolve().parent.parent
BUILTIN = ["ledger.docx", "roster.docx", "wall-rules.docx", "notice.docx", "inspection.docx"]
FULL_ID = re.compile(r"(?<![0-9*])[1-9]\d{16}[\dXx](?![0-9])")
TODAY = date(2025, 3, 10)


def run(root, *args, ok=True):
    result = CliRunner().invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={},
                                catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, f"{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The sample county, initialised once for this module; QSZ's whole set generated once."""
    root = tmp_path_factory.mktemp("gen") / "root"
    run(root, "init", "--sample")
    settings = archive.load_settings(root)
    out = root / "out-test"
    report = generators.generate_documents(settings, "QSZ", ["all"], year=2025, out_dir=out, today=TODAY)
    return {"root": root, "settings": settings, "out": out, "report": report,
            "office": generators.load_office(settings, "QSZ")}


def docx_text(path: Path) -> str:
    """All text a reader sees: body paragraphs, table cells, headers and footers."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def table_rows(path: Path, index: int = 0) -> list[list[str]]:
    t = Document(str(path)).tables[index]
    return [[c.text.strip() for c in row.cells] for row in t.rows]


def styles_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/styles.xml").decode("utf-8")


def all_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def canonical(xml: bytes) -> bytes:
    from lxml import etree

    return etree.tostring(etree.fromstring(xml), method="c14n", exclusive=True)


def money(x) -> str:
    return f"{Decimal(str(x)).quantize(Decimal('0.01')):,}"


def belongs(r, year: int) -> bool:
    """The year's documents list one-off aid (YL LS JZ) paid that year, monthly aid (DB TK FX) active in it."""
    if r.category in ("DB", "TK", "FX"):
        return ((r.start_date is None or r.start_date <= date(year, 12, 31))
                and (r.end_date is None or r.end_date >= date(year, 1, 1)))
    return r.start_date is not None and date(year, 1, 1) <= r.start_date <= date(year, 12, 31)


def in_class(office, cat, area=None, year=2025):
    rows = [r for r in office.recipients if r.category == cat and belongs(r, year)]
    if area == "urban":
        rows = [r for r in rows if r.area == "城市"]
    elif area == "rural":
        rows = [r for r in rows if r.area != "城市"]
    return rows


LEDGERS = [("DB-urban", "DB", "urban"), ("DB-rural", "DB", "rural"), ("TK", "TK", None), ("YL", "YL", None),
           ("LS", "LS", None), ("JZ", "JZ", None), ("FX", "FX", None)]


# ---------------------------------------------------------------- templates and fonts
@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_template_sets_chinese_fonts_and_a4(name):
    path = PROJECT / "templates" / name
    styles = styles_xml(path)
    default = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.DOTALL).group(0)
    assert 'w:eastAsia="宋体"' in default
    assert 'w:eastAsia="zh-CN"' in default
    assert "eastAsiaTheme" not in styles          # nothing falls back to the theme's (Japanese) font
    for east in ("黑体", "仿宋"):
        assert f'w:eastAsia="{east}"' in styles
    xml = all_xml(path)
    assert "ja-JP" not in xml and "明朝" not in xml and "Mincho" not in xml
    size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', xml)
    assert sorted(map(int, size.groups())) == [11906, 16838]    # A4 (portrait or landscape)
    assert "<w:pgMar" in xml


def test_builtin_templates_are_what_the_builder_makes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", PROJECT / "tools" / "make_templates.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    made = builder.build(tmp_path)
    assert sorted(p.name for p in made) == sorted(BUILTIN)
    for p in made:
        with zipfile.ZipFile(p) as fresh, zipfile.ZipFile(PROJECT / "templates" / p.name) as kept:
            for part in ("word/document.xml", "word/styles.xml"):
                assert canonical(fresh.read(part)) == canonical(kept.read(part)), \
                    f"templates/{p.name} is stale: run .venv/bin/python tools/make_templates.py"


def test_every_output_keeps_the_chinese_fonts(county):
    docs = [p for p in county["report"].files if p.suffix == ".docx"]
    assert len(docs) >= 10
    for p in docs:
        styles = styles_xml(p)
        assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="zh-CN"' in styles, p.name
        xml = all_xml(p)
        assert "{{" not in xml and "{%" not in xml, p.name          # every tag rendered


def test_fast_rendering_matches_docxtpl(county, tmp_path):
    """generators.render skips docxtpl passes it does not need; the document must come out the same."""
    import copy

    from docxtpl import DocxTemplate

    from generators.ledger import ledger_context, ledger_specs
    from generators.render import render_docx

    settings, office = county["settings"], copy.deepcopy(county["office"])
    spec = next(s for s in ledger_specs(office, 2025) if s.key == "TK")
    spec.recipients[0].reason = "第一行\n第二行"                   # a line break: docxtpl's listing pass is needed
    ctx = ledger_context(settings, office, spec, 2025, TODAY)
    template = PROJECT / "templates" / "ledger.docx"
    render_docx(template, ctx, tmp_path / "fast.docx")
    stock = DocxTemplate(str(template))
    stock.render(ctx, autoescape=True)
    stock.save(str(tmp_path / "stock.docx"))
    with zipfile.ZipFile(tmp_path / "fast.docx") as a, zipfile.ZipFile(tmp_path / "stock.docx") as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name.endswith(".xml"):       # same elements and text; namespace declarations may sit elsewhere
                assert canonical(a.read(name)) == canonical(b.read(name)), name
            else:
                assert a.read(name) == b.read(name), name
    assert "<w:br/>" in all_xml(tmp_path / "fast.docx")


def test_report_lists_every_kind_and_nothing_half_written(county):
    names = {p.name for p in county["report"].files}
    for key, _, _ in LEDGERS:
        assert f"QSZ-ledger-{key}.docx" in names and f"QSZ-ledger-{key}.xlsx" in names
    assert {"QSZ-roster.docx", "QSZ-rules.docx", "QSZ-inspection.docx", "QSZ-notice-TK.docx"} <= names
    assert all(p.is_file() for p in county["report"].files)
    assert sorted(p.name for p in county["out"].iterdir()) == sorted(names)   # no temp files left


# ---------------------------------------------------------------- ledgers
@pytest.mark.parametrize("key,cat,area", LEDGERS)
def test_ledger_docx_has_every_recipient_and_the_totals(county, key, cat, area):
    office = county["office"]
    expected = in_class(office, cat, area)
    path = county["out"] / f"QSZ-ledger-{key}.docx"
    text = docx_text(path)
    assert office.full_name in text
    assert "2025年度" in text
    rows = table_rows(path)
    body = rows[1:-1]
    assert len(body) == len(expected)
    got = {(r[1], r[3], r[4], r[5], r[6]) for r in body}
    assert got == {(r.name, r.id_number, r.village, str(r.household_size), money(r.amount)) for r in expected}
    totals = rows[-1]
    assert totals[0] == "合计"
    assert totals[1] == f"{len(expected)}户"
    assert totals[5] == str(sum(r.household_size for r in expected))
    assert totals[6] == money(sum(Decimal(str(r.amount)) for r in expected))


def test_ledger_header_row_repeats_on_every_page(county):
    xml = all_xml(county["out"] / "QSZ-ledger-DB-rural.docx")
    assert xml.count("<w:tblHeader/>") == 1
    header = Document(str(county["out"] / "QSZ-ledger-DB-rural.docx")).sections[0].header
    assert county["office"].full_name in "".join(p.text for p in header.paragraphs)


@pytest.mark.parametrize("key,cat,area", LEDGERS)
def test_xlsx_ledger_frozen_filtered_with_totals(county, key, cat, area):
    office = county["office"]
    expected = in_class(office, cat, area)
    wb = load_workbook(county["out"] / f"QSZ-ledger-{key}.xlsx")
    ws = wb.active
    assert office.full_name in ws["A1"].value
    assert ws.freeze_panes == "A4"
    last = "L" if cat in ("DB", "TK", "FX") else "J"          # monthly aid: 终止日期 and 变动 too
    assert ws.auto_filter.ref == f"A3:{last}{3 + len(expected)}"
    assert [c.value for c in ws[3]][:4] == ["序号", "姓名", "性别", "公民身份号码"]
    assert ws.column_dimensions["D"].width >= 20
    body = list(ws.iter_rows(min_row=4, max_row=3 + len(expected), values_only=True))
    assert {(r[1], r[3]) for r in body} == {(r.name, r.id_number) for r in expected}
    assert all(isinstance(r[3], str) for r in body)             # ID numbers stay text
    totals = ws[4 + len(expected)]
    assert totals[0].value == "合计"
    amounts = [r[6] for r in body]
    assert sum(Decimal(str(a)) for a in amounts) == sum(Decimal(str(r.amount)) for r in expected)
    if expected:
        assert totals[6].value == f"=SUM(G4:G{3 + len(expected)})"   # the whole column, nothing more
        assert totals[5].value == f"=SUM(F4:F{3 + len(expected)})"


def test_ledger_year_leaves_out_aid_that_starts_later(county):
    office = county["office"]
    first = min(r.start_date for r in office.recipients if r.start_date and r.category in ("DB", "TK", "FX"))
    report = generators.generate_documents(county["settings"], "QSZ", ["ledger"], year=first.year,
                                           out_dir=county["root"] / "out-early", today=TODAY)
    n = sum(len(table_rows(p)) - 2 for p in report.files if p.suffix == ".docx")
    assert n == sum(1 for r in office.recipients if belongs(r, first.year))
    assert 0 < n < len(office.recipients)


# ---------------------------------------------------------------- notices and wall documents
def test_notices_show_only_masked_ids(county):
    office = county["office"]
    for key, cat, area in LEDGERS:
        expected = in_class(office, cat, area)
        path = county["out"] / f"QSZ-notice-{key}.docx"
        if not expected:
            assert not path.exists()
            continue
        rows = table_rows(path)
        assert rows[0] == ["序号", "姓名", "村（居）", "家庭人口", rows[0][4], "身份证号码（隐去中间部分）"]
        body = rows[1:-1]
        assert {(r[1], r[2], r[3], r[4], r[5]) for r in body} == {
            (r.name, r.village, str(r.household_size), money(r.amount), mask_id(r.id_number)) for r in expected}
        assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", r[5]) for r in body)
        text = docx_text(path)
        assert "公示期：2025年3月10日至2025年3月16日（共7天）" in text
        assert office.complaint_phone in text and office.phone in text


def test_no_full_id_number_on_any_wall_document(county):
    office = county["office"]
    wall = [p for p in county["report"].files if p.suffix == ".docx" and ("notice" in p.name or "rules" in p.name)]
    assert len(wall) >= 7
    for p in wall:
        for text in (docx_text(p), all_xml(p)):
            assert not FULL_ID.search(text), p.name
            for r in office.recipients:
                assert r.id_number not in text
            for s in office.staff:
                assert s.id_number not in text


def test_wall_rules_large_print_with_the_sixteen_duties(county):
    office = county["office"]
    path = county["out"] / "QSZ-rules.docx"
    doc = Document(str(path))
    text = docx_text(path)
    for board in ("规章制度", "办事流程", "工作职责", "办事指南", "服务承诺", "四公开"):
        assert board in text
    duties = [p.text for p in doc.paragraphs if re.match(r"^\d{1,2}．", p.text) and p.style.name == "WallBody"]
    numbers = [int(re.match(r"^(\d+)", d).group(1)) for d in duties]
    assert list(range(1, 17)) == numbers[:16]
    assert "最低生活保障" in duties[1] and "殡葬" in duties[10] and "福利彩票" in duties[13]
    assert office.full_name in text and office.complaint_phone in text and office.director.name in text
    assert Document(str(path)).styles["WallBody"].font.size.pt >= 16        # fit for posting
    # the year's results board: one row per ledger with its households
    results = table_rows(path, index=len(doc.tables) - 1)
    assert results[0] == ["救助类别", "户数", "人数"]
    assert ["特困人员供养（五保）", str(len(in_class(office, "TK"))),
            str(sum(r.household_size for r in in_class(office, "TK")))] in results


# ---------------------------------------------------------------- roster and inspection
def test_roster_lists_staff_and_one_assistant_per_village(county):
    office = county["office"]
    path = county["out"] / "QSZ-roster.docx"
    staff = table_rows(path, 0)
    assert {r[1] for r in staff[1:-1]} == {s.name for s in office.full_time}
    assert staff[1][3] == "主任" and staff[1][1] == office.director.name
    assistants = table_rows(path, 1)
    assert [r[1] for r in assistants[1:-1]] == list(office.villages)
    assert {r[2] for r in assistants[1:-1]} == {s.name for s in office.assistants}
    assert office.full_name in docx_text(path)


def test_inspection_form_prefilled_from_check_office(county):
    settings = county["settings"]
    out = county["root"] / "out-ytz"
    report = generators.generate_documents(settings, "YTZ", ["inspection"], year=2025, out_dir=out, today=TODAY)
    (path,) = report.files
    office = generators.load_office(settings, "YTZ")
    findings = generators.check_office(office)
    rows = table_rows(path)
    assert rows[0][:8] == ["序号", "检查项目", "标准要求", "本办情况（据本办数据预填）", "自查", "分值", "得分", "扣分说明"]
    body = rows[1:-1]
    by_item = {r[1]: r for r in body}
    for f in findings:
        item = f.item + ("（加分项）" if f.bonus else "")
        assert by_item[item][3] == f.actual
        assert by_item[item][4] == ("符合" if f.passed else "不符合")
    failed = [f for f in findings if not f.passed]
    assert {f.rule for f in failed} >= {"staffing.full_time", "premises.area", "equipment.printer"}
    assert all(r[6] == "" and r[7] == "" for r in body)          # scores are the inspector's
    assert f"自查不符合 {len(failed)} 项" in rows[-1][3]
    text = docx_text(path)
    assert "检查人（签字）" in text and office.full_name in text


# ---------------------------------------------------------------- template overrides
def _template(path: Path, text: str) -> None:
    from docx import Document as New

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = New()
    doc.add_paragraph(text)
    doc.save(str(path))


def test_county_and_office_templates_override_the_builtin(county, tmp_path):
    settings = county["settings"]
    root = settings.root
    _template(root / "templates" / "roster.docx", "县里的花名册 {{ office.name }}")
    _template(root / "templates" / "QSZ" / "roster.docx", "青山镇自己的花名册 {{ office.full_name }}")
    try:
        qsz = generators.generate_documents(settings, "QSZ", ["roster"], out_dir=tmp_path, today=TODAY)
        bsx = generators.generate_documents(settings, "BSX", ["roster"], out_dir=tmp_path, today=TODAY)
        assert docx_text(qsz.files[0]).strip() == "青山镇自己的花名册 青山镇民政办公室"
        assert docx_text(bsx.files[0]).strip() == "县里的花名册 白石乡"
        assert generators.find_template(settings, "roster.docx", "LHZ") == root / "templates" / "roster.docx"
        assert generators.find_template(settings, "notice.docx", "QSZ") == PROJECT / "templates" / "notice.docx"
    finally:
        import shutil

        shutil.rmtree(root / "templates")


def test_broken_template_is_a_config_error_and_writes_nothing(county, tmp_path):
    settings = county["settings"]
    broken = settings.root / "templates" / "BSX" / "notice.docx"
    _template(broken, "公示 {{ office.name ")
    try:
        out = tmp_path / "broken"
        result = run(settings.root, "generate", "notice", "--office", "BSX", "--out", out, ok=False)
        assert result.exit_code == 4
        assert "模板" in result.stderr and "notice.docx" in result.stderr
        assert list(out.iterdir()) == []          # no document, no temporary file
    finally:
        import shutil

        shutil.rmtree(settings.root / "templates")


# ---------------------------------------------------------------- CLI
def test_cli_generate_all_json_contract(county, tmp_path):
    out = tmp_path / "cli"
    result = run(county["root"], "generate", "all", "--office", "QSZ", "--out", out, "--json", "--year", "2025")
    data = json.loads(result.stdout)
    assert list(data) == ["files", "skipped"]
    assert data["skipped"] == []                                  # QSZ has recipients of every class in 2025
    files = [Path(f) for f in data["files"]]
    assert len(files) == 24 and all(f.is_file() and f.parent == out for f in files)
    assert {f.suffix for f in files} == {".docx", ".xlsx"}
    assert "台账" in result.stderr and "花名册" in result.stderr     # progress goes to stderr


def test_cli_generate_every_office_and_logs_events(county, tmp_path):
    result = run(county["root"], "generate", "roster", "--office", "all", "--out", tmp_path / "all")
    lines = result.stdout.split()
    assert sorted(Path(x).name for x in lines) == sorted(f"{c}-roster.docx" for c in
                                                         ("QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"))
    from archive.store import catalog

    conn = catalog.connect(county["settings"].catalog_path)
    try:
        events = [json.loads(r["detail"]) for r in conn.execute("SELECT detail FROM events WHERE kind='generate'")]
    finally:
        conn.close()
    mine = [e for e in events if e["files"] and str(tmp_path / "all") in e["files"][0]]
    assert sorted(e["office"] for e in mine) == sorted(["QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"])
    assert all(e["kinds"] == ["roster"] for e in mine)


def test_cli_default_out_dir_is_per_office_and_date(county):
    result = run(county["root"], "generate", "inspection", "--office", "lhz")
    (line,) = result.stdout.split()
    assert Path(line) == county["root"] / "out" / "LHZ" / date.today().isoformat() / "LHZ-inspection.docx"


def test_cli_bad_input_messages(county):
    r = run(county["root"], "generate", "ledger", "--office", "NOPE", ok=False)
    assert r.exit_code == 1 and "NOPE" in r.stderr and "QSZ" in r.stderr
    r = run(county["root"], "generate", "posters", "--office", "QSZ", ok=False)
    assert r.exit_code == 2
    r = run(county["root"], "generate", "ledger", ok=False)
    assert r.exit_code == 2


def test_missing_soffice_gives_the_install_hint_and_writes_nothing(county, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "nopdf"
    r = run(county["root"], "generate", "roster", "--office", "QSZ", "--pdf", "--out", out, ok=False)
    assert r.exit_code == 3
    assert "未找到 soffice" in r.stderr and "apt-get install libreoffice-writer-nogui" in r.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_generated_files_follow_the_umask_and_objects_stay_read_only(county, tmp_path, umask):
    """Documents, ledgers and reports get 0666 less the umask, like any program's files (not mkstemp's
    0600); the object store keeps its explicit read-only mode."""
    old = os.umask(umask)
    try:
        out = tmp_path / "out"
        report = generators.generate_documents(county["settings"], "QSZ", ["ledger", "rules"], year=2025,
                                               out_dir=out, today=TODAY)
        made = list(report.files)
        made.append(render_report({"title": "测试", "summary": {}, "offices": []}, "json", tmp_path / "r.json"))
        src = tmp_path / "src.txt"
        src.write_text("原件", encoding="utf-8")
        _, obj, _ = store_file(tmp_path / "objects", src)
    finally:
        os.umask(old)
    assert {p.suffix for p in made} == {".docx", ".xlsx", ".json"}
    for p in made:
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask, p
    assert stat.S_IMODE(obj.stat().st_mode) == 0o444
    assert not list(out.glob(".tmp-*"))


# ---------------------------------------------------------------- which recipients a year's documents list
@pytest.fixture(scope="module")
def year2026(county):
    out = county["root"] / "out-2026"
    generators.generate_documents(county["settings"], "QSZ", ["ledger", "notice", "rules"], year=2026, out_dir=out,
                                  today=date(2026, 11, 30))
    return out


@pytest.mark.parametrize("cat", ["YL", "LS", "JZ"])
def test_one_off_aid_is_listed_and_totalled_in_the_year_it_was_paid_only(county, year2026, cat):
    office = county["office"]
    paid = in_class(office, cat, year=2026)
    earlier = [r for r in office.recipients_of(cat) if r.start_date.year < 2026]
    assert paid and earlier                       # the sample has both, or this proves nothing
    want_total = money(sum(Decimal(str(r.amount)) for r in paid))
    every_year = money(sum(Decimal(str(r.amount)) for r in office.recipients_of(cat)))

    ledger = year2026 / f"QSZ-ledger-{cat}.docx"
    rows = table_rows(ledger)
    body = rows[1:-1]
    assert sorted(r[3] for r in body) == sorted(r.id_number for r in paid)
    assert all(r[7].startswith("2026-") for r in body)
    text = docx_text(ledger)
    assert not [r.id_number for r in earlier if r.id_number in text]
    assert rows[-1][1] == f"{len(paid)}户" and rows[-1][6] == want_total != every_year

    ws = load_workbook(year2026 / f"QSZ-ledger-{cat}.xlsx").active
    assert [c.value for c in ws[3]][7] == "发放日期"
    xrows = list(ws.iter_rows(min_row=4, max_row=3 + len(paid), values_only=True))
    assert sorted(r[3] for r in xrows) == sorted(r.id_number for r in paid)
    assert money(sum(Decimal(str(r[6])) for r in xrows)) == want_total
    assert ws.cell(4 + len(paid), 1).value == "合计"
    assert not [r.id_number for r in earlier for row in ws.iter_rows(values_only=True) if r.id_number in row]

    notice = table_rows(year2026 / f"QSZ-notice-{cat}.docx")
    assert sorted((r[1], r[5]) for r in notice[1:-1]) == sorted((r.name, mask_id(r.id_number)) for r in paid)
    assert want_total in notice[-1]


def test_wall_board_results_are_the_years(county, year2026):
    office = county["office"]
    doc = Document(str(year2026 / "QSZ-rules.docx"))
    results = table_rows(year2026 / "QSZ-rules.docx", index=len(doc.tables) - 1)
    for name, cat in (("医疗救助", "YL"), ("临时救助", "LS"), ("救灾救济", "JZ"), ("特困人员供养（五保）", "TK")):
        rows = in_class(office, cat, year=2026)
        assert [name, str(len(rows)), str(sum(r.household_size for r in rows))] in results
    assert ["医疗救助", str(len(office.recipients_of("YL")))] not in [r[:2] for r in results]


def test_monthly_aid_lists_the_years_active_with_new_and_stopped_marked(county, tmp_path):
    """Monthly aid (DB TK FX) of 2024: recipients active at any time in 2024, 新增 and 停保/停发 shown in
    the row; those stopped before 2024 or starting after it are left out."""
    office, year = county["office"], 2024
    generators.generate_documents(county["settings"], "QSZ", ["ledger"], year=year, out_dir=tmp_path, today=TODAY)
    seen = {"started": 0, "stopped": 0, "left out": 0}
    for key, cat, area in [x for x in LEDGERS if x[1] in ("DB", "TK", "FX")]:
        everyone = [r for r in office.recipients_of(cat) if area is None or (r.area == "城市") == (area == "urban")]
        listed = in_class(office, cat, area, year=year)
        started = [r for r in listed if r.start_date.year == year]
        stopped = [r for r in listed if r.end_date and r.end_date.year == year]
        left_out = [r for r in everyone if r not in listed]
        assert all(r.start_date.year > year or r.end_date.year < year for r in left_out)
        seen["started"] += len(started)
        seen["stopped"] += len(stopped)
        seen["left out"] += len(left_out)
        word = "停保" if cat == "DB" else "停发"

        rows = {r[3]: r for r in table_rows(tmp_path / f"QSZ-ledger-{key}.docx")[1:-1]}
        assert set(rows) == {r.id_number for r in listed}
        for r in listed:
            reason = rows[r.id_number][8]
            assert ("【新增】" in reason) == (r in started)
            if r in stopped:
                assert f"【{r.end_date.year}年{r.end_date.month}月{r.end_date.day}日{word}】" in reason
            else:
                assert word not in reason
            assert reason.endswith(r.reason)

        ws = load_workbook(tmp_path / f"QSZ-ledger-{key}.xlsx").active
        assert [c.value for c in ws[3]][7:10] == ["开始日期", "终止日期", "变动"]
        xrows = {r[3]: r for r in ws.iter_rows(min_row=4, max_row=3 + len(listed), values_only=True)}
        assert set(xrows) == {r.id_number for r in listed}
        for r in listed:
            change = xrows[r.id_number][9] or ""
            assert ("新增" in change) == (r in started) and (word in change) == (r in stopped)
            assert (xrows[r.id_number][8] or "") == (r.end_date.isoformat() if r.end_date else "")
            assert xrows[r.id_number][10] == r.reason
    assert all(seen.values()), seen                     # the sample has each case, or this proves nothing


# ---------------------------------------------------------------- nothing to list
def _generate_events(settings) -> int:
    conn = sqlite3.connect(settings.catalog_path)
    try:
        return conn.execute("SELECT count(*) FROM events WHERE kind='generate'").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["ledger", "notice"])
def test_a_year_without_recipients_writes_nothing_and_says_so(county, tmp_path, kind):
    office = county["office"]
    assert not [r for r in office.recipients if belongs(r, 2000)]
    out = tmp_path / "out"
    events = _generate_events(county["settings"])
    r = run(county["root"], "generate", kind, "--office", "QSZ", "--year", "2000", "--out", out, ok=False)
    assert r.exit_code == 1
    assert "青山镇（QSZ） 2000 年度没有救助对象" in r.stderr and "未生成任何文件" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()
    assert _generate_events(county["settings"]) == events

    r = run(county["root"], "generate", kind, "--office", "QSZ", "--year", "2000", "--json", ok=False)
    assert r.exit_code == 1
    got = json.loads(r.stdout)
    assert got["files"] == []
    assert {(s["office"], s["kind"], s["key"]) for s in got["skipped"]} == {
        ("QSZ", kind, key) for key in ("DB", "TK", "YL", "LS", "JZ", "FX")}
    assert not (county["root"] / "out" / "QSZ" / date.today().isoformat() / f"QSZ-{kind}-DB.docx").exists()


def test_every_office_without_recipients_is_one_error(county, tmp_path):
    r = run(county["root"], "generate", "ledger", "--office", "all", "--year", "1999", "--out", tmp_path / "o",
            ok=False)
    assert r.exit_code == 1 and "云台镇（YTZ）" in r.stderr and "1999 年度没有救助对象" in r.stderr
    assert not (tmp_path / "o").exists()


def test_classes_without_recipients_are_skipped_and_named(county, tmp_path):
    office = county["office"]
    classes = [(key, cat, area) for key, cat, area in LEDGERS if key != "DB-urban"]
    year = next(y for y in range(2018, 2027)
                if any(in_class(office, c, a, year=y) for _, c, a in classes)
                and not all(in_class(office, c, a, year=y) for _, c, a in classes))
    have = {key for key, cat, area in LEDGERS if in_class(office, cat, area, year=year)}
    empty = {key for key, cat, area in classes if not in_class(office, cat, area, year=year)}
    r = run(county["root"], "generate", "ledger", "--office", "QSZ", "--year", year, "--out", tmp_path, "--json")
    got = json.loads(r.stdout)
    assert {Path(p).name for p in got["files"]} == {f"QSZ-ledger-{k}.{ext}" for k in have for ext in ("docx", "xlsx")}
    assert {s["key"] for s in got["skipped"]} == empty
    said = next(line for line in r.stderr.splitlines() if f"{year} 年度没有" in line)
    assert all(s["class_name"] in said for s in got["skipped"]) and "不生成台账" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(p).name for p in got["files"])


def test_generate_all_for_an_empty_year_still_writes_the_office_documents(county, tmp_path):
    report = generators.generate_documents(county["settings"], "QSZ", ["all"], year=2000, out_dir=tmp_path,
                                           today=TODAY)
    assert sorted(p.name for p in report.files) == ["QSZ-inspection.docx", "QSZ-roster.docx", "QSZ-rules.docx"]
    assert {s["kind"] for s in report.skipped} == {"ledger", "notice"}


# ---------------------------------------------------------------- the year rule, for any dates
@st.composite
def recipients_with_dates(draw):
    out = []
    for i in range(draw(st.integers(1, 12))):
        cat = draw(st.sampled_from(["DB", "TK", "FX", "YL", "LS", "JZ"]))
        start = draw(st.one_of(st.none(), st.dates(date(2010, 1, 1), date(2030, 12, 31))))
        end = None
        if cat in ("DB", "TK", "FX") and draw(st.booleans()):
            end = draw(st.dates(start or date(2010, 1, 1), date(2030, 12, 31)))
        out.append(Recipient(category=cat, name=f"对象{i}", id_number=f"{i:018d}", village="甲村",
                             household_size=draw(st.integers(1, 9)), amount=float(draw(st.integers(0, 50000))),
                             start_date=start, area=draw(st.sampled_from(["城市", "农村"])), end_date=end))
    return out


@settings(max_examples=150, deadline=None)
@given(recipients_with_dates())
def test_each_recipient_is_on_the_ledgers_of_exactly_its_years(recipients):
    """A one-off payment is on one year's ledger (none when undated); monthly aid on every year from its
    start to its end; each year's totals are its rows' sums."""
    office = Office(code="QSZ", name="青山镇", kind="镇", population=1, villages=["甲村"], recipients=recipients)
    years = range(2008, 2033)
    on = {id(r): [] for r in recipients}
    for year in years:
        for spec in ledger_specs(office, year):
            for r in spec.recipients:
                on[id(r)].append(year)
            assert spec.households == len(spec.recipients)
            assert spec.persons == sum(r.household_size for r in spec.recipients)
            assert Decimal(str(spec.amount)) == sum((Decimal(str(r.amount)) for r in spec.recipients), Decimal(0))
    for r in recipients:
        if r.category in ("YL", "LS", "JZ"):
            assert on[id(r)] == ([r.start_date.year] if r.start_date else [])
        else:
            first = r.start_date.year if r.start_date else years[0]
            last = r.end_date.year if r.end_date else years[-1]
            assert on[id(r)] == list(range(first, last + 1))


def test_out_that_cannot_be_written_is_a_chinese_error_naming_the_place(county, tmp_path):
    """--out under a file, or where a directory already has a document's name: no traceback, the path and what to do."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    r = run(county["root"], "generate", "roster", "--office", "QSZ", "--out", afile / "sub", ok=False)
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.stderr and str(afile / "sub") in r.stderr
    assert "不是目录" in r.stderr and "--out" in r.stderr
    blocked = tmp_path / "blocked"
    (blocked / "QSZ-roster.docx").mkdir(parents=True)     # a folder where the document would go
    r = run(county["root"], "generate", "roster", "--office", "QSZ", "--out", blocked, ok=False)
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    assert "QSZ-roster.docx" in r.stderr and "同名的目录" in r.stderr
    assert [p.name for p in blocked.iterdir()] == ["QSZ-roster.docx"]     # no temporary file left beside it


def test_text_that_looks_like_a_formula_stays_text_in_the_xlsx_files(tmp_path):
    """A name or cause typed as =… (or copied from a spreadsheet) must not become a formula that Excel runs
    in the electronic ledger or the report workbook: it is shown exactly as typed."""
    root = tmp_path / "root"
    run(root, "init", "--sample")
    data = root / "data" / "recipients.csv"
    lines = data.read_text(encoding="utf-8-sig").splitlines()
    head = lines[0].split(",")
    first = next(i for i, line in enumerate(lines) if line.startswith("QSZ,DB,"))
    cells = lines[first].split(",")
    cells[head.index("姓名")] = "=1+1"
    cells[head.index("原因")] = '"=HYPERLINK(""http://x.example"",""点我"")"'
    lines[first] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    year = int(cells[head.index("起始日期")][:4])
    out = tmp_path / "out"
    run(root, "generate", "ledger", "--office", "QSZ", "--year", year, "--out", out)
    run(root, "report", "completeness", "--out", tmp_path / "c.xlsx")
    seen = set()
    for book in [*out.glob("*.xlsx"), tmp_path / "c.xlsx"]:
        for ws in load_workbook(book):
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        if cell.value.startswith("=SUM("):       # the ledger's own totals
                            continue
                        assert cell.data_type == "s", (book.name, cell.coordinate, cell.value)
                        seen.add((book.name.endswith("c.xlsx"), cell.value))
    assert (False, "=1+1") in seen and (False, '=HYPERLINK("http://x.example","点我")') in seen
    assert (True, "=1+1") in seen


def test_a_template_that_is_not_a_word_file_is_named_in_chinese(county, tmp_path):
    settings = county["settings"]
    fake = settings.root / "templates" / "roster.docx"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text("不是 Word 文件")
    try:
        r = run(settings.root, "generate", "roster", "--office", "QSZ", "--out", tmp_path / "t", ok=False)
        assert r.exit_code == 4 and str(fake) in r.stderr and "另存为 .docx" in r.stderr
        assert "Error" not in r.stderr and "Package" not in r.stderr
    finally:
        import shutil

        shutil.rmtree(settings.root / "templates")


def test_pdf_that_cannot_be_written_is_a_chinese_error(county, tmp_path, monkeypatch):
    """The PDF stage writes too: a folder where a PDF would go (or a full disk) is said like the .docx case."""
    from generators import documents

    out = tmp_path / "pdfout"
    (out / "QSZ-roster.pdf").mkdir(parents=True)

    def convert(paths):
        raise IsADirectoryError(21, "Is a directory", str(out / ".tmp-x.pdf"), None, str(out / "QSZ-roster.pdf"))

    monkeypatch.setattr(documents, "SOFFICE", type("NoTool", (), {"require": staticmethod(lambda: None)})())
    monkeypatch.setattr(documents, "convert_with_soffice", convert)
    r = run(county["root"], "generate", "roster", "--office", "QSZ", "--pdf", "--out", out, ok=False)
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    assert "QSZ-roster.pdf" in r.stderr and "同名的目录" in r.stderr and "--out" in r.stderr


def test_a_year_still_to_come_is_said(county, tmp_path):
    """--year 2100 (a slip for 2010, say) lists every monthly recipient without an end date: say so."""
    r = run(county["root"], "generate", "ledger", "--office", "QSZ", "--year", 2100, "--out", tmp_path / "y")
    assert "2100 年度还没有到" in r.stderr and "--year" in r.stderr
    r = run(county["root"], "generate", "roster", "--office", "QSZ", "--year", date.today().year + 1,
            "--out", tmp_path / "next")
    assert "还没有到" not in r.stderr             # next year's documents are prepared in December
