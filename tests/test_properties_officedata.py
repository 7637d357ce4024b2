"""Property-based tests (hypothesis) for what people type into office data: resident ID numbers
(GB 11643) and the rows of the data files, written as CSV in every encoding Excel and WPS produce or as
an XLSX workbook with typed cells. Property: a well-formed result or the project's own error with a
Chinese message naming file, row and column; never another exception."""
from __future__ import annotations

import csv
import math
import os
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import cli as cli_module
from archive import load_settings
from archive.common.errors import DataError
from archive.store.config import SAMPLES_DIR
from generators.office import AID_CLASSES, import_office_data, validate_id_number
from generators.office.columns import FILES
from generators.office.county import read_county
from generators.office.idnumber import PROVINCES, birth_date, check_digit, normalize_id

SAMPLE_DATA = SAMPLES_DIR / "county" / "data"
CJK = re.compile(r"[\u4e00-\u9fff]")
# MZ_PROPERTY_EXAMPLES=1500 runs ten times as many examples (a longer search, by hand)
EXAMPLES = int(os.environ.get("MZ_PROPERTY_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES_RUN = settings(max_examples=EXAMPLES // 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
XLSX_RUN = settings(max_examples=EXAMPLES // 12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- ID numbers
@st.composite
def id_numbers(draw) -> str:
    """Valid numbers: a province code, any 4 digits, a real birth date from 1900 to today, a sequence
    number and the right MOD 11-2 check character."""
    first17 = (draw(st.sampled_from(sorted(PROVINCES))) + draw(st.text("0123456789", min_size=4, max_size=4))
               + f"{draw(st.dates(date(1900, 1, 1), date.today())):%Y%m%d}" + f"{draw(st.integers(0, 999)):03d}")
    return first17 + check_digit(first17)


def chinese_reason(reason) -> bool:
    return isinstance(reason, str) and bool(CJK.search(reason))


@FAST
@given(id_numbers(), st.booleans(), st.sampled_from(["", " ", "\t", "　"]))
def test_valid_id_numbers_are_accepted(number, lower, pad):
    written = pad + (number.lower() if lower else number) + pad
    assert validate_id_number(written) is None
    assert normalize_id(written) == number
    assert birth_date(number) == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@FAST
@given(id_numbers())
def test_full_width_digits_are_read_as_digits(number):
    wide = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert validate_id_number(wide) is None and normalize_id(wide) == number


@FAST
@given(id_numbers(), st.integers(0, 16), st.integers(1, 9))
def test_any_changed_digit_is_rejected(number, pos, delta):
    bad = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    assert chinese_reason(validate_id_number(bad))


@FAST
@given(id_numbers(), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_rejected_and_the_right_one_named(number, char):
    assume(char != number[17])
    assert validate_id_number(number[:17] + char) == f"校验位错误（应为 {number[17]}）"


@FAST
@given(id_numbers(), st.integers(0, 16))
def test_swapped_neighbours_are_rejected(number, pos):
    assume(number[pos] != number[pos + 1])
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2:]
    assert chinese_reason(validate_id_number(swapped))


IMPOSSIBLE_DATES = st.one_of(
    st.tuples(st.integers(1900, 2020), st.sampled_from([0, 13, 20, 99]), st.integers(1, 28)),
    st.tuples(st.integers(1900, 2020), st.integers(1, 12), st.sampled_from([0, 32, 40, 99])),
    st.tuples(st.integers(1900, 2020), st.just(2), st.sampled_from([30, 31])),
    st.tuples(st.integers(1900, 2020), st.sampled_from([4, 6, 9, 11]), st.just(31)),
    st.tuples(st.sampled_from([1900, 1901, 1999, 2001, 2023]), st.just(2), st.just(29)),
)


@FAST
@given(id_numbers(), IMPOSSIBLE_DATES)
def test_an_impossible_birth_date_is_rejected_even_with_a_right_check_character(number, ymd):
    first17 = number[:6] + f"{ymd[0]:04d}{ymd[1]:02d}{ymd[2]:02d}" + number[14:17]
    assert validate_id_number(first17 + check_digit(first17)) == f"出生日期 {first17[6:14]} 不是有效日期"


@FAST
@given(id_numbers(), st.one_of(st.dates(date(1000, 1, 1), date(1899, 12, 31)),
                               st.dates(date(date.today().year + 1, 1, 1), date(9999, 12, 31))))
def test_birth_dates_before_1900_or_in_the_future_are_rejected(number, born):
    first17 = number[:6] + f"{born:%Y%m%d}" + number[14:17]
    reason = validate_id_number(first17 + check_digit(first17))
    assert "早于 1900 年" in reason or "晚于今天" in reason


ID_LIKE = st.text(st.sampled_from("0123456789Xx ²³¹١٢٣٤０１２３４５６７８９Ｘ-*\u00a0"), max_size=22)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), ID_LIKE, st.none()))
def test_any_string_gets_a_chinese_reason_or_is_a_valid_number(s):
    reason = validate_id_number(s)
    if reason is None:
        assert re.fullmatch(r"[0-9]{17}[0-9X]", normalize_id(s))
        assert normalize_id(s)[17] == check_digit(normalize_id(s)[:17])
    else:
        assert chinese_reason(reason)


