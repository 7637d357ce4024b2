"""minzheng ingest / show through the CLI: JSON contract, duplicates, re-ingest, manifests, guessed metadata."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import (
    FICTIONAL,
    write_docx,
    write_gb18030,
    write_ofd,
    write_text_pdf,
    write_xlsx,
)

import cli as cli_module
from archive.store import catalog
from archive.store.config import load_settings

INGEST = ("ingest", "--jobs", "1", "--no-ocr")


def mz(root, *args, code: int | None = 0):
    r = CliRunner().invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={})
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    if code is not None:
        assert r.exit_code == code, f"exit {r.exit_code}\n{r.stdout}\n{r.stderr}"
    return r


def sha(p: Path) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def db(root):
    """The root's catalog, SQLite or PostgreSQL (rows by name and position either way)."""
    return catalog.connect(load_settings(root).catalog_url)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """Five small born-digital files in a folder tree (one in a subfolder, one with a Chinese name and spaces)."""
    d = tmp_path_factory.mktemp("historic")
    (d / "子目录").mkdir()
    t0, n0, b0 = FICTIONAL[0]
    write_docx(d / "公示 2016.docx", n0, [t0, b0])          # 发文字号 above the title, as 公文 print it
    t1, n1, b1 = FICTIONAL[1]
    write_text_pdf(d / "子目录" / "通知.pdf", t1, [n1 + b1[:120], b1[120:]])
    t2, n2, b2 = FICTIONAL[2]
    write_gb18030(d / "核对报告.txt", f"{t2}\n{n2}\n{b2}")
    write_ofd(d / "版式文件.ofd", ["青山县民政局关于规范乡镇民政办档案管理的通知", "各乡镇民政办应当建立档案室，配备档案柜。"])
    write_xlsx(d / "台账.xlsx", "2016年临时救助发放台账", [["姓名", "村"], ["张某某", "李家村"]])
    (d / ".hidden.txt").write_text("不应导入", encoding="utf-8")
    (d / "~$锁文件.docx").write_bytes(b"owner file")
    return d


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("r") / "root"
    mz(root, "init")
    before = {p: sha(p) for p in files.rglob("*") if p.is_file()}
    result = mz(root, *INGEST, files, "--json")
    return root, json.loads(result.stdout), before


def test_ingest_json_contract_and_storage(ingested, files):
    root, out, before = ingested
    assert set(out) == {"ingested", "duplicates", "rejected"}
    assert out["duplicates"] == [] and out["rejected"] == []
    names = sorted(r["original_name"] for r in out["ingested"])
    assert names == sorted(["公示 2016.docx", "通知.pdf", "核对报告.txt", "版式文件.ofd", "台账.xlsx"])
    for r in out["ingested"]:
        assert set(r) == {"original_name", "sha256", "record_id", "pages", "text_source"}
        assert r["text_source"] == "text" and r["pages"] >= 1 and isinstance(r["record_id"], int)
        obj = root / "objects" / r["sha256"][:2] / r["sha256"]
        assert sha(obj) == r["sha256"]
        assert not obj.stat().st_mode & 0o222          # objects are read-only
    pdf = next(r for r in out["ingested"] if r["original_name"] == "通知.pdf")
    assert pdf["pages"] == 2
    # originals untouched
    assert {p: sha(p) for p in files.rglob("*") if p.is_file()} == before


def test_catalog_text_and_events(ingested):
    root, out, _ = ingested
    conn = db(root)
    rows = conn.execute("SELECT * FROM records ORDER BY id").fetchall()
    assert [r["state"] for r in rows] == ["indexed"] * 5
    for r in rows:
        text = (root / "text" / r["sha256"][:2] / f"{r['sha256']}.txt").read_text(encoding="utf-8")
        assert len(text.split("\f")) == r["pages"]
        assert r["original_path"].endswith(r["original_name"]) and r["ingested_at"]
    txt = conn.execute("SELECT * FROM records WHERE original_name='核对报告.txt'").fetchone()
    assert txt["encoding"] == "gb18030"
    text = (root / "text" / txt["sha256"][:2] / f"{txt['sha256']}.txt").read_text(encoding="utf-8")
    assert "经济状况核对" in text
    pdf = conn.execute("SELECT * FROM records WHERE original_name='通知.pdf'").fetchone()
    pages = (root / "text" / pdf["sha256"][:2] / f"{pdf['sha256']}.txt").read_text(encoding="utf-8").split("\f")
    assert "特困供养" in pages[0] and FICTIONAL[1][2][-10:-4] in pages[1]
    kinds = [e["kind"] for e in conn.execute("SELECT kind FROM events WHERE record_id=?", (pdf["id"],))]
    assert kinds == ["ingest.store_object", "ingest.catalog_record", "ingest.extract_text", "ingest.index_text"]
    assert conn.execute("SELECT count(*) FROM events WHERE kind='ingest'").fetchone()[0] == 1


