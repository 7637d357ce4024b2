"""Fuzzing ingest: damaged copies of real files (byte flips, truncation, inserted junk, a damaged or missing
member inside DOCX/XLSX/OFD, wrong extensions), the program's own ledgers and odd-but-valid texts in UTF-8,
GB18030 and UTF-16, ingested in ONE call of the real command. Pass: no traceback; every file reported
exactly once (ingested, duplicate, or rejected with a Chinese reason); `verify` clean; no record left
unfinished. A larger run: benchmarks/fuzz_ingest.py."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from fuzz_corpus import build

MINZHENG = Path(sys.executable).parent / "minzheng"
N_FILES = int(os.environ.get("MZ_FUZZ_FILES", "160"))
SEED = int(os.environ.get("MZ_FUZZ_SEED", "20261130"))


def run(root, *args, timeout=600):
    return subprocess.run([str(MINZHENG), "--root", str(root), *map(str, args)], capture_output=True, text=True, check=False,
                          timeout=timeout)


def check_run(root: Path, names: list[str], result) -> dict:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    assert result.returncode in (0, 1), result.stderr[-3000:]
    out = json.loads(result.stdout)
    reported = Counter(r["original_name"] for part in ("ingested", "duplicates", "rejected") for r in out[part])
    assert set(reported) == set(names), (set(names) - set(reported), set(reported) - set(names))
    assert [n for n, c in reported.items() if c != 1] == []               # each file exactly once
    for r in out["rejected"]:
        assert re.search(r"[\u4e00-\u9fff]", r["error"]) and "Traceback" not in r["error"], r
    conn = sqlite3.connect(root / "catalog.sqlite3")
    try:
        states = Counter(s for (s,) in conn.execute("SELECT state FROM records"))
    finally:
        conn.close()
    assert set(states) <= {"indexed"}, states                               # nothing left unfinished
    v = run(root, "verify", "--json")
    assert v.returncode == 0 and json.loads(v.stdout)["problems"] == [], v.stdout[-3000:]
    return out


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "root"
    assert run(root, "init", "--sample").returncode == 0
    ledgers = base / "ledgers"
    g = run(root, "generate", "ledger", "--office", "QSZ", "--out", ledgers)
    assert g.returncode == 0, g.stderr
    names = build(base / "files", N_FILES, SEED, ledgers=ledgers)
    return root, base / "files", names


def test_fuzzed_batch_in_one_call(fuzzed):
    root, folder, names = fuzzed
    assert len(names) == N_FILES
    r = run(root, "ingest", folder, "--office", "QSZ", "--category", "WS", "--year", "2016", "--retention", "D10",
            "--jobs", "2", "--no-ocr", "--json")
    out = check_run(root, names, r)
    # the undamaged originals and the odd-but-valid texts are taken, the rest mostly refused
    taken = {x["original_name"] for x in out["ingested"] + out["duplicates"]}
    assert all(n in taken for n in names if n.split("-", 1)[1].startswith("原样-") and "控制字符" not in n)
    assert any("两个日期" in n for n in taken) and out["rejected"] and out["ingested"]
    # a second run over the same folder: duplicates and the same refusals, still clean
    again = check_run(root, names, run(root, "ingest", folder, "--jobs", "2", "--no-ocr", "--json"))
    assert again["ingested"] == []
    assert {x["original_name"] for x in again["rejected"]} == {x["original_name"] for x in out["rejected"]}
