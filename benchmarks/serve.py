"""Search-page response time: `minzheng serve` over N synthetic records, C concurrent clients, loopback only.

    .venv/bin/python benchmarks/serve.py                       # 100,000 records, 4 clients, 400 requests
    .venv/bin/python benchmarks/serve.py --records 10000 --requests 200 --clients 4

Builds (once; reused on later runs) an archive root with N catalog rows and their index documents
(synthetic civil-affairs files, ~1,500 characters each, from benchmarks/synthetic.py), starts
`minzheng serve` on a free 127.0.0.1 port in a separate process, and runs a bounded load loop:
C client threads with keep-alive connections send at most --requests GET /?q=… requests (a mix of
2–6 character queries, filters and paging) and stop at --max-seconds. Prints a table: build time,
index size, latency p50/p95/max per request, throughput, errors, server peak RSS.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import CATEGORIES, OFFICES, build_root  # noqa: E402

import archive  # noqa: E402

QUERIES = ["低保", "临时救助", "李家村", "入户调查", "特困供养", "医疗救助", "救灾物资", "民政办公室", "档案室",
           "诚信承诺书", "应保尽保", "抚恤补助", "王建国", "张秀英", "审批表", "花名册", "民主评议", "村务公开",
           "社会救助工作站", "保障金", "辦公室", "救助熱線", "年度复核", "定点医疗机构", "石桥村", "城关社区"]


def build(root: Path, n: int) -> dict:
    """Catalog rows + index documents for n synthetic records (the generator search.py uses too)."""
    return build_root(root, n, jobs=os.cpu_count() or 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"minzheng serve 退出了（{proc.returncode}）")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("minzheng serve 没有在 60 秒内启动")


def make_requests(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        p = {"q": rng.choice(QUERIES)}
        r = rng.random()
        if r < 0.25:
            p["office"] = rng.choice(OFFICES)
        elif r < 0.4:
            p["year"] = rng.randint(2005, 2024)
        elif r < 0.5:
            p["category"] = rng.choice(CATEGORIES)
        if rng.random() < 0.15:
            p["page"] = rng.randint(2, 5)
        out.append("/?" + urlencode(p))
    return out


def load(port: int, paths: list[str], clients: int, max_seconds: float) -> tuple[list[float], int, float]:
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    it = iter(paths)
    deadline = time.monotonic() + max_seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                path = next(it, None)
            if path is None:
                break
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status == 200 and ("找到" in body.decode("utf-8") or "没有找到" in body.decode("utf-8"))
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            dt = time.perf_counter() - t0
            with lock:
                lat.append(dt)
                if not ok:
                    errors[0] += 1
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors[0], time.perf_counter() - t0


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=400, help="at most this many requests in all")
    ap.add_argument("--max-seconds", type=float, default=120, help="stop the load loop after this long")
    ap.add_argument("--warmup", type=int, default=8, help="requests sent (and not counted) before measuring")
    ap.add_argument("--root", type=Path, default=None, help="reuse/build the root here (default: /tmp/mz-bench-serve-N)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--workers", type=int, default=None, help="minzheng serve --workers (default: its own)")
    a = ap.parse_args()
    if a.clients < 1 or a.clients > 32 or a.requests < 1 or a.requests > 100_000:
        raise SystemExit("--clients 1..32, --requests 1..100000")

    root = a.root or Path(f"/tmp/mz-bench-serve-{a.records}")
    marker = root / "bench-records.txt"
    info = {"build_s": None, "index_s": None, "index_mb": None}
    if a.rebuild or not marker.is_file() or marker.read_text().strip() != str(a.records):
        shutil.rmtree(root, ignore_errors=True)
        print(f"生成 {a.records} 条合成记录到 {root} …", file=sys.stderr)
        info = build(root, a.records)
    else:
        settings = archive.load_settings(root)
        info["index_mb"] = sum(f.stat().st_size for f in settings.index_dir.rglob("*") if f.is_file()) / 2**20

    port = free_port()
    exe = PROJECT / ".venv" / "bin" / "minzheng"
    cmd = [str(exe) if exe.exists() else "minzheng", "--root", str(root), "serve", "--host", "127.0.0.1",
           "--port", str(port)] + (["--workers", str(a.workers)] if a.workers else [])
    env = {k: v for k, v in os.environ.items() if k != "MINZHENG_SERVE_PASSWORD"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        t_start = time.perf_counter()
        wait_up(port, proc)
        startup = time.perf_counter() - t_start
        rng = random.Random(11)
        load(port, make_requests(rng, a.warmup), 1, 60)
        lat, errors, wall = load(port, make_requests(rng, a.requests), a.clients, a.max_seconds)
        rss = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if not lat:
        raise SystemExit("没有完成任何请求")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("records", f"{a.records:,}"),
        ("build catalog+index (s)", f"{info['build_s']:.1f}" if info["build_s"] else "reused"),
        ("  of which index add+commit (s)", f"{info['index_s']:.1f}" if info["index_s"] else "reused"),
        ("index size (MB)", f"{info['index_mb']:.0f}"),
        ("server start to first accept (s)", f"{startup:.2f}"),
        ("server worker processes", str(a.workers or "default (1 per core, max 4)")),
        ("clients (concurrent)", str(a.clients)),
        ("requests measured", f"{len(lat)} (+{a.warmup} warm-up)"),
        ("errors", str(errors)),
        ("wall time (s)", f"{wall:.1f}"),
        ("throughput (req/s)", f"{len(lat) / wall:.1f}"),
        ("latency p50 (ms)", f"{statistics.median(lat) * 1000:.0f}"),
        ("latency p95 (ms)", f"{pct(lat, 95) * 1000:.0f}"),
        ("latency max (ms)", f"{max(lat) * 1000:.0f}"),
        ("target p95 < 300 ms", "met" if pct(lat, 95) < 0.3 else "NOT met"),
        ("server peak RSS (MB)", f"{rss:.0f}" if rss else "?"),
        ("load loop peak RSS (MB)", f"{own:.0f}"),
        ("load average (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"),
    ]
    w = max(len(k) for k, _ in rows)
    print(f"{'measure'.ljust(w)}  value")
    for k, v in rows:
        print(f"{k.ljust(w)}  {v}")


if __name__ == "__main__":
    main()
