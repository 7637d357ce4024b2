"""Real OCR (tesseract) through the CLI with --jobs 2: the sample county's scans become searchable."""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest
from test_ingest import db, mz

from archive.common.tools import TESSERACT

PROJECT = Path(__file__).resolve().parent.parent
HISTORIC = PROJECT / "samples" / "historic"
sys.path.insert(0, str(HISTORIC))
import make_historic as H  # noqa: E402

pytestmark = [pytest.mark.tesseract, pytest.mark.slow,
              pytest.mark.skipif(not TESSERACT.available(), reason="tesseract not installed")]

SCANS = {  # file → the text printed on it
    "李家村2016年临时救助台账（扫描件）.pdf": H.LEDGER_2016 + H.LEDGER_2016_P2,
    "柳河镇2017年低保年审通知.tif": H.NOTICE_2017,
    "松桥乡1998年救灾通知（繁体）.tif": H.TRAD_1998,
    "敬老院消防检查记录（照片）.jpg": H.PHOTO_2019,
}


@pytest.fixture(scope="module")
def ocr_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("ocr") / "root"
    mz(root, "init", "--sample")
    out = json.loads(mz(root, "ingest", HISTORIC / "files", "--manifest", HISTORIC / "manifest.csv", "--jobs", "2",
                        "--json").stdout)
    return root, out


def test_scans_are_ocred_in_parallel(ocr_root):
    root, out = ocr_root
    assert out["rejected"] == []
    src = {r["original_name"]: (r["text_source"], r["pages"]) for r in out["ingested"]}
    for name in SCANS:
        assert src[name][0] == "ocr", name
    assert src["李家村2016年临时救助台账（扫描件）.pdf"][1] == 2
    assert src["青政发〔2014〕12号 关于加强乡镇民政办公室建设的意见.pdf"][0] == "text"
    engines = {json.loads(r[0]).get("ocr_engine") for r in
               db(root).execute("SELECT meta FROM records WHERE text_source='ocr'")}
    assert engines == {"tesseract-hybrid"}


def test_traditional_scan_found_by_simplified_query_and_back(ocr_root):
    root, out = ocr_root
    ids = {r["original_name"]: r["record_id"] for r in out["ingested"]}
    hits = json.loads(mz(root, "search", "救灾救济款", "--json").stdout)["hits"]
    assert hits[0]["record_id"] == ids["松桥乡1998年救灾通知（繁体）.tif"]
    hits = json.loads(mz(root, "search", "臨時救助發放", "--json").stdout)["hits"]
    assert hits[0]["record_id"] == ids["李家村2016年临时救助台账（扫描件）.pdf"]
    hits = json.loads(mz(root, "search", "农作物绝收", "--json").stdout)["hits"]
    assert hits[0]["page"] == 2                                   # the hit names the page


def test_recall_on_scans(ocr_root):
    """Phrases of 2–8 characters cut from what is printed on each scan: the scan is in the top 10 for ≥ 95%."""
    from opencc import OpenCC

    root, out = ocr_root
    ids = {r["original_name"]: r["record_id"] for r in out["ingested"]}
    t2s = OpenCC("t2s").convert
    rnd = random.Random(7)
    queries = []
    for name, text in SCANS.items():
        runs = [r for r in re.findall(r"[\u4e00-\u9fff]+", t2s(text)) if len(r) >= 2]
        for _ in range(15):
            run = rnd.choice(runs)
            n = rnd.randint(2, min(8, len(run)))
            i = rnd.randrange(0, len(run) - n + 1)
            queries.append((run[i:i + n], ids[name]))
    found = [q for q, rid in queries
             if rid in [h["record_id"] for h in json.loads(mz(root, "search", q, "--json").stdout)["hits"]]]
    assert len(found) / len(queries) >= 0.95, sorted(set(q for q, _ in queries) - set(found))
