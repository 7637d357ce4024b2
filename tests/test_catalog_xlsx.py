"""`minzheng catalog export/import`: the catalog as a workbook to correct in Excel/WPS, brought back with
every row checked (row and column named, nothing written when any row is wrong) and only changed cells
applied, in one transaction."""
from __future__ import annotations

import openpyxl
import pytest
from conftest import as_json
from test_edit import write_files


@pytest.fixture
def filled(sample_root, invoke, tmp_path):
    d = write_files(tmp_path)
    invoke(sample_root, "ingest", "--manifest", d / "m.csv", "--jobs", "1")
    invoke(sample_root, "ingest", d / "c.txt", "--office", "QSZ", "--category", "WS", "--retention", "D10",
           "--jobs", "1")
    return sample_root


def export(invoke, root, path, *args):
    out = as_json(invoke(root, "catalog", "export", "--out", path, *args, "--json"))
    wb = openpyxl.load_workbook(path)
    return out, wb, wb["著录"]


def column(ws, header):
    return [c.value for c in ws[1]].index(header) + 1


def row_of(ws, record_id):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == record_id)


def test_export_has_one_row_per_record_with_every_field(filled, invoke, tmp_path):
    out, wb, ws = export(invoke, filled, tmp_path / "著录.xlsx")
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["记录号", "档号"]
    for h in ("题名", "文号", "责任者", "日期", "机构", "类别", "年度", "保管期限", "户主身份证号/户号", "文件类型", "待核"):
        assert h in headers
    assert out["records"] == ws.max_row - 1 == 3
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["C"].width >= 40                  # 题名 is wide
    r3 = row_of(ws, 3)
    show = as_json(invoke(filled, "show", 3, "--json"))
    assert ws.cell(r3, column(ws, "题名")).value == show["title"]
    assert ws.cell(r3, column(ws, "文号")).value == show["doc_number"]
    assert set(ws.cell(r3, column(ws, "待核")).value.split("、")) >= {"题名", "日期", "年度"}
    assert ws.cell(r3, column(ws, "户主身份证号/户号")).number_format == "@"     # ID numbers stay text
    assert ws.cell(r3, column(ws, "题名")).fill.fgColor.rgb.endswith("FFF2A8")   # 待核 shaded
    assert "说明" in wb.sheetnames
    # filters
    out, _, ws = export(invoke, filled, tmp_path / "ws.xlsx", "--category", "WS")
    assert out["records"] == 1 and ws.cell(2, 1).value == 3


def test_import_applies_only_changed_cells_in_one_go(filled, invoke, tmp_path):
    path = tmp_path / "著录.xlsx"
    _, wb, ws = export(invoke, filled, path)
    r2, r3 = row_of(ws, 2), row_of(ws, 3)
    ws.cell(r2, column(ws, "题名")).value = "张大山临时救助审批表"
    ws.cell(r2, column(ws, "户主身份证号/户号")).value = "439921198001011234"
    ws.cell(r3, column(ws, "日期")).value = "2019年11月6日"
    ws.cell(r3, column(ws, "待核")).value = "题名"          # 年度 … confirmed as they are
    wb.save(path)
    checked = as_json(invoke(filled, "catalog", "import", path, "--check", "--json"))
    assert checked["checked_only"] and checked["changes"] == 3
    assert as_json(invoke(filled, "show", 2, "--json"))["title"] != "张大山临时救助审批表"     # --check wrote nothing

    out = as_json(invoke(filled, "catalog", "import", path, "--user", "王档案员", "--json"))
    assert out["rows"] == 3 and out["records_changed"] == 2 and out["changes"] == 3
    rec2 = as_json(invoke(filled, "show", 2, "--json", "--history"))
    assert rec2["title"] == "张大山临时救助审批表" and rec2["household"] == "439921198001011234"
    assert "title" not in rec2["needs_review"]
    assert {h["field"] for h in rec2["history"]} == {"title", "household"}
    assert all(h["user"] == "王档案员" and h["source"] == "catalog import" for h in rec2["history"])
    rec3 = as_json(invoke(filled, "show", 3, "--json"))
    assert rec3["doc_date"] == "2019-11-06" and "title" in rec3["needs_review"]
    assert not {"doc_number", "author", "doc_date", "year"} & set(rec3["needs_review"])
    assert as_json(invoke(filled, "show", 1, "--json", "--history"))["history"] == []   # untouched row
    hits = as_json(invoke(filled, "search", "张大山临时救助审批表", "--json"))["hits"]
    assert hits and hits[0]["record_id"] == 2                                         # the index followed

    again = as_json(invoke(filled, "catalog", "import", path, "--json"))               # same file again: no change
    assert again["records_changed"] == 0


