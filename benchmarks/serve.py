"""Search-page response time: `minzheng serve` over N synthetic records, C concurrent clients, loopback only.

    .venv/bin/python benchmarks/serve.py                       # 100,000 records, 4 clients, 400 requests
    .venv/bin/python benchmarks/serve.py --records 10000 --requests 200 --clients 4

Builds (once; reused on later runs) an archive root with N catalog rows and their index documents
(synthetic Chinese text of civil-affairs files, ~1,000 characters each, via the indexer API), starts
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

import archive  # noqa: E402
from archive import catalog  # noqa: E402
from indexer import IndexDoc, open_index  # noqa: E402

OFFICES = ["QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"]
CATEGORIES = ["WS", "DB", "TK", "YL", "LS", "JZ", "FX", "TZ"]
RETENTIONS = ["Y", "D30", "D10"]
VILLAGES = ["李家村", "张家湾村", "石桥村", "柳林村", "东山村", "河口村", "新民社区", "城关社区", "杨树村", "白沙村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强秀英桂兰明华玉珍春生海燕红梅国庆永福德胜丽娟金凤小明淑芬文华秋菊长青大山"
TITLES = ["关于{y}年度城乡低保复核工作的通知", "{v}{n}最低生活保障审批表", "{v}临时救助发放花名册（{y}年）",
          "关于做好{y}年救灾救济物资发放工作的报告", "{n}特困供养人员入户调查表", "{y}年医疗救助对象名册",
          "关于加强乡镇民政办公室建设的意见", "{v}抚恤定补对象年审登记表", "民政办{y}年工作总结", "{n}低保申请书"]
SENTENCES = [
    "根据县民政局关于进一步规范城乡最低生活保障工作的要求，现将有关事项通知如下。",
    "经入户调查、民主评议和乡镇审核，该户家庭人均收入低于当地低保标准，同意纳入保障范围。",
    "各村（社区）要认真核实困难群众家庭经济状况，做到应保尽保、应退尽退。",
    "临时救助金额按照困难程度分档确定，一般不超过当地月低保标准的六倍。",
    "特困供养人员的基本生活标准不低于当地低保标准的一点三倍，并按时足额发放。",
    "医疗救助对象在定点医疗机构就医发生的个人自付费用，按规定比例给予救助。",
    "救灾物资发放要做到账目清楚、手续完备，发放结果在村务公开栏公示七天。",
    "民政办公室应配备专职工作人员，设立办公室、接待室和档案室，面积不少于六十平方米。",
    "档案材料按年度、类别整理装订，做到分类清楚、排列有序、目录完整。",
    "优抚对象抚恤补助标准按上级文件执行，每年年审一次，变动情况及时上报。",
    "申请人应如实提供家庭成员、收入和财产状况，并签署诚信承诺书。",
    "村民委员会应在收到申请之日起十日内完成入户调查并提出初审意见。",
    "对不再符合条件的家庭，按程序停发保障金并书面告知理由。",
    "各乡镇要建立健全社会救助工作站，公布救助热线，方便群众求助。",
]
QUERIES = ["低保", "临时救助", "李家村", "入户调查", "特困供养", "医疗救助", "救灾物资", "民政办公室", "档案室",
           "诚信承诺书", "应保尽保", "抚恤补助", "王建国", "张秀英", "审批表", "花名册", "民主评议", "村务公开",
           "社会救助工作站", "保障金", "辦公室", "救助熱線", "年度复核", "定点医疗机构", "石桥村", "城关社区"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def synthetic(rng: random.Random, i: int) -> dict:
    year = rng.randint(2005, 2024)
    office = OFFICES[i % len(OFFICES)]
    v, n = rng.choice(VILLAGES), person(rng)
    title = rng.choice(TITLES).format(y=year, v=v, n=n)
    pages = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        parts = []
        while sum(map(len, parts)) < 380:
            parts.append(rng.choice(SENTENCES))
            if rng.random() < 0.4:
                parts.append(f"{rng.choice(VILLAGES)}{person(rng)}，家庭人口{rng.randint(1, 6)}人，"
                             f"月救助金额{rng.randint(2, 120) * 10}元。")
        pages.append("".join(parts))
    return {"id": i, "title": title, "pages": pages, "office": office, "category": rng.choice(CATEGORIES),
            "year": year, "retention": rng.choice(RETENTIONS), "doc_date": f"{year}-{rng.randint(1, 12):02d}-"
            f"{rng.randint(1, 28):02d}"}


def build(root: Path, n: int, seed: int = 7) -> dict:
    """Catalog rows + index documents for n synthetic records. Returns timings."""
    t0 = time.perf_counter()
    settings = archive.init_root(root, sample=True)
    rng = random.Random(seed)
    conn = catalog.connect(settings.catalog_path)
    idx = open_index(settings.index_dir, settings.index_backend)
    now = catalog.now()
    batch, rows = [], []
    t_index = 0.0
    try:
        for i in range(1, n + 1):
            r = synthetic(rng, i)
            sha = f"{i:064x}"
            rows.append((i, sha, "indexed", f"{r['title']}.pdf", "application/pdf", 1000, len(r["pages"]), "text",
                         r["title"], r["doc_date"], r["office"], r["category"], r["year"], r["retention"], now))
            batch.append(IndexDoc(record_id=i, title=r["title"], pages=r["pages"], office=r["office"],
                                  category=r["category"], year=r["year"], retention=r["retention"]))
            if len(batch) >= 5000 or i == n:
                with catalog.transaction(conn):
                    conn.executemany(
                        "INSERT INTO records(id, sha256, state, original_name, mime, size, pages, text_source, title, "
                        "doc_date, office, category, year, retention, ingested_at) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
                t1 = time.perf_counter()
                idx.add(batch)
                t_index += time.perf_counter() - t1
                rows, batch = [], []
                print(f"  已生成 {i}/{n} 条记录", file=sys.stderr, flush=True)
        t1 = time.perf_counter()
        idx.commit()
        t_index += time.perf_counter() - t1
    finally:
        idx.close()
        conn.close()
    size = sum(f.stat().st_size for f in settings.index_dir.rglob("*") if f.is_file())
    (root / "bench-records.txt").write_text(str(n))
    return {"build_s": time.perf_counter() - t0, "index_s": t_index, "index_mb": size / 2**20}


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
