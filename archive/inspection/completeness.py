"""Completeness of an archive against a rule set (minzheng report completeness).

Households come from the office data (ROOT/data recipients, per aid class); their documents from the
catalog's records (category, household, document_type). Everything is computed with a handful of
set-based SQL queries over the whole selection — never one query per household — so a county of
10,000 households and 100,000 records takes seconds.

Per office the report gives: households and complete files per aid class with each missing
(household, document type); records lacking required DA/T 18 metadata; gaps and duplicates in the
件号 sequence of each 机构·门类·年度·保管期限; closed years' records still unbound after N months;
objects that are missing or fail their fixity check.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from archive.common.errors import NotFoundError
from archive.store import catalog
from archive.store.verify import verify
from generators.office import load_county

from .rules import RuleSet, load_rules


@dataclass
class Household:
    key: str            # Recipient.household or id_number (upper case)
    name: str
    office: str
    category: str
    village: str = ""
    start_year: int | None = None


@dataclass
class ReportData:
    """A report's result; `to_dict()` is the stable JSON (English keys)."""

    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return self.data

    @property
    def offices(self) -> list[dict]:
        return self.data["offices"]

    @property
    def summary(self) -> dict:
        return self.data["summary"]


class CompletenessReport(ReportData):
    """Completeness per office and aid class."""


