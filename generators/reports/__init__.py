"""Render inspectors' reports (completeness, standardization) to text, JSON, CSV, XLSX, DOCX and PDF.

Every format is drawn from the same views of the report's dict (`to_dict()`), so the numbers agree:
- xlsx: one sheet per view, the summary sheet with a native Excel bar chart;
- docx: landscape A4, a bar-chart image (Pillow), tables sized to the page, header rows repeated,
  Chinese fonts set in w:eastAsia;
- pdf: drawn with reportlab directly (no LibreOffice), same chart and tables, page numbers;
- csv: one table, UTF-8 with BOM (opens in Excel): column 视图 says which view a row belongs to;
- json: the report dict itself.

One module per format (text.py: text, json, csv; xlsx.py; docx.py; pdf.py), all drawn from views.py.
"""
from __future__ import annotations

from pathlib import Path

from archive.common.errors import ConfigError, WriteError
from archive.common.files import atomic_write_bytes

from .docx import render_docx
from .pdf import render_pdf
from .text import render_csv, render_json, render_text
from .views import summary_lines
from .xlsx import render_xlsx

FORMATS = ("text", "json", "csv", "xlsx", "docx", "pdf")
REPORT_FORMATS = FORMATS


def render_report(report, fmt: str, out: Path | str | None = None) -> str | Path:
    """Render `report` (a report object or its dict). text/json/csv without `out` return the string;
    otherwise the file is written (atomically) and its path returned."""
    rep = report.to_dict() if hasattr(report, "to_dict") else report
    fmt = (fmt or "text").lower()
    if fmt not in FORMATS:
        raise ConfigError(f"不支持的报告格式 {fmt}；可用：{'、'.join(FORMATS)}")
    if fmt in ("text", "json", "csv"):
        s = {"text": render_text, "json": render_json, "csv": render_csv}[fmt](rep)
        if out is None:
            return s
        data = s.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    else:
        if out is None:
            raise ConfigError(f"{fmt} 格式需要指定输出文件（--out 文件名.{fmt}）")
        data = {"xlsx": render_xlsx, "docx": render_docx, "pdf": render_pdf}[fmt](rep)
    out = Path(out)
    try:
        atomic_write_bytes(out, data)
    except OSError as e:
        raise WriteError(out, e, "请用 --out 换一个位置，或检查那里的权限和磁盘空间后重新运行") from e
    return out


__all__ = [
    "FORMATS",
    "REPORT_FORMATS",
    "render_csv",
    "render_docx",
    "render_json",
    "render_pdf",
    "render_report",
    "render_text",
    "render_xlsx",
    "summary_lines",
]
