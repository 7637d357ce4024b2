"""The search page speaks the same query language as the CLI: browse by filters with facet counts,
sort, a date range, 近似 hits marked, errors that say where, and the 导出 Excel button."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_ingest import mz

import archive

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "historic"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("page") / "root"
    mz(root, "init", "--sample")
    mz(root, "ingest", SAMPLES / "files", "--manifest", SAMPLES / "manifest.csv", "--no-ocr", "--jobs", "1")
    return archive.create_app(archive.load_settings(root)).test_client()


def text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    t = re.sub(r"<script.*?</script>|<style.*?</style>", "", resp.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t))


def test_filters_alone_list_records_with_facets(client):
    page = client.get("/?office=QSZ&year=2016").get_data(as_text=True)
    assert "青山镇李家村2016年临时救助发放台账" in page and "按筛选条件列出" in page
    facets = re.search(r'<aside class="facets".*?</aside>', page, re.S).group(0)
    assert re.search(r"青山镇（1）", facets) and re.search(r"2016（1）", facets) and "临时救助（1）" in facets
    everything = text(client.get("/?sort=code"))                   # a sort alone is not a filter: start page
    assert "档案库中共有" in everything
    by_year = text(client.get("/?from=2014&to=2014"))
    assert "青山县人民政府关于加强乡镇民政办公室建设的意见" in by_year and "按筛选条件列出 1 件" in by_year


def test_terms_sort_and_range(client):
    page = text(client.get("/?q=民政办公室 档案室"))
    assert "找到 1 件" in page and "青山县人民政府关于加强乡镇民政办公室建设的意见" in page
    dated = text(client.get("/?q=民政&sort=-date"))
    years = [int(y) for y in re.findall(r"(\d{4})-\d\d-\d\d", dated)]
    assert years and years == sorted(years, reverse=True)
    assert "找到 0 件" not in text(client.get("/?q=民政&from=2016-01&to=2018-12"))
    assert "没有找到" in text(client.get("/?q=民政&from=2030"))


def test_approximate_hits_are_marked(client):
    page = client.get("/?q=总面积不少于六千平方米").get_data(as_text=True)    # 十 read as 千
    assert "近似" in page and "青山县人民政府关于加强乡镇民政办公室建设的意见" in page


def test_a_bad_query_says_where(client):
    assert "第 4 个字符" in text(client.get("/?q=日期:2016-13"))
    assert "引号没有配对" in text(client.get('/?q="低保'))
    assert client.get("/?sort=title").status_code == 400
    assert client.get("/?from=去年").status_code == 400


def test_export_button_downloads_every_match(client):
    page = client.get("/?q=民政&limit=2").get_data(as_text=True)
    href = re.search(r'id="export" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "limit" not in href and "q=" in href
    total = int(re.search(r"找到 <b>(\d+)</b>", page).group(1))
    resp = client.get(href)
    assert resp.status_code == 200 and "spreadsheetml" in resp.headers["Content-Type"]
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("档号", "题名", "文号") and len(rows) - 1 == total > 2