def test_any_wrong_row_means_nothing_is_written(filled, invoke, tmp_path):
    path = tmp_path / "著录.xlsx"
    _, wb, ws = export(invoke, filled, path)
    r1, r2, r3 = row_of(ws, 1), row_of(ws, 2), row_of(ws, 3)
    ws.cell(r1, column(ws, "题名")).value = "一个正确的新题名"
    ws.cell(r2, column(ws, "日期")).value = "2016-13-01"
    ws.cell(r3, column(ws, "机构")).value = "ABC"
    ws.cell(r3, column(ws, "年度")).value = "二〇一九"
    ws.cell(r3, column(ws, "待核")).value = "题名、页数"
    ws.cell(r1, column(ws, "档号")).value = "Z109-LS·2016-D30-QSZ-0009"
    wb.save(path)
    before = {i: as_json(invoke(filled, "show", i, "--json")) for i in (1, 2, 3)}
    r = invoke(filled, "catalog", "import", path, ok=False)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    err = r.stderr
    assert "没有写入任何修改" in err
    assert f"第 {r2} 行 “日期” 列（F 列）" in err and "2016-13-01" in err
    assert f"第 {r3} 行 “机构” 列（G 列）" in err and "ABC" in err
    assert f"第 {r3} 行 “年度” 列（I 列）" in err
    assert f"第 {r3} 行 “待核” 列" in err and "页数" in err
    assert f"第 {r1} 行 “档号” 列（B 列）" in err
    for i in (1, 2, 3):
        assert as_json(invoke(filled, "show", i, "--json")) == before[i]


def test_unknown_records_duplicates_and_foreign_workbooks(filled, invoke, tmp_path):
    path = tmp_path / "著录.xlsx"
    _, wb, ws = export(invoke, filled, path)
    ws.cell(ws.max_row + 1, 1).value = 42
    ws.cell(ws.max_row + 1, 1).value = 1
    ws.cell(ws.max_row + 1, 1).value = "99999999999999999999"          # past SQLite's 64-bit integers
    wb.save(path)
    r = invoke(filled, "catalog", "import", path, ok=False)
    assert "没有记录号为 42 的记录" in r.stderr and "记录 1 与第" in r.stderr and "重复" in r.stderr
    assert f"第 {ws.max_row} 行 “记录号” 列（A 列）：没有记录号为 99999999999999999999 的记录" in r.stderr
    assert "Traceback" not in r.stderr

    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "金额"])
    wb.save(other)
    r = invoke(filled, "catalog", "import", other, ok=False)
    assert r.exit_code == 1 and "没有“记录号”列" in r.stderr
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    r = invoke(filled, "catalog", "import", tmp_path / "bad.xlsx", ok=False)
    assert r.exit_code == 1 and "无法读取 bad.xlsx" in r.stderr


