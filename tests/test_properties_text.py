"""Property-based tests for every parser in the ingest path that reads what people type or files contain:
metadata guessing (titles, 文号, dates in every written form, ranges, impossible dates), the date parser,
text decoding, text normalisation and import manifests (CSV and XLSX).

The property: a parser returns a well-formed result (right types; dates are real ISO dates in 1900–2100)
or raises the project's own error (a MinzhengError) with a Chinese message; never anything else.
"""
from __future__ import annotations

import calendar
import csv
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from archive.common.errors import MinzhengError
from archive.common.textcodec import (
    TextDecodeError,
    decode_text,
    looks_like_text,
    parse_date,
)
from archive.intake.manifest import load_manifest
from indexer import guess_metadata, normalize
from indexer.docmeta import HeadLine, find_dates, find_doc_number, guess_title

# MZ_PROPERTY_EXAMPLES=2000 for a long hunt; the suite runs 150 per property
N = int(os.environ.get("MZ_PROPERTY_EXAMPLES", "150"))
FAST = settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HAN_DIGITS = "〇一二三四五六七八九"
CJK_WORDS = ["青山镇", "民政办", "关于", "做好", "临时救助", "工作", "的通知", "最低生活保障", "申请书", "台账",
             "人民政府", "第一章", "总则", "第三条", "县级以上", "应当", "纳入", "规划", "特困", "供养", "公示",
             "李家村", "张大山", "家庭人口", "救助金额", "元", "。", "，", "：", "；", "（", "）", "《", "》", "〔", "〕"]
PIECES = CJK_WORDS + ["\n", " ", "\u3000", "\t", "2016", "-", "年", "月", "日", "号", "〇", "十", "二", "1", "12", "30",
                      "发", "[", "]", "(", ")", "至", "印发", "文件", "．", "２０１６", "臺", "萬", "\uf900", "ａ", "."]
texts = st.one_of(st.text(max_size=300),
                  st.lists(st.sampled_from(PIECES), max_size=80).map("".join))


