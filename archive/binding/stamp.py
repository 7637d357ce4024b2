"""The archive stamp (归档章) and running page numbers, drawn as overlays.

Where the stamp goes: the first page of a document is rendered small (pdftoppm), its ink is mapped
onto a 1 mm grid of the bound page, and the stamp is put in the highest free spot of the top band,
nearest the profile's preferred position; if no full-size spot is free it is scaled down (to 55 %);
if still nothing is free it goes where it covers the least ink and the caller reports it. The stamp stays inside what a printer prints
(PRINTABLE_MM from every edge) and out of the binding margin, where the binding would hide it.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from archive.common.tools import PDFTOPPM

from .profiles import MM, PRINTABLE_MM, Profile

log = logging.getLogger(__name__)

RENDER_DPI = 50
INK_LEVEL = 170          # grey value below which a rendered pixel counts as ink
SCALES = (1.0, 0.85, 0.7, 0.55)
TOP_BAND_MM = 45         # how far down from the top edge the stamp may move
BAND_ROWS = TOP_BAND_MM + 2   # rows of the ink map (mm from the top edge)
STROKE_MM = 0.5          # room for the stamp's frame line outside its nominal box
MIN_TOP_MM = PRINTABLE_MM + STROKE_MM   # never closer than this to the top edge
NUMBER_GAP_MM = 3        # space kept between the stamp and the page number


@dataclass
class Placement:
    x: float             # lower-left corner, points
    y: float
    scale: float
    ink: int             # mm² of ink under the stamp (0 = covers nothing)


class InkMap:
    """Ink on a bound page as a 1 mm grid with a summed-area table (no numpy needed)."""

    def __init__(self, width_mm: int, height_mm: int, cells: bytes | None = None):
        self.w, self.h = width_mm, height_mm
        cells = cells or bytes(width_mm * height_mm)
        sat = [0] * ((width_mm + 1) * (height_mm + 1))
        W = width_mm + 1
        for y in range(height_mm):
            row = 0
            for x in range(width_mm):
                row += 1 if cells[y * width_mm + x] else 0
                sat[(y + 1) * W + x + 1] = sat[y * W + x + 1] + row
        self._sat = sat

    def ink(self, x0: float, y0: float, x1: float, y1: float) -> int:
        """Inked cells in the rectangle given in mm from the top-left corner."""
        W = self.w + 1
        ax, ay = max(0, int(x0)), max(0, int(y0))
        bx, by = min(self.w, int(x1 + 0.999)), min(self.h, int(y1 + 0.999))
        if bx <= ax or by <= ay:
            return 0
        s = self._sat
        return s[by * W + bx] - s[ay * W + bx] - s[by * W + ax] + s[ay * W + ax]


def ink_map(pdf: Path, page_index: int, page_w: float, page_h: float, scale: float, tx: float, ty: float,
            src_h: float) -> InkMap:
    """Render the top of one source page and map its ink onto the bound page's top band.

    The source page (height `src_h` points) is scaled by `scale`, then translated by (tx, ty) points."""
    src_h_mm = src_h * scale / MM
    from PIL import Image

    w_mm = int(round(page_w / MM))
    h_mm = BAND_ROWS                  # only the top band matters
    cells = bytearray(w_mm * h_mm)
    # render only the part of the source page that lands in the top band
    band_px = int((BAND_ROWS / scale) / 25.4 * RENDER_DPI) + 2
    proc = PDFTOPPM.run(["-gray", "-r", str(RENDER_DPI), "-f", str(page_index + 1), "-l", str(page_index + 1),
                         "-x", "0", "-y", "0", "-W", "100000", "-H", str(band_px),
                         "-singlefile", str(pdf)], timeout=120, check=False)
    if proc.returncode != 0 or not proc.stdout:
        log.debug("无法渲染 %s 第 %d 页以确定印章位置", pdf, page_index + 1)
        return InkMap(w_mm, h_mm, bytes(cells))
    img = Image.open(io.BytesIO(proc.stdout)).convert("L")
    ink = img.point(lambda v: 255 if v < INK_LEVEL else 0)
    # the rendered strip's size on the bound page, in mm; the source's top edge on the bound page
    src_w_mm = img.width / RENDER_DPI * 25.4 * scale
    strip_h_mm = img.height / RENDER_DPI * 25.4 * scale
    gw, gh = max(1, int(round(src_w_mm))), max(1, int(round(strip_h_mm)))
    small = ink.resize((gw, gh), Image.BOX)
    off_x = int(round(tx / MM))
    off_y = int(round(page_h / MM - (ty / MM + src_h_mm)))
    data = small.tobytes()
    for y in range(gh):
        py = off_y + y
        if not 0 <= py < h_mm:
            continue
        for x in range(gw):
            px = off_x + x
            if 0 <= px < w_mm and data[y * gw + x] > 12:
                cells[py * w_mm + px] = 1
    return InkMap(w_mm, h_mm, bytes(cells))


def place_stamp(ink: InkMap, profile: Profile, page_w: float, page_h: float, recto: bool,
                reserved: list[tuple[float, float, float, float]] = ()) -> Placement:
    """The best free spot for the stamp in the top band; `reserved` are boxes (points, x0,y0,x1,y1) to avoid."""
    sw, sh = float(profile["stamp"]["width"]), float(profile["stamp"]["height"])
    w_mm, h_mm = page_w / MM, page_h / MM
    inner = profile.margin("binding") / MM
    outer = profile.margin("outer") / MM
    binding_left = recto or not profile.double_sided
    left_m, right_m = (inner, outer) if binding_left else (outer, inner)
    # how close to each side edge the stamp may go: not into the binding margin, not into the unprinted edge
    left_lim, right_lim = (max(inner, PRINTABLE_MM), PRINTABLE_MM) if binding_left else \
        (PRINTABLE_MM, max(inner, PRINTABLE_MM))
    pos = profile["stamp"]["position"]
    res_mm = [(x0 / MM, (page_h - y1) / MM, x1 / MM, (page_h - y0) / MM) for x0, y0, x1, y1 in reserved]

    def blocked(x, y, w, h):
        n = ink.ink(x - 1, y - 1, x + w + 1, y + h + 1)
        for rx0, ry0, rx1, ry1 in res_mm:
            g = NUMBER_GAP_MM
            if x < rx1 + g and x + w > rx0 - g and y < ry1 + g and y + h > ry0 - g:
                n += 1000
        return n

    best: tuple[int, float, float, float] | None = None
    for s in SCALES:
        w, h = sw * s, sh * s
        lo, hi = left_lim + STROKE_MM, w_mm - right_lim - STROKE_MM - w
        preferred = {"top-right": w_mm - right_m - w, "top-left": left_m,
                     "top-center": (w_mm - w) / 2}[pos]
        preferred = min(max(preferred, lo), hi)
        xs = sorted({preferred} | {lo + i for i in range(int(hi - lo) + 1)}, key=lambda x: abs(x - preferred))
        y = float(MIN_TOP_MM)
        while y + h <= TOP_BAND_MM:
            for x in xs:
                n = blocked(x, y, w, h)
                if n == 0:
                    return Placement(x * MM, page_h - (y + h) * MM, s, 0)
                if s == SCALES[-1] and (best is None or n < best[0]):
                    best = (n, x, y, s)
            y += 1.0
    n, x, y, s = best
    return Placement(x * MM, page_h - (y + sh * s) * MM, s, n)


def draw_stamp(c, place: Placement, profile: Profile, values: dict[str, str], font: str) -> None:
    """2 rows × 3 cells, values only (DA/T 22-2015), in the profile's stamp colour."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    w = float(profile["stamp"]["width"]) * MM * place.scale
    h = float(profile["stamp"]["height"]) * MM * place.scale
    r, g, b = profile.color("stamp")
    c.saveState()
    c.setStrokeColorRGB(r, g, b)
    c.setFillColorRGB(r, g, b)
    c.setLineWidth(0.8 * place.scale)
    c.rect(place.x, place.y, w, h)
    c.line(place.x, place.y + h / 2, place.x + w, place.y + h / 2)
    for i in (1, 2):
        c.line(place.x + w * i / 3, place.y, place.x + w * i / 3, place.y + h)
    cw, ch = w / 3, h / 2
    for row, keys in enumerate(profile["stamp"]["cells"]):
        for col, key in enumerate(keys):
            text = str(values.get(key, ""))
            size = 9 * place.scale
            while size > 3 and stringWidth(text, font, size) > cw - 2:
                size -= 0.5
            c.setFont(font, size)
            cx = place.x + cw * col + cw / 2
            cy = place.y + h - ch * (row + 1) + (ch - size * 0.75) / 2
            c.drawCentredString(cx, cy, text)
    c.restoreState()


