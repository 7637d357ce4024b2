"""Office data files: every bad file gets its file/row/column message through `office import`, and
nothing is written; good CSV (UTF-8, BOM, GB18030) and XLSX data are imported."""
import csv
import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from archive import load_settings
from archive.common.errors import DataError
from archive.store.config import SAMPLES_DIR
from generators import import_office_data, load_county, load_office
from generators.office.columns import FILES
from generators.office.idnumber import check_digit

SAMPLE_DATA = SAMPLES_DIR / "county" / "data"


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows, encoding="utf-8-sig") -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def edit(path: Path, line: int, header: str, value: str) -> list[str]:
    """Set one cell (line numbers as a spreadsheet shows them: header = 1). Returns the old row."""
    rows = read_rows(path)
    old = list(rows[line - 1])
    rows[line - 1][rows[0].index(header)] = value
    write_rows(path, rows)
    return old


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA, d)
    return d


def snapshot(root: Path) -> dict:
    """Everything import may write: the data files, the offices table and the events."""
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "data").iterdir())}
    conn = sqlite3.connect(root / "catalog.sqlite3")
    try:
        offices = conn.execute("SELECT * FROM offices ORDER BY code").fetchall()
        events = conn.execute("SELECT kind FROM events").fetchall()
    finally:
        conn.close()
    hidden = sorted(p.name for p in root.iterdir() if p.name.startswith(".data"))
    return {"files": files, "offices": offices, "events": events, "hidden": hidden}


def import_fails(invoke, root: Path, source: Path) -> str:
    before = snapshot(root)
    result = invoke(root, "office", "import", source, ok=False)
    assert result.exit_code == 1, result.stderr
    assert "办公室数据有误，未写入任何内容" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before
    return result.stderr


# ---------------------------------------------------------------- the sample itself
def test_sample_data_loads_six_offices_and_about_300_recipients(sample_root):
    county = load_county(load_settings(sample_root))
    assert [o.code for o in county.offices] == ["QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"]
    recipients = [r for o in county.offices for r in o.recipients]
    assert len(recipients) == 300
    assert {r.category for r in recipients} == {"DB", "TK", "YL", "LS", "JZ", "FX"}
    assert {r.area for r in recipients if r.category == "DB"} == {"城市", "农村"}
    for o in county.offices:
        assert {r.village for r in o.recipients} <= set(o.villages)
        assert all(r.amount >= 0 and r.household_size >= 1 for r in o.recipients)


def test_sample_import_fills_catalog_and_logs_event(sample_root):
    conn = sqlite3.connect(sample_root / "catalog.sqlite3")
    rows = conn.execute("SELECT code, name, kind, population FROM offices ORDER BY code").fetchall()
    events = [json.loads(d) for (d,) in conn.execute("SELECT detail FROM events WHERE kind='office.import'")]
    conn.close()
    assert ("YTZ", "云台镇", "镇", 23600) in rows and len(rows) == 6
    assert events and events[0]["recipients"] == 300


def test_sample_generator_is_deterministic(tmp_path):
    import runpy

    script = SAMPLES_DIR / "county" / "make_sample.py"
    mod = runpy.run_path(str(script))
    import random

    files = mod["build"](random.Random(109))
    for stem, rows in files.items():
        assert read_rows(SAMPLE_DATA / f"{stem}.csv") == [[str(c) for c in r] for r in rows], stem


def test_load_office_unknown_code_lists_known(sample_root):
    from archive.common.errors import NotFoundError

    with pytest.raises(NotFoundError) as e:
        load_office(load_settings(sample_root), "NOPE")
    assert "NOPE" in str(e.value) and "QSZ（青山镇）" in str(e.value)
    assert load_office(load_settings(sample_root), "ytz").name == "云台镇"


# ---------------------------------------------------------------- bad files via the CLI
def test_bad_check_digit(invoke, sample_root, data):
    rows = read_rows(data / "recipients.csv")
    pid = rows[11][3]
    wrong = pid[:17] + ("0" if pid[17] != "0" else "1")
    edit(data / "recipients.csv", 12, "身份证号", wrong)
    err = import_fails(invoke, sample_root, data)
    assert f"recipients.csv 第 12 行 “身份证号” 列：校验位错误（应为 {pid[17]}）" in err


