"""Page images made easier to read before OCR, each step kept only because it measured better
(benchmarks/ocr.py): bilevel scans (CCITT G4 TIFF at 150–200 dpi) are smoothed into greyscale, so that
tesseract sees anti-aliased strokes instead of jagged 1-bit ones (enlarging them first measured worse);
photographed pages get their uneven light divided out and their contrast stretched; rotated pages are
deskewed; and greyscale pages whose text is larger than tesseract reads best (lines over ~23 px high:
300 dpi scans, photos) are shrunk to ~20 px lines, which also makes them faster to read (shrinking
bilevel pages measured worse). Pure Pillow."""
from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageMath, ImageOps


@dataclass(frozen=True)
class Steps:
    """Which steps `prepare` applies (chosen by measurement; see benchmarks/ocr.py and the README)."""
    bilevel_smooth: bool = True        # 1-bit pages → greyscale, blurred by `bilevel_blur` × the line height
    bilevel_blur: float = 1 / 31
    background: bool = True            # divide out uneven light on greyscale pages that have it
    deskew: bool = True
    text_height: float = 20.0          # shrink greyscale pages whose text lines are taller (px; 0 = off)
    upsample_bilevel: float = 0.0      # enlarge 1-bit pages this many times first (measured worse: off)
    max_angle: float = 4.0             # degrees searched either way
    min_angle: float = 0.3             # smaller skews are left alone


MAX_PIXELS = 16_000_000     # greyscale pages larger than this are reduced first (the background step needs
                            # several full-size 32-bit images: 63 Mpx would take over 1 GiB)
DEFAULT = Steps()
NONE = Steps(bilevel_smooth=False, background=False, deskew=False, text_height=0)


def text_height(img: Image.Image) -> float | None:
    """Median height in pixels of the page's text lines (runs of rows holding ink), None without text."""
    ink = img.point(lambda v: 255 if v < 128 else 0)
    profile = list(ink.resize((1, img.height), Image.BOX).tobytes())
    peak = max(profile, default=0)
    if not peak:
        return None
    runs, n = [], 0
    for v in profile + [0]:
        if v > peak * 0.05:
            n += 1
        elif n:
            runs.append(n)
            n = 0
    runs = sorted(r for r in runs if r >= 4)
    return float(runs[len(runs) // 2]) if runs else None


def upsample_bilevel(img: Image.Image, factor: float, blur: float) -> Image.Image:
    """A 1-bit page as a smooth greyscale page `factor` times larger."""
    grey = img.convert("L")
    size = (round(grey.width * factor), round(grey.height * factor))
    big = grey.resize(size, Image.BICUBIC)
    return big.filter(ImageFilter.GaussianBlur(blur)) if blur else big


def uneven(img: Image.Image) -> bool:
    """Whether the page's paper is lit unevenly (a photograph): the brightest level of its regions
    differs by more than a few grey levels."""
    small = img.reduce(max(1, img.width // 64)) if img.width > 64 else img
    paper = small.filter(ImageFilter.MaxFilter(5))
    lo, hi = paper.getextrema()
    return hi - lo > 24


def normalize_background(img: Image.Image) -> Image.Image:
    """Divide the page by an estimate of its paper (the local brightest level, smoothed), then stretch
    the contrast: uneven light and grey paper become white, ink stays dark."""
    f = max(1, min(img.width, img.height) // 100)
    small = img.reduce(f)
    local = small.filter(ImageFilter.MaxFilter(7))
    paper = local.filter(ImageFilter.GaussianBlur(3)).resize(img.size, Image.BILINEAR)
    out = ImageMath.lambda_eval(lambda m: m["convert"](m["min"](m["a"] * 255 / m["max"](m["b"], 1), 255), "L"),
                                a=img, b=paper)
    # what lies around the sheet (a desk, the dark fill of a rotation) is far darker than the dimmest paper:
    # whiten it, with its edge, or its border is read as a row of 一
    brightest = local.getextrema()[1]
    solid = local.filter(ImageFilter.MinFilter(7))           # closing: text gone, solid dark areas as they were
    around = solid.point(lambda v: 255 if v < brightest * 0.45 else 0).filter(ImageFilter.MaxFilter(5))
    if around.getextrema()[1]:
        out.paste(255, mask=around.resize(img.size, Image.NEAREST))
    return ImageOps.autocontrast(out, cutoff=(1, 0))


def skew_angle(img: Image.Image, max_angle: float = 4.0) -> float:
    """The rotation (degrees, counter-clockwise positive as Image.rotate takes it) that makes the text
    lines horizontal: the angle whose row profile of ink is most peaked (coarse, then fine)."""
    scale = max(1, img.width // 700)
    small = img.reduce(scale) if scale > 1 else img
    ink = small.point(lambda v: 255 if v < 140 else 0)      # ink white on black: rotation fills black

    def score(a: float) -> float:
        rows = ink.rotate(a, resample=Image.NEAREST).reduce((ink.width, 1)).tobytes()
        return sum(v * v for v in rows)

    best = max((a / 2 for a in range(int(-max_angle * 2), int(max_angle * 2) + 1)), key=score)
    fine = max((best + d / 10 for d in range(-5, 6)), key=score)
    return fine


def prepare(img: Image.Image, steps: Steps = DEFAULT) -> Image.Image:
    """The page as it goes to the OCR engine (greyscale; a 1-bit page stays 1-bit when no step applies)."""
    bilevel = img.mode == "1"
    if bilevel and steps.upsample_bilevel:
        img = upsample_bilevel(img, steps.upsample_bilevel, 0.7)
    elif bilevel and not (steps.bilevel_smooth or steps.deskew or steps.text_height):
        return img
    if img.mode != "L":
        img = img.convert("L")
    if not bilevel and img.width * img.height > MAX_PIXELS:     # a 600 dpi A3 scan: read at ~300 dpi, and
        f = max(2, math.ceil(math.sqrt(img.width * img.height / MAX_PIXELS)))   # keep the steps below in memory
        img = img.reduce(f)
    if steps.background and not bilevel and uneven(img):
        img = normalize_background(img)
    if steps.deskew:
        a = skew_angle(img, steps.max_angle)
        if abs(a) >= steps.min_angle:
            img = img.rotate(a, resample=Image.BICUBIC, expand=True, fillcolor=255)
    h = text_height(img) if (steps.text_height or (bilevel and steps.bilevel_smooth)) else None
    if bilevel and steps.bilevel_smooth:
        img = img.filter(ImageFilter.GaussianBlur(min(2.0, max(0.3, (h or 31) * steps.bilevel_blur))))
    if steps.text_height and h and h > steps.text_height * 1.15 and not bilevel:   # bilevel: measured worse
        f = steps.text_height / h
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))), Image.LANCZOS)
    return img


__all__ = ["DEFAULT", "NONE", "Steps", "normalize_background", "prepare", "skew_angle", "text_height", "uneven",
           "upsample_bilevel"]
