"""Ingest throughput: text-layer PDF pages/s and OCR pages/s (--jobs = all cores), with peak RSS.

    .venv/bin/python benchmarks/ingest.py [--pdfs 40 --pages 5 --scans 6 --jobs N] [--catalog sqlite,postgresql]

Builds its own files in a temporary directory (Chinese text from the seeds, via tests/corpus.py),
ingests them into a fresh root through archive.ingest (the same code as `minzheng ingest`) and prints
one row per file kind plus the time spent in each named stage. Not a test: figures depend on the load.
With `--catalog sqlite,postgresql` (the default when PostgreSQL's programs are installed) the text-layer
row runs on both catalog engines, PostgreSQL in a throw-away cluster (tests/pgcluster.py), side by side.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))

from corpus import (  # noqa: E402
    chunk,
    render_page,
    seed_texts,
    sentences,
    write_scanned_pdf,
    write_text_pdf,
)
from pgcluster import Cluster, find_bindir  # noqa: E402

from archive import format_table, init_root
from archive.intake import (
    STAGES,  # noqa: E402
    ingest,  # noqa: E402
)


def rss_mib(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def make_text_pdfs(d: Path, n: int, pages: int) -> int:
    sents = [s for t in seed_texts().values() for s in sentences(t)]
    bodies = chunk(sents, 600)
    for i in range(n):
        body = bodies[i % len(bodies)]
        parts = [f"第{i}号文件第{p + 1}页：" + body[(p * 97) % max(1, len(body) - 500):][:500] for p in range(pages)]
        write_text_pdf(d / f"text{i:03d}.pdf", f"青山县民政局文件第{i}号", parts)
    return n * pages


def make_scans(d: Path, n: int) -> int:
    sents = [s for t in seed_texts().values() for s in sentences(t)]
    bodies = chunk(sents, 350)
    for i in range(n):
        img = render_page(f"编号{i}：" + bodies[i % len(bodies)], width=1240, font_size=30, noise=0.1, seed=i)
        write_scanned_pdf(d / f"scan{i:03d}.pdf", [img], dpi=150)
    return n


def run(label: str, files: Path, pages: int, jobs: int, ocr: bool, catalog_url: str | None = None) -> dict:
    root = Path(tempfile.mkdtemp(prefix="mz-bench-root-")) / "root"
    if catalog_url:
        os.environ["MINZHENG_CATALOG_URL"] = catalog_url
    else:
        os.environ.pop("MINZHENG_CATALOG_URL", None)
    settings = init_root(root)
    t = time.perf_counter()
    rep = ingest(settings, [files], jobs=jobs, ocr=ocr)
    secs = time.perf_counter() - t
    assert not rep.rejected, rep.rejected
    assert rep.pages == pages, (rep.pages, pages)
    os.environ.pop("MINZHENG_CATALOG_URL", None)
    return {"kind": label, "catalog": "postgresql" if catalog_url else "sqlite", "files": len(rep.ingested), "pages": rep.pages, "jobs": jobs,
            "seconds": f"{secs:.1f}", "pages_s": f"{rep.pages / secs:.1f}",
            "rss_main": f"{rss_mib(resource.RUSAGE_SELF):.0f}", "rss_worker": f"{rss_mib(resource.RUSAGE_CHILDREN):.0f}",
            **{s: f"{rep.stage_seconds[s]:.2f}" for s in STAGES}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdfs", type=int, default=40, help="text-layer PDFs to build")
    ap.add_argument("--pages", type=int, default=5, help="pages per text PDF")
    ap.add_argument("--scans", type=int, default=6, help="one-page scanned PDFs to OCR (0 to skip)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--catalog", default=None, help="sqlite,postgresql (default: both when PostgreSQL is installed)")
    a = ap.parse_args()
    engines = (a.catalog or ("sqlite,postgresql" if find_bindir() else "sqlite")).split(",")
    work = Path(tempfile.mkdtemp(prefix="mz-bench-"))
    (work / "text").mkdir()
    (work / "scan").mkdir()
    t = time.perf_counter()
    n_text = make_text_pdfs(work / "text", a.pdfs, a.pages)
    n_scan = make_scans(work / "scan", a.scans) if a.scans else 0
    print(f"built {a.pdfs} text PDFs ({n_text} pages) and {a.scans} scans in {time.perf_counter() - t:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", file=sys.stderr)
    rows = [run("text-layer PDF", work / "text", n_text, a.jobs, ocr=True)]
    if "postgresql" in engines:
        cluster = Cluster(Path(tempfile.mkdtemp(prefix="mzpg-")), find_bindir()).start()
        try:
            rows.append(run("text-layer PDF", work / "text", n_text, a.jobs, ocr=True,
                            catalog_url=cluster.new_database()))
        finally:
            cluster.stop()
            shutil.rmtree(cluster.base, ignore_errors=True)
        rows[-1]["vs_sqlite"] = f"{float(rows[0]['seconds']) and float(rows[-1]['seconds']) / float(rows[0]['seconds']):.2f}×"
    if n_scan:
        rows.append(run("scanned PDF (OCR)", work / "scan", n_scan, a.jobs, ocr=True))
    cols = [("kind", "kind"), ("catalog", "catalog"), ("vs_sqlite", "time vs SQLite"), ("files", "files"), ("pages", "pages"), ("jobs", "jobs"), ("seconds", "s"),
            ("pages_s", "pages/s"), ("rss_main", "RSS main MiB"), ("rss_worker", "RSS worker MiB")]
    print(format_table(rows, cols))
    print()
    print("seconds per stage (main process; extract_text = writing text + metadata, OCR runs in workers):")
    print(format_table(rows, [("kind", "kind")] + [(s, s) for s in STAGES]))


if __name__ == "__main__":
    main()
