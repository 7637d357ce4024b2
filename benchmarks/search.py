"""Search benchmark: both index backends side by side on synthetic records of real-looking Chinese.

Records (~1,500 characters each, `benchmarks/synthetic.py`, the generator serve.py uses too) are
household forms and notices: runs of sentences from the seed documents filled in with names, villages,
dates, amounts and document numbers. For tantivy the benchmark builds an archive root (catalog + index)
of --n records, for whoosh an index of --whoosh-n records, and measures: index build time (tokenizing in
--jobs processes, a commit every 10,000), index size, adding 1,000 records and committing (as an ingest
batch does), in-process query latency p50/p95 (top 10 with snippets) for two query classes — typical
queries (names, villages, dates, amounts, document numbers, pieces of wording, every 10th quoted) and
common terms that most files share (临时救助, 最低生活保障, …) — and, for tantivy, `minzheng --root R
search Q --json` end to end as a subprocess.

    .venv/bin/python benchmarks/search.py                        # tantivy 100,000 / whoosh 10,000
    .venv/bin/python benchmarks/search.py --n 20000 --whoosh-n 2000 --backends tantivy
    .venv/bin/python benchmarks/search.py --root /tmp/mz-bench-100k   # keep (or reuse) the tantivy root
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import COMMON_QUERIES, build_root, index_doc, record, typical_queries  # noqa: E402

import archive  # noqa: E402
from indexer import open_index  # noqa: E402


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def latencies(ix, qs: list[str], repeat: int = 1) -> tuple[list[float], list[int]]:
    for q in qs[:5]:
        ix.search(q)                           # warm-up
    lat, totals = [], []
    for _ in range(repeat):
        for q in qs:
            t = time.perf_counter()
            total, _hits = ix.search(q, limit=10)
            lat.append((time.perf_counter() - t) * 1000)
            totals.append(total)
    return lat, totals


def cli_latency(root: Path, qs: list[str]) -> list[float]:
    exe = PROJECT / ".venv" / "bin" / "minzheng"
    times = []
    for q in qs:
        t = time.perf_counter()
        r = subprocess.run([str(exe), "--root", str(root), "search", q, "--json"], capture_output=True, check=False)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise SystemExit(f"minzheng search {q!r} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return times


def bench(backend: str, n: int, root: Path, jobs: int, typical: list[str], cli: bool) -> dict:
    marker = root / "bench-records.txt"
    settings_backend = backend
    if marker.is_file() and marker.read_text().strip() == f"{n} {backend}":
        info = {"build_s": None, "index_s": None}
        print(f"  {backend}: reusing {root}", file=sys.stderr)
    else:
        shutil.rmtree(root, ignore_errors=True)
        info = build_root(root, n, jobs=jobs, backend=settings_backend)
        marker.write_text(f"{n} {backend}")
    index_dir = archive.load_settings(root).index_dir
    size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    ix = open_index(index_dir, backend)
    try:
        extra = [index_doc(record(i)) for i in range(n + 1, n + 1001)]
        t = time.perf_counter()
        ix.add(extra)
        ix.commit()
        add1k = time.perf_counter() - t
        ix.delete(range(n + 1, n + 1001))      # not in the catalog: keep the root consistent
        ix.commit()
        lat_t, tot_t = latencies(ix, typical)
        lat_c, tot_c = latencies(ix, COMMON_QUERIES, repeat=3)
    finally:
        ix.close()
    row = {"backend": backend, "n": n, "build_s": info["index_s"], "size_mb": size / 2**20, "add1k_s": add1k,
           "t50": statistics.median(lat_t), "t95": pct(lat_t, 95),
           "t_hits": f"{statistics.median(tot_t):,.0f} ({statistics.mean(tot_t):,.0f})",
           "c50": statistics.median(lat_c), "c95": pct(lat_c, 95),
           "c_hits": f"{statistics.median(tot_c):,.0f} ({statistics.mean(tot_c):,.0f})"}
    if cli:
        ct = cli_latency(root, typical[:20])
        cc = cli_latency(root, COMMON_QUERIES)
        row.update(cli_t50=statistics.median(ct), cli_t95=pct(ct, 95), cli_c50=statistics.median(cc),
                   cli_c95=pct(cc, 95))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="records for tantivy (default 100,000)")
    ap.add_argument("--whoosh-n", type=int, default=10_000, help="records for whoosh (default 10,000; it is slow)")
    ap.add_argument("--backends", default="tantivy,whoosh")
    ap.add_argument("--queries", type=int, default=300, help="typical queries (common ones: a fixed list, 3 times)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="tokenizer processes for the build")
    ap.add_argument("--root", type=Path, help="build the tantivy archive root here and keep it (reused when it "
                                              "already holds --n records); default: a temporary directory")
    a = ap.parse_args()

    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="mz-bench-search-"))
    try:
        for backend in a.backends.split(","):
            n = a.n if backend == "tantivy" else a.whoosh_n
            root = a.root if (a.root and backend == "tantivy") else tmp / backend
            qs = typical_queries(a.queries, n)
            rows.append(bench(backend, n, root, a.jobs, qs, cli=backend == "tantivy"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nsearch benchmark — {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
          f"~1,500 characters per record, {a.queries} typical queries (every 10th quoted) and "
          f"{len(COMMON_QUERIES)} common ones ×3, top 10 with snippets; build with --jobs {a.jobs}, a commit every 10,000\n")
    print("| backend | records | build (s) | index size (MB) | add 1,000 (s) | typical p50 / p95 (ms) | typical hits median (mean) "
          "| common p50 / p95 (ms) | common hits median (mean) | CLI typical p50 / p95 (s) | CLI common p50 / p95 (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        build = f"{r['build_s']:.1f}" if r["build_s"] is not None else "reused"
        cli_t = f"{r['cli_t50']:.2f} / {r['cli_t95']:.2f}" if "cli_t50" in r else "—"
        cli_c = f"{r['cli_c50']:.2f} / {r['cli_c95']:.2f}" if "cli_c50" in r else "—"
        print(f"| {r['backend']} | {r['n']:,} | {build} | {r['size_mb']:.0f} | {r['add1k_s']:.2f} | "
              f"{r['t50']:.1f} / {r['t95']:.1f} | {r['t_hits']} | {r['c50']:.1f} / {r['c95']:.1f} | "
              f"{r['c_hits']} | {cli_t} | {cli_c} |")
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ruc = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nbuild (s) = index add + commit, tokenizing in {a.jobs} processes (generating the text and the catalog "
          f"rows not counted); CLI = `minzheng --root R search Q --json` as a subprocess, 20 typical and "
          f"{len(COMMON_QUERIES)} common queries\npeak RSS: this process {ru:.0f} MB, largest child {ruc:.0f} MB")


if __name__ == "__main__":
    main()