# ---------------------------------------------------------------- entry point
def completeness_report(settings, *, office: str | None = None, year: int | None = None,
                        category: str | None = None, rules: RuleSet | None = None, county=None,
                        fixity: str | None = None, today: date | None = None,
                        detail_limit: int = 2000) -> CompletenessReport:
    """Build the completeness report for the county (or one office / year / aid class).

    year: households already receiving aid by the end of that year, their records up to that year;
          record-level checks (metadata, sequence, fixity) look at that year's records only.
    fixity: None → the rule set decides ("size" when [checks] fixity = true); "size" checks that each
          object exists with its recorded size; "sha256" re-hashes every object; "off" skips it.
    detail_limit: at most this many metadata-gap and fixity rows listed per office (counts are complete).
    """
    rules = rules or load_rules(settings)
    if county is None:

        county = load_county(settings)
    office = office.upper() if office else None
    category = category.upper() if category else None
    if category and category not in rules.classes:
        raise NotFoundError(f"规则集“{rules.name}”中没有救助类别 {category}；可用：{'、'.join(rules.classes)}")
    if office and county.office(office) is None:
        raise NotFoundError(f"本县没有机构代码 {office}；可用：{'、'.join(o.code for o in county.offices)}")
    if fixity is None:
        fixity = "size" if rules.fixity else "off"
    today = today or date.today()
    months = int(settings.get("archive", "unbound_after_months", 6))

    households = _households(county, office, category, year, rules)
    conn = catalog.connect(settings.catalog_url)
    try:
        present = _present(conn, office, category, year)
        attached = _attached(conn, office, category, year, rules)
        review = _needs_review(conn, office, category, year)
        meta_gaps, meta_counts = _metadata_gaps(conn, rules, office, category, year, detail_limit)
        seq = _sequence_gaps(conn, office, category, year) if rules.sequence else {}
        unbound = _unbound(conn, office, category, year, today, months) if rules.unbound else {}
        fix = _fixity(conn, settings, office, category, year, fixity, detail_limit) if fixity != "off" else None
        names = {r["code"]: r["name"] for r in catalog.offices(conn)}
    finally:
        conn.close()

    codes = [o.code for o in county.offices if not office or o.code == office]
    names.update({o.code: o.name for o in county.offices})
    fix_rows, fix_counts = fix or ({}, {})
    extra = sorted(set().union(attached, meta_counts, seq, unbound, fix_counts) - set(codes) - {None, ""})
    if not office:
        codes += extra                     # records filed under an office the data does not know

    offices_out = []
    for code in codes:
        classes = []
        for cat, cls in rules.classes.items():
            if category and cat != category:
                continue
            required = cls.required
            hh = households.get((code, cat), [])
            missing, complete = [], 0
            for h in hh:
                gaps = [d for d in required if (cat, h.key, d) not in present]
                if gaps:
                    missing += [{"household": h.key, "name": h.name, "village": h.village, "document_type": d}
                                for d in gaps]
                else:
                    complete += 1
            known = {h.key for h in hh}
            records, unmatched = 0, 0
            for hk, n in attached.get(code, {}).get(cat, {}).items():
                records += n
                if hk not in known:
                    unmatched += n
            classes.append({
                "category": cat, "name": cls.name, "required": required,
                "households": len(hh), "complete": complete, "percent": _pct(complete, len(hh)),
                "records": records, "unmatched_records": unmatched, "missing": missing,
            })
        n_hh = sum(c["households"] for c in classes)
        n_ok = sum(c["complete"] for c in classes)
        gaps = meta_gaps.get(code, [])
        offices_out.append({
            "code": code, "name": names.get(code, code),
            "households": n_hh, "complete": n_ok, "percent": _pct(n_ok, n_hh),
            "missing_count": sum(len(c["missing"]) for c in classes),
            "classes": classes,
            "needs_review": review.get(code, 0),
            "metadata_gap_count": meta_counts.get(code, {}).get("_records", 0),
            "metadata_gap_fields": {k: v for k, v in meta_counts.get(code, {}).items() if k != "_records"},
            "metadata_gaps": gaps,
            "sequence_gaps": seq.get(code, []),
            "unbound": unbound.get(code, []),
            "fixity_count": fix_counts.get(code, 0),
            "fixity": fix_rows.get(code, []),
        })

    summary = {
        "offices": len(offices_out),
        "households": sum(o["households"] for o in offices_out),
        "complete": sum(o["complete"] for o in offices_out),
        "missing": sum(o["missing_count"] for o in offices_out),
        "metadata_gaps": sum(o["metadata_gap_count"] for o in offices_out),
        "sequence_gaps": sum(len(o["sequence_gaps"]) for o in offices_out),
        "unbound_records": sum(u["records"] for o in offices_out for u in o["unbound"]),
        "fixity_failures": sum(o["fixity_count"] for o in offices_out),
        "needs_review": sum(o["needs_review"] for o in offices_out),
        "unmatched_records": sum(c["unmatched_records"] for o in offices_out for c in o["classes"]),
    }
    summary["percent"] = _pct(summary["complete"], summary["households"])
    if not summary["households"]:          # nothing to check is not "100 % complete": say so
        summary["note"] = (f"该年度（{year} 年）没有应建户档的救助对象" if year
                           else "没有应建户档的救助对象（各办数据中没有需要建户档的救助对象）")
    return CompletenessReport({
        "kind": "completeness",
        "county": getattr(county, "name", "") or settings.county_name,
        "rules": rules.name,
        "filters": {"office": office, "year": year, "category": category},
        "checks": {"metadata": list(rules.metadata), "sequence": rules.sequence, "unbound": rules.unbound,
                   "unbound_after_months": months, "fixity": fixity},
        "generated_at": catalog.now(),
        "summary": summary,
        "offices": offices_out,
    })


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 1) if b else 100.0


# ---------------------------------------------------------------- households (office data)
def _households(county, office, category, year, rules) -> dict[tuple[str, str], list[Household]]:
    out: dict[tuple[str, str], list[Household]] = defaultdict(list)
    for o in county.offices:
        if office and o.code != office:
            continue
        seen: set[tuple[str, str]] = set()
        for r in o.recipients:
            if r.category not in rules.classes or (category and r.category != category):
                continue
            start = r.start_date.year if r.start_date else None
            if year and start and start > year:
                continue
            key = (r.household or r.id_number or "").strip().upper()
            if not key or (r.category, key) in seen:
                continue                   # one file per household, however many members receive aid
            seen.add((r.category, key))
            out[(o.code, r.category)].append(Household(key, r.name, o.code, r.category, r.village, start))
    return out


