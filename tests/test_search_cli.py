"""minzheng search through the CLI, on both index backends: JSON contract, filters, 简繁 both ways, recall."""
from __future__ import annotations

import json
import random
import re

import pytest
from corpus import build_corpus, write_docx
from test_ingest import INGEST, db, mz

from archive.intake.reindex import set_backend
from archive.store.config import load_settings

TRAD_TITLE = "青山鎮民政辦公室關於規範化建設的報告"
TRAD_BODY = "本鎮民政辦公室設有辦公室、接待室和檔案室，總面積七十平方米，配備電腦、印表機和檔案櫃。"


@pytest.fixture(scope="module", params=["tantivy", "whoosh", "postgres"])
def corpus_root(request, tmp_path_factory):
    """A root on the given backend holding the born-digital corpus, with a manifest for a few files.
    postgres: the catalog moved to a throw-away PostgreSQL database, and search with it."""
    d = tmp_path_factory.mktemp("corpus")
    docs = build_corpus(d / "files", scans=False)
    write_docx(d / "files" / "繁體報告.docx", TRAD_TITLE, [TRAD_BODY])
    root = d / "root"
    mz(root, "init", "--sample")
    if request.param == "postgres":
        url = request.getfixturevalue("pg_cluster").new_database()
        mz(root, "catalog", "migrate", "--to", url, "--index", "postgres")
    elif request.param != "tantivy":
        set_backend(load_settings(root), request.param)
    (d / "m.csv").write_text(
        "path,题名,机构,类别,年度,保管期限,户主身份证号/户号,文件类型\n"
        "files/公示0.docx,李家村临时救助公示,QSZ,LS,2016,D30,430103198001010012,公示\n"
        "files/公示1.docx,特困供养年度核查通知,BSX,TK,2018,D10,,通知\n"
        "files/公示2.docx,城乡低保家庭经济状况核对报告,DMJD,DB,2015,Y,,报告\n", encoding="utf-8")
    out = json.loads(mz(root, *INGEST, d / "files", "--manifest", d / "m.csv", "--json").stdout)
    assert out["rejected"] == []
    ids = {r["original_name"]: r["record_id"] for r in out["ingested"]}
    return request.param, root, docs, ids


def search(root, *args):
    return json.loads(mz(root, "search", *args, "--json").stdout)


def test_backend_in_use(corpus_root):
    backend, root, _, _ = corpus_root
    assert load_settings(root).index_backend == backend


def test_json_contract(corpus_root):
    _, root, _, ids = corpus_root
    out = search(root, "临时救助")
    assert set(out) == {"query", "total", "sort", "hits"} and out["query"] == "临时救助" and out["sort"] == "relevance"
    keys = {"record_id", "archival_code", "title", "office", "category", "year", "original_name", "sha256",
            "score", "snippet", "page", "approximate"}
    assert out["hits"] and all(keys <= set(h) for h in out["hits"])
    top = out["hits"][0]
    assert top["record_id"] == ids["公示0.docx"] and top["title"] == "李家村临时救助公示"
    assert (top["office"], top["category"], top["year"]) == ("QSZ", "LS", 2016)
    assert "【临时救助】" in top["snippet"] and top["page"] == 1
    row = db(root).execute("SELECT sha256 FROM records WHERE id=?", (top["record_id"],)).fetchone()
    assert top["sha256"] == row[0]


def test_filters(corpus_root):
    _, root, _, ids = corpus_root
    assert {h["record_id"] for h in search(root, "民政", "--office", "BSX")["hits"]} == {ids["公示1.docx"]}
    assert {h["record_id"] for h in search(root, "核对", "--year", "2015", "--category", "DB")["hits"]} == \
        {ids["公示2.docx"]}
    assert search(root, "救助", "--office", "QSZ", "--year", "2018")["total"] == 0
    assert [h["record_id"] for h in search(root, "救助", "--household", "430103198001010012")["hits"]] == \
        [ids["公示0.docx"]]
    assert [h["record_id"] for h in search(root, "民政", "--doc-type", "通知")["hits"]] == [ids["公示1.docx"]]
    assert search(root, "民政", "--retention", "D10")["total"] == 1


def test_limit_and_total(corpus_root):
    _, root, _, _ = corpus_root
    out = search(root, "民政", "--limit", "3")
    assert len(out["hits"]) == 3 and out["total"] > 3
    page2 = search(root, "民政", "--limit", "3", "--offset", "3")
    assert not {h["record_id"] for h in out["hits"]} & {h["record_id"] for h in page2["hits"]}


def test_traditional_and_simplified_both_ways(corpus_root):
    _, root, _, ids = corpus_root
    hits = search(root, "总面积七十平方米")["hits"]          # simplified query, traditional document
    assert hits and hits[0]["record_id"] == ids["繁體報告.docx"]
    assert "【总面积七十平方米】" in hits[0]["snippet"]
    hits = search(root, "青山镇民政办公室关于规范化建设的报告")["hits"]     # its title
    assert hits[0]["record_id"] == ids["繁體報告.docx"]
    hits = search(root, "臨時救助對象")["hits"]              # traditional query, simplified document
    assert ids["公示0.docx"] in [h["record_id"] for h in hits[:3]]


