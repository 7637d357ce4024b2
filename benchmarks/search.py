"""Search benchmark: the index backends side by side on synthetic records of real-looking Chinese.

Records (~1,500 characters each, `benchmarks/synthetic.py`, the generator serve.py uses too) are
household forms and notices: runs of sentences from the seed documents filled in with names, villages,
dates, amounts and document numbers. For tantivy the benchmark builds an archive root (catalog + index)
of --n records, for whoosh an index of --whoosh-n records, and measures: index build time (tokenizing in
--jobs processes, a commit every 10,000), index size, adding 1,000 records and committing (as an ingest
batch does), in-process query latency p50/p95 (top 10 with snippets) for two query classes — typical
queries (names, villages, dates, amounts, document numbers, pieces of wording, every 10th quoted) and
common terms that most files share (临时救助, 最低生活保障, …) — and, for tantivy, `minzheng --root R
search Q --json` end to end as a subprocess.

    .venv/bin/python benchmarks/search.py                        # tantivy and postgres 100,000 / whoosh 10,000
    .venv/bin/python benchmarks/search.py --n 20000 --whoosh-n 2000 --backends tantivy
    .venv/bin/python benchmarks/search.py --root /tmp/mz-bench-100k   # keep (or reuse) the tantivy root
    .venv/bin/python benchmarks/search.py --recall-only               # only the OCR-misread recall table

postgres: the catalog and the index in a PostgreSQL database of a throw-away cluster (tests/pgcluster.py),
built the same way (catalog rows, then index documents in batches of 10,000); the default when
PostgreSQL's programs are installed. Its "index size" is the search tables with their GIN indexes.

Recall with one misread character: --recall-n records (~800 characters each) in which --recall-queries
target records each have one character inside a 4–8 character phrase replaced, as OCR misreads it (a
look-alike from a table of tesseract confusions, else another common character); the clean phrase is
searched and the target must be in the top 10. Before = strict matching only (as every earlier
version, which needed every bigram of the query); after = with 近似 matching (characters compared at a
place anchored by one of the query's bigrams, ≥ 75 %), and with the literal rule (≥ 75 % of the bigrams).
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

sys.path.insert(0, str(PROJECT / "tests"))
from pgcluster import Cluster, find_bindir  # noqa: E402

import archive  # noqa: E402
from archive.store.config import set_setting  # noqa: E402
from indexer import approx as approx_rules  # noqa: E402
from indexer import open_index  # noqa: E402

# look-alikes tesseract confuses on 150–200 dpi scans (seen on the sample scans and the OCR benchmark pages)
CONFUSIONS = {"救": "敉", "助": "肋", "政": "玫", "民": "氏", "办": "为", "灾": "炙", "县": "屋", "拨": "氢",
              "涝": "湾", "低": "氐", "保": "堡", "困": "囷", "户": "尸", "审": "宙", "申": "甲", "请": "倩",
              "村": "材", "人": "入", "口": "日", "日": "曰", "已": "己", "未": "末", "土": "士", "天": "夭",
              "家": "冢", "庭": "廷", "活": "括", "障": "嶂", "理": "埋", "员": "贝", "工": "王", "作": "乍",
              "发": "友", "放": "故", "资": "姿", "金": "全", "元": "无", "特": "持", "供": "洪", "养": "荞"}
POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def ocr_recall(n: int, nq: int, backends: list[str], seed: int = 7) -> list[dict]:
    """Recall of a clean query on records whose copy of the phrase has one character misread."""
    import random

    from synthetic import record as make_record

    from indexer.normalize import normalize
    from indexer.tokens import squash
    rnd = random.Random(seed)
    recs = {i: make_record(i, 800) for i in range(1, n + 1)}
    flat = {i: squash(normalize("".join(r["pages"]))) for i, r in recs.items()}
    targets = rnd.sample(sorted(recs), nq)
    queries = []
    for i in targets:
        text = "".join(recs[i]["pages"])
        for _ in range(200):
            k = rnd.choice([4, 5, 6, 6, 8])
            st = rnd.randrange(0, len(text) - k)
            q = text[st:st + k]
            if not all("\u4e00" <= c <= "\u9fff" for c in q) or sum(q in t for t in flat.values()) > 5 \
                    or text.count(q) != 1 or q in recs[i]["title"] or q in recs[i]["doc_number"]:
                continue
            j = rnd.randrange(1, k - 1)                       # inside the phrase, not at either end
            bad = CONFUSIONS.get(q[j]) or rnd.choice([c for c in POOL if c != q[j]])
            pages, pos = recs[i]["pages"], st
            pi = 0
            while pos >= len(pages[pi]):
                pos, pi = pos - len(pages[pi]), pi + 1
            if pos + k > len(pages[pi]):                      # the phrase runs over a page break: another one
                continue
            pages[pi] = pages[pi][:pos + j] + bad + pages[pi][pos + j + 1:]   # misread it where the phrase is
            queries.append((q, i))
            break
    rows = []
    for backend in backends:
        d = Path(tempfile.mkdtemp(prefix=f"mz-recall-{backend}-"))
        try:
            ix = open_index(d, backend)
            ix.add([index_doc(r) for r in recs.values()])
            ix.commit()
            for label, approximate, rule in [("before: strict only", False, "chars"),
                                             ("after: 近似, characters ≥ 75 %", True, "chars"),
                                             ("after: 近似, bigrams ≥ 75 % (literal rule)", True, "bigrams")]:
                approx_rules.RULE = rule
                found = extra = 0
                lat = []
                for q, target in queries:
                    t = time.perf_counter()
                    r = ix.query(q, limit=10, approximate=approximate)
                    lat.append((time.perf_counter() - t) * 1000)
                    got = [h.record_id for h in r.hits]
                    found += target in got
                    extra += sum(1 for h in r.hits if h.approximate and h.record_id != target)
                rows.append({"backend": backend, "rule": label, "found": found, "n": len(queries),
                             "extra": extra / max(1, len(queries)), "p95": pct(lat, 95)})
            approx_rules.RULE = "chars"
            ix.close()
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return rows


def scanned_recall(pages: int, backends: list[str], distractors: int = 1000, seed: int = 11) -> list[dict]:
    """The same question on real OCR output: pages of synthetic text rendered small with speckles
    (tests/corpus.render_page: Noto CJK, 14 px, speckles and blur) and read by the project's OCR engine;
    a 4–8 character phrase around each character OCR read wrong (one substitution, the phrase otherwise
    read right) is searched clean among the OCR'd pages and `distractors` clean records — phrases the
    clean records hold more than 5 times are left out (found strictly there, they never ask for 近似)."""
    import difflib
    import random

    from corpus import render_page
    from synthetic import record as make_record

    from indexer import get_ocr_engine
    from indexer.normalize import normalize
    from indexer.tokens import squash
    rnd = random.Random(seed)
    engine = get_ocr_engine("tesseract-hybrid")
    docs, queries = [], []
    for p in range(pages):
        truth = normalize("".join(make_record(500_000 + p, 260)["pages"]))[:260]
        ocr = normalize(engine.recognize(render_page(truth, width=900, font_size=14, noise=0.5, seed=p)))
        rid = 900_000 + p
        docs.append((rid, ocr))
        a, b = squash(truth), squash(ocr)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag != "replace" or i2 - i1 != 1 or j2 - j1 != 1 or not "\u4e00" <= a[i1] <= "\u9fff":
                continue
            k = rnd.choice([4, 5, 6, 8])
            j = rnd.randrange(1, k - 1)                       # the misread character inside the phrase
            q = a[i1 - j:i1 - j + k]
            # a phrase as written (no punctuation inside), read right by OCR but for that one character
            if len(q) == k and i1 - j >= 0 and q in truth and q[:j] + b[j1] + q[j + 1:] in ocr:
                queries.append((q, rid))
    rows = []
    for backend in backends:
        d = Path(tempfile.mkdtemp(prefix=f"mz-scan-{backend}-"))
        try:
            ix = open_index(d, backend)
            ix.add([index_doc(make_record(i, 800)) for i in range(1, distractors + 1)])
            from indexer import IndexDoc
            ix.add([IndexDoc(rid, "扫描件", [text]) for rid, text in docs])
            ix.commit()
            queries = [(q, t) for q, t in queries if ix.query(q, limit=1, approximate=False).total <= 5]
            for label, approximate in [("before: strict only", False), ("after: 近似", True)]:
                found = sum(target in [h.record_id for h in ix.query(q, limit=10, approximate=approximate).hits]
                            for q, target in queries)
                rows.append({"backend": backend, "rule": label, "found": found, "n": len(queries)})
            ix.close()
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return rows


def print_recall(rows: list[dict], n: int) -> None:
    if not rows:                       # postgres alone: the recall rows are measured on the embedded backends
        return
    print(f"\nrecall with one misread character inside the searched phrase — {n:,} records of ~800 characters, "
          f"{rows[0]['n']} phrases of 4–8 characters, target in the top 10\n")
    print("| backend | matching | found | recall | other 近似 hits per query | p95 (ms) |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['rule']} | {r['found']}/{r['n']} | {r['found'] / r['n']:.1%} | "
              f"{r['extra']:.2f} | {r['p95']:.1f} |")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def latencies(ix, qs: list[str], repeat: int = 1, **kw) -> tuple[list[float], list[int]]:
    for q in qs[:5]:
        ix.search(q, **kw)                     # warm-up
    lat, totals = [], []
    for _ in range(repeat):
        for q in qs:
            t = time.perf_counter()
            total, _hits = ix.search(q, limit=10, **kw)
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
        if backend == "postgres":            # the CLI rows search where minzheng.toml says
            set_setting(archive.load_settings(root), "index", "backend", backend)
    settings = archive.load_settings(root)
    index_dir = settings.index_dir
    size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    if backend == "postgres":
        size = _pg_search_bytes(settings.catalog_url)
    ix = open_index(index_dir, backend, url=settings.catalog_url)
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
        lat_q, _ = latencies(ix, COMMON_QUERIES, repeat=3, count_cap=10_000)   # the total only when asked
    finally:
        ix.close()
    row = {"backend": backend, "n": n, "build_s": info["index_s"], "size_mb": size / 2**20, "add1k_s": add1k,
           "t50": statistics.median(lat_t), "t95": pct(lat_t, 95),
           "t_hits": f"{statistics.median(tot_t):,.0f} ({statistics.mean(tot_t):,.0f})",
           "c50": statistics.median(lat_c), "c95": pct(lat_c, 95),
           "q50": statistics.median(lat_q), "q95": pct(lat_q, 95),
           "c_hits": f"{statistics.median(tot_c):,.0f} ({statistics.mean(tot_c):,.0f})"}
    if cli:
        ct = cli_latency(root, typical[:20])
        cc = cli_latency(root, COMMON_QUERIES)
        row.update(cli_t50=statistics.median(ct), cli_t95=pct(ct, 95), cli_c50=statistics.median(cc),
                   cli_c95=pct(cc, 95))
    return row


def _pg_search_bytes(url: str) -> int:
    from archive.store import catalog

    conn = catalog.connect(url)
    try:
        return int(conn.execute("SELECT pg_total_relation_size('search_docs') + "
                                "pg_total_relation_size('search_chunks')").fetchone()[0])
    finally:
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="records for tantivy (default 100,000)")
    ap.add_argument("--whoosh-n", type=int, default=10_000, help="records for whoosh (default 10,000; it is slow)")
    ap.add_argument("--backends", default="tantivy,whoosh,postgres" if find_bindir() else "tantivy,whoosh")
    ap.add_argument("--queries", type=int, default=300, help="typical queries (common ones: a fixed list, 3 times)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="tokenizer processes for the build")
    ap.add_argument("--recall-n", type=int, default=3000, help="records for the OCR-misread recall measurement")
    ap.add_argument("--recall-queries", type=int, default=300, help="phrases (one misread character each)")
    ap.add_argument("--recall-only", action="store_true", help="only the recall measurements")
    ap.add_argument("--ocr-pages", type=int, default=40, help="pages rendered and OCR'd for the scan recall (0: skip)")
    ap.add_argument("--root", type=Path, help="build the tantivy archive root here and keep it (reused when it "
                                              "already holds --n records); default: a temporary directory")
    a = ap.parse_args()

    embedded = [b for b in a.backends.split(",") if b != "postgres"]
    recall_rows = ocr_recall(a.recall_n, a.recall_queries, embedded)
    scan_rows = scanned_recall(a.ocr_pages, embedded) if a.ocr_pages else []
    if a.recall_only:
        print_recall(recall_rows, a.recall_n)
        print_scans(scan_rows, a.ocr_pages)
        return
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="mz-bench-search-"))
    cluster = None
    try:
        for backend in a.backends.split(","):
            n = a.whoosh_n if backend == "whoosh" else a.n
            root = a.root if (a.root and backend == "tantivy") else tmp / backend
            qs = typical_queries(a.queries, n)
            if backend == "postgres":
                cluster = Cluster(Path(tempfile.mkdtemp(prefix="mzpg-")), find_bindir()).start()
                os.environ["MINZHENG_CATALOG_URL"] = cluster.new_database()
            try:
                rows.append(bench(backend, n, root, a.jobs, qs, cli=backend != "whoosh"))
            finally:
                os.environ.pop("MINZHENG_CATALOG_URL", None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if cluster is not None:
            cluster.stop()
            shutil.rmtree(cluster.base, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nsearch benchmark — {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
          f"~1,500 characters per record, {a.queries} typical queries (every 10th quoted) and "
          f"{len(COMMON_QUERIES)} common ones ×3, top 10 with snippets; build with --jobs {a.jobs}, a commit every 10,000\n")
    print("| backend | records | build (s) | index size (MB) | add 1,000 (s) | typical p50 / p95 (ms) | typical hits median (mean) "
          "| common p50 / p95 (ms) | common, total not counted, p50 / p95 (ms) | common hits median (mean) "
          "| CLI typical p50 / p95 (s) | CLI common p50 / p95 (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        build = f"{r['build_s']:.1f}" if r["build_s"] is not None else "reused"
        cli_t = f"{r['cli_t50']:.2f} / {r['cli_t95']:.2f}" if "cli_t50" in r else "—"
        cli_c = f"{r['cli_c50']:.2f} / {r['cli_c95']:.2f}" if "cli_c50" in r else "—"
        print(f"| {r['backend']} | {r['n']:,} | {build} | {r['size_mb']:.0f} | {r['add1k_s']:.2f} | "
              f"{r['t50']:.1f} / {r['t95']:.1f} | {r['t_hits']} | {r['c50']:.1f} / {r['c95']:.1f} | "
              f"{r['q50']:.1f} / {r['q95']:.1f} | "
              f"{r['c_hits']} | {cli_t} | {cli_c} |")
    print_recall(recall_rows, a.recall_n)
    print_scans(scan_rows, a.ocr_pages)
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ruc = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nbuild (s) = index add + commit, tokenizing in {a.jobs} processes (generating the text and the catalog "
          f"rows not counted); CLI = `minzheng --root R search Q --json` as a subprocess, 20 typical and "
          f"{len(COMMON_QUERIES)} common queries\npeak RSS: this process {ru:.0f} MB, largest child {ruc:.0f} MB")



def print_scans(rows: list[dict], pages: int) -> None:
    if not rows:
        return
    print(f"\nrecall on real OCR output — {pages} pages of ~260 characters rendered at 14 px with speckles, read by "
          f"tesseract-hybrid; every 4–8 character phrase OCR read with one inner character wrong, searched "
          f"clean among the OCR'd pages and 1,000 clean records; target in the top 10\n")
    print("| backend | matching | found | recall |")
    print("|---|---|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['rule']} | {r['found']}/{r['n']} | {r['found'] / max(1, r['n']):.1%} |")

if __name__ == "__main__":
    main()