def test_reingest_changes_nothing(ingested, files):
    root, out, _ = ingested
    conn = db(root)
    before = [tuple(r) for r in conn.execute("SELECT * FROM records ORDER BY id")]
    objects = sorted(p.name for p in (root / "objects").rglob("*") if p.is_file())
    again = json.loads(mz(root, *INGEST, files, "--json").stdout)
    assert again["ingested"] == [] and again["rejected"] == []
    assert sorted((d["original_name"], d["record_id"]) for d in again["duplicates"]) == \
        sorted((r["original_name"], r["record_id"]) for r in out["ingested"])
    assert [tuple(r) for r in conn.execute("SELECT * FROM records ORDER BY id")] == before
    assert sorted(p.name for p in (root / "objects").rglob("*") if p.is_file()) == objects


def test_same_content_twice_in_one_batch(root, tmp_path):
    d = tmp_path / "dup"
    d.mkdir()
    write_gb18030(d / "a.txt", "青山镇民政办二〇一六年工作总结")
    shutil.copy(d / "a.txt", d / "a 副本.txt")
    out = json.loads(mz(root, *INGEST, d, "--json").stdout)
    assert len(out["ingested"]) == 1 and len(out["duplicates"]) == 1
    assert out["duplicates"][0]["record_id"] == out["ingested"][0]["record_id"]
    assert out["duplicates"][0]["sha256"] == out["ingested"][0]["sha256"]
    assert db(root).execute("SELECT count(*) FROM records").fetchone()[0] == 1


def test_guessed_metadata_is_marked_for_review(ingested):
    root, out, _ = ingested
    rid = next(r["record_id"] for r in out["ingested"] if r["original_name"] == "公示 2016.docx")
    rec = json.loads(mz(root, "show", rid, "--json").stdout)
    assert rec["doc_number"] == "青民发〔2016〕7号"
    assert rec["doc_date"] == "2016-04-12"
    assert rec["year"] == 2016
    assert {"title", "doc_number", "doc_date", "year"} <= set(rec["needs_review"])
    assert rec["title"]           # no "关于…的<文种>" title in a 公示: the file name, marked for review
    pdf = next(r["record_id"] for r in out["ingested"] if r["original_name"] == "通知.pdf")
    rec = json.loads(mz(root, "show", pdf, "--json").stdout)
    assert rec["title"] == FICTIONAL[1][0]
    assert "title" in rec["needs_review"] and rec["doc_date"] == "2018-05-20"
    shown = mz(root, "show", rid).stdout
    assert "题名（待核）：" in shown and "文号（待核）：青民发〔2016〕7号" in shown
    assert "原文件名：公示 2016.docx" in shown


def test_doc_number_guessed_below_title(root, tmp_path):
    t, n, b = FICTIONAL[0]
    write_docx(tmp_path / "t.docx", t, [n, b])
    rid = json.loads(mz(root, *INGEST, tmp_path / "t.docx", "--json").stdout)["ingested"][0]["record_id"]
    assert json.loads(mz(root, "show", rid, "--json").stdout)["doc_number"] == n


def test_show_text_by_page(ingested):
    root, out, _ = ingested
    rid = next(r["record_id"] for r in out["ingested"] if r["original_name"] == "通知.pdf")
    shown = mz(root, "show", rid, "--text").stdout
    assert "—— 第 1 页 ——" in shown and "—— 第 2 页 ——" in shown and "特困供养" in shown
    as_json = json.loads(mz(root, "show", rid, "--text", "--json").stdout)
    assert len(as_json["text"]) == 2


