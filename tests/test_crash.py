"""Crash safety with real processes: kill -9 mid-ingest, then the same ingest again; search during an ingest."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus import write_gb18030

PROJECT = Path(__file__).resolve().parent.parent
MINZHENG = Path(sys.executable).parent / "minzheng"
N_FILES = 12

pytestmark = pytest.mark.slow


def run(root, *args, env=None, **kw):
    return subprocess.run([str(MINZHENG), "--root", str(root), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300, **kw)


def start(root, *args, env=None):
    return subprocess.Popen([str(MINZHENG), "--root", str(root), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def count(root, sql):
    try:
        conn = sqlite3.connect(Path(root) / "catalog.sqlite3", timeout=10)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def wait_for(pred, timeout=120.0):
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if pred():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def batch(tmp_path) -> Path:
    d = tmp_path / "batch"
    d.mkdir()
    for i in range(N_FILES):
        write_gb18030(d / f"台账{i:02d}.txt", f"青山镇民政办第{i}号台账：李家村临时救助发放记录，编号甲{i:03d}乙。")
    return d


@pytest.fixture
def fresh_root(tmp_path):
    r = tmp_path / "root"
    assert run(r, "init").returncode == 0
    return r


@pytest.mark.skipif(not MINZHENG.exists(), reason="minzheng console script not installed in this venv")
@pytest.mark.parametrize("stage,killed_when", [
    ("extract_text", "SELECT count(*) FROM records"),                          # some stored, none indexed
    ("index_text", "SELECT count(*) FROM records WHERE state='extracted'"),     # all extracted, index not committed
    ("catalog_record", "SELECT count(*) FROM records"),                         # objects stored before their record
])
def test_kill_9_then_same_ingest_completes(batch, fresh_root, stage, killed_when):
    root = fresh_root
    proc = start(root, "ingest", batch, "--jobs", "1", "--no-ocr", env={"MINZHENG_TEST_SLOW_STAGE": f"{stage}=0.4"})
    threshold = N_FILES if stage == "index_text" else 3
    assert wait_for(lambda: count(root, killed_when) >= threshold), proc.communicate(timeout=5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert count(root, "SELECT count(*) FROM records WHERE state='indexed'") < N_FILES

    broken = run(root, "verify", "--json")
    assert broken.returncode == 1 and json.loads(broken.stdout)["problems"]

    again = run(root, "ingest", batch, "--jobs", "1", "--no-ocr", "--json")
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert out["rejected"] == []
    reported = [r["original_name"] for r in out["ingested"]] + [d["original_name"] for d in out["duplicates"]]
    assert sorted(reported) == sorted(p.name for p in batch.iterdir())
    # every file exactly once, its record complete, its object intact; nothing else in the store
    conn = sqlite3.connect(root / "catalog.sqlite3")
    rows = conn.execute("SELECT sha256, state, original_name FROM records").fetchall()
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in batch.iterdir()}
    assert sorted(r[0] for r in rows) == sorted(shas)
    assert {r[1] for r in rows} == {"indexed"}
    objects = [p for p in (root / "objects").rglob("*") if p.is_file()]
    assert sorted(p.name for p in objects) == sorted(shas)
    assert not list(root.rglob(".tmp-*"))
    ok = run(root, "verify", "--json")
    assert ok.returncode == 0, ok.stdout
    assert json.loads(ok.stdout)["index_docs"] == N_FILES
    hits = json.loads(run(root, "search", "甲007乙", "--json").stdout)["hits"]
    assert [h["original_name"] for h in hits if not h["approximate"]] == ["台账07.txt"]   # others: 近似 only


@pytest.mark.skipif(not MINZHENG.exists(), reason="minzheng console script not installed in this venv")
def test_search_while_ingest_is_running(batch, fresh_root, tmp_path):
    root = fresh_root
    first = tmp_path / "first.txt"
    write_gb18030(first, "白水乡民政办关于敬老院消防检查的通知")
    assert run(root, "ingest", first, "--jobs", "1", "--no-ocr").returncode == 0
    proc = start(root, "ingest", batch, "--jobs", "1", "--no-ocr", env={"MINZHENG_TEST_SLOW_STAGE": "extract_text=0.3"})
    try:
        assert wait_for(lambda: count(root, "SELECT count(*) FROM records") >= 3)
        res = run(root, "search", "敬老院消防", "--json")
        assert proc.poll() is None, "the ingest finished before the search: make the batch slower"
        assert res.returncode == 0, res.stderr
        assert [h["original_name"] for h in json.loads(res.stdout)["hits"]] == ["first.txt"]
        assert run(root, "show", "1").returncode == 0
    finally:
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert len(json.loads(run(root, "search", "临时救助", "--json", "--limit", "50").stdout)["hits"]) == N_FILES


def test_two_ingests_run_side_by_side_and_the_same_file_ends_as_one_record(tmp_path, fresh_root):
    """The lock is per object: a second ingest runs while a slow one is still going, and a file that both
    were given is stored and catalogued once (the other reports it as a duplicate)."""
    root = fresh_root
    slow, quick = tmp_path / "slow", tmp_path / "quick"
    slow.mkdir()
    quick.mkdir()
    for i in range(6):
        (slow / f"慢{i}.txt").write_text(f"慢批第{i}份 低保审批表 编号S{i}", encoding="utf-8")
    for d in (slow, quick):
        (d / "同一份.txt").write_text("两个办同时送来的同一份文件：临时救助审批表", encoding="utf-8")
    (quick / "快.txt").write_text("快批 一份救灾登记", encoding="utf-8")
    proc = start(root, "ingest", slow, "--jobs", "1", "--no-ocr", "--json",
                 env={"MINZHENG_TEST_SLOW_STAGE": "extract_text=0.5"})
    assert wait_for(lambda: count(root, "SELECT count(*) FROM records") >= 1)
    t = time.monotonic()
    second = start(root, "ingest", quick, "--jobs", "1", "--no-ocr", "--json")
    assert wait_for(lambda: count(root, "SELECT count(*) FROM records WHERE original_name='快.txt' "
                                        "AND state='indexed'") == 1, timeout=60)
    assert proc.poll() is None, "the second ingest waited for the first to end"
    out_quick, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    out_slow, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert time.monotonic() - t < 60
    a, b = json.loads(out_slow), json.loads(out_quick)
    names = sorted([r["original_name"] for r in a["ingested"] + b["ingested"]])
    assert names.count("同一份.txt") == 1 and len(names) == 8
    assert [d["original_name"] for d in a["duplicates"] + b["duplicates"]] == ["同一份.txt"]
    assert count(root, "SELECT count(*) FROM records") == 8
    assert count(root, "SELECT count(*) FROM records WHERE state != 'indexed'") == 0
    assert run(root, "verify").returncode == 0
