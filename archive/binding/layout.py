"""Stage plan_volumes: where each source page goes on a bound A4 page (scaled and centred, rotation
honoured), and how documents are split into volumes at the profile's page limit."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .profiles import A4

A4_TOLERANCE = 4.0      # points: pages this close to A4 are used without scaling


@dataclass
class PlacedPage:
    """Where one source page goes on the bound A4 page."""

    index: int
    width: float
    height: float
    scale: float
    tx: float
    ty: float
    direct: bool          # A4 already, no rotation/offset: added as is
    src_h: float = 0.0    # height of the source page as seen (after /Rotate), points


@dataclass
class SourceDoc:
    rec: dict
    source: Path
    pages: list[PlacedPage]


def plan_pages(pdf: Path) -> list[PlacedPage]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    out = []
    for i, page in enumerate(reader.pages):
        box = page.mediabox
        x0, y0 = float(box.left), float(box.bottom)
        w, h = float(box.width), float(box.height)
        rot = (page.rotation or 0) % 360
        if rot in (90, 270):
            w, h = h, w
        is_a4 = abs(w - A4[0]) < A4_TOLERANCE and abs(h - A4[1]) < A4_TOLERANCE
        if is_a4 and rot == 0 and x0 == 0 and y0 == 0:
            out.append(PlacedPage(i, w, h, 1.0, 0.0, 0.0, True, h))
            continue
        tw, th = A4 if h >= w else (A4[1], A4[0])
        s = min(tw / w, th / h)
        out.append(PlacedPage(i, tw, th, s, (tw - w * s) / 2, (th - h * s) / 2, False, h))
    return out


def split_volumes(docs: list[SourceDoc], limit: int) -> list[list[SourceDoc]]:
    chunks: list[list[SourceDoc]] = [[]]
    count = 0
    for d in docs:
        n = len(d.pages)
        if chunks[-1] and count + n > limit:
            chunks.append([])
            count = 0
        chunks[-1].append(d)
        count += n
    return [c for c in chunks if c]


def blank_backs(parts: list[int], double_sided: bool) -> int:
    """How many blank back pages a double-sided volume needs so that each part (pages per part: cover, contents
    list, each document, notes, back cover) starts on a front page."""
    if not double_sided:
        return 0
    blanks = at = 0
    for n in parts:
        if at % 2:
            blanks += 1
            at += 1
        at += n
    return blanks