def iso_ok(s) -> bool:
    if s is None:
        return True
    if not isinstance(s, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return False
    d = date.fromisoformat(s)
    return 1900 <= d.year <= 2100


def han_number(n: int) -> str:
    if n < 10:
        return HAN_DIGITS[n]
    return ("" if n < 20 else HAN_DIGITS[n // 10]) + "十" + (HAN_DIGITS[n % 10] if n % 10 else "")


def written(d: date, form: int) -> str:
    y, m, dd = d.year, d.month, d.day
    return [f"{y}-{m:02d}-{dd:02d}", f"{y}年{m}月{dd}日", f"{y}.{m}.{dd}", f"{y}/{m}/{dd}",
            "".join(HAN_DIGITS[int(c)] for c in str(y)) + f"年{han_number(m)}月{han_number(dd)}日",
            f"{y} 年 {m} 月 {dd} 日", f"{y}年{m:02d}月{dd:02d}日"][form]


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
forms = st.integers(0, 6)


# ---------------------------------------------------------------- guess_metadata
def well_formed(m: dict) -> None:
    assert set(m) == {"title", "doc_number", "author", "doc_date"}
    for k in ("title", "doc_number", "author"):
        assert m[k] is None or (isinstance(m[k], str) and m[k].strip() and len(m[k]) <= 200), (k, m[k])
    assert iso_ok(m["doc_date"]), m
    if m["doc_number"]:
        assert re.fullmatch(r".+〔(19|20)\d\d〕\d{1,4}号", m["doc_number"]), m["doc_number"]


@FAST
@given(texts)
@example("说明\n2024-01-02 至 2024-03-04\n")
@example("2016-01-02印发")
@example("二〇一六年十十月一日")
def test_guess_metadata_is_well_formed_for_any_text(text):
    well_formed(guess_metadata(text))


heads = st.lists(st.one_of(
    st.tuples(texts, st.floats(allow_nan=True, allow_infinity=True) | st.just(0.0), st.booleans()).map(
        lambda h: HeadLine(*h)),
    texts, st.none(), st.tuples(), st.tuples(texts), st.tuples(texts, st.text(max_size=3), st.integers(), st.none())),
    max_size=12)


@FAST
@given(texts, heads)
def test_guess_metadata_is_well_formed_for_any_layout(text, head):
    well_formed(guess_metadata(text, head=head))
    t = guess_title(head)
    assert t is None or (isinstance(t, str) and t.strip())


@FAST
@given(dates, forms, st.sampled_from(["", "落款 青山镇人民政府 ", "日期：", "（", "\n"]), st.sampled_from(["", "\n", "。", "）"]))
def test_every_written_date_is_found(d, form, before, after):
    m = guess_metadata(f"青山镇民政办通知\n{before}{written(d, form)}{after}")
    assert m["doc_date"] == d.isoformat()


@FAST
@given(dates, dates, forms, forms, st.sampled_from([" 至 ", "至", "—", "－", " - ", "~", "到"]))
def test_a_date_range_gives_its_end(a, b, fa, fb, sep):
    text = f"说明\n{written(a, fa)}{sep}{written(b, fb)}\n"
    m = guess_metadata(text)
    assert m["doc_date"] == b.isoformat()
    assert {a.isoformat(), b.isoformat()} <= {iso for _, iso in find_dates(normalize(text))}


@FAST
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 99), st.integers(0, 3))
def test_impossible_dates_are_not_dates(y, mo, day, form):
    assume(day > calendar.monthrange(y, mo)[1])
    d = f"{y}-{mo:02d}-{day:02d}"
    text = [d, f"{y}年{mo}月{day}日", f"{y}.{mo}.{day}", f"{y}年13月{min(day, 28)}日"][form]
    assert guess_metadata(f"通知\n{text}\n")["doc_date"] is None
    assert parse_date(text) is None


BRACKETS = [("〔", "〕"), ("[", "]"), ("［", "］"), ("(", ")"), ("（", "）"), ("【", "】"), ("〔", "]"), ("(", "〕")]
ABBR_HEAD = st.text(alphabet="青白河龙柳东南县镇民政财社人", min_size=1, max_size=3)
ABBR_TAIL = st.sampled_from(["发", "函", "字", "办发", "政发", "民发", "办函"])


@FAST
@given(ABBR_HEAD, ABBR_TAIL, st.integers(1950, 2099), st.integers(1, 9999), st.sampled_from(BRACKETS),
       st.sampled_from(["", " "]), st.sampled_from(["", "青山县民政局关于做好救助工作的通知\n", "青山县民政局文件\n",
                                                     "签发人：张三\n"]))
def test_doc_numbers_with_any_brackets(head, tail, year, n, br, space, before):
    abbr = head + tail
    number = f"{abbr}{space}{br[0]}{space}{year}{space}{br[1]}{space}{n}号"
    want = f"{abbr}〔{year}〕{n}号"
    assert guess_metadata(f"{before}{number}\n各乡镇：\n正文")["doc_number"] == want
    assert find_doc_number(number) == want


@FAST
@given(st.sampled_from(["青山县民政局", "龙湖镇人民政府", "白水县人民政府办公室", ""]),
       st.lists(st.sampled_from(CJK_WORDS[3:10] + ["2016年", "农村低保"]), min_size=1, max_size=5).map("".join),
       st.sampled_from(["通知", "意见", "决定", "报告", "请示", "批复", "实施方案", "公示"]),
       st.integers(0, 30), st.booleans())
def test_a_title_on_the_first_lines_is_the_title(body, topic, genre, cut, red):
    title = f"{body}关于{topic}的{genre}"
    cut = min(cut, len(title) - 1) or len(title)
    lines = (["青山县民政局文件"] if red else []) + ["青民发〔2016〕3号", title[:cut], title[cut:],
                                                   "各乡镇人民政府：", "第三条 县级以上人民政府应当将救助工作纳入规划。"]
    m = guess_metadata("\n".join(ln for ln in lines if ln))
    assert m["title"] == title
    assert m["author"] == (body or None)


# ---------------------------------------------------------------- textcodec
@FAST
@given(st.one_of(texts, st.integers(), st.floats(), st.none(), st.datetimes(), st.dates()))
def test_parse_date_any_value(value):
    d = parse_date(value)
    assert d is None or (isinstance(d, date) and 1900 <= d.year <= 2100)


@FAST
@given(dates, forms, st.sampled_from(["", " 10:30", "T08:00:00", " 星期六", "  "]))
def test_parse_date_every_form(d, form, suffix):
    assert parse_date(written(d, form) + (suffix if form != 5 else "")) == d
    assert parse_date(datetime(d.year, d.month, d.day, 9, 30)) == d


plain = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


@FAST
@given(st.binary(max_size=300))
def test_decode_text_any_bytes(raw):
    try:
        text, enc = decode_text(raw)
    except TextDecodeError as e:
        assert isinstance(e, MinzhengError) and "编码" in str(e)
        return
    assert isinstance(text, str) and enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030")
    looks_like_text(raw)


@FAST
@given(plain, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_decode_text_round_trip(text, enc):
    # documented trade-off: bytes valid in both that read in UTF-8 as Greek…NKo letters only (U+0370–07FF) and
    # in GB18030 as Chinese are taken as GB18030 (元 is D4 AA, which UTF-8 reads as Ԫ)
    odd = len(re.findall("[\u0370-\u07ff]", text))
    assume(enc != "utf-8" or odd == 0 or len(re.findall("[\u4e00-\u9fff]", text)) >= odd)
    assert decode_text(text.encode(enc))[0] == text


@FAST
@given(st.lists(st.sampled_from(CJK_WORDS + ["abc", " ", "2016", "\n"]), min_size=3, max_size=60).map("".join),
       st.sampled_from(["gb18030", "utf-16-le", "utf-16-be"]))
def test_decode_text_chinese_round_trip(text, enc):
    ascii_n = sum(ch < "\x80" for ch in text)
    low_zero = sum(ord(ch) > 0xFF and ord(ch) & 0xFF == 0 for ch in text)      # 一 U+4E00, 最 U+6700
    # BOM-less UTF-16 is told by its zero bytes: those of ASCII on one side, few on the other
    assume(enc == "gb18030" or (ascii_n >= 0.3 * len(text) and low_zero * 4 <= ascii_n))
    assume(any(ch >= "\x80" for ch in text) or enc != "gb18030")
    raw = text.encode(enc)
    assert decode_text(raw)[0] == text
    assert looks_like_text(raw[:64] if enc == "gb18030" else raw)     # a character cut by the sample's end


# ---------------------------------------------------------------- normalize
@FAST
@given(texts)
@example("第 1 页\n工作 ,推进")
@example("a-\nb")
def test_normalize_is_idempotent_and_total(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once
    assert "\u3000" not in once and not re.search("[０-９Ａ-Ｚａ-ｚ]", once)


# ---------------------------------------------------------------- manifests
CATEGORIES = {"WS": "文书", "DB": "低保", "LS": "临时救助"}
RETENTIONS = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
OFFICES = {"QSZ", "LHZ"}
HEADERS = {"path": ["path", "路径", "文件"], "title": ["题名", "title"], "doc_date": ["日期", "成文日期", "date"],
           "office": ["机构", "office"], "category": ["类别", "门类"], "year": ["年度", "year"],
           "retention": ["保管期限"], "household": ["户号"], "备注": ["备注"]}
cell = st.one_of(texts, st.sampled_from(["QSZ", "lhz", "XX", "WS", "低保", "Y", "永久", "D10", "2016", "2016.0",
                                        "²", "２０１６", "1899", "2016-02-30", "二〇一六年一月二日", "", " "]),
                 dates.map(lambda d: written(d, 1)))


def _check_rows(rows: dict) -> None:
    for p, r in rows.items():
        assert isinstance(p, Path) and r.row >= 2
        v = r.values
        assert iso_ok(v.get("doc_date"))
        assert "year" not in v or (isinstance(v["year"], int) and 1900 <= v["year"] <= 2100)
        assert v.get("office") in (None, *OFFICES)
        assert v.get("category") in (None, *CATEGORIES)
        assert v.get("retention") in (None, *RETENTIONS)


@pytest.fixture(scope="module")
def manifest_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("manifest")
    for i in range(3):
        (d / f"f{i}.txt").write_text("x", encoding="utf-8")
    return d


def _load(path):
    try:
        rows = load_manifest(path, offices=OFFICES, categories=CATEGORIES, retentions=RETENTIONS)
    except MinzhengError as e:
        assert re.search(r"[\u4e00-\u9fff]", str(e)), str(e)
        return
    _check_rows(rows)


fields = st.lists(st.sampled_from(list(HEADERS)), min_size=1, max_size=6, unique=True)


@settings(max_examples=max(N // 2, 20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields, st.data(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_csv_manifest(manifest_dir, cols, data, enc):
    header = [data.draw(st.sampled_from(HEADERS[c])) for c in cols]
    rows = []
    for _ in range(data.draw(st.integers(0, 4))):
        rows.append([data.draw(st.sampled_from(["f0.txt", "f1.txt", "f2.txt", "缺失.txt", ""]))
                     if c == "path" else data.draw(cell) for c in cols])
    p = manifest_dir / "清单.csv"
    with open(p, "w", encoding=enc, errors="replace", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    _load(p)


@settings(max_examples=max(N // 4, 10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields, st.data())
def test_xlsx_manifest(manifest_dir, cols, data):
    import openpyxl

    xcell = st.one_of(cell.map(lambda s: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", s)), st.integers(-10, 3000),
                      st.floats(allow_nan=False, allow_infinity=False), st.datetimes(min_value=datetime(1900, 1, 1)),
                      st.none())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([data.draw(st.sampled_from(HEADERS[c])) for c in cols])
    for _ in range(data.draw(st.integers(0, 4))):
        ws.append([data.draw(st.sampled_from(["f0.txt", "f1.txt", "缺失.txt"])) if c == "path" else data.draw(xcell)
                   for c in cols])
    p = manifest_dir / "清单.xlsx"
    wb.save(p)
    _load(p)


@pytest.mark.parametrize("raw", [b"path\nf0.txt\x00\n", b"\xff\xfe", b"", b"path,\xe5\n"])
def test_odd_csv_bytes(manifest_dir, raw):
    p = manifest_dir / "坏清单.csv"
    p.write_bytes(raw)
    _load(p)
