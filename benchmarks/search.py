"""Search benchmark: both index backends side by side on synthetic records of real-looking Chinese.

Records (~1,500 characters each) are sentences sampled from ../shared/seeds. For each backend:
index build time (tokenizing in --jobs processes), index size on disk, time to add 1,000 more
records and commit (as an ingest batch does), query latency p50/p95 in-process (top 10 with
snippets), and a fresh process's open + first query. With --root, also `minzheng search`
end to end on that archive root.

    .venv/bin/python benchmarks/search.py                    # tantivy 100,000 / whoosh 10,000
    .venv/bin/python benchmarks/search.py --n 20000 --whoosh-n 2000
"""
from __future__ import annotations

import argparse
import os
import random
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
sys.path.insert(0, str(PROJECT / "tests"))

from corpus import seed_texts, sentences  # noqa: E402
from indexer import IndexDoc, normalize, open_index  # noqa: E402

OFFICES = ["QSZ", "BSX", "HDJ", "LJZ", "SQX"]
CATEGORIES = ["WS", "DB", "TK", "YL", "LS", "JZ", "FX", "TZ"]


def sentence_pool() -> list[str]:
    return [normalize(s) for t in seed_texts().values() for s in sentences(t)]


def record(i: int, pool: list[str], size: int = 1500) -> IndexDoc:
    rnd = random.Random(i)
    parts, n = [], 0
    while n < size:
        s = pool[rnd.randrange(len(pool))]
        parts.append(s)
        n += len(s)
    text = "".join(parts)
    return IndexDoc(i, pool[rnd.randrange(len(pool))][:30], [text[:size // 2], text[size // 2:]],
                    office=rnd.choice(OFFICES), category=rnd.choice(CATEGORIES), year=rnd.randint(2000, 2024),
                    retention=rnd.choice(["Y", "D30", "D10"]))


def queries(pool: list[str], n: int) -> list[str]:
    rnd = random.Random(99)
    out = []
    while len(out) < n:
        s = pool[rnd.randrange(len(pool))]
        k = rnd.choice([2, 2, 3, 4, 4, 6, 8])
        if len(s) > k:
            st = rnd.randrange(len(s) - k)
            out.append(s[st:st + k])
    out[::10] = [f'"{q}"' for q in out[::10]]          # some exact-phrase queries
    return out


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


COLD = r"""
import sys, time
t = time.perf_counter()
from indexer import open_index
ix = open_index(sys.argv[1], sys.argv[2])
total, hits = ix.search(sys.argv[3])
ix.close()
print(time.perf_counter() - t)
"""


def bench(backend: str, n: int, pool: list[str], qs: list[str], jobs: int, keep: Path | None) -> dict:
    d = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-", dir=keep))
    try:
        ix = open_index(d, backend)
        t = time.perf_counter()
        step = 10_000
        for lo in range(0, n, step):          # commit every 10,000, as a reindex would
            ix.add((record(i, pool) for i in range(lo, min(n, lo + step))), jobs=jobs)
            ix.commit()
            print(f"  {backend}: {min(n, lo + step):,} records, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        build = time.perf_counter() - t
        size = dir_size(d)
        t = time.perf_counter()
        ix.add(record(i, pool) for i in range(n, n + 1000))
        ix.commit()
        add1k = time.perf_counter() - t
        lat, totals = [], []
        for q in qs[:5]:
            ix.search(q)                       # warm-up
        for q in qs:
            t = time.perf_counter()
            total, hits = ix.search(q, limit=10)
            lat.append((time.perf_counter() - t) * 1000)
            totals.append(total)
        ix.close()
        cold = float(subprocess.run([sys.executable, "-c", COLD, str(d), backend, qs[1]], capture_output=True,
                                    text=True, check=True, cwd=PROJECT).stdout.strip())
        lat.sort()
        return {"backend": backend, "n": n, "build_s": build, "size_mb": size / 1e6, "add1k_s": add1k,
                "p50_ms": statistics.median(lat), "p95_ms": lat[int(len(lat) * 0.95) - 1],
                "cold_s": cold, "mean_hits": statistics.mean(totals)}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def cli_latency(root: Path, qs: list[str]) -> float:
    exe = PROJECT / ".venv" / "bin" / "minzheng"
    times = []
    for q in qs[:10]:
        t = time.perf_counter()
        subprocess.run([str(exe), "--root", str(root), "search", q], capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="records for tantivy (default 100,000)")
    ap.add_argument("--whoosh-n", type=int, default=10_000, help="records for whoosh (default 10,000; it is slow)")
    ap.add_argument("--backends", default="tantivy,whoosh")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="tokenizer processes for the build")
    ap.add_argument("--root", type=Path, help="an archive root for `minzheng search` end to end")
    ap.add_argument("--tmp", type=Path, help="where to build the indexes (default: system temp)")
    a = ap.parse_args()

    pool = sentence_pool()
    qs = queries(pool, a.queries)
    rows = []
    for backend in a.backends.split(","):
        n = a.n if backend == "tantivy" else a.whoosh_n
        rows.append(bench(backend, n, pool, qs, a.jobs, a.tmp))
    cli = cli_latency(a.root, qs) if a.root else None
    load = os.getloadavg()
    print(f"\nsearch benchmark — {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}, "
          f"~1,500 characters per record, {len(qs)} queries (every 10th quoted), build with --jobs {a.jobs}\n")
    print("| backend | records | build (s) | index size (MB) | add 1,000 (s) | query p50 (ms) | query p95 (ms) "
          "| fresh process open+query (s) | mean hits/query |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['n']:,} | {r['build_s']:.1f} | {r['size_mb']:.0f} | {r['add1k_s']:.2f} | "
              f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['cold_s']:.2f} | {r['mean_hits']:.0f} |")
    if cli is not None:
        print(f"\n`minzheng search` end to end on {a.root}: median {cli:.2f} s")
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ruc = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak RSS: this process {ru:.0f} MB, largest child {ruc:.0f} MB")


if __name__ == "__main__":
    main()