# ---------------------------------------------------------------- catalog queries
def _where(office, category, year, *, year_op: str = "=", alias: str = "") -> tuple[str, list]:
    a = f"{alias}." if alias else ""
    conds, args = [], []
    if office:
        conds.append(f"{a}office = ?")
        args.append(office)
    if category:
        conds.append(f"{a}category = ?")
        args.append(category)
    if year:
        conds.append(f"{a}year {year_op} ?")
        args.append(year)
    return (" AND ".join(conds) or "1=1"), args


def _present(conn, office, category, year) -> set[tuple[str, str, str]]:
    """(category, household, document type) present in the archive. A household's file may sit in any
    office's records (it moved, or it was filed centrally), so the office is not part of the key."""
    w, args = _where(None, category, year, year_op="<=")
    rows = conn.execute(
        f"SELECT DISTINCT category, upper(trim(household)), trim(document_type) FROM records "
        f"WHERE household IS NOT NULL AND household != '' AND document_type IS NOT NULL AND {w}", args)
    return {tuple(r) for r in rows}


def _attached(conn, office, category, year, rules) -> dict:
    """{office: {category: {household: records}}} for records of the rule set's aid classes."""
    w, args = _where(office, category, year, year_op="<=")
    cats = list(rules.classes)
    rows = conn.execute(
        f"SELECT office, category, upper(trim(coalesce(household, ''))) AS h, count(*) FROM records "
        f"WHERE category IN ({','.join('?' * len(cats))}) AND {w} GROUP BY 1, 2, 3", cats + args)
    out: dict = defaultdict(lambda: defaultdict(dict))
    for o, c, h, n in rows:
        out[o][c][h] = n
    return out


def _needs_review(conn, office, category, year) -> dict[str, int]:
    w, args = _where(office, category, year)
    rows = conn.execute(f"SELECT office, count(*) FROM records WHERE needs_review NOT IN ('[]', '') AND {w} "
                        f"GROUP BY office", args)
    return {o: n for o, n in rows}


def _metadata_gaps(conn, rules: RuleSet, office, category, year, limit: int):
    cols = rules.metadata_columns                       # 档号 → archival_code …
    if not cols:
        return {}, {}
    w, args = _where(office, category, year)
    empty = " OR ".join(f"coalesce(trim({c}), '') = ''" for c in cols.values())
    flags = ", ".join(f"CASE WHEN coalesce(trim({c}), '') = '' THEN 1 ELSE 0 END AS m_{c}" for c in cols.values())
    counts: dict = defaultdict(lambda: defaultdict(int))
    for row in conn.execute(
            f"SELECT office, count(*) AS n, {', '.join(f'sum(m_{c}) AS m_{c}' for c in cols.values())} FROM "
            f"(SELECT office, {flags} FROM records WHERE ({empty}) AND {w}) AS flagged GROUP BY office", args):
        counts[row["office"]]["_records"] = row["n"]
        for name, c in cols.items():
            if row[f"m_{c}"]:
                counts[row["office"]][name] = row[f"m_{c}"]
    gaps: dict = defaultdict(list)
    rows = conn.execute(
        f"SELECT * FROM (SELECT id, office, original_name, title, year, category, {flags}, "
        f"row_number() OVER (PARTITION BY office ORDER BY id) AS k FROM records WHERE ({empty}) AND {w}) AS ranked "
        f"WHERE k <= ? ORDER BY office, id", args + [limit])
    for r in rows:
        gaps[r["office"]].append({
            "record_id": r["id"], "original_name": r["original_name"], "title": r["title"] or "",
            "year": r["year"], "category": r["category"],
            "missing": [name for name, c in cols.items() if r[f"m_{c}"]],
        })
    return gaps, counts


