"""minzheng search's options and arguments at their edges, on tantivy and PostgreSQL: page bounds, a page
past the end, unknown codes, the export's format and place, queries typed without quotes or starting
with '-', field examples in mistakes, and a missing index (said, never created)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_ingest import INGEST, mz

import archive
from archive.common.errors import MinzhengError, UnknownCodeError
from archive.store.config import load_settings
from indexer import open_index

PROJECT = Path(__file__).resolve().parent.parent
HISTORIC = PROJECT / "samples" / "historic"


@pytest.fixture(scope="module", params=["tantivy", "postgres"])
def hist(request, tmp_path_factory):
    """The sample county with the 8 historic files (no OCR); postgres: catalog and index migrated there."""
    root = tmp_path_factory.mktemp("opts") / "root"
    mz(root, "init", "--sample")
    if request.param == "postgres":
        mz(root, "catalog", "migrate", "--to", request.getfixturevalue("pg_cluster").new_database(),
           "--index", "postgres")
    mz(root, *INGEST, HISTORIC / "files", "--manifest", HISTORIC / "manifest.csv")
    return root


def total(root, *args) -> int:
    return json.loads(mz(root, "search", *args, "--json").stdout)["total"]


def test_limit_is_bounded_with_advice(hist):
    for n in ("1001", "10000000000", "99999999999999999999"):
        r = mz(hist, "search", "低保", "--limit", n, code=2)
        assert "每页最多显示 1000 条" in r.stderr and "--format xlsx --out" in r.stderr
        assert "Traceback" not in r.stderr
    assert mz(hist, "search", "低保", "--limit", "1000").exit_code == 0
    with pytest.raises(MinzhengError) as e:                   # the library (the page's path) says the same
        archive.search(load_settings(hist), "低保", limit=10**11)
    assert e.value.exit_code == 2 and "1000" in str(e.value)


def test_offset_past_the_end_is_an_empty_page_that_says_so(hist):
    n = total(hist, "低保")
    assert n >= 2
    for off in (str(n), "10000000000", "99999999999999999999"):
        r = mz(hist, "search", "低保", "--offset", off)
        assert f"共 {n} 条，第 {off} 条之后没有了" in r.stdout and "没有找到" not in r.stdout
        out = json.loads(mz(hist, "search", "低保", "--offset", off, "--json").stdout)
        assert out["total"] == n and out["hits"] == []
    r = mz(hist, "search", "--office", "QSZ", "--offset", "99999999999999999999")    # browsing too
    assert "条之后没有了" in r.stdout
    res = archive.search(load_settings(hist), "低保", offset=10**20)
    assert res.total == n and res.hits == []


def test_index_never_asked_for_more_than_it_holds(hist):
    """Index.query with a huge page or offset: no allocation of the page asked for, no overflow."""
    s = load_settings(hist)
    with open_index(s.index_dir, s.index_backend, url=s.catalog_url) as idx:
        full = idx.query("低保", limit=100)
        assert idx.query("低保", limit=10**20).total == full.total
        assert [h.record_id for h in idx.query("低保", limit=10**20).hits] == [h.record_id for h in full.hits]
        far = idx.query("低保", offset=10**20, limit=10**20)
        assert far.total == full.total and far.hits == []


def test_huge_offset_in_a_process(hist):
    """The real program: an offset of 10^10 used to abort inside tantivy (a 160 GB allocation)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    r = subprocess.run([sys.executable, "-m", "cli", "--root", str(hist), "search", "说明", "--offset", "10000000000"],
                       check=False, capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr


def test_field_examples_fit_the_field(hist):
    want = {"日期": "日期:2016-01..2016-06", "档号": "档号:Z109-WS·2016", "户号": "户号:430103198001010012",
            "题名": "题名:低保", "文号": "文号:青民发〔2016〕3号", "责任者": "责任者:青山县民政局"}
    for field, example in want.items():
        r = mz(hist, "search", f"{field}:", code=None)
        assert r.exit_code != 0 and f"例如：{example}" in r.stderr, r.stderr


@pytest.mark.parametrize("opt,code,listed", [("--office", "XYZ", "QSZ（青山镇）"), ("--category", "QQ", "DB")])
def test_unknown_code_is_a_usage_error(hist, opt, code, listed):
    r = mz(hist, "search", "低保", opt, code, code=2)
    assert f"“{code}”" in r.stderr and listed in r.stderr
    r = mz(hist, "search", opt, code.lower(), code=2)                              # browsing too
    assert f"“{code}”" in r.stderr


def test_unknown_retention_in_the_library(hist):
    """--retention is a choice on the command line; the page passes whatever the URL says."""
    with pytest.raises(UnknownCodeError) as e:
        archive.search(load_settings(hist), "低保", retention="D99")
    assert "“D99”" in str(e.value) and "D30" in str(e.value)


def test_export_format_follows_out(hist, tmp_path):
    mz(hist, "search", "低保", "--out", tmp_path / "a.xlsx")
    assert load_workbook(tmp_path / "a.xlsx").active["A1"].value == "档号"
    mz(hist, "search", "低保", "--out", tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").startswith("档号,题名")
    r = mz(hist, "search", "低保", "--format", "xlsx", "--out", tmp_path / "y.csv", code=2)
    assert ".csv" in r.stderr and "xlsx" in r.stderr and not (tmp_path / "y.csv").exists()
    r = mz(hist, "search", "低保", "--out", tmp_path / "y.txt", code=2)
    assert "csv 或 xlsx" in r.stderr and not (tmp_path / "y.txt").exists()


def test_export_under_a_file_is_a_chinese_error(hist, tmp_path):
    (tmp_path / "FILE").write_text("x")
    for fmt in ("xlsx", "csv"):
        r = mz(hist, "search", "低保", "--format", fmt, "--out", tmp_path / "FILE" / f"x.{fmt}", code=1)
        assert "无法写入" in r.stderr and "FILE" in r.stderr and "--out" in r.stderr
        assert "Traceback" not in r.stderr + r.stdout and "Exception" not in r.stderr


def test_query_in_several_words_and_a_leading_exclusion(hist):
    assert total(hist, "李家村", "临时救助") == total(hist, "李家村 临时救助") >= 1
    both = total(hist, "通知")
    assert 0 < total(hist, "-救灾", "通知") == total(hist, "通知 -救灾") < both
    assert total(hist, "通知", "-救灾", "--office", "LHZ") == total(hist, "通知 -救灾", "--office", "LHZ")


def test_mistyped_option_is_still_a_usage_error(hist):
    r = mz(hist, "search", "低保", "--ofice", "QSZ", code=2)
    assert "没有这个选项：'--ofice'" in r.stderr and "--office" in r.stderr
    r = mz(hist, "search", "-x", "低保", code=2)
    assert "没有这个选项" in r.stderr
    h = mz(hist, "search", "--help").stdout
    assert "-火灾" in h and "不加引号" in h


def test_missing_index_is_said_and_not_created(tmp_path):
    root = tmp_path / "root"
    mz(root, "init", "--sample")
    mz(root, *INGEST, HISTORIC / "files", "--manifest", HISTORIC / "manifest.csv")
    s = load_settings(root)
    shutil.rmtree(s.index_dir)
    r = mz(root, "search", "低保", code=4)
    assert "全文索引" in r.stderr and f"minzheng --root {root} reindex" in r.stderr and "没有找到" not in r.stdout
    assert not s.index_dir.exists()
    s.index_dir.mkdir()                                      # an empty directory: damaged, still not filled
    r = mz(root, "search", "低保", code=4)
    assert "空的或已损坏" in r.stderr and list(s.index_dir.iterdir()) == []
    mz(root, "reindex")
    assert total(root, "低保") >= 1
