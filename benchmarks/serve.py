"""Page response times of the county server: `minzheng serve` over N synthetic records, 4 users logged in at
once (clerk, archivist, inspector, admin), each going through their own pages, loopback only.

    .venv/bin/python benchmarks/serve.py                       # 100,000 records, 4 users, 600 requests
    .venv/bin/python benchmarks/serve.py --records 10000 --requests 300

Builds (once; reused on later runs) an archive root with N catalog rows and their index documents
(synthetic civil-affairs files, ~1,500 characters each, from benchmarks/synthetic.py) and the sample
county's office data; marks every 50th record 待核; adds the four accounts; runs one 生成文书 job so the
clerk has a run to look at. Then starts `minzheng serve` on a free 127.0.0.1 port in a separate process;
each user logs in through the login form (session cookie, CSRF token) and requests their pages in turn
with a keep-alive connection until --requests in all or --max-seconds:

  clerk      本办 (/clerk/QSZ, data + standard check + runs), a run's page, its job JSON, search in the office
  archivist  工作台, 待核 queue, a record, search, the jobs list
  inspector  dashboard (completeness + standardization of the county), an office's missing documents,
             a household, search
  admin      another office's clerk page, one office's dashboard, the volumes page, search

Prints one row per page (count, p50, p95, max) and the overall p95 against the 300 ms target.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import OFFICES, build_root

import archive
from archive import accounts, jobs
from archive.store import catalog

PASSWORD = "bench password 2024"
USERS = {"clerk": ("办事员QSZ", "clerk", "QSZ"), "archivist": ("档案员", "archivist", None),
         "inspector": ("检查员", "inspector", None), "admin": ("管理员", "admin", None)}
QUERIES = ["低保", "临时救助", "李家村", "入户调查", "特困供养", "医疗救助", "救灾物资", "民政办公室", "档案室",
           "诚信承诺书", "应保尽保", "抚恤补助", "王建国", "张秀英", "审批表", "花名册", "民主评议", "村务公开",
           "社会救助工作站", "保障金", "辦公室", "救助熱線", "年度复核", "定点医疗机构", "石桥村", "城关社区"]


def prepare(root: Path, n: int, rebuild: bool) -> dict:
    marker = root / "bench-records.txt"
    info = {"build_s": None, "index_s": None, "index_mb": None}
    if rebuild or not marker.is_file() or marker.read_text().strip() != str(n):
        shutil.rmtree(root, ignore_errors=True)
        print(f"生成 {n} 条合成记录到 {root} …", file=sys.stderr)
        info = build_root(root, n, jobs=os.cpu_count() or 1)
    settings = archive.load_settings(root)
    info["index_mb"] = sum(f.stat().st_size for f in settings.index_dir.rglob("*") if f.is_file()) / 2**20
    conn = catalog.connect(settings.catalog_path)
    try:
        with catalog.transaction(conn):
            conn.execute("""UPDATE records SET needs_review='["title","doc_date"]' WHERE id % 50 = 0""")
        have = {u["name"] for u in accounts.list_users(conn)}
        for name, role, office in USERS.values():
            if name not in have:
                accounts.add_user(conn, name, role, PASSWORD, office)
    finally:
        conn.close()
    if not jobs.list_jobs(settings, kind="generate", office="QSZ", state="done"):
        jobs.submit_generate(settings, "QSZ", ["ledger", "roster"], user=USERS["clerk"][0])
        jobs.Worker(settings).drain()
    info["run"] = jobs.list_jobs(settings, kind="generate", office="QSZ", state="done")[0].id
    return info


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"minzheng serve 退出了（{proc.returncode}）：{proc.stderr.read().decode()[-500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("minzheng serve 没有在 60 秒内启动")


class Browser:
    """One user's keep-alive connection with cookies."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
        except OSError:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, ""
        for h in resp.headers.get_all("Set-Cookie") or []:
            k, _, v = h.split(";", 1)[0].partition("=")
            self.cookies[k.strip()] = v.strip()
        return resp.status, data

    def login(self, name: str) -> None:
        _, page = self.request("GET", "/login")
        tok = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/login", urlencode({"name": name, "password": PASSWORD, "csrf_token": tok}))
        if status != 302:
            raise SystemExit(f"{name} 登录失败（{status}）")


