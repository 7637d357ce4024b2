"""Charts drawn on the server as inline SVG (no script, no external asset): horizontal bars with labels."""
from __future__ import annotations

from markupsafe import Markup, escape

ROW = 26
LABEL_W = 150
BAR_W = 420
VALUE_W = 110


def bar_chart(rows: list[dict], *, title: str, unit: str = "%", maximum: float = 100.0, mark: float | None = None) -> Markup:
    """rows: {label, value, text (shown at the bar's end), level: good/fair/bad}. `mark` draws a line (a pass line)."""
    height = ROW * len(rows) + 34
    width = LABEL_W + BAR_W + VALUE_W
    out = [(f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')]
    for i, r in enumerate(rows):
        y = 8 + i * ROW
        value = max(0.0, min(float(r.get("value") or 0), maximum))
        w = BAR_W * value / maximum if maximum else 0
        level = r.get("level") or "good"
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="lbl">{escape(r["label"])}</text>')
        out.append(f'<rect x="{LABEL_W}" y="{y + 2}" width="{BAR_W}" height="{ROW - 8}" class="track"/>')
        out.append(f'<rect x="{LABEL_W}" y="{y + 2}" width="{w:.1f}" height="{ROW - 8}" class="bar {level}"/>')
        text = r.get("text") or f"{value:g}{unit}"
        out.append(f'<text x="{LABEL_W + BAR_W + 6}" y="{y + 15}" class="val">{escape(text)}</text>')
    base = 8 + ROW * len(rows)
    for t in (0, 0.5, 1):
        x = LABEL_W + BAR_W * t
        out.append(f'<text x="{x:.0f}" y="{base + 16}" text-anchor="middle" class="axis">{maximum * t:g}{escape(unit)}</text>')
    if mark is not None and maximum:
        x = LABEL_W + BAR_W * min(mark, maximum) / maximum
        out.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{base}" class="mark"/>')
    out.append("</svg>")
    return Markup("".join(out))


def level_of(percent: float, *, good: float = 95.0, fair: float = 80.0) -> str:
    return "good" if percent >= good else "fair" if percent >= fair else "bad"
