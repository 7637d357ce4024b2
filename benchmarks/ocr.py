"""OCR benchmark: character error rate on CJK characters and seconds per page, per engine, on
pages rendered from the seeds with Noto CJK — simplified and traditional, clean and noisy.

    .venv/bin/python benchmarks/ocr.py                  # tesseract engines (+ rapidocr if installed)
    .venv/bin/python benchmarks/ocr.py --pages 2 --engines tesseract-hybrid

CER = edit distance / length on CJK characters only, both texts folded to simplified (so a
traditional page read as traditional characters is not an error). One page at a time, one core.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))

from corpus import cer, chunk, render_page, seed_texts, sentences  # noqa: E402

from indexer import get_ocr_engine  # noqa: E402
from indexer.errors import MissingToolError  # noqa: E402


def pages(n: int) -> dict[str, list[tuple[str, object]]]:
    """{set name: [(truth, image)]}: n pages of ~300 characters in each of four sets."""
    seeds = seed_texts()
    simp = chunk([s for k, t in seeds.items() if not k.startswith("000") for s in sentences(t)], 300)
    trad = chunk([s for k, t in seeds.items() if k.startswith("000") for s in sentences(t)], 300)
    out = {}
    for name, texts, script in (("simplified", simp, "sc"), ("traditional", trad, "tc")):
        for noisy in (False, True):
            key = f"{name} {'noisy' if noisy else 'clean'}"
            out[key] = [(t, render_page(t, script=script, face="serif" if i % 2 else "sans",
                                        noise=0.6 if noisy else 0.0, angle=0.5 if noisy else 0.0, seed=i))
                        for i, t in enumerate(texts[:n])]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=3, help="pages per set (4 sets)")
    ap.add_argument("--engines", default="tesseract-sim,tesseract-simtra,tesseract-hybrid,rapidocr")
    a = ap.parse_args()
    sets = pages(a.pages)
    rows = []
    for name in a.engines.split(","):
        try:
            eng = get_ocr_engine(name)
        except MissingToolError as e:
            print(f"跳过 {name}：{e}", file=sys.stderr)
            continue
        for key, items in sets.items():
            errs, secs = [], []
            for truth, img in items:
                t = time.perf_counter()
                text = eng.recognize(img)
                secs.append(time.perf_counter() - t)
                errs.append(cer(truth, text))
            rows.append((name, key, statistics.mean(errs), max(errs), statistics.mean(secs)))
            print(f"  {name} {key}: CER {statistics.mean(errs):.3f}", file=sys.stderr)
    load = os.getloadavg()
    n_chars = statistics.mean(len(t) for items in sets.values() for t, _ in items)
    print(f"\nOCR benchmark — {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}; {a.pages} pages per set, "
          f"~{n_chars:.0f} characters per page, 1100 px wide\n")
    print("| engine | pages | CER mean | CER worst | s/page |")
    print("|---|---|---:|---:|---:|")
    for name, key, mean, worst, sec in rows:
        print(f"| {name} | {key} | {mean:.3f} | {worst:.3f} | {sec:.2f} |")
    totals = {}
    for name, key, mean, worst, sec in rows:
        totals.setdefault(name, []).append((mean, sec))
    print("\n| engine | CER mean over all sets | s/page mean |")
    print("|---|---:|---:|")
    for name, v in totals.items():
        print(f"| {name} | {statistics.mean(m for m, _ in v):.3f} | {statistics.mean(s for _, s in v):.2f} |")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