def test_show_unknown_record(root):
    r = mz(root, "show", "999", code=1)
    assert "找不到记录 999" in r.stderr and "Traceback" not in r.stderr


def test_show_by_archival_code(root, tmp_path):
    write_gb18030(tmp_path / "a.txt", "白水乡民政办关于特困供养人员核查的报告")
    rid = json.loads(mz(root, *INGEST, tmp_path / "a.txt", "--json").stdout)["ingested"][0]["record_id"]
    conn = db(root)
    conn.execute("UPDATE records SET archival_code='Z109-WS·2018-Y-BSX-0001' WHERE id=?", (rid,))
    conn.commit()
    assert "记录号：" + str(rid) in mz(root, "show", "Z109-WS·2018-Y-BSX-0001").stdout


MANIFEST = """path,题名,文号,责任者,日期,机构,类别,年度,保管期限,户主身份证号/户号,文件类型,备注
公示 2016.docx,李家村临时救助公示,青民发〔2016〕7号,青山镇人民政府,2016年4月12日,QSZ,LS,2016,D30,430103198001010012,公示,原件在档案室
子目录/通知.pdf,特困供养年度核查通知,白民办[2018]3号,白水乡民政办,2018-05-20,BSX,TK,2018,D10,,通知,
"""


def test_manifest_gives_metadata(root, files, tmp_path):
    files = shutil.copytree(files, tmp_path / "h")
    m = files / "manifest_ok.csv"
    m.write_text(MANIFEST, encoding="utf-8")
    out = json.loads(mz(root, *INGEST, "--manifest", m, "--json").stdout)
    assert sorted(r["original_name"] for r in out["ingested"]) == ["公示 2016.docx", "通知.pdf"]
    rec = json.loads(mz(root, "show", out["ingested"][0]["record_id"], "--json").stdout)
    rec = rec if rec["original_name"] == "公示 2016.docx" else \
        json.loads(mz(root, "show", out["ingested"][1]["record_id"], "--json").stdout)
    assert (rec["title"], rec["office"], rec["category"], rec["year"], rec["retention"]) == \
        ("李家村临时救助公示", "QSZ", "LS", 2016, "D30")
    assert rec["doc_date"] == "2016-04-12" and rec["household"] == "430103198001010012"
    assert rec["document_type"] == "公示" and rec["author"] == "青山镇人民政府"
    assert rec["needs_review"] == []
    assert rec["meta"]["manifest"] == {"备注": "原件在档案室"}


def test_manifest_xlsx_with_english_headers(root, files, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["path", "title", "office", "category", "year", "retention", "date"])
    ws.append([str(files / "核对报告.txt"), "低保核对报告", "hdj", "低保" if False else "DB", 2015, "永久", "2015-09-18"])
    wb.save(tmp_path / "m.xlsx")
    out = json.loads(mz(root, *INGEST, "--manifest", tmp_path / "m.xlsx", "--json").stdout)
    rec = json.loads(mz(root, "show", out["ingested"][0]["record_id"], "--json").stdout)
    assert (rec["title"], rec["office"], rec["category"], rec["retention"]) == ("低保核对报告", "HDJ", "DB", "Y")


def test_manifest_errors_name_file_and_row(sample_root, files, tmp_path):
    files = shutil.copytree(files, tmp_path / "h")
    m = files / "manifest_bad.csv"
    m.write_text("path,机构,类别,保管期限,日期,年度\n"
                 "公示 2016.docx,XYZ,LS,Y,2016-04-12,2016\n"
                 "核对报告.txt,QSZ,QQ,D5,2015-13-45,20xx\n"
                 "不存在.pdf,QSZ,LS,Y,,\n", encoding="utf-8")
    r = mz(sample_root, *INGEST, "--manifest", m, "--json", code=1)
    err = r.stderr
    assert "manifest_bad.csv 第 2 行：未知机构代码 XYZ" in err
    assert "manifest_bad.csv 第 3 行：未知类别 QQ" in err and "第 3 行：未知保管期限 D5" in err
    assert "第 3 行：日期格式不对" in err and "第 3 行：年度应为四位数字" in err
    assert "manifest_bad.csv 第 4 行：文件不存在" in err
    assert "Traceback" not in err
    assert db(sample_root).execute("SELECT count(*) FROM records").fetchone()[0] == 0