def test_bound_records_in_the_sheet_need_force(filled, invoke, tmp_path):
    invoke(filled, "bind", "--office", "QSZ", "--year", "2016", "--category", "LS")
    path = tmp_path / "著录.xlsx"
    _, wb, ws = export(invoke, filled, path)
    ws.cell(row_of(ws, 2), column(ws, "责任者")).value = "青山镇民政办"
    ws.cell(row_of(ws, 3), column(ws, "责任者")).value = "青山镇民政办公室"
    wb.save(path)
    r = invoke(filled, "catalog", "import", path, ok=False)
    assert "已装订在案卷" in r.stderr and "--force" in r.stderr
    assert as_json(invoke(filled, "show", 3, "--json"))["author"] != "青山镇民政办公室"    # all or nothing
    out = as_json(invoke(filled, "catalog", "import", path, "--force", "--json"))
    assert out["records_changed"] == 2
    assert [v["archival_code"] for v in out["rebind"]] == ["Z109-LS·2016-D30-QSZ-J001"]


def test_a_title_like_a_formula_goes_out_as_text_and_comes_back_unchanged(filled, invoke, tmp_path):
    title = '=HYPERLINK("http://x","y")'
    invoke(filled, "edit", 2, "--title", title)
    path = tmp_path / "著录.xlsx"
    _, _, ws = export(invoke, filled, path)
    cell = ws.cell(row_of(ws, 2), column(ws, "题名"))
    assert cell.data_type == "s" and cell.value == title                   # text, not a live formula
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    out = as_json(invoke(filled, "catalog", "import", path, "--json"))      # the untouched export comes back
    assert out["records_changed"] == 0 and as_json(invoke(filled, "show", 2, "--json"))["title"] == title


def test_a_formula_cell_is_named_not_read_as_an_empty_title(filled, invoke, tmp_path):
    path = tmp_path / "著录.xlsx"
    _, wb, ws = export(invoke, filled, path)
    r2 = row_of(ws, 2)
    ws.cell(r2, column(ws, "题名")).value = '=CONCATENATE("张","大山")'
    ws.cell(row_of(ws, 1), column(ws, "题名")).value = "一个正确的新题名"
    wb.save(path)
    before = as_json(invoke(filled, "show", 1, "--json"))
    r = invoke(filled, "catalog", "import", path, ok=False)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert f"第 {r2} 行 “题名” 列（C 列）：单元格里是公式，请改成文字" in r.stderr
    assert "题名不能为空" not in r.stderr
    assert as_json(invoke(filled, "show", 1, "--json")) == before            # nothing written


def test_a_renamed_or_unknown_column_is_an_error_not_ignored(filled, invoke, tmp_path):
    path = tmp_path / "著录.xlsx"
    _, wb, ws = export(invoke, filled, path)
    date_col = column(ws, "日期")
    ws.cell(1, date_col).value = "日期（年月日）"
    ws.cell(row_of(ws, 3), date_col).value = "2019-11-06"
    ws.cell(row_of(ws, 1), column(ws, "题名")).value = "一个正确的新题名"
    wb.save(path)
    before = {i: as_json(invoke(filled, "show", i, "--json")) for i in (1, 3)}
    r = invoke(filled, "catalog", "import", path, ok=False)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert "不认识的列 “日期（年月日）”" in r.stderr and f"{chr(64 + date_col)} 列" in r.stderr
    assert "没有写入任何修改" in r.stderr and "记录号、档号、题名" in r.stderr and "、日期、" in r.stderr
    for i in (1, 3):
        assert as_json(invoke(filled, "show", i, "--json")) == before[i]


def test_export_to_a_place_that_cannot_be_written_says_why_in_chinese(filled, invoke, tmp_path):
    (tmp_path / "FILE").write_text("x")
    r = invoke(filled, "catalog", "export", "--out", tmp_path / "FILE" / "x.xlsx", ok=False)
    assert r.exit_code == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"无法写入 {tmp_path / 'FILE'}：那里已有同名的文件，不能用作目录" in r.stderr and "--out" in r.stderr
    import archive  # the library's typed error (what the web pages show)
    from archive.common.errors import WriteError
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(WriteError) as e:
        archive.export_catalog(archive.load_settings(filled), tmp_path / "dir.xlsx")
    assert "那里已有一个同名的目录" in str(e.value)
