"""Reports as text for the terminal, JSON, and CSV (UTF-8 with BOM, opens in Excel; column 视图 says
which view a row belongs to)."""
from __future__ import annotations

import csv
import io
import json

from archive.common.tables import format_table

from .views import subtitle_of, summary_lines, title_of, views_of


def render_json(rep: dict) -> str:
    return json.dumps(rep, ensure_ascii=False, indent=2, default=str)


def render_text(rep: dict) -> str:
    views, _ = views_of(rep)
    lines = [title_of(rep), subtitle_of(rep), ""] + summary_lines(rep)
    for v in views:
        if not v.rows:
            continue
        lines += ["", f"【{v.title}】" + (f"（{v.note}）" if v.note else "")]
        rows = v.rows[:v.text_rows]
        lines.append(format_table(rows, v.columns))
        if len(v.rows) > len(rows):
            lines.append(f"……（共 {len(v.rows)} 行，只显示前 {len(rows)} 行；完整清单请用 --format xlsx 或 csv）")
    return "\n".join(lines)


def render_csv(rep: dict) -> str:
    views, _ = views_of(rep)
    headers: list[str] = ["视图"]
    for v in views:
        for _, h in v.columns:
            if h not in headers:
                headers.append(h)
    buf = io.StringIO()
    w = csv.DictWriter(buf, headers, lineterminator="\n")
    w.writeheader()
    for v in views:
        for r in v.rows:
            w.writerow({"视图": v.title, **{h: _cell(r.get(k)) for k, h in v.columns}})
    return buf.getvalue()


def _cell(v):
    return "" if v is None else v
