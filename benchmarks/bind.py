"""Benchmark: bind one 300-page volume mixing scanned (image) pages and text pages.

Makes its own archive root in a temporary directory: 20 text PDFs × 8 pages, 10 scanned PDFs × 8 pages
(JPEG images, 200 dpi greyscale A4), 30 single JPEG scans, 10 PNG scans, 4 US-Letter PDFs × 5 pages
(scaled onto A4) = 300 pages. Prints seconds and peak RSS (this process and its children) as a table.

    .venv/bin/python benchmarks/bind.py [--pages-scale 1.0] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import archive  # noqa: E402
from archive.store import catalog  # noqa: E402
from archive.store.config import TEMPLATES_DIR  # noqa: E402
from archive.store.objects import store_file  # noqa: E402

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
A4_PT = (595.28, 841.89)


def rss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def text_pdf(path: Path, n: int, tag: str, size=A4_PT) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=size)
    for i in range(n):
        c.setFont("STSong-Light", 12)
        for k in range(40):
            c.drawString(70, size[1] - 90 - k * 17, f"{tag} 第{i + 1}页 第{k + 1}行 民政办低保审批材料正文内容")
        c.showPage()
    c.save()


def scan(tag: str, fmt: str = "JPEG"):
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("L", (1654, 2339), 245)                       # A4 at 200 dpi, greyish paper
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT, 40, index=2)
    for k in range(35):
        d.text((160, 200 + k * 58), f"{tag} 扫描件第{k + 1}行 申请书 审批表 入户调查表", fill=20, font=f)
    return im


def make_records(root: Path, work: Path) -> int:
    """Store the originals and catalog them directly (no ingest): QSZ 2011 DB D30."""
    settings = archive.load_settings(root)
    conn = catalog.connect(settings.catalog_path)
    pages = 0

    def add(path: Path, n: int, i: int):
        nonlocal pages
        sha, _, _ = store_file(settings.objects_dir, path)
        conn.execute("INSERT INTO records(sha256, original_name, pages, title, doc_date, office, category, year, "
                     "retention, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (sha, path.name, n, f"测试文件{path.stem}", f"2011-{1 + i % 12:02d}-{1 + i % 28:02d}", "QSZ",
                      "DB", 2011, "D30", catalog.now()))
        pages += n
        path.unlink()

    i = 0
    for k in range(20):
        p = work / f"text{k}.pdf"
        text_pdf(p, 8, f"文本{k}")
        add(p, 8, i); i += 1
    for k in range(10):
        p = work / f"scanpdf{k}.pdf"
        frames = [scan(f"扫描PDF{k}-{j}") for j in range(8)]
        frames[0].save(p, "PDF", resolution=200, save_all=True, append_images=frames[1:])
        del frames
        add(p, 8, i); i += 1
    for k in range(30):
        p = work / f"scan{k}.jpg"
        scan(f"照片{k}").save(p, "JPEG", quality=75, dpi=(200, 200))
        add(p, 1, i); i += 1
    for k in range(10):
        p = work / f"scan{k}.png"
        scan(f"PNG{k}").convert("1").save(p, "PNG", dpi=(200, 200))
        add(p, 1, i); i += 1
    for k in range(4):
        p = work / f"letter{k}.pdf"
        text_pdf(p, 5, f"信纸{k}", size=(612, 792))
        add(p, 5, i); i += 1
    conn.close()
    return pages


def make_root(root: Path) -> int:
    archive.init_root(root)
    (root / "profiles").mkdir()
    text = (TEMPLATES_DIR / "profiles" / "national.toml").read_text(encoding="utf-8")
    (root / "profiles" / "bench.toml").write_text(text.replace("max_pages = 200", "max_pages = 300"), encoding="utf-8")
    work = root.parent / "src"
    work.mkdir(exist_ok=True)
    return make_records(root, work)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="keep the archive root here instead of a temporary directory")
    ap.add_argument("--make", type=Path, help=argparse.SUPPRESS)      # child process: build the fixtures only
    args = ap.parse_args()
    if args.make:
        print(make_root(args.make))
        return
    tmp = Path(tempfile.mkdtemp(prefix="mz-bench-bind-"))
    root = args.keep or tmp / "root"
    try:
        # fixtures in a child process, so that this process's peak RSS is the binding's alone
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--make", str(root)], check=True, capture_output=True, text=True)
        pages = int(out.stdout.strip().splitlines()[-1])
        t_make = time.perf_counter() - t0
        rss_before = rss_mb(resource.RUSAGE_SELF)
        settings = archive.load_settings(root)
        t0 = time.perf_counter()
        report = archive.bind(settings, office="QSZ", year=2011, category="DB", profile="bench")
        t_bind = time.perf_counter() - t0
        vol = report.volumes[0]
        size = vol.pdf.stat().st_size / 1e6
        rows = [
            ("make fixtures (child process, not measured)", f"{t_make:.1f}", "", ""),
            ("bind: document pages", str(pages), "", ""),
            ("bind: volume pages (with cover/contents/notes)", str(vol.pages), "", ""),
            ("bind: seconds", f"{t_bind:.1f}", f"{pages / t_bind:.1f} pages/s", "target < 20 s"),
            ("peak RSS of the binding process (MB)", f"{rss_mb(resource.RUSAGE_SELF):.0f}",
             f"after imports {rss_before:.0f}", "target < 500 MB"),
            ("volume PDF size (MB)", f"{size:.1f}", "", ""),
        ]
        w = max(len(r[0]) for r in rows)
        print(f"{'measure'.ljust(w)}  {'value':>8}  note")
        print("-" * (w + 40))
        for name, value, note, target in rows:
            print(f"{name.ljust(w)}  {value:>8}  {note} {target}".rstrip())
        print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"({os.cpu_count()} CPUs)")
        if report.failed or report.warnings:
            print(f"failed: {len(report.failed)}, warnings: {len(report.warnings)}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