def test_bad_birth_date_in_staff(invoke, sample_root, data):
    first17 = "43992119810230001"
    edit(data / "staff.csv", 3, "身份证号", first17 + check_digit(first17))
    err = import_fails(invoke, sample_root, data)
    assert "staff.csv 第 3 行 “身份证号” 列：出生日期 19810230 不是有效日期" in err


def test_missing_column(invoke, sample_root, data):
    rows = read_rows(data / "staff.csv")
    i = rows[0].index("职务")
    write_rows(data / "staff.csv", [r[:i] + r[i + 1:] for r in rows])
    err = import_fails(invoke, sample_root, data)
    assert "staff.csv 第 1 行（标题行）：缺少必需的列 “职务”" in err


def test_missing_file(invoke, sample_root, data):
    (data / "rooms.csv").unlink()
    err = import_fails(invoke, sample_root, data)
    assert "缺少文件 rooms.csv" in err


def test_empty_file(invoke, sample_root, data):
    (data / "signs.csv").write_bytes(b"")
    err = import_fails(invoke, sample_root, data)
    assert "signs.csv：文件为空" in err


def test_duplicate_id_within_a_class(invoke, sample_root, data):
    rows = read_rows(data / "recipients.csv")
    # two TK rows of the same office: give the second the first one's ID number
    tk = [n for n, r in enumerate(rows, start=1) if r[1] == "TK"][:2]
    edit(data / "recipients.csv", tk[1], "身份证号", rows[tk[0] - 1][3])
    err = import_fails(invoke, sample_root, data)
    assert f"recipients.csv 第 {tk[1]} 行 “身份证号” 列：与第 {tk[0]} 行重复（同一类别 TK 中身份证号不能重复）" in err


def test_same_person_in_two_classes_is_fine(invoke, sample_root, data):
    rows = read_rows(data / "recipients.csv")
    db = next(n for n, r in enumerate(rows, start=1) if r[1] == "DB" and r[0] == "QSZ")
    yl = next(n for n, r in enumerate(rows, start=1) if r[1] == "YL" and r[0] == "QSZ")
    edit(data / "recipients.csv", yl, "身份证号", rows[db - 1][3])
    invoke(sample_root, "office", "import", data)


def test_negative_amount(invoke, sample_root, data):
    edit(data / "recipients.csv", 7, "金额", "-120")
    err = import_fails(invoke, sample_root, data)
    assert "recipients.csv 第 7 行 “金额” 列：不能为负数（现为 -120）" in err


def test_bad_number_date_and_empty_cell(invoke, sample_root, data):
    edit(data / "recipients.csv", 4, "家庭人口", "三")
    edit(data / "recipients.csv", 5, "起始日期", "2024-02-30")
    edit(data / "recipients.csv", 6, "姓名", "")
    edit(data / "rooms.csv", 2, "面积", "约二十")
    err = import_fails(invoke, sample_root, data)
    assert "recipients.csv 第 4 行 “家庭人口” 列：“三” 不是数字" in err
    assert "recipients.csv 第 5 行 “起始日期” 列：“2024-02-30” 不是有效日期" in err
    assert "recipients.csv 第 6 行 “姓名” 列：不能为空" in err
    assert "rooms.csv 第 2 行 “面积” 列：“约二十” 不是数字" in err


def test_unknown_office_and_foreign_village(invoke, sample_root, data):
    rows = read_rows(data / "villages.csv")
    write_rows(data / "villages.csv", rows + [["XYZ", "无名村"]])
    qsz = next(n for n, r in enumerate(read_rows(data / "recipients.csv"), start=1) if r[0] == "QSZ")
    edit(data / "recipients.csv", qsz, "村（居）", "白石村")   # belongs to BSX, not QSZ
    err = import_fails(invoke, sample_root, data)
    assert f"villages.csv 第 {len(rows) + 1} 行 “机构代码” 列：未知的机构代码 XYZ（offices 中有：QSZ、BSX" in err
    assert f"recipients.csv 第 {qsz} 行 “村（居）” 列：“白石村” 不是青山镇的村（居）" in err


def test_db_needs_urban_or_rural(invoke, sample_root, data):
    edit(data / "recipients.csv", 2, "城乡", "")
    err = import_fails(invoke, sample_root, data)
    assert "recipients.csv 第 2 行 “城乡” 列：低保（DB）对象要写明 城市 或 农村" in err