def pages_for(who: str, b: Browser, rng: random.Random, n_records: int, run: int) -> list[tuple[str, str]]:
    """(page name, path) in the order this user visits them; repeated by the load loop."""
    q = lambda: urlencode({"q": rng.choice(QUERIES)})
    if who == "clerk":
        return [("clerk: 本办", "/clerk/QSZ"), ("clerk: 生成结果", f"/clerk/QSZ/runs/{run}"),
                ("clerk: 任务进度 JSON", f"/jobs/{run}.json"), ("search", f"/?{q()}&office=QSZ")]
    if who == "archivist":
        return [("archivist: 工作台", "/archivist/"), ("archivist: 待核列表", "/archivist/review?office=" + rng.choice(OFFICES)),
                ("record", f"/record/{rng.randint(1, n_records)}"), ("search", f"/?{q()}"),
                ("archivist: 任务列表", "/jobs/")]
    if who == "inspector":
        office = rng.choice(OFFICES)
        _, page = b.request("GET", f"/inspector/office/{office}")
        links = re.findall(r'href="(/inspector/office/[A-Z]+/household/[^"]+)"', page)
        out = [("inspector: 总览", "/inspector/"), ("inspector: 机构缺件", f"/inspector/office/{office}"),
               ("search", f"/?{q()}")]
        if links:
            out.insert(2, ("inspector: 户档", links[0].replace("&amp;", "&")))
        return out
    return [("admin: 他办文书", "/clerk/" + rng.choice(OFFICES)), ("inspector: 总览（一个机构）", "/inspector/?office=YTZ"),
            ("volumes", "/volumes"), ("search", f"/?{q()}")]


def load(port: int, total: int, max_seconds: float, n_records: int, run: int, clients: int) -> tuple[dict, int, float]:
    lat: dict[str, list[float]] = defaultdict(list)
    errors = [0]
    count = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def user(who: str, seed: int):
        rng = random.Random(seed)
        b = Browser(port)
        b.login(USERS[who][0])
        for name, path in pages_for(who, b, rng, n_records, run):     # warm-up round, not counted
            b.request("GET", path)
        while time.monotonic() < deadline:
            for name, path in pages_for(who, b, rng, n_records, run):
                with lock:
                    if count[0] >= total:
                        return
                    count[0] += 1
                t0 = time.perf_counter()
                status, _ = b.request("GET", path)
                dt = time.perf_counter() - t0
                with lock:
                    lat[name].append(dt)
                    if status != 200:
                        errors[0] += 1
                        print(f"  {who} {path}: HTTP {status}", file=sys.stderr)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(who, i)) for i, who in enumerate(list(USERS)[:clients])]
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
    ap.add_argument("--clients", type=int, default=4, help="users at once, 1–4: clerk, archivist, inspector, admin")
    ap.add_argument("--requests", type=int, default=600, help="at most this many requests in all")
    ap.add_argument("--max-seconds", type=float, default=180, help="stop the load loop after this long")
    ap.add_argument("--root", type=Path, default=None, help="reuse/build the root here (default: /tmp/mz-bench-serve-N)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--workers", type=int, default=None, help="minzheng serve --workers (default: its own)")
    a = ap.parse_args()
    if a.requests < 1 or a.requests > 100_000 or not 1 <= a.clients <= len(USERS):
        raise SystemExit(f"--requests 1..100000, --clients 1..{len(USERS)}")
    root = a.root or Path(f"/tmp/mz-bench-serve-{a.records}")
    info = prepare(root, a.records, a.rebuild)

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
        lat, errors, wall = load(port, a.requests, a.max_seconds, a.records, info["run"], a.clients)
        rss = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    every = [x for v in lat.values() for x in v]
    if not every:
        raise SystemExit("没有完成任何请求")
    load1 = os.getloadavg()[0]
    print(f"serve benchmark — {a.records:,} records, index {info['index_mb']:.0f} MB, 4 users at once "
          f"(clerk, archivist, inspector, admin), {os.cpu_count()} cores, load {load1:.1f}; "
          f"server start {startup:.1f} s, workers {a.workers or 'default'}, peak RSS {rss or 0:.0f} MB "
          f"(load loop {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    print()
    w = max(len(k) for k in lat) + 2
    print(f"{'page'.ljust(w)}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name in sorted(lat):
        v = lat[name]
        print(f"{name.ljust(w)}{len(v):>6}{statistics.median(v) * 1000:>9.0f}{pct(v, 95) * 1000:>9.0f}{max(v) * 1000:>9.0f}")
    p95 = pct(every, 95)
    work = [x for k, v in lat.items() if k != "search" for x in v]
    if work:
        print(f"{'all but search'.ljust(w)}{len(work):>6}{statistics.median(work) * 1000:>9.0f}"
              f"{pct(work, 95) * 1000:>9.0f}{max(work) * 1000:>9.0f}")
    print(f"{'all pages'.ljust(w)}{len(every):>6}{statistics.median(every) * 1000:>9.0f}{p95 * 1000:>9.0f}"
          f"{max(every) * 1000:>9.0f}")
    print()
    print(f"requests {len(every)} in {wall:.1f} s ({len(every) / wall:.1f}/s), errors {errors}; "
          f"target p95 < 300 ms: {'met' if p95 < 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
