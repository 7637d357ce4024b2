"""`minzheng demo` end to end, as the README's first command runs it (a real subprocess)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

PROJECT = Path(__file__).resolve().parent.parent
MINZHENG = [sys.executable, "-m", "cli"]


def run(*args, check=True):
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    env.pop("MINZHENG_ROOT", None)
    proc = subprocess.run([*MINZHENG, *map(str, args)], capture_output=True, text=True, env=env, cwd=PROJECT,
                          timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "root"
    proc = run("--root", root, "demo")
    return root, proc.stdout


def test_demo_runs_every_job(demo):
    root, out = demo
    for n in range(1, 8):
        assert f"\n{n}. " in "\n" + out
    # clerk: documents for every office
    offices = {p.name for p in (root / "out").iterdir() if p.is_dir() and p.name != "reports"}
    assert offices == {"QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"}
    assert list((root / "out" / "QSZ").rglob("*-notice-*.docx"))
    # archivist: volumes bound, with the contents the demo printed
    pdfs = sorted((root / "volumes").rglob("Z109-*-J001.pdf"))
    assert len(pdfs) == 2
    assert any("SQX" in str(p) for p in pdfs)          # the traditional-script historic scan's class
    for p in pdfs:
        assert str(p) in out
        assert len(PdfReader(p).pages) >= 4
    # inspector: reports written
    for name in ("completeness.xlsx", "completeness.docx", "standardization.docx"):
        assert (root / "out" / "reports" / name).stat().st_size > 0
    assert "云台镇（YTZ）" in out


def test_demo_root_is_searchable_both_scripts(demo):
    root, _ = demo
    hits = json.loads(run("--root", root, "search", "臨時救助", "--json").stdout)["hits"]
    assert any("临时救助" in h["title"] for h in hits)
    hits = json.loads(run("--root", root, "search", "持证上岗", "--json").stdout)["hits"]
    assert any(h["original_name"].startswith("青政发") for h in hits)


def test_demo_refuses_non_empty_root(demo):
    root, _ = demo
    before = sorted(p.name for p in root.iterdir())
    proc = run("--root", root, "demo", check=False)
    assert proc.returncode == 4
    assert "不是空目录" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in root.iterdir()) == before
