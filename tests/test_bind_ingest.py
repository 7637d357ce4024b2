"""End to end: minzheng ingest → minzheng bind → search finds the records by their new 档号."""
from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader
from test_bind import page_texts, text_pdf


def test_ingest_then_bind_then_search_by_code(sample_root, tmp_path, invoke):
    src = tmp_path / "in"
    src.mkdir()
    text_pdf(src / "通知一.pdf", ["端到端测试通知一号正文"])
    text_pdf(src / "通知二.pdf", ["端到端测试通知二号正文", "端到端测试通知二号续页"])
    r = invoke(sample_root, "ingest", str(src), "--office", "QSZ", "--category", "WS", "--year", "2013",
               "--retention", "Y", "--jobs", "1", "--no-ocr", "--json")
    assert len(json.loads(r.stdout)["ingested"]) == 2
    r = invoke(sample_root, "bind", "--office", "QSZ", "--year", "2013", "--category", "WS", "--json")
    v = json.loads(r.stdout)["volumes"][0]
    assert [d["archival_code"] for d in v["documents"]] == ["Z109-WS·2013-Y-QSZ-0001", "Z109-WS·2013-Y-QSZ-0002"]
    # cover, blank back, contents, blank back, 1-page document, blank back, 2-page document, notes (double-sided)
    assert len(PdfReader(v["pdf"]).pages) == 1 + 1 + 1 + 1 + 1 + 1 + 2 + 1 == v["pages"]
    cover = " ".join(t for t, _, _ in page_texts(Path(v["pdf"]))[0])
    assert "青山镇" in cover                                   # the office's name from the sample county's data
    # the search index learned the codes (archive.refresh_index from the ingest side)
    r = invoke(sample_root, "search", "端到端测试通知二号", "--json")
    hits = json.loads(r.stdout)["hits"]
    assert hits and hits[0]["archival_code"].startswith("Z109-WS·2013-Y-QSZ-")
    r = invoke(sample_root, "show", hits[0]["archival_code"])
    assert "端到端" in r.stdout or hits[0]["title"] in r.stdout
