"""OCR benchmark: character error rate (CER) on CJK characters and wall seconds per page, per kind of page
image, with and without the pre-processing of indexer/preprocess.py — or, with --engines, per engine.

Pages are fictional records (benchmarks/synthetic.py, folded to simplified), typeset with Noto CJK at
12 pt on A4 and "scanned" the way archives receive them:

  grey-300    greyscale scan, 300 dpi (the control)
  g4-200      bilevel scan, 200 dpi, CCITT G4 TIFF
  g4-150      bilevel scan, 150 dpi, CCITT G4 TIFF
  photo       phone photo: light falling off across the page, 1–2° rotation, warm tint, JPEG quality 60
  trad-g4-200 a page in traditional script (tests/data/000_*), bilevel at 200 dpi: checks that the hybrid
              engine still picks its traditional reading there

    .venv/bin/python benchmarks/ocr.py                       # before/after pre-processing, default engine
    .venv/bin/python benchmarks/ocr.py --pages 2 --kinds g4-150,photo --variants none,default,no-deskew
    .venv/bin/python benchmarks/ocr.py --engines tesseract-sim,tesseract-hybrid --variants default

CER = edit distance / length on CJK characters only, both texts folded to simplified. Pages run two at a
time (the 2 cores), so s/page is the wall time a page costs when the cores are busy.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))
sys.path.insert(0, str(PROJECT / "benchmarks"))

from corpus import cer, chunk, seed_texts, sentences
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from synthetic import record

from archive.common.cjk_font import system_font
from indexer import get_ocr_engine, normalize
from indexer.errors import MissingToolError
from indexer.preprocess import DEFAULT, NONE

KINDS = ("grey-300", "g4-200", "g4-150", "photo", "trad-g4-200")
VARIANTS = {
    "before": NONE,             # no pre-processing, and the hybrid engine's former choice between its readings
    "none": NONE,
    "default": DEFAULT,
    "no-smooth": replace(DEFAULT, bilevel_smooth=False),
    "no-resize": replace(DEFAULT, text_height=0),
    "no-background": replace(DEFAULT, background=False),
    "no-deskew": replace(DEFAULT, deskew=False),
    "upsample-2": replace(NONE, upsample_bilevel=2.0),
    "height-23": replace(DEFAULT, text_height=23.0),
    "blur-1/50": replace(DEFAULT, bilevel_blur=1 / 50),
    "blur-1/20": replace(DEFAULT, bilevel_blur=1 / 20),
    "height-28": replace(DEFAULT, text_height=28.0),
    "height-18": replace(DEFAULT, text_height=18.0),
}
FONTS = {"sans": "NotoSansCJK-Regular.ttc", "serif": "NotoSerifCJK-Regular.ttc"}


def tc_index(path: Path) -> int:
    """The face of a Noto CJK collection with traditional-Chinese glyphs (…CJK TC)."""
    from fontTools.ttLib import TTCollection
    for i, font in enumerate(TTCollection(str(path)).fonts):
        if " TC" in font["name"].getDebugName(1):
            return i
    return 0


def page_text(i: int, chars: int, kind: str = "") -> str:
    if kind.startswith("trad"):
        trad = [s for k, t in seed_texts().items() if k.startswith("000") for s in sentences(t)]
        pages = chunk(trad, chars)
        return pages[i % len(pages)][:chars]
    r = record(1000 + i, chars)
    return normalize("".join(r["pages"]))[:chars]


def typeset(text: str, dpi: int, pt: float, face: str, oversample: int = 3, script: str = "sc") -> Image.Image:
    """The page rendered at `oversample` × dpi and reduced to dpi (a scanner's optics), greyscale."""
    path, index = system_font(FONTS[face])
    if script == "tc":
        index = tc_index(path)
    hi = dpi * oversample
    size = round(pt / 72 * hi)
    font = ImageFont.truetype(str(path), size, index=index)
    width = round(8.27 * hi)
    margin = round(hi * 0.9)
    per_line = (width - 2 * margin) // size
    lines = [text[k:k + per_line] for k in range(0, len(text), per_line)]
    line_h = round(size * 1.7)
    height = 2 * margin + line_h * len(lines)
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        d.text((margin, margin + n * line_h), line, font=font, fill=20)
    return img.resize((width // oversample, height // oversample), Image.LANCZOS)


def scan(kind: str, text: str, i: int) -> Image.Image:
    rnd = random.Random(i)
    face = "serif" if i % 2 else "sans"
    if kind == "grey-300":
        return typeset(text, 300, 12, face).point(lambda v: int(v * 0.9 + 20))
    if kind in ("g4-200", "g4-150", "trad-g4-200"):
        dpi = int(kind[-3:])
        grey = typeset(text, dpi, 12, face, script="tc" if kind.startswith("trad") else "sc")
        bw = grey.point(lambda v: 255 if v > 150 else 0).convert("1")
        buf = io.BytesIO()
        bw.save(buf, format="TIFF", compression="group4", dpi=(dpi, dpi))
        return Image.open(io.BytesIO(buf.getvalue()))
    if kind == "photo":
        grey = typeset(text, 220, 12, face)
        w, h = grey.size
        light = Image.linear_gradient("L").rotate(rnd.choice((30, 120, 210, 300))).resize((w, h))
        light = light.point(lambda v: 140 + v * 115 // 255)               # 55 % … 100 % of full light
        lit = Image.frombytes("L", (w, h), bytes(a * b // 255 for a, b in zip(grey.tobytes(), light.tobytes())))
        rgb = Image.merge("RGB", (lit, lit.point(lambda v: int(v * 0.96)), lit.point(lambda v: int(v * 0.86))))
        rgb = rgb.rotate(rnd.choice((-2.0, -1.2, 1.0, 1.8)), resample=Image.BICUBIC, expand=True,
                         fillcolor=(90, 85, 80))
        rgb = rgb.filter(ImageFilter.GaussianBlur(0.5))
        buf = io.BytesIO()
        rgb.save(buf, format="JPEG", quality=60)
        return Image.open(io.BytesIO(buf.getvalue()))
    raise ValueError(kind)


def as_extracted(img: Image.Image) -> Image.Image:
    """What indexer.extraction hands the engine: greyscale, bilevel kept bilevel."""
    return img if img.mode in ("L", "1") else img.convert("L")


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(engine, variant, pages) -> tuple[list[float], float, float]:
    """CER per page, wall seconds per page (two pages at a time) and CPU seconds per page (this process and
    its tesseract children: what the page costs whatever else the machine is doing)."""
    engine.steps = VARIANTS[variant]
    if hasattr(engine, "by_script"):
        engine.by_script = variant != "before"

    def one(item):
        truth, img = item
        return cer(truth, engine.recognize(as_extracted(img)))

    t, c = time.perf_counter(), cpu()
    with ThreadPoolExecutor(2) as pool:
        errs = list(pool.map(one, pages))
    return errs, (time.perf_counter() - t) / len(pages), (cpu() - c) / len(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=4, help="pages per kind")
    ap.add_argument("--chars", type=int, default=360, help="characters per page")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--variants", default="before,default", help="pre-processing: " + ", ".join(VARIANTS))
    ap.add_argument("--engines", default="tesseract-hybrid")
    a = ap.parse_args()
    kinds = a.kinds.split(",")
    sets = {k: [(t, scan(k, t, i)) for i, t in enumerate(page_text(i, a.chars, k) for i in range(a.pages))]
            for k in kinds}
    rows = []
    for name in a.engines.split(","):
        try:
            eng = get_ocr_engine(name)
        except MissingToolError as e:
            print(f"跳过 {name}：{e}", file=sys.stderr)
            continue
        for variant in a.variants.split(","):
            for k in kinds:
                errs, sec, cpu_s = run(eng, variant, sets[k])
                rows.append((name, variant, k, statistics.mean(errs), max(errs), sec, cpu_s))
                print(f"  {name} {variant} {k}: CER {statistics.mean(errs):.4f} worst {max(errs):.4f} "
                      f"{sec:.2f} s/page, CPU {cpu_s:.2f} s/page", file=sys.stderr)
    load = os.getloadavg()
    print(f"\nOCR benchmark — {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}; {a.pages} pages per kind, "
          f"{a.chars} characters per page (12 pt, A4); 2 pages at a time\n")
    print("| engine | pre-processing | kind | CER mean | CER worst | wall s/page (2 at a time) | CPU s/page |")
    print("|---|---|---|---:|---:|---:|---:|")
    for name, variant, k, mean, worst, sec, cpu_s in rows:
        print(f"| {name} | {variant} | {k} | {100 * mean:.2f} % | {100 * worst:.2f} % | {sec:.2f} | {cpu_s:.2f} |")


if __name__ == "__main__":
    main()
