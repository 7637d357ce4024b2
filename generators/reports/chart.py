"""The report's bar chart as a PNG image (Pillow), for the docx and pdf formats."""
from __future__ import annotations

import io

from archive.common.cjk_font import system_font

from .views import Chart


def _cjk_font(size: int):
    from PIL import ImageFont

    path, index = system_font()          # MissingToolError naming fonts-noto-cjk when it isn't installed
    return ImageFont.truetype(str(path), size, index=index)


def chart_png(chart: Chart, width: int = 1600, height: int = 700) -> bytes:
    """A bar chart as PNG (matplotlib-free): one bar per office, value on top, optional pass line."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    f_title, f_label, f_small = _cjk_font(36), _cjk_font(26), _cjk_font(22)
    d.text((width / 2, 20), chart.title, font=f_title, fill="black", anchor="ma")
    left, right, top, bottom = 130, width - 40, 130, height - 90
    d.line([(left, top), (left, bottom), (right, bottom)], fill="black", width=2)
    steps = 5
    for i in range(steps + 1):
        v = chart.max_value * i / steps
        y = bottom - (bottom - top) * i / steps
        d.line([(left - 8, y), (left, y)], fill="black", width=2)
        if i:
            d.line([(left + 1, y), (right, y)], fill="#DDDDDD", width=1)
        d.text((left - 14, y), f"{v:g}", font=f_small, fill="black", anchor="rm")
    d.text((left - 60, top - 30), chart.y_title, font=f_small, fill="black", anchor="ls")
    n = max(len(chart.labels), 1)
    slot = (right - left) / n
    bar_w = min(slot * 0.6, 160)
    for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
        cx = left + slot * (i + 0.5)
        h = (bottom - top) * max(0.0, min(value, chart.max_value)) / chart.max_value
        ok = chart.line is None and value >= 100 or chart.line is not None and value >= chart.line
        d.rectangle([cx - bar_w / 2, bottom - h, cx + bar_w / 2, bottom], fill="#3C78B4" if ok else "#D9534F")
        d.text((cx, bottom - h - 6), f"{value:g}", font=f_small, fill="black", anchor="md")
        d.text((cx, bottom + 14), label, font=f_label if slot > 120 else f_small, fill="black", anchor="ma")
    if chart.line is not None:
        y = bottom - (bottom - top) * chart.line / chart.max_value
        for x in range(left, right, 24):
            d.line([(x, y), (min(x + 12, right), y)], fill="#D9534F", width=3)
        d.text((right, y - 6), f"合格线 {chart.line:g}", font=f_small, fill="#D9534F", anchor="rd")
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