def page_number_box(n: int, profile: Profile, page_w: float, page_h: float, recto: bool, font: str):
    """(x, y, anchor, box) for page number `n`: anchor is 'right', 'left' or 'center'; box in points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pn = profile["page_numbers"]
    size = float(pn["size"])
    edge, side = float(pn["edge_distance"]) * MM, float(pn["side_distance"]) * MM
    pos = pn["position"]
    if not profile.double_sided and pos in ("top-outer", "bottom-outer"):
        recto = True
    top = pos.startswith("top")
    y = page_h - edge - size * 0.8 if top else edge
    if pos == "bottom-center":
        anchor, x = "center", page_w / 2
    elif pos in ("top-right", "bottom-right") or recto:
        anchor, x = "right", page_w - side
    else:
        anchor, x = "left", side
    tw = stringWidth(str(n), font, size)
    x0 = {"right": x - tw, "left": x, "center": x - tw / 2}[anchor]
    return x, y, anchor, (x0 - 2, y - 2, x0 + tw + 2, y + size + 2)


def draw_page_number(c, n: int, profile: Profile, page_w: float, page_h: float, recto: bool, font: str) -> None:
    x, y, anchor, _ = page_number_box(n, profile, page_w, page_h, recto, font)
    r, g, b = profile.color("page_numbers")
    c.saveState()
    c.setFillColorRGB(r, g, b)
    c.setFont(font, float(profile["page_numbers"]["size"]))
    {"right": c.drawRightString, "left": c.drawString, "center": c.drawCentredString}[anchor](x, y, str(n))
    c.restoreState()