# ---------------------------------------------------------------- office-data rows
def _rows(stem: str) -> list[list[str]]:
    with open(SAMPLE_DATA / f"{stem}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


BASE = {stem: _rows(stem) for stem in FILES}
HEADER = BASE["recipients"][0]
ROWS = BASE["recipients"][1:]
DATE_FORMS = ("{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}", "{:%Y年%m月%d日}", "{:%Y%m%d}", "{d.year}/{d.month}/{d.day}",
              "{d.year}年{d.month}月{d.day}日", "{d.year}-{d.month}-{d.day} 00:00:00", "{:%Y-%m-%dT%H:%M:%S}",
              "{:%d/%m/%Y}", "{:%m/%d/%Y}", "{d.year}年{d.month}月")


def written_date(d: date, form: str) -> str:
    return form.format(datetime(d.year, d.month, d.day), d=d)


TEXT_CELLS = st.one_of(
    st.just(""), st.sampled_from([" ", "　", "\t", "\n"]),
    st.text(max_size=24),
    st.integers(-10**30, 10**30).map(str),
    st.floats().map(str),
    st.tuples(st.dates(date(1, 1, 1), date(9999, 12, 31)), st.sampled_from(DATE_FORMS)).map(lambda t: written_date(*t)),
    st.sampled_from(["2024-02-30", "2023-13-01", "0000-00-00", "20241301", "2024年2月30日", "昨天", "--"]),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e30", "1e-30", "9" * 40, "0x10",
                     "1_000", "١٢", "²", "½", "1.2.3", "1,2", "１２３", "12元5角"]),
    st.sampled_from(["是", "否", "城市", "农村", "城", "乡", "DB", "yl", "LS", "TK", "JZ", "FX", "XX", "QSZ", "qsz",
                     "1,234.50元", "三", "-0", "-1", "0", "1e400", "nan", "inf", "-inf", "  12  ", "12.5人", "１２",
                     "青山社区", "竹林村", "白石村", '"', "'", ",", "=SUM(A1)", "\x00", "\ufeff", "\u200b"]),
    id_numbers(),
    id_numbers().map(lambda s: s[:17] + ("0" if s[17] != "0" else "1")),
)


def xlsx_safe(v):
    return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v


XLSX_CELLS = st.one_of(
    TEXT_CELLS.map(xlsx_safe),
    st.none(), st.booleans(),
    st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)),
)


@st.composite
def fuzzed_table(draw, cells):
    """One data file (stem, rows): 1–5 rows taken from the sample, some cells replaced by anything;
    columns in any order and a stray column. The other six files stay as the sample has them."""
    stem = draw(st.sampled_from(list(FILES)))
    header, base = BASE[stem][0], BASE[stem][1:]
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        row = list(draw(st.sampled_from(base)))
        for i in draw(st.sets(st.integers(0, len(header) - 1), max_size=len(header))):
            row[i] = draw(cells)
        rows.append(row + [draw(cells)])
    order = draw(st.permutations(range(len(header) + 1)))
    header = header + ["备注"]
    return stem, [[header[i] for i in order]] + [[r[i] for i in order] for r in rows]


WHERE = re.compile(r"^(?:(\w+)\.csv|data\.xlsx 工作表 (\w+)) 第 (\d+) 行 “([^”]+)” 列：(.+)$")
HEADERS = {stem: {c.header for c in cols} for stem, cols in FILES.items()}


def is_blank(row) -> bool:
    return not any(c is not None and str(c).strip() for c in row)


def check_outcome(source: Path, stem: str, rows: list[list], root_settings) -> None:
    """read_county: no exception; every problem names file, row and column in Chinese; no problem →
    a well-formed county. import_office_data agrees: the same problems in a DataError, or the county."""
    _, problems, _ = read_county(source, "青山县")
    event(f"{stem}: {'problems' if problems else 'valid'}")
    for p in problems:
        if stem == "offices" and all(is_blank(r) for r in rows[1:]):
            break                                          # “没有任何机构”: the file as a whole
        m = WHERE.match(p)
        assert m, p
        where = m[1] or m[2]
        assert int(m[3]) >= 2 and m[4] in HEADERS[where] and CJK.search(m[5]), p
    try:
        imported = import_office_data(root_settings, source)
    except DataError as e:
        assert problems and e.problems == problems
        return
    assert not problems
    well_formed(imported)
    if stem == "recipients":
        recipients = [r for o in imported.offices for r in o.recipients]
        assert len(recipients) == sum(not is_blank(r) for r in rows[1:])     # blank rows are skipped


