"""Charts drawn on the server as inline SVG (no script, no external asset): horizontal bars with labels.
Colours and fonts come from classes in static/work.css (the CSP allows no inline style)."""
from __future__ import annotations

from markupsafe import Markup, escape

ROW = 26
LABEL_W = 150
BAR_W = 420
VALUE_W = 110


def bar_chart(rows: list[dict], *, title: str, unit: str = "%", maximum: float = 100.0, mark: float | None = None,
              label_w: int = LABEL_W, bar_w: int = BAR_W, value_w: int = VALUE_W) -> Markup:
    """rows: {label, value, text (shown at the bar's end), level: good/fair/bad}. `mark` draws a line (a pass line)."""
    height = ROW * len(rows) + 34
    width = label_w + bar_w + value_w
    out = [(f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')]
    for i, r in enumerate(rows):
        y = 8 + i * ROW
        value = max(0.0, min(float(r.get("value") or 0), maximum))
        w = bar_w * value / maximum if maximum else 0
        level = r.get("level") or "good"
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="lbl">{escape(r["label"])}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{ROW - 8}" class="track"/>')
        out.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{ROW - 8}" class="bar {level}"/>')
        text = r.get("text") or f"{value:g}{unit}"
        out.append(f'<text x="{label_w + bar_w + 6}" y="{y + 15}" class="val">{escape(text)}</text>')
    base = 8 + ROW * len(rows)
    for t in (0, 0.5, 1):
        x = label_w + bar_w * t
        out.append(f'<text x="{x:.0f}" y="{base + 16}" text-anchor="middle" class="axis">{maximum * t:g}{escape(unit)}</text>')
    if mark is not None and maximum:
        x = label_w + bar_w * min(mark, maximum) / maximum
        out.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{base}" class="mark"/>')
    out.append("</svg>")
    return Markup("".join(out))


def level_of(percent: float, *, good: float = 95.0, fair: float = 80.0) -> str:
    return "good" if percent >= good else "fair" if percent >= fair else "bad"
