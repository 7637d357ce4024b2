"""Building a validated County from its parsed tables: cross-file checks (unknown offices and villages,
duplicates, ID numbers), every problem collected before anything is used."""
from __future__ import annotations

import re
from pathlib import Path

from .cells import Row, parse_table
from .idnumber import gender as gender_of_id
from .model import (
    AID_CLASSES,
    ONE_OFF,
    County,
    Equipment,
    Office,
    Recipient,
    Room,
    Staff,
)
from .sheets import Table, read_source


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
        if pid and v.get("gender") and row.ok and v["gender"] != gender_of_id(pid):
            problems.append(f"{row.where('性别')}：“{v['gender']}” 与身份证号不符（身份证号第 17 位表示"
                            f"{gender_of_id(pid)}）；请核对性别或身份证号")
            row.ok = False
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

    def check_dates(row: Row) -> bool:
        """Monthly aid may end (not before it starts); a one-off payment has a date and no end."""
        v, cat = row.values, row.values.get("category")
        start, end = v.get("start_date"), v.get("end_date")
        if cat in ONE_OFF:
            name = AID_CLASSES[cat]
            if end is not None:
                problems.append(f"{row.where('终止日期')}：{name}（{cat}）是一次性救助，不填终止日期"
                                f"（台账和公示按“起始日期”即发放日期所在的年度列出）")
                return False
            if start is None and "start_date" not in row.failed:
                problems.append(f"{row.where('起始日期')}：{name}（{cat}）是一次性救助，要写明发放日期"
                                f"（台账和公示按发放日期所在的年度列出）")
                return False
        if start is not None and end is not None and end < start:
            problems.append(f"{row.where('终止日期')}：终止日期 {end.isoformat()} 早于起始日期 {start.isoformat()}")
            return False
        return True

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
        if not check_dates(row):
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
                phone=v.get("phone", ""), bank_account=v.get("bank_account", ""), end_date=v.get("end_date")))
    return county


def read_county(source: Path, county_name: str) -> tuple[County, list[str], list[Path]]:
    """(county, problems, files) for a data source; the county is only meaningful when problems is empty."""
    problems: list[str] = []
    tables, files = read_source(Path(source), problems)
    county = build_county(county_name, tables, problems)
    return county, [one_line(p) for p in problems], files


def one_line(problem: str) -> str:
    """A problem quotes what the cell holds: line breaks and other control characters in it are shown
    as escapes (\\n, \\t, \\x00), so that each problem stays one line of the report."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in problem)
