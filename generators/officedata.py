"""Office data files (CSV or one XLSX workbook): read, validate, import into ROOT/data, load.

The column set of each file is defined once, in FILES; README (“办公室数据文件”) documents it.
Every problem names its file, row and column; all problems are collected before anything is written.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive import catalog
from archive.errors import DataError, NotFoundError
from archive.objects import fsync_dir
from archive.textcodec import decode_text
from archive.textcodec import parse_date as parse_any_date

from .idnumber import normalize_id, validate_id_number
from .model import AID_CLASSES, OFFICE_KINDS, ROOM_KINDS, STAFF_ROLES, County, Equipment, Office, Recipient, Room, Staff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    header: str                    # Chinese header as written in the file
    key: str                       # attribute it fills
    kind: str = "text"             # text int area amount date id bool
    required: bool = True          # the column must exist and every cell be filled
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    minimum: int = 0


OFFICE = Column("机构代码", "office", aliases=("代码",))
VILLAGE_ALIASES = ("村（居）委会", "村居", "村", "社区", "村（社区）")

FILES: dict[str, tuple[Column, ...]] = {
    "offices": (
        Column("机构代码", "code", aliases=("代码",)),
        Column("名称", "name", aliases=("机构名称",)),
        Column("类型", "kind", choices=OFFICE_KINDS),
        Column("人口", "population", "int", aliases=("总人口",)),
        Column("全宗号", "fonds", required=False),
        Column("地址", "address", required=False),
        Column("电话", "phone", required=False, aliases=("办公电话",)),
        Column("监督电话", "complaint_phone", required=False, aliases=("投诉电话", "监督投诉电话")),
    ),
    "villages": (
        OFFICE,
        Column("村（居）", "village", aliases=VILLAGE_ALIASES + ("名称",)),
    ),
    "staff": (
        OFFICE,
        Column("姓名", "name"),
        Column("职务", "role", choices=STAFF_ROLES, aliases=("岗位",)),
        Column("身份证号", "id_number", "id", aliases=("身份证号码", "公民身份号码")),
        Column("性别", "gender", required=False, choices=("男", "女")),
        Column("电话", "phone", required=False, aliases=("联系电话",)),
        Column("村（居）", "village", required=False, aliases=VILLAGE_ALIASES),
        Column("持证上岗", "certified", "bool", required=False),
        Column("任职日期", "hired", "date", required=False, aliases=("任职时间",)),
        Column("学历", "education", required=False),
    ),
    "rooms": (
        OFFICE,
        Column("用房", "kind", choices=ROOM_KINDS, aliases=("房间",)),
        Column("面积", "area", "area", aliases=("面积（㎡）", "面积（平方米）")),
        Column("单独设立", "separate", "bool", required=False),
    ),
    "equipment": (
        OFFICE,
        Column("设备", "item", aliases=("名称", "设施")),
        Column("数量", "count", "int"),
    ),
    "signs": (
        OFFICE,
        Column("牌子", "text", aliases=("名称", "牌匾")),
    ),
    "recipients": (
        OFFICE,
        Column("类别", "category", choices=tuple(AID_CLASSES), aliases=("救助类别",)),
        Column("姓名", "name", aliases=("户主姓名",)),
        Column("身份证号", "id_number", "id", aliases=("身份证号码", "公民身份号码")),
        Column("村（居）", "village", aliases=VILLAGE_ALIASES),
        Column("家庭人口", "household_size", "int", minimum=1, aliases=("保障人口", "人口")),
        Column("金额", "amount", "amount", aliases=("金额（元）", "救助金额", "保障金额")),
        Column("起始日期", "start_date", "date", required=False, aliases=("起始时间", "批准日期")),
        Column("城乡", "area", required=False, choices=("城市", "农村"), aliases=("城乡类别",)),
        Column("原因", "reason", required=False, aliases=("救助原因", "致贫原因")),
        Column("户号", "household", required=False),
        Column("电话", "phone", required=False, aliases=("联系电话",)),
        Column("银行账号", "bank_account", required=False, aliases=("账号",)),
    ),
}

AREA_ALIASES = {"城": "城市", "城镇": "城市", "乡": "农村", "农": "农村", "乡村": "农村"}
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已持证"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×", "✗", "未持证"}
UNIT_SUFFIXES = ("平方米", "㎡", "m²", "m2", "元", "人", "个", "台", "套")


# ---------------------------------------------------------------- reading tables
@dataclass
class Table:
    """One data file as read: its label for messages, headers, and (row number, cells) pairs."""

    label: str
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: list[tuple[int, list]] = field(default_factory=list)
    encoding: str = ""


def _norm_header(h) -> str:
    s = "" if h is None else str(h)
    s = s.replace("\ufeff", "").replace("(", "（").replace(")", "）")
    return re.sub(r"\s+", "", s)


def _delimiter(text: str) -> str:
    """Comma, or tab when the header line has tabs and no commas (Excel's “文本文件(制表符分隔)”)."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    return "\t" if "\t" in first and "," not in first else ","


def read_csv(path: Path, problems: list[str]) -> Table | None:
    label = path.name
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(f"{label}：文件为空（至少应有标题行）")
        return None
    try:
        text, enc = decode_text(raw)
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
            table.header_row = reader.line_num
            continue
        if any(c.strip() for c in cells):
            table.rows.append((reader.line_num, cells))
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
        problems.append(f"{path.name}：无法作为 XLSX 工作簿打开（{type(e).__name__}）。请用 Excel 或 WPS 另存为 .xlsx 后重试")
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
        raise DataError(f"{source.name} 不是 XLSX 工作簿。请给出含 CSV 数据文件的目录，或一个 XLSX 工作簿")
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
    for stem in FILES:
        path = Path(source) / f"{stem}.csv"
        if not path.is_file():
            problems.append(f"缺少文件 {stem}.csv（{source} 中应有：{'、'.join(s + '.csv' for s in FILES)}）")
            continue
        t = read_csv(path, problems)
        if t is not None:
            tables[stem] = t
    return tables, csvs


# ---------------------------------------------------------------- cell parsing
class CellError(ValueError):
    pass


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _number(v) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    s = _text(v).replace(",", "").replace("，", "")
    for u in UNIT_SUFFIXES:
        s = s.removesuffix(u)
    try:
        return float(s)
    except ValueError:
        raise CellError(f"“{_text(v)}” 不是数字")


def parse_date(v) -> date:
    d = parse_any_date(v)
    if d is None:
        raise CellError(f"“{_text(v)}” 不是有效日期（可写作 2024-03-01、2024/3/1 或 2024年3月1日）")
    return d


def parse_cell(col: Column, v):
    if col.kind == "id":
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            raise CellError("身份证号被保存成了数字（末几位可能已丢失），请把该列设为“文本”格式后重新填写")
        s = normalize_id(_text(v))
        msg = validate_id_number(s)
        if msg:
            raise CellError(msg)
        return s
    if col.kind == "int":
        n = _number(v)
        if not n.is_integer():
            raise CellError(f"“{_text(v)}” 应为整数")
        if n < col.minimum:
            raise CellError(f"不能小于 {col.minimum}（现为 {int(n)}）")
        return int(n)
    if col.kind in ("amount", "area"):
        n = _number(v)
        if n < 0:
            raise CellError(f"不能为负数（现为 {_text(v)}）")
        return round(n, 2)
    if col.kind == "date":
        return parse_date(v)
    if col.kind == "bool":
        s = _text(v).lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
        raise CellError(f"“{_text(v)}” 应填 是 或 否")
    s = _text(v)
    if col.key == "area":
        s = AREA_ALIASES.get(s, s)
    if col.key in ("code", "office", "category"):
        s = s.upper()
    if col.choices and s not in col.choices:
        raise CellError(f"“{s}” 不是可选值（可选：{'、'.join(col.choices)}）")
    return s


@dataclass
class Row:
    """One parsed row: where it came from, and its values by key (absent when empty or invalid)."""

    table: Table
    number: int
    values: dict
    ok: bool = True

    def where(self, header: str | None = None) -> str:
        col = f" “{header}” 列" if header else ""
        return f"{self.table.label} 第 {self.number} 行{col}"


def _column_index(columns: tuple[Column, ...], headers: list) -> dict[str, int]:
    names = [_norm_header(h) for h in headers]
    index: dict[str, int] = {}
    for col in columns:
        for candidate in (col.header,) + col.aliases:
            cand = _norm_header(candidate)
            if cand in names:
                index[col.key] = names.index(cand)
                break
    return index


def _find_header(table: Table, columns: tuple[Column, ...]) -> dict[str, int] | None:
    """The header row is the first row (of the first four) that has every required column: a title
    line above it, as in ledgers exported from Excel, is skipped."""
    candidates = [(table.header_row, table.headers)] + [(n, [str(c) for c in cells]) for n, cells in table.rows[:3]]
    for k, (number, headers) in enumerate(candidates):
        index = _column_index(columns, headers)
        if all(c.key in index for c in columns if c.required):
            if k:
                log.info("%s：第 %d 行是标题行，上面的 %d 行当作表名跳过", table.label, number, k)
                table.header_row, table.headers, table.rows = number, headers, table.rows[k:]
            return index
    return None


def parse_table(stem: str, table: Table, problems: list[str]) -> list[Row] | None:
    """Map headers to columns and parse every cell; None when a required column is missing."""
    columns = FILES[stem]
    index = _find_header(table, columns)
    if index is None:
        found = _column_index(columns, table.headers)
        missing = [c.header for c in columns if c.required and c.key not in found]
        problems.append(
            f"{table.label} 第 {table.header_row} 行（标题行）：缺少必需的列 " + "、".join(f"“{m}”" for m in missing)
            + f"（现有列：{'、'.join(str(h) for h in table.headers if str(h).strip())}）"
        )
        return None
    rows = []
    for number, cells in table.rows:
        row = Row(table, number, {})
        for col in columns:
            i = index.get(col.key)
            raw = cells[i] if i is not None and i < len(cells) else ""
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if col.required:
                    problems.append(f"{row.where(col.header)}：不能为空")
                    row.ok = False
                continue
            try:
                row.values[col.key] = parse_cell(col, raw)
            except CellError as e:
                problems.append(f"{row.where(col.header)}：{e}")
                row.ok = False
        rows.append(row)
    return rows


# ---------------------------------------------------------------- validation and building
def build_county(county_name: str, tables: dict[str, Table], problems: list[str]) -> County:
    """Parse all tables, check references and duplicates, build the County (valid only if no problems)."""
    parsed = {stem: parse_table(stem, t, problems) for stem, t in tables.items()}
    county = County(county_name)
    offices: dict[str, Office] = {}
    seen_codes: set[str] = set()     # also codes of offices rows with problems (reported there once)

    for row in parsed.get("offices") or []:
        code = row.values.get("code")
        if code is None:
            continue
        seen_codes.add(code)
        if not re.fullmatch(r"[A-Z][A-Z0-9]{0,9}", code):
            problems.append(f"{row.where('机构代码')}：“{code}” 应为大写字母（可带数字），如 QSZ")
            continue
        if code in offices:
            problems.append(f"{row.where('机构代码')}：机构代码 {code} 重复")
            continue
        fonds = row.values.get("fonds", "")
        if fonds and len(fonds) != 4:
            problems.append(f"{row.where('全宗号')}：全宗号应为 4 个字符，现为 “{fonds}”")
        if not row.ok:
            continue
        v = row.values
        office = Office(code=code, name=v["name"], kind=v["kind"], population=v["population"],
                        fonds=fonds, address=v.get("address", ""), phone=v.get("phone", ""),
                        complaint_phone=v.get("complaint_phone", ""))
        offices[code] = office
        county.offices.append(office)
    if parsed.get("offices") is not None and not parsed["offices"]:
        problems.append(f"{tables['offices'].label}：没有任何机构（标题行下面至少要有一行）")

    offices_ok = parsed.get("offices") is not None

    def office_of(row: Row) -> Office | None:
        code = row.values.get("office")
        if code is None:
            return None
        o = offices.get(code)
        if o is None and offices_ok and code not in seen_codes:
            known = "、".join(offices) or "无"
            problems.append(f"{row.where('机构代码')}：未知的机构代码 {code}（offices 中有：{known}）")
        return o

    village_rows: dict[tuple[str, str], int] = {}
    for row in parsed.get("villages") or []:
        o = office_of(row)
        name = row.values.get("village")
        if o is None or name is None:
            continue
        if (o.code, name) in village_rows:
            problems.append(f"{row.where('村（居）')}：{o.name}的 “{name}” 重复（第 {village_rows[(o.code, name)]} 行已有）")
            continue
        village_rows[(o.code, name)] = row.number
        o.villages.append(name)

    villages_ok = parsed.get("villages") is not None

    def check_village(row: Row, o: Office, header: str = "村（居）") -> bool:
        name = row.values.get("village")
        if name is None or not villages_ok or name in o.villages:
            return True
        problems.append(f"{row.where(header)}：“{name}” 不是{o.name}的村（居）（villages 中有：{'、'.join(o.villages) or '无'}）")
        return False

    staff_ids: dict[tuple[str, str], int] = {}
    for row in parsed.get("staff") or []:
        o = office_of(row)
        if o is None:
            continue
        v = row.values
        if v.get("role") == "协理员" and not v.get("village"):
            problems.append(f"{row.where('村（居）')}：协理员要写明所在的村（居）")
            row.ok = False
        if not check_village(row, o):
            row.ok = False
        pid = v.get("id_number")
        if pid:
            if (o.code, pid) in staff_ids:
                problems.append(f"{row.where('身份证号')}：与第 {staff_ids[(o.code, pid)]} 行重复（同一民政办的工作人员身份证号不能重复）")
                row.ok = False
            else:
                staff_ids[(o.code, pid)] = row.number
        if row.ok:
            o.staff.append(Staff(name=v["name"], role=v["role"], id_number=v["id_number"], gender=v.get("gender", ""),
                                 phone=v.get("phone", ""), village=v.get("village", ""),
                                 certified=v.get("certified", True), hired=v.get("hired"),
                                 education=v.get("education", "")))

    for row in parsed.get("rooms") or []:
        o = office_of(row)
        if o is not None and row.ok:
            o.rooms.append(Room(kind=row.values["kind"], area=row.values["area"],
                                separate=row.values.get("separate", True)))

    items: dict[tuple[str, str], int] = {}
    for row in parsed.get("equipment") or []:
        o = office_of(row)
        if o is None or not row.ok:
            continue
        key = (o.code, row.values["item"])
        if key in items:
            problems.append(f"{row.where('设备')}：{o.name}的 “{key[1]}” 重复（第 {items[key]} 行已有），请合并为一行")
            continue
        items[key] = row.number
        o.equipment.append(Equipment(item=row.values["item"], count=row.values["count"]))

    for row in parsed.get("signs") or []:
        o = office_of(row)
        if o is not None and row.ok:
            o.signs.append(row.values["text"])

    recipient_ids: dict[tuple[str, str], int] = {}
    for row in parsed.get("recipients") or []:
        o = office_of(row)
        if o is None:
            continue
        v = row.values
        if not check_village(row, o):
            row.ok = False
        if v.get("category") == "DB" and "area" not in v and row.ok:
            problems.append(f"{row.where('城乡')}：低保（DB）对象要写明 城市 或 农村")
            row.ok = False
        pid, cat = v.get("id_number"), v.get("category")
        if pid and cat:
            if (cat, pid) in recipient_ids:
                problems.append(f"{row.where('身份证号')}：与第 {recipient_ids[(cat, pid)]} 行重复"
                                f"（同一类别 {cat} 中身份证号不能重复）")
                row.ok = False
            else:
                recipient_ids[(cat, pid)] = row.number
        if row.ok:
            o.recipients.append(Recipient(
                category=cat, name=v["name"], id_number=pid, village=v["village"],
                household_size=v["household_size"], amount=v["amount"], start_date=v.get("start_date"),
                area=v.get("area", ""), reason=v.get("reason", ""), household=v.get("household") or pid,
                phone=v.get("phone", ""), bank_account=v.get("bank_account", "")))
    return county


def read_county(source: Path, county_name: str) -> tuple[County, list[str], list[Path]]:
    """(county, problems, files) for a data source; the county is only meaningful when problems is empty."""
    problems: list[str] = []
    tables, files = read_source(Path(source), problems)
    county = build_county(county_name, tables, problems)
    return county, problems, files


# ---------------------------------------------------------------- import and load
def _write_dir_atomically(target: Path, files: list[Path]) -> None:
    """Replace `target` with a directory holding copies of `files`: temp dir, fsync, rename."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".data-new-", dir=parent))
    old: Path | None = None
    try:
        os.chmod(tmp, parent.stat().st_mode & 0o777)   # mkdtemp makes it 0700
        for f in files:
            dest = tmp / f.name
            with open(f, "rb") as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
        fsync_dir(tmp)
        if target.exists():
            old = parent / f".data-old-{uuid.uuid4().hex[:8]}"
            os.rename(target, old)
        os.rename(tmp, target)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _recover_data_dir(data_dir: Path) -> None:
    """A crash between the two renames leaves the old data as .data-old-*: put it back."""
    if data_dir.exists():
        return
    olds = sorted(data_dir.parent.glob(".data-old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        log.warning("上次导入被中断，恢复原来的数据 %s", olds[-1])
        os.rename(olds[-1], data_dir)


def import_office_data(settings, source_dir) -> County:
    """Validate a county's data files and, only when all are valid, put them in ROOT/data and the catalog."""
    source = Path(source_dir)
    county, problems, files = read_county(source, settings.county_name)
    if problems:
        raise DataError("办公室数据有误，未写入任何内容", problems=problems)
    conn = catalog.connect(settings.catalog_path)
    try:
        with catalog.transaction(conn):
            for o in county.offices:
                catalog.upsert_office(conn, o.code, o.name, o.kind, o.population, o.fonds or None)
            catalog.log_event(conn, "office.import", source=str(source), files=[f.name for f in files],
                              offices=[o.code for o in county.offices],
                              recipients=sum(len(o.recipients) for o in county.offices))
            _write_dir_atomically(settings.data_dir, files)
    finally:
        conn.close()
    return county


def load_county(settings) -> County:
    """The county's office data from ROOT/data, validated."""
    data_dir = settings.data_dir
    _recover_data_dir(data_dir)
    if not data_dir.is_dir() or not any(p for p in data_dir.iterdir() if p.suffix.lower() in (".csv", ".xlsx")):
        raise NotFoundError(
            f"{data_dir} 中还没有办公室数据。请运行 minzheng --root {settings.root} office import 数据目录或工作簿"
            f"（示例数据：minzheng --root 新目录 init --sample）"
        )
    county, problems, _ = read_county(data_dir, settings.county_name)
    if problems:
        raise DataError(f"{data_dir} 中的办公室数据有误，请改正后用 minzheng office import 重新导入", problems=problems)
    return county


def load_office(settings, code: str) -> Office:
    county = load_county(settings)
    office = county.office(code or "")
    if office is None:
        known = "、".join(f"{o.code}（{o.name}）" for o in county.offices)
        raise NotFoundError(f"没有机构代码为 “{code}” 的民政办。已有：{known}")
    return office
