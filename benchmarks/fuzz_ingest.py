"""Fuzzing ingest at scale: a few hundred damaged copies of real files and odd texts (tests/fuzz_corpus.py)
ingested in one call of the real `minzheng ingest`, per seed; prints one row per run.

    .venv/bin/python benchmarks/fuzz_ingest.py [--files 400] [--seeds 1,2,3] [--ocr] [--jobs 2] [--reasons]

A run passes when there is no traceback, every file is reported exactly once (ingested, duplicate or
rejected with a Chinese reason), `minzheng verify` finds nothing and no record is left unfinished.
tests/test_fuzz_ingest.py runs a small seeded version of the same check in the suite.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))

from fuzz_corpus import build

from archive.common.tables import format_table

MINZHENG = Path(sys.executable).parent / "minzheng"


def run(root, *args):
    return subprocess.run([str(MINZHENG), "--root", str(root), *map(str, args)], capture_output=True, text=True,
                          check=False)


def one(seed: int, n: int, ocr: bool, jobs: int, reasons: Counter) -> dict:
    with tempfile.TemporaryDirectory(prefix="minzheng-fuzz-") as tmp:
        base = Path(tmp)
        root = base / "root"
        run(root, "init", "--sample")
        run(root, "generate", "ledger", "--office", "QSZ", "--out", base / "ledgers")
        names = build(base / "files", n, seed, ledgers=base / "ledgers")
        t = time.perf_counter()
        r = run(root, "ingest", base / "files", "--office", "QSZ", "--category", "WS", "--year", "2016",
                "--retention", "D10", "--jobs", str(jobs), "--json", *([] if ocr else ["--no-ocr"]))
        seconds = time.perf_counter() - t
        problems = []
        if "Traceback" in r.stderr + r.stdout or r.returncode not in (0, 1):
            problems.append(f"退出码 {r.returncode}，错误输出：{r.stderr[-500:]}")
            out = {"ingested": [], "duplicates": [], "rejected": []}
        else:
            out = json.loads(r.stdout)
        seen = Counter(x["original_name"] for k in ("ingested", "duplicates", "rejected") for x in out[k])
        if set(seen) != set(names) or any(c != 1 for c in seen.values()):
            problems.append(f"报告的文件与输入不一致（少 {len(set(names) - set(seen))}，多报 "
                            f"{sum(c - 1 for c in seen.values())}）")
        for x in out["rejected"]:
            reasons[x["error"].split("（")[0][:40]] += 1
        conn = sqlite3.connect(root / "catalog.sqlite3")
        unfinished = conn.execute("SELECT count(*) FROM records WHERE state != 'indexed'").fetchone()[0]
        conn.close()
        v = run(root, "verify", "--json")
        verify_ok = v.returncode == 0 and not json.loads(v.stdout)["problems"]
        return {"seed": seed, "files": len(names), "ingested": len(out["ingested"]),
                "duplicates": len(out["duplicates"]), "rejected": len(out["rejected"]), "unfinished": unfinished,
                "verify": "通过" if verify_ok else "有问题", "seconds": f"{seconds:.1f}",
                "result": "通过" if not problems and verify_ok and not unfinished else "；".join(problems) or "失败"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=400)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ocr", action="store_true", help="OCR the images (slow); default --no-ocr")
    ap.add_argument("--reasons", action="store_true", help="count the rejection reasons")
    args = ap.parse_args()
    reasons: Counter = Counter()
    rows = [one(int(s), args.files, args.ocr, args.jobs, reasons) for s in args.seeds.split(",")]
    print(format_table(rows, [("seed", "种子"), ("files", "文件"), ("ingested", "导入"), ("duplicates", "重复"),
                              ("rejected", "拒收"), ("unfinished", "未完成"), ("verify", "verify"),
                              ("seconds", "导入秒数"), ("result", "结果")]))
    if args.reasons:
        for reason, count in reasons.most_common():
            print(f"{count:5d}  {reason}")


if __name__ == "__main__":
    main()