def test_options_fill_defaults_and_are_checked(sample_root, files):
    out = json.loads(mz(sample_root, *INGEST, files / "核对报告.txt", "--office", "qsz", "--category", "DB",
                        "--year", "2015", "--retention", "D30", "--json").stdout)
    rec = json.loads(mz(sample_root, "show", out["ingested"][0]["record_id"], "--json").stdout)
    assert (rec["office"], rec["category"], rec["year"], rec["retention"]) == ("QSZ", "DB", 2015, "D30")
    assert "year" not in rec["needs_review"]
    r = mz(sample_root, *INGEST, files / "台账.xlsx", "--office", "NOPE", code=2)
    assert "未知机构代码 NOPE" in r.stderr


def test_ingest_without_paths_is_a_usage_error(root):
    r = mz(root, "ingest", code=2)
    assert "请给出要导入的文件" in r.stderr


def test_readable_summary(root, files):
    r = mz(root, *INGEST, files / "核对报告.txt", files / "缺失.pdf", code=1)
    assert "导入 1 件" in r.stdout and "拒收 1 件" in r.stdout
    assert "缺失.pdf：文件不存在" in r.stdout


def test_summary_names_each_duplicate_and_the_record_it_repeats(root, tmp_path):
    d = tmp_path / "dups"
    d.mkdir()
    write_gb18030(d / "原件.txt", "青山镇民政办二〇一六年工作总结")
    first = json.loads(mz(root, *INGEST, d / "原件.txt", "--json").stdout)["ingested"][0]["record_id"]
    for i in range(12):
        shutil.copy(d / "原件.txt", d / f"副本{i:02d}.txt")
    (d / "原件.txt").unlink()
    r = mz(root, *INGEST, d)
    assert "重复 12 件" in r.stdout
    for i in range(10):
        assert f"副本{i:02d}.txt：与 #{first} 相同" in r.stdout
    assert "副本10.txt" not in r.stdout and "……另有 2 件" in r.stdout
    out = json.loads(mz(root, *INGEST, d / "副本00.txt", "--json").stdout)     # the JSON contract is unchanged
    assert set(out["duplicates"][0]) == {"original_name", "sha256", "record_id"}


def test_a_read_error_is_said_in_chinese(root, tmp_path, monkeypatch):
    import errno
    import importlib
    ingest_mod = importlib.import_module("archive.intake.ingest")     # the module, not the function of that name

    def broken(path, *a, **k):
        raise OSError(errno.EIO, "Input/output error", str(path))
    monkeypatch.setattr(ingest_mod, "sha256_file", broken)
    write_gb18030(tmp_path / "坏盘.txt", "青山镇民政办二〇一六年工作总结")
    r = mz(root, *INGEST, tmp_path / "坏盘.txt", code=1)
    assert "坏盘.txt：无法读取文件（读写时出错" in r.stdout and "Input/output" not in r.stdout


def test_a_duplicate_of_a_bound_record_is_named_by_its_archival_code(sample_root, invoke, tmp_path):
    write_gb18030(tmp_path / "通知.txt", "青山镇民政办关于做好冬春救助工作的通知\n各村：现将有关事项通知如下。\n2016年11月5日")
    invoke(sample_root, *INGEST, tmp_path / "通知.txt", "--office", "QSZ", "--category", "WS", "--year", "2016",
           "--retention", "D10")
    invoke(sample_root, "bind", "--office", "QSZ", "--year", "2016", "--category", "WS")
    code = json.loads(invoke(sample_root, "show", 1, "--json").stdout)["archival_code"]
    assert code
    shutil.copy(tmp_path / "通知.txt", tmp_path / "通知 副本.txt")
    r = invoke(sample_root, *INGEST, tmp_path / "通知 副本.txt")
    assert f"通知 副本.txt：与 {code} 相同" in r.stdout