def test_all_problems_are_collected(invoke, sample_root, data):
    edit(data / "recipients.csv", 7, "金额", "-1")
    edit(data / "offices.csv", 3, "人口", "-5")
    edit(data / "equipment.csv", 4, "数量", "2.5")
    err = import_fails(invoke, sample_root, data)
    assert "recipients.csv 第 7 行 “金额” 列" in err
    assert "offices.csv 第 3 行 “人口” 列：不能小于 0（现为 -5）" in err
    assert "equipment.csv 第 4 行 “数量” 列：“2.5” 应为整数" in err


def test_gb18030_csv_is_accepted(invoke, sample_root, data):
    offices = [r if r[0] != "BSX" else [r[0], "白石寨乡", *r[2:]] for r in read_rows(data / "offices.csv")]
    write_rows(data / "offices.csv", offices, encoding="gb18030")
    write_rows(data / "recipients.csv", read_rows(data / "recipients.csv"), encoding="gb18030")
    assert (data / "offices.csv").read_bytes().decode("gb18030").startswith("机构代码")
    invoke(sample_root, "office", "import", data)
    listed = json.loads(invoke(sample_root, "office", "list", "--json").stdout)
    assert {o["code"]: o["name"] for o in listed}["BSX"] == "白石寨乡"
    # the files are kept as given; loading them again detects the encoding again
    assert load_office(load_settings(sample_root), "BSX").name == "白石寨乡"


def test_utf8_without_bom_and_other_date_forms(invoke, sample_root, data):
    rows = read_rows(data / "recipients.csv")
    rows[1][rows[0].index("起始日期")] = "2018/3/1"
    rows[2][rows[0].index("起始日期")] = "2018年3月2日"
    rows[2][rows[0].index("终止日期")] = "20250630"
    write_rows(data / "recipients.csv", rows, encoding="utf-8")
    invoke(sample_root, "office", "import", data)
    recipients = load_county(load_settings(sample_root)).offices[0].recipients
    assert str(recipients[0].start_date) == "2018-03-01" and str(recipients[1].start_date) == "2018-03-02"
    assert str(recipients[1].end_date) == "2025-06-30"


def test_excel_unicode_text_is_accepted(invoke, sample_root, data):
    """Excel's “Unicode 文本” export: UTF-16 with BOM, tab-separated."""
    rows = read_rows(data / "staff.csv")
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    (data / "staff.csv").write_bytes(text.encode("utf-16"))
    invoke(sample_root, "office", "import", data)
    assert load_office(load_settings(sample_root), "QSZ").director.name == rows[1][1]


def test_undecodable_csv(invoke, sample_root, data):
    (data / "signs.csv").write_bytes(b"\x81\x30\xff\xff\x80\x80")
    err = import_fails(invoke, sample_root, data)
    assert "signs.csv：无法识别文件编码" in err