def well_formed(county) -> None:
    assert county.offices
    for o in county.offices:
        assert re.fullmatch(r"[A-Z][A-Z0-9]{0,9}", o.code) and o.name.strip() and o.kind in ("乡", "镇", "街道")
        assert isinstance(o.population, int) and 0 <= o.population <= 10**9
        assert len(set(o.villages)) == len(o.villages)
        for s in o.staff:
            assert validate_id_number(s.id_number) is None and s.role in ("主任", "专职", "协理员")
            assert s.hired is None or type(s.hired) is date
            assert s.role != "协理员" or s.village in o.villages
        for room in o.rooms:
            assert isinstance(room.area, float) and math.isfinite(room.area) and room.area >= 0
        for e in o.equipment:
            assert isinstance(e.count, int) and e.count >= 0
        for r in o.recipients:
            assert r.category in AID_CLASSES and r.name.strip() and r.village in o.villages
            assert validate_id_number(r.id_number) is None and r.id_number == normalize_id(r.id_number)
            assert isinstance(r.household_size, int) and 1 <= r.household_size <= 99
            assert isinstance(r.amount, float) and math.isfinite(r.amount) and r.amount >= 0
            assert all(d is None or type(d) is date for d in (r.start_date, r.end_date))
            if r.category in ("YL", "LS", "JZ"):
                assert r.start_date is not None and r.end_date is None
            elif r.start_date and r.end_date:
                assert r.end_date >= r.start_date
            if r.category == "DB":
                assert r.area in ("城市", "农村")


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory):
    r = tmp_path_factory.mktemp("props") / "root"
    result = CliRunner().invoke(cli_module.cli, ["--root", str(r), "init"], obj={})
    assert result.exit_code == 0, result.stderr
    return load_settings(r)


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("csv")
    for stem in FILES:
        shutil.copy(SAMPLE_DATA / f"{stem}.csv", d / f"{stem}.csv")
    return d


ENCODINGS = [("utf-8", b"", ","), ("utf-8", b"\xef\xbb\xbf", ","), ("gb18030", b"", ","),
             ("utf-16-le", b"\xff\xfe", "\t"), ("utf-16-be", b"\xfe\xff", "\t"),
             ("utf-16-le", b"", "\t"), ("utf-16-be", b"", ","), ("utf-16-le", b"\xff\xfe", ",")]


@FILES_RUN
@given(table=fuzzed_table(TEXT_CELLS), encoding=st.sampled_from(ENCODINGS))
def test_csv_rows_give_a_county_or_problems_naming_file_row_and_column(archive_root, csv_dir, table, encoding):
    stem, rows = table
    codec, bom, sep = encoding
    path = csv_dir / f"{stem}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(bom + path.read_text(encoding="utf-8").encode(codec))
    try:
        check_outcome(csv_dir, stem, rows, archive_root)
    finally:
        shutil.copy(SAMPLE_DATA / f"{stem}.csv", path)


@XLSX_RUN
@given(table=fuzzed_table(XLSX_CELLS))
def test_xlsx_cells_give_a_county_or_problems_naming_sheet_row_and_column(archive_root, tmp_path_factory, table):
    fuzzed, rows = table
    wb = Workbook()
    wb.remove(wb.active)
    for stem in FILES:
        ws = wb.create_sheet(stem)
        base = BASE[stem][:31] if stem == "recipients" else BASE[stem]      # 30 recipients: a faster book
        for row in (rows if stem == fuzzed else base):
            ws.append(row)
    book = tmp_path_factory.mktemp("xlsx") / "data.xlsx"
    wb.save(book)
    check_outcome(book, fuzzed, rows, archive_root)


@FILES_RUN
@given(rows=st.lists(st.sampled_from(ROWS), min_size=1, max_size=5, unique_by=lambda r: (r[1], r[3])),
       forms=st.lists(st.sampled_from(DATE_FORMS[:8]), min_size=10, max_size=10),
       amounts=st.lists(st.sampled_from(["{}", "{}元", " {} ", "{:,}"]), min_size=5, max_size=5))
def test_dates_and_amounts_in_every_accepted_form_read_as_written(csv_dir, rows, forms, amounts):
    start, end, amount = HEADER.index("起始日期"), HEADER.index("终止日期"), HEADER.index("金额")
    out = [HEADER]
    for i, r in enumerate(rows):
        r = list(r)
        for col, form in ((start, forms[2 * i]), (end, forms[2 * i + 1])):
            if r[col]:
                r[col] = written_date(date.fromisoformat(r[col]), form)
        r[amount] = amounts[i].format(float(r[amount]))
        out.append(r)
    with open(csv_dir / "recipients.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)
    county, problems, _ = read_county(csv_dir, "青山县")
    assert problems == []
    got = {(r.category, r.id_number): r for o in county.offices for r in o.recipients}
    for r in rows:
        rec = got[(r[1], r[3])]
        assert rec.start_date == date.fromisoformat(r[start])
        assert rec.end_date == (date.fromisoformat(r[end]) if r[end] else None)
        assert rec.amount == float(r[amount])
