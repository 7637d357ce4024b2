"""Reading office-data tables from CSV files (UTF-8, BOM, GB18030, UTF-16) or one XLSX workbook."""
from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import DataError
from archive.common.textcodec import decode_text

from .columns import FILES

log = logging.getLogger(__name__)


@dataclass
class Table:
    """One data file as read: its label for messages, headers, and (row number, cells) pairs."""

    label: str
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: list[tuple[int, list]] = field(default_factory=list)
    encoding: str = ""


def norm_header(h) -> str:
    s = "" if h is None else str(h)
    s = s.replace("\ufeff", "").replace("(", "（").replace(")", "）")
    return re.sub(r"\s+", "", s)


def _delimiter(text: str) -> str:
    """Comma, or tab when the header line has tabs and no commas (Excel's “文本文件(制表符分隔)”)."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    return "\t" if "\t" in first and "," not in first else ","


def _decode(raw: bytes) -> tuple[str, str]:
    """decode_text, plus UTF-16 without a byte-order mark: a text file full of NUL bytes is UTF-16
    (every ASCII character has one), little-endian when they are at odd offsets."""
    if raw.count(0) * 8 >= len(raw) and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        odd, even = raw[1::2].count(0), raw[0::2].count(0)
        try:
            return raw.decode("utf-16-le" if odd >= even else "utf-16-be"), "utf-16"
        except UnicodeDecodeError:
            pass
    return decode_text(raw)


def read_csv(path: Path, problems: list[str]) -> Table | None:
    label = path.name
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(f"{label}：文件为空（至少应有标题行）")
        return None
    try:
        text, enc = _decode(raw)
    except UnicodeDecodeError:
        problems.append(f"{label}：无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV")
        return None
    table = Table(label, encoding=enc)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    for lineno, cells in enumerate(reader, start=1):
        if not table.headers:
            if not any(c.strip() for c in cells):
                continue
            table.headers = cells
            table.header_row = lineno
            continue
        if any(c.strip() for c in cells):
            table.rows.append((lineno, cells))
    if not table.headers:
        problems.append(f"{label}：文件为空（至少应有标题行）")
        return None
    return table


def read_workbook(path: Path, problems: list[str]) -> dict[str, Table]:
    """One sheet per data file, named like the file without .csv (offices, staff, …)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for damaged files
        log.debug("openpyxl cannot open %s: %r", path, e)
        problems.append(f"{path.name}：无法作为 XLSX 工作簿打开（文件已损坏，或不是 .xlsx 格式，例如旧版 .xls、"
                        "设了打开密码的工作簿或改了扩展名的其他文件）。请用 Excel 或 WPS 打开后另存为 .xlsx（不设密码）再导入")
        return {}
    tables: dict[str, Table] = {}
    try:
        by_name = {name.strip().lower().removesuffix(".csv"): name for name in wb.sheetnames}
        for stem in FILES:
            sheet_name = by_name.get(stem)
            if sheet_name is None:
                problems.append(
                    f"{path.name}：缺少工作表 “{stem}”（现有工作表：{'、'.join(wb.sheetnames) or '无'}）。"
                    f"每个数据文件一张工作表，表名为 {'、'.join(FILES)}"
                )
                continue
            ws = wb[sheet_name]
            table = Table(f"{path.name} 工作表 {sheet_name}", encoding="xlsx")
            for rowno, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = ["" if v is None else v for v in values]
                if not any(str(c).strip() for c in cells):
                    continue
                if not table.headers:
                    table.headers = [str(c) for c in cells]
                    table.header_row = rowno
                else:
                    table.rows.append((rowno, cells))
            if not table.headers:
                problems.append(f"{table.label}：工作表为空（至少应有标题行）")
                continue
            tables[stem] = table
    finally:
        wb.close()
    return tables


def _is_xlsx(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def source_files(source: Path) -> tuple[list[Path], Path | None]:
    """(CSV files, workbook) that make up a data source: a directory of CSVs, or one workbook."""
    source = Path(source)
    if not source.exists():
        raise DataError(f"找不到 {source}。请给出含 CSV 数据文件的目录，或一个 XLSX 工作簿")
    if source.is_file():
        if source.suffix.lower() == ".xlsx" or _is_xlsx(source):
            return [], source
        hint = "旧版 .xls 请先用 Excel 或 WPS 另存为 .xlsx。" if source.suffix.lower() == ".xls" else ""
        raise DataError(f"{source.name} 不是 XLSX 工作簿。{hint}请给出含 CSV 数据文件的目录，或一个 XLSX 工作簿")
    csvs = [source / f"{stem}.csv" for stem in FILES if (source / f"{stem}.csv").is_file()]
    books = sorted(p for p in source.glob("*.xlsx") if not p.name.startswith("~$"))
    if not csvs and len(books) == 1:
        return [], books[0]
    return csvs, None


def read_source(source: Path, problems: list[str]) -> tuple[dict[str, Table], list[Path]]:
    """All tables of a data source plus the files that hold them (to copy on import)."""
    csvs, book = source_files(source)
    if book is not None:
        return read_workbook(book, problems), [book]
    tables = {}
    missing = [f"{stem}.csv" for stem in FILES if not (Path(source) / f"{stem}.csv").is_file()]
    if missing:
        problems.append(f"缺少文件 {'、'.join(missing)}（{source} 中应有 {len(FILES)} 个数据文件："
                        f"{'、'.join(s + '.csv' for s in FILES)}；或给出一个 XLSX 工作簿）")
    for stem in FILES:
        path = Path(source) / f"{stem}.csv"
        if not path.is_file():
            continue
        t = read_csv(path, problems)
        if t is not None:
            tables[stem] = t
    return tables, csvs