# ---------------------------------------------------------------- XLSX
def workbook_from(data: Path, path: Path, rename: dict | None = None, numeric_id_row: int | None = None,
                  title: str | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for stem in FILES:
        ws = wb.create_sheet((rename or {}).get(stem, stem))
        if title and stem == "recipients":
            ws.append([title])
            ws.merge_cells("A1:K1")
        for n, row in enumerate(read_rows(data / f"{stem}.csv"), start=1):
            if stem == "recipients" and n == numeric_id_row:
                row = row[:3] + [int(row[3][:15] + "000")] + row[4:]
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_workbook_is_imported(invoke, sample_root, data, tmp_path):
    book = workbook_from(data, tmp_path / "青山县数据.xlsx")
    result = invoke(sample_root, "office", "import", book)
    assert "已导入 6 个民政办" in result.stdout
    assert [p.name for p in (sample_root / "data").iterdir()] == ["青山县数据.xlsx"]
    county = load_county(load_settings(sample_root))
    assert sum(len(o.recipients) for o in county.offices) == 300


def test_xlsx_title_line_above_header_is_skipped(invoke, sample_root, data, tmp_path):
    book = workbook_from(data, tmp_path / "county.xlsx", title="青山县救助对象名册（2024年）")
    invoke(sample_root, "office", "import", book)
    assert sum(len(o.recipients) for o in load_county(load_settings(sample_root)).offices) == 300
    # row numbers in messages are still the sheet's own: the title is row 1, the header row 2
    edit(data / "recipients.csv", 7, "金额", "-1")
    book = workbook_from(data, tmp_path / "county2.xlsx", title="青山县救助对象名册")
    err = import_fails(invoke, sample_root, book)
    assert "county2.xlsx 工作表 recipients 第 8 行 “金额” 列：不能为负数" in err


def test_xlsx_with_wrong_sheet(invoke, sample_root, data, tmp_path):
    book = workbook_from(data, tmp_path / "county.xlsx", rename={"staff": "Sheet1"})
    err = import_fails(invoke, sample_root, book)
    assert "county.xlsx：缺少工作表 “staff”（现有工作表：offices、villages、Sheet1" in err


def test_xlsx_id_number_stored_as_number(invoke, sample_root, data, tmp_path):
    book = workbook_from(data, tmp_path / "county.xlsx", numeric_id_row=9)
    err = import_fails(invoke, sample_root, book)
    assert "county.xlsx 工作表 recipients 第 9 行 “身份证号” 列：身份证号被保存成了数字" in err


def test_damaged_xlsx(invoke, sample_root, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    err = import_fails(invoke, sample_root, bad)
    assert "bad.xlsx：无法作为 XLSX 工作簿打开" in err


def test_not_a_workbook(invoke, sample_root, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello", encoding="utf-8")
    result = invoke(sample_root, "office", "import", f, ok=False)
    assert result.exit_code == 1 and "notes.txt 不是 XLSX 工作簿" in result.stderr


# ---------------------------------------------------------------- atomic replace
def test_replace_is_all_or_nothing(sample_root, data, monkeypatch):
    """A failure while swapping the directory leaves the old data and the catalog as they were."""
    import generators.office.data as od

    before = snapshot(sample_root)
    edit(data / "offices.csv", 2, "人口", "99999")
    real_rename = od.os.rename

    def failing_rename(src, dst):
        if Path(src).name.startswith(".data-new-"):
            raise OSError("disk full (simulated)")
        return real_rename(src, dst)

    monkeypatch.setattr(od.os, "rename", failing_rename)
    with pytest.raises(OSError):
        import_office_data(load_settings(sample_root), data)
    assert snapshot(sample_root) == before
    monkeypatch.setattr(od.os, "rename", real_rename)
    import_office_data(load_settings(sample_root), data)
    assert load_office(load_settings(sample_root), "QSZ").population == 99999


def test_interrupted_swap_is_recovered_on_load(sample_root):
    settings = load_settings(sample_root)
    (sample_root / "data").rename(sample_root / ".data-old-12345678")
    assert len(load_county(settings).offices) == 6
    assert (sample_root / "data").is_dir() and not (sample_root / ".data-old-12345678").exists()


def test_data_error_lists_problems(data, sample_root):
    edit(data / "recipients.csv", 7, "金额", "-1")
    with pytest.raises(DataError) as e:
        import_office_data(load_settings(sample_root), data)
    assert e.value.problems == ["recipients.csv 第 7 行 “金额” 列：不能为负数（现为 -1）"]


def _line_of(path: Path, pred) -> int:
    rows = read_rows(path)
    return next(n for n, r in enumerate(rows[1:], start=2) if pred(dict(zip(rows[0], r))))


def test_end_date_is_parsed_and_checked_like_the_other_dates(invoke, sample_root, data):
    rec = data / "recipients.csv"
    assert "终止日期" in read_rows(rec)[0]                         # the sample uses the column
    db = _line_of(rec, lambda r: r["类别"] == "DB" and not r["终止日期"])
    tk = _line_of(rec, lambda r: r["类别"] == "TK" and not r["终止日期"])
    yl = _line_of(rec, lambda r: r["类别"] == "YL")
    ls = _line_of(rec, lambda r: r["类别"] == "LS")
    start = dict(zip(read_rows(rec)[0], read_rows(rec)[db - 1]))["起始日期"]
    edit(rec, db, "终止日期", "2010年1月1日")                       # before it started
    edit(rec, tk, "终止日期", "2024-13-01")
    edit(rec, yl, "终止日期", "2025-01-01")                         # a one-off payment does not end
    edit(rec, ls, "起始日期", "")                                   # nor goes undated
    err = import_fails(invoke, sample_root, data)
    assert f"recipients.csv 第 {db} 行 “终止日期” 列：终止日期 2010-01-01 早于起始日期 {start}" in err
    assert f"recipients.csv 第 {tk} 行 “终止日期” 列：“2024-13-01” 不是有效日期" in err
    assert f"recipients.csv 第 {yl} 行 “终止日期” 列：医疗救助（YL）是一次性救助，不填终止日期" in err
    assert f"recipients.csv 第 {ls} 行 “起始日期” 列：临时救助（LS）是一次性救助，要写明发放日期" in err


def test_end_date_column_is_optional_and_loaded(invoke, sample_root, data):
    rec = data / "recipients.csv"
    rows = read_rows(rec)
    ended = {r[3]: r[rows[0].index("终止日期")] for r in rows[1:] if r[rows[0].index("终止日期")]}
    assert ended
    invoke(sample_root, "office", "import", data)
    got = {r.id_number: r.end_date.isoformat() for o in load_county(load_settings(sample_root)).offices
           for r in o.recipients if r.end_date}
    assert got == ended
    col = rows[0].index("终止日期")
    write_rows(rec, [r[:col] + r[col + 1:] for r in rows])            # a file without the column
    invoke(sample_root, "office", "import", data)
    assert not [r for o in load_county(load_settings(sample_root)).offices for r in o.recipients if r.end_date]


def test_utf16_without_bom_non_numbers_and_line_breaks_in_cells(invoke, sample_root, data):
    """Found by the property tests: nan/inf amounts were accepted, BOM-less UTF-16 was read as garbage,
    and a line break in a cell split its problem over two lines."""
    rec = data / "recipients.csv"
    edit(rec, 2, "金额", "nan")
    edit(rec, 3, "金额", "1e400")
    edit(rec, 4, "家庭人口", "100")
    edit(rec, 5, "村（居）", "竹林\n村")
    text = rec.read_text(encoding="utf-8-sig")
    rec.write_bytes(text.encode("utf-16-le"))                              # no byte-order mark
    err = import_fails(invoke, sample_root, data)
    assert "recipients.csv 第 2 行 “金额” 列：“nan” 不是数字" in err
    assert "recipients.csv 第 3 行 “金额” 列：“1e400” 不是数字" in err
    assert "recipients.csv 第 4 行 “家庭人口” 列：不能大于 99（现为 100），请核对" in err
    assert "recipients.csv 第 5 行 “村（居）” 列：“竹林\\n村” 不是" in err       # the row Excel shows


def test_a_folder_without_the_data_files_says_so_once(invoke, sample_root, tmp_path):
    """An empty folder (or the wrong one) gets one line naming every missing file, not seven copies of the list."""
    empty = tmp_path / "empty"
    empty.mkdir()
    err = import_fails(invoke, sample_root, empty)
    problems = [line for line in err.splitlines() if line.startswith("  ")]
    assert len(problems) == 1 and "缺少文件 offices.csv、villages.csv" in problems[0] and "recipients.csv" in problems[0]


def test_unreadable_workbook_message_is_chinese_and_says_what_to_do(invoke, sample_root, tmp_path):
    for name, data in (("zip.xlsx", _zip_bytes()), ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)):
        (tmp_path / name).write_bytes(data)
        result = invoke(sample_root, "office", "import", tmp_path / name, ok=False)
        err = result.stderr
        assert result.exit_code == 1 and name in err and "另存为 .xlsx" in err
        assert not re.search(r"[A-Za-z]{5,}(Error|Exception)", err), err


def _zip_bytes() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "不是工作簿")
    return buf.getvalue()


def test_office_code_typed_with_spaces_or_lower_case_is_found(invoke, sample_root):
    """Codes pasted with a space around them (or typed in lower case) name the same office."""
    r = invoke(sample_root, "office", "check", " ytz ")
    assert r.stdout.startswith("YTZ 云台镇")
    assert load_office(load_settings(sample_root), "\tqsz ").code == "QSZ"


def test_staff_gender_that_contradicts_the_id_number(invoke, sample_root, data):
    """The 17th digit of an ID number is odd for men and even for women: a 性别 that says otherwise is a typo
    in one of the two, and the roster would print it."""
    rows = read_rows(data / "staff.csv")
    g, i = rows[0].index("性别"), rows[0].index("身份证号")
    n = next(k for k, r in enumerate(rows[1:], 1) if r[g] and r[i])
    rows[n][g] = "女" if int(rows[n][i][16]) % 2 else "男"
    write_rows(data / "staff.csv", rows)
    err = import_fails(invoke, sample_root, data)
    assert f"staff.csv 第 {n + 1} 行 “性别” 列：“{rows[n][g]}” 与身份证号不符" in err
