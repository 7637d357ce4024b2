"""Archival codes (档号) per DA/T 22-2015: 全宗号-门类代码·年度-保管期限-机构代码-件号.

Within one office + year + category + retention, records get item numbers (件号) in date order
(doc_date, then record id). A code, once assigned, never changes: re-running assigns numbers only to
records without one, after the highest number already used. Missing numbers (a deleted record) are
reported as gaps and never filled, so a code is never reused for a different document.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass, field

from archive.intake.reindex import refresh_index
from archive.store import catalog
from archive.store.config import Settings

log = logging.getLogger(__name__)

CODE_RE = re.compile(r"^(?P<fonds>[^-]{4})-(?P<category>[A-Z]{2})·(?P<year>\d{4})-(?P<retention>Y|D30|D10)-"
                     r"(?P<office>[A-Z0-9]+)-(?P<item_no>\d{4,})$")


def format_code(fonds: str, category: str, year: int, retention: str, office: str, item_no: int) -> str:
    """`Z109-WS·2011-Y-QSZ-0001`."""
    return f"{group_prefix(fonds, category, year, retention, office)}-{int(item_no):04d}"


def group_prefix(fonds: str, category: str, year: int, retention: str, office: str) -> str:
    """The code of one class (everything but the 件号): `Z109-WS·2011-Y-QSZ`."""
    return f"{fonds}-{category}·{int(year)}-{retention}-{office}"


def parse_code(code: str) -> dict:
    """Split a 档号 into its parts (fonds, category, year, retention, office, item_no); {} if it is not one."""
    m = CODE_RE.match(code or "")
    if not m:
        return {}
    d = m.groupdict()
    d["year"] = int(d["year"])
    d["item_no"] = int(d["item_no"])
    return d


def fonds_of(conn: sqlite3.Connection, settings: Settings, office: str) -> str:
    """The office's own 全宗号 when the offices table gives one, else the county's."""
    try:
        row = conn.execute("SELECT fonds FROM offices WHERE code=?", (office,)).fetchone()
    except sqlite3.OperationalError:
        row = None
    return (row["fonds"] if row and row["fonds"] else None) or settings.fonds


@dataclass
class Gap:
    group: str            # 档号 prefix, e.g. Z109-WS·2011-Y-QSZ
    item_no: int

    def __str__(self) -> str:
        return f"{self.group}-{self.item_no:04d}"


@dataclass
class CodeReport:
    assigned: list[dict] = field(default_factory=list)      # {"record_id","archival_code"} newly assigned
    kept: int = 0                                          # records that already had a code
    gaps: list[Gap] = field(default_factory=list)
    incomplete: list[dict] = field(default_factory=list)   # {"record_id","original_name","missing"}

    def to_dict(self) -> dict:
        return {"assigned": self.assigned, "kept": self.kept, "gaps": [str(g) for g in self.gaps],
                "incomplete": self.incomplete}


def assign_codes(settings: Settings, *, office: str | None = None, year: int | None = None,
                 category: str | None = None, retention: str | None = None,
                 conn: sqlite3.Connection | None = None) -> CodeReport:
    """Give every record in the selection without a 档号 the next 件号 of its class (date order)."""
    own = conn is None
    if own:
        conn = catalog.connect(settings.catalog_url)
    try:
        return _assign(settings, conn, office, year, category, retention)
    finally:
        if own:
            conn.close()


def _assign(settings, conn, office, year, category, retention) -> CodeReport:
    where, args = [], []
    for col, val in (("office", office), ("year", year), ("category", category), ("retention", retention)):
        if val is not None:
            where.append(f"{col}=?")
            args.append(val)
    sql = "SELECT id, original_name, office, year, category, retention, doc_date, archival_code, item_no FROM records"
    if where:
        sql += " WHERE " + " AND ".join(where)
    report = CodeReport()
    groups: dict[tuple, list[sqlite3.Row]] = {}
    for r in conn.execute(sql, args).fetchall():
        missing = [name for col, name in (("office", "机构"), ("year", "年度"), ("category", "门类"),
                                          ("retention", "保管期限")) if r[col] in (None, "")]
        if missing:
            if not r["archival_code"]:
                report.incomplete.append({"record_id": r["id"], "original_name": r["original_name"],
                                          "missing": "、".join(missing)})
            continue
        groups.setdefault((r["office"], int(r["year"]), r["category"], r["retention"]), []).append(r)

    changed: list[int] = []
    with catalog.transaction(conn):
        for (off, yr, cat, ret), rows in sorted(groups.items()):
            fonds = fonds_of(conn, settings, off)
            prefix = group_prefix(fonds, cat, yr, ret, off)
            # every number used in this class, including records outside the selection's other filters
            used = {int(x["item_no"]) for x in conn.execute(
                "SELECT item_no FROM records WHERE office=? AND year=? AND category=? AND retention=? "
                "AND archival_code IS NOT NULL AND item_no IS NOT NULL", (off, yr, cat, ret))}
            nxt = max(used, default=0) + 1
            new = sorted((r for r in rows if not r["archival_code"]), key=lambda r: (r["doc_date"] or "9999", r["id"]))
            report.kept += len(rows) - len(new)
            for r in new:
                code = format_code(fonds, cat, yr, ret, off, nxt)
                conn.execute("UPDATE records SET archival_code=?, item_no=? WHERE id=?", (code, nxt, r["id"]))
                report.assigned.append({"record_id": r["id"], "archival_code": code})
                changed.append(r["id"])
                used.add(nxt)
                nxt += 1
            report.gaps.extend(Gap(prefix, n) for n in range(1, max(used, default=0) + 1) if n not in used)
        if report.assigned:
            catalog.log_event(conn, "codes.assign", count=len(report.assigned),
                              first=report.assigned[0]["archival_code"], last=report.assigned[-1]["archival_code"])
    if changed:
        _refresh_index(settings, changed)
    return report


def _refresh_index(settings: Settings, record_ids: list[int]) -> None:
    """Let search find the records by their new 档号."""
    try:
        refresh_index(settings, record_ids)
    except Exception as e:          # the 档号 are in the catalog either way; the index can be rebuilt
        log.warning("档号已写入目录库，但更新检索索引失败：%s。请运行 minzheng reindex", e)