def test_document_number_and_quoted_phrase(corpus_root):
    _, root, _, ids = corpus_root
    hits = search(root, "白民办[2018]3号")["hits"]
    assert hits and hits[0]["record_id"] == ids["公示1.docx"]
    assert search(root, '"四户因拥有机动车辆"')["hits"][0]["record_id"] == ids["公示2.docx"]


def test_readable_table(corpus_root):
    _, root, _, _ = corpus_root
    out = mz(root, "search", "经济状况核对").stdout
    assert out.splitlines()[0].split() == ["档号/记录号", "题名", "机构", "年度", "页", "命中段落"]
    assert "【经济状况核对】" in out and "共 " in out
    assert "没有找到" in mz(root, "search", "量子计算机").stdout


def test_recall_on_born_digital_files(corpus_root):
    """Phrases of 2–8 characters cut from each file's text, its title and 文号: the file is in the top 10."""
    _, root, docs, ids = corpus_root
    rnd = random.Random(4)
    queries = []
    for doc in docs:
        rid = ids[doc.path.name]
        runs = [r for r in re.findall(r"[\u4e00-\u9fff]+", doc.text) if len(r) >= 2]
        for _ in range(6):
            run = rnd.choice(runs)
            n = rnd.randint(2, min(8, len(run)))
            i = rnd.randrange(0, len(run) - n + 1)
            queries.append((run[i:i + n], rid))
        if doc.doc_number:
            queries.append((doc.doc_number, rid))
    found = sum(rid in [h["record_id"] for h in search(root, q, "--limit", "10")["hits"]] for q, rid in queries)
    assert found / len(queries) >= 0.98, f"{found}/{len(queries)}"


def test_space_separated_terms_must_all_occur(corpus_root):
    _, root, _, ids = corpus_root
    hits = search(root, "临时救助 李家村")["hits"]
    assert hits and hits[0]["record_id"] == ids["公示0.docx"]
    assert all("临时救助" in (h["title"] or "") + h["snippet"].replace("【", "").replace("】", "") for h in hits[:3])
    assert search(root, "临时救助 量子计算机")["total"] == 0


def test_browse_by_filters_in_code_and_date_order(corpus_root):
    _, root, _, ids = corpus_root
    out = search(root, "--office", "QSZ", "--year", "2016")
    n = db(root).execute("SELECT count(*) FROM records WHERE office='QSZ' AND year=2016").fetchone()[0]
    assert out["sort"] == "code" and out["total"] == n >= 1
    assert ids["公示0.docx"] in [h["record_id"] for h in search(root, "--office", "QSZ", "--year", "2016",
                                                                  "--limit", "50")["hits"]]
    assert all((h["office"], h["year"]) == ("QSZ", 2016) for h in out["hits"])
    table = mz(root, "search", "--office", "QSZ", "--year", "2016").stdout
    assert table.splitlines()[0].split() == ["档号/记录号", "题名", "日期", "机构", "年度", "类别"]
    assert "按档号排序" in table


def test_sort_by_date_both_ways(corpus_root):
    _, root, _, _ = corpus_root
    def keys(out):
        return [(h["doc_date"] or f"{h['year']}-00-00") for h in out["hits"] if h["doc_date"] or h["year"]]
    up = search(root, "民政", "--sort", "date", "--limit", "20")
    down = search(root, "民政", "--sort", "-date", "--limit", "20")
    assert up["sort"] == "date" and down["sort"] == "-date"
    assert keys(up) == sorted(keys(up)) and keys(down) == sorted(keys(down), reverse=True)
    assert up["total"] == down["total"] == search(root, "民政")["total"]


def test_a_query_that_cannot_be_parsed_says_where(corpus_root):
    _, root, _, _ = corpus_root
    for q, where in [("日期:2016-13", "第 4 个字符"), ('低保 "城乡', "第 4 个字符"), ("事由:火灾", "第 1 个字符")]:
        r = mz(root, "search", q, code=2)
        assert where in r.stderr and "错误" in r.stderr and "Traceback" not in r.stderr + r.stdout, q


def test_export_every_match_to_csv_and_xlsx(corpus_root, tmp_path):
    import csv

    from openpyxl import load_workbook
    _, root, _, ids = corpus_root
    total = search(root, "民政")["total"]
    assert total > 10                                   # more than one page
    r = mz(root, "search", "民政", "--format", "csv", "--out", tmp_path / "r.csv")
    assert f"已导出 {total} 条" in r.stdout
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert rows[0][:11] == ["档号", "题名", "文号", "责任者", "日期", "机构", "年度", "类别", "保管期限", "页数", "命中页"]
    assert len(rows) == total + 1
    mz(root, "search", "临时救助", "--office", "QSZ", "--out", tmp_path / "r.xlsx")
    ws = load_workbook(tmp_path / "r.xlsx").active
    got = list(ws.iter_rows(values_only=True))
    assert got[0][1] == "题名" and len(got) - 1 == search(root, "临时救助", "--office", "QSZ")["total"]
    row = next(r for r in got[1:] if r[1] == "李家村临时救助公示")
    assert row[5] == "青山镇（QSZ）" and row[6] == 2016 and row[7] == "LS 临时救助" and row[10] == 1
    assert mz(root, "search", "民政", "--format", "xlsx", code=2).exit_code == 2     # --out is needed