def _sequence_gaps(conn, office, category, year) -> dict[str, list[dict]]:
    """Gaps and duplicates in 件号 within 机构·门类·年度·保管期限 (件号 from item_no, else the 档号's tail)."""
    w, args = _where(office, category, year)
    rows = conn.execute(f"""
        WITH n AS (
            SELECT office, category, year, retention,
                   coalesce(item_no, CAST(substr(archival_code, -4) AS INTEGER)) AS no
            FROM records WHERE coalesce(archival_code, '') != '' AND {w}
        ), s AS (
            SELECT *, lag(no) OVER (PARTITION BY office, category, year, retention ORDER BY no) AS prev FROM n
        )
        SELECT office, category, year, retention, prev, no FROM s
        WHERE (prev IS NULL AND no > 1) OR (prev IS NOT NULL AND no - prev != 1)
        ORDER BY office, category, year, retention, no""", args)
    out: dict = defaultdict(dict)
    for r in rows:
        key = (r["category"], r["year"], r["retention"])
        g = out[r["office"]].setdefault(key, {"category": r["category"], "year": r["year"],
                                              "retention": r["retention"], "missing": [], "duplicates": []})
        prev = r["prev"] or 0
        if r["no"] == prev:
            if r["no"] not in g["duplicates"]:
                g["duplicates"].append(r["no"])
        else:
            g["missing"].append([prev + 1, r["no"] - 1])       # an inclusive range of 件号
    return {o: list(d.values()) for o, d in out.items()}


def last_overdue_year(today: date, months: int) -> int:
    """The latest year whose records must be bound by now: year-end + `months` months has passed."""
    y = today.year
    while True:
        m = 1 + months                     # 1 January of y+1 plus `months` months
        due = date(y + 1 + (m - 1) // 12, (m - 1) % 12 + 1, 1)
        if due <= today:
            return y
        y -= 1


def _unbound(conn, office, category, year, today: date, months: int) -> dict[str, list[dict]]:
    last = last_overdue_year(today, months)
    if year and year > last:
        return {}
    w, args = _where(office, category, year)
    rows = conn.execute(f"""
        SELECT office, category, year, retention, count(*) AS n FROM records
        WHERE year IS NOT NULL AND year <= ? AND {w} AND id NOT IN (
            SELECT vi.record_id FROM volume_items vi JOIN volumes v ON v.id = vi.volume_id WHERE v.superseded = 0)
        GROUP BY office, category, year, retention ORDER BY office, year, category, retention""", [last] + args)
    out: dict = defaultdict(list)
    for r in rows:
        out[r["office"]].append({"category": r["category"], "year": r["year"], "retention": r["retention"],
                                 "records": r["n"]})
    return out


def _fixity(conn, settings, office, category, year, mode: str, limit: int) -> tuple[dict, dict]:
    """"size": every selected record's object exists with its recorded size (one stat each);
    "sha256": the full fixity check of `archive.verify` (re-hashes every object), kept to the selection."""
    w, args = _where(office, category, year)
    out: dict = defaultdict(list)
    counts: dict = defaultdict(int)
    rows = conn.execute(f"SELECT id, office, original_name, sha256, size FROM records WHERE {w} ORDER BY id", args)
    if mode == "sha256":

        selected = {r["id"]: r for r in rows}
        failures = [(p["record_id"], p["message"]) for p in verify(settings).problems
                    if p["kind"] in ("missing_object", "fixity") and p["record_id"] in selected]
        rows = []
    else:
        failures = []
    base = str(settings.objects_dir)
    for r in rows:
        sha = r["sha256"]
        try:
            size = os.stat(f"{base}/{sha[:2]}/{sha}").st_size          # object_path(), without Path objects
        except FileNotFoundError:
            failures.append((r, "原件缺失，请从备份恢复"))
            continue
        if r["size"] is not None and size != r["size"]:
            failures.append((r, f"原件大小不符（应为 {r['size']} 字节，实为 {size} 字节），可能已损坏"))
    for r, problem in failures:
        if isinstance(r, int):
            r = selected[r]
        counts[r["office"]] += 1
        if len(out[r["office"]]) < limit:
            out[r["office"]].append({"record_id": r["id"], "original_name": r["original_name"],
                                     "sha256": r["sha256"], "problem": problem})
    return out, counts
