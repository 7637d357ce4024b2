"""minzheng verify (exit 1 on damage) and minzheng reindex (rebuild, --extract, --backend switch)."""
from __future__ import annotations

import json
import os

import pytest
from corpus import FICTIONAL, write_docx, write_gb18030, write_text_pdf
from test_ingest import INGEST, db, mz

from archive.store.config import load_settings


@pytest.fixture
def filled(root, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for i, (t, n, b) in enumerate(FICTIONAL):
        write_docx(d / f"doc{i}.docx", n, [t, b])
    write_text_pdf(d / "通知.pdf", "青山县民政局关于档案室建设的通知", ["各乡镇民政办档案室面积不少于二十平方米。", "配备档案柜两组。"])
    write_gb18030(d / "备忘.txt", "河东街道社会事务办二〇一五年低保核对备忘")
    out = json.loads(mz(root, *INGEST, d, "--json").stdout)
    return root, {r["original_name"]: r for r in out["ingested"]}


def verify(root, code):
    r = mz(root, "verify", "--json", code=code)
    return json.loads(r.stdout)


def test_clean_archive_verifies(filled):
    root, _ = filled
    out = verify(root, 0)
    assert out["ok"] and out["problems"] == [] and out["records"] == 5 == out["objects_checked"] == out["index_docs"]
    assert "未发现问题" in mz(root, "verify").stdout
    assert db(root).execute("SELECT count(*) FROM events WHERE kind='verify'").fetchone()[0] == 2


def test_flipped_byte_in_an_object(filled):
    root, recs = filled
    rec = recs["通知.pdf"]
    obj = root / "objects" / rec["sha256"][:2] / rec["sha256"]
    obj.chmod(0o644)
    data = bytearray(obj.read_bytes())
    data[len(data) // 2] ^= 0x01
    obj.write_bytes(bytes(data))
    out = verify(root, 1)
    assert [(p["kind"], p["record_id"]) for p in out["problems"]] == [("fixity", rec["record_id"])]
    text = mz(root, "verify", code=1).stdout
    assert "通知.pdf" in text and "已损坏" in text and "备份" in text


def test_missing_index_entry_then_reindex(filled):
    root, recs = filled
    from indexer import open_index

    rid = recs["备忘.txt"]["record_id"]
    s = load_settings(root)
    with open_index(s.index_dir, s.index_backend) as idx:
        idx.delete([rid])
    out = verify(root, 1)
    assert [(p["kind"], p["record_id"]) for p in out["problems"]] == [("not_indexed", rid)]
    assert json.loads(mz(root, "search", "低保核对备忘", "--json").stdout)["total"] == 0
    rep = json.loads(mz(root, "reindex", "--json").stdout)
    assert rep["records"] == 5 and rep["backend"] == "tantivy"
    assert verify(root, 0)["ok"]
    assert json.loads(mz(root, "search", "低保核对备忘", "--json").stdout)["hits"][0]["record_id"] == rid


def test_missing_text_and_reindex_extract(filled):
    root, recs = filled
    rec = recs["通知.pdf"]
    tp = root / "text" / rec["sha256"][:2] / f"{rec['sha256']}.txt"
    before = tp.read_text(encoding="utf-8")
    tp.unlink()
    out = verify(root, 1)
    assert [p["kind"] for p in out["problems"]] == ["missing_text"]
    r = mz(root, "reindex", "--extract", "--no-ocr", "--jobs", "1")
    assert "重新提取文字 5 件" in r.stdout
    assert tp.read_text(encoding="utf-8") == before
    assert verify(root, 0)["ok"]


def test_orphans_and_temp_files_are_reported_then_cleaned(filled, tmp_path):
    root, _ = filled
    stray = root / "objects" / "ab" / ".tmp-crash"
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"half")
    orphan = root / "objects" / "cd" / ("cd" + "0" * 62)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"no record")
    kinds = sorted(p["kind"] for p in verify(root, 1)["problems"])
    assert kinds == ["orphan_object", "temp_file"]
    write_gb18030(tmp_path / "new.txt", "新导入一件")
    mz(root, *INGEST, tmp_path / "new.txt")
    assert not stray.exists() and not orphan.exists()
    assert verify(root, 0)["ok"]


def test_index_entry_without_record(filled):
    root, recs = filled
    rid = recs["doc0.docx"]["record_id"]
    conn = db(root)
    conn.execute("DELETE FROM records WHERE id=?", (rid,))
    conn.commit()
    kinds = sorted(p["kind"] for p in verify(root, 1)["problems"])
    assert kinds == ["index_unknown", "orphan_object", "orphan_text"]
    # search never shows a hit whose record is gone
    assert rid not in [h["record_id"] for h in json.loads(mz(root, "search", "临时救助", "--json").stdout)["hits"]]


def test_switch_backend_and_back_keeps_results(filled):
    root, _ = filled
    queries = ["临时救助", "特困供养", "档案室", "低保核对", "臨時救助"]

    def results():
        return {q: [h["record_id"] for h in json.loads(mz(root, "search", q, "--json").stdout)["hits"]] for q in queries}

    before = results()
    assert all(before.values())
    r = mz(root, "reindex", "--backend", "whoosh")
    assert "由 tantivy 切换为 whoosh" in r.stdout
    assert load_settings(root).index_backend == "whoosh"
    assert 'backend = "whoosh"' in (root / "minzheng.toml").read_text(encoding="utf-8")
    assert {q: sorted(v) for q, v in results().items()} == {q: sorted(v) for q, v in before.items()}
    assert verify(root, 0)["ok"]
    mz(root, "reindex", "--backend", "tantivy")
    assert load_settings(root).index_backend == "tantivy"
    assert results() == before
    assert not [p for p in os.listdir(root) if p.startswith("index.")]    # no leftover build directories


def test_refresh_index_after_metadata_change(filled):
    """What binding does after assigning a 档号: the index follows the catalog."""
    import archive

    root, recs = filled
    rid = recs["通知.pdf"]["record_id"]
    conn = db(root)
    conn.execute("UPDATE records SET archival_code='Z109-WS·2016-Y-QSZ-0007', office='QSZ', year=2016 WHERE id=?",
                 (rid,))
    conn.commit()
    assert archive.refresh_index(load_settings(root), [rid]) == 1
    hits = json.loads(mz(root, "search", "档案室建设", "--office", "QSZ", "--year", "2016", "--json").stdout)["hits"]
    assert [(h["record_id"], h["archival_code"]) for h in hits] == [(rid, "Z109-WS·2016-Y-QSZ-0007")]
    assert json.loads(mz(root, "search", "Z109-WS·2016-Y-QSZ-0007", "--json").stdout)["hits"][0]["record_id"] == rid


def test_reindex_that_cannot_swap_says_so_and_keeps_the_new_index(filled, monkeypatch):
    """If index/ can never be replaced, reindex fails with a message instead of leaving an empty index."""
    import importlib
    from pathlib import Path

    reindex_module = importlib.import_module("archive.intake.reindex")

    root, _ = filled
    new = f"index.tmp-{os.getpid()}"
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name == new:
            raise OSError("busy")
        return real_rename(src, dst)

    monkeypatch.setattr(reindex_module.os, "rename", rename)
    r = mz(root, "reindex", code=1)
    assert "无法把新建的索引换到" in r.stderr and "Traceback" not in r.stderr
    assert (root / new).is_dir()
