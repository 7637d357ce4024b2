"""Benchmark: completeness report over 100,000 records and 10,000 households.

Builds a temporary archive root: the sample county's six offices with 10,000 generated recipients
(valid ID numbers) as office data, and 100,000 catalog rows inserted straight into `records`
(household files with ~2 % of documents missing, plus general records), 档号 with a few gaps,
most groups bound into volumes. Then times load + completeness (set-based SQL), the same with the
object-size check, standardization, and rendering to json/xlsx/docx. Prints a table.

    .venv/bin/python benchmarks/report.py [--records 100000] [--households 10000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import archive  # noqa: E402
import generators  # noqa: E402
from archive.store import catalog  # noqa: E402
from archive.store.config import SAMPLES_DIR  # noqa: E402
from generators.office.idnumber import check_digit  # noqa: E402

CLASS_MIX = (("DB", 0.45), ("TK", 0.15), ("YL", 0.15), ("LS", 0.12), ("JZ", 0.07), ("FX", 0.06))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_data(root: Path, n_households: int, rng: random.Random) -> None:
    src = SAMPLES_DIR / "county" / "data"
    data = root / "bench-data"
    data.mkdir()
    for f in src.glob("*.csv"):
        if f.name != "recipients.csv":
            shutil.copy(f, data / f.name)
    villages: dict[str, list[str]] = {}
    with open(src / "villages.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            villages.setdefault(row["机构代码"], []).append(row["村（居）"])
    with open(src / "recipients.csv", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    offices = sorted(villages)
    with open(data / "recipients.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(n_households):
            o = offices[i % len(offices)]
            cat = rng.choices([c for c, _ in CLASS_MIX], [p for _, p in CLASS_MIX])[0]
            born = date(1940 + i % 60, 1 + i % 12, 1 + i % 28)
            first17 = f"439921{born:%Y%m%d}{i % 1000:03d}"
            idn = first17 + check_digit(first17)
            row = {"机构代码": o, "类别": cat, "姓名": f"测试{i:05d}", "身份证号": idn,
                   "村（居）": villages[o][i % len(villages[o])], "家庭人口": 1 + i % 5, "金额": "500.00",
                   "起始日期": f"{2015 + i % 10}-03-01", "城乡": "农村" if cat == "DB" else "", "原因": "", "户号": ""}
            w.writerow([row.get(h, "") for h in header])
    generators.import_office_data(archive.load_settings(root), data)


def make_records(settings, n_records: int, rng: random.Random) -> dict:
    rules = archive.load_rules(settings)
    county = generators.load_county(settings)
    cols = ("sha256", "original_name", "title", "author", "doc_date", "office", "category", "year", "retention",
            "household", "document_type", "open_status", "needs_review", "state", "ingested_at")
    rows, missing = [], 0
    for o in county.offices:
        for r in o.recipients:
            cls = rules.classes[r.category]
            for d in cls.required:
                if rng.random() < 0.02:
                    missing += 1
                    continue
                rows.append((o.code, r.category, r.start_date.year, cls.retention, r.id_number, d))
    while len(rows) < n_records:                                       # general records (文书, 台账)
        o = county.offices[len(rows) % len(county.offices)]
        rows.append((o.code, rng.choice(("WS", "TZ")), 2015 + len(rows) % 10, rng.choice(("Y", "D30", "D10")), None, None))
    rows = rows[:n_records]
    now = catalog.now()
    conn = catalog.connect(settings.catalog_path)
    try:
        with catalog.transaction(conn):
            conn.executemany(
                f"INSERT INTO records ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                ((f"{i:064x}", f"f{i}.pdf", f"{d or '文件'}{i}", "青山县民政局", f"{y}-06-01", o, c, y, ret, h, d,
                  "控制", "[]", "indexed", now) for i, (o, c, y, ret, h, d) in enumerate(rows)))
            # 档号 with consecutive 件号 per group (a few skipped), and most groups bound
            conn.execute("""UPDATE records SET item_no = (SELECT k FROM (
                               SELECT id AS rid, row_number() OVER (PARTITION BY office, category, year, retention
                                                                    ORDER BY id) AS k FROM records) WHERE rid = records.id)""")
            conn.execute("UPDATE records SET item_no = item_no + 1 WHERE id % 5000 = 0")  # gaps
            conn.execute("UPDATE records SET archival_code = 'Z109-' || category || '·' || year || '-' || retention "
                         "|| '-' || office || '-' || printf('%04d', item_no) || '-' || id")
            groups = conn.execute("SELECT DISTINCT office, year, category, retention FROM records").fetchall()
            for g in groups:
                if rng.random() < 0.1:
                    continue                                              # left unbound
                vid = conn.execute(
                    "INSERT INTO volumes (office, year, category, retention, seq, version, archival_code, pdf, "
                    "manifest, pages, profile, created_at) VALUES (?,?,?,?,1,1,?,?,?,1,'national',?)",
                    (g["office"], g["year"], g["category"], g["retention"], f"V-{g['office']}-{g['year']}-{g['category']}-{g['retention']}",
                     "v.pdf", "v.xml", now)).lastrowid
                conn.execute("INSERT INTO volume_items SELECT ?, id, item_no, 1, 1 FROM records WHERE office=? AND year=? "
                             "AND category=? AND retention=?", (vid, g["office"], g["year"], g["category"], g["retention"]))
    finally:
        conn.close()
    return {"records": len(rows), "households": sum(len(o.recipients) for o in county.offices), "missing": missing}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="build the root here and keep it")
    a = ap.parse_args()
    rng = random.Random(6)
    tmp = None
    if a.keep:
        root = a.keep
    else:
        tmp = tempfile.mkdtemp(prefix="mz-report-bench-")
        root = Path(tmp) / "root"
    try:
        t = time.perf_counter()
        archive.init_root(root)
        make_data(root, a.households, rng)
        settings = archive.load_settings(root)
        made = make_records(settings, a.records, rng)
        setup = time.perf_counter() - t
        results = []

        def step(name, fn):
            t0 = time.perf_counter()
            out = fn()
            results.append((name, time.perf_counter() - t0, peak_mb()))
            return out

        county = step("load office data (10k recipients)", lambda: generators.load_county(settings))
        rep = step("completeness (no object check)",
                   lambda: archive.completeness_report(settings, county=county, fixity="off"))
        step("completeness + object size check",
             lambda: archive.completeness_report(settings, county=county, fixity="size"))
        step("standardization", lambda: archive.standardization_report(settings, county=county, completeness=rep))
        out = Path(tempfile.mkdtemp(prefix="mz-report-out-"))
        step("render json", lambda: generators.render_report(rep, "json", out / "c.json"))
        step("render xlsx", lambda: generators.render_report(rep, "xlsx", out / "c.xlsx"))
        step("render docx", lambda: generators.render_report(rep, "docx", out / "c.docx"))
        shutil.rmtree(out, ignore_errors=True)
        s = rep.summary
        assert s["missing"] == made["missing"], (s["missing"], made["missing"])
        print(f"records {made['records']:,}  households {made['households']:,}  missing documents {made['missing']:,}  "
              f"(setup {setup:.1f} s)")
        print(f"report: {s['complete']:,}/{s['households']:,} complete, {s['sequence_gaps']} sequence gaps, "
              f"{s['unbound_records']:,} unbound records")
        print(f"{'step':<38}{'seconds':>9}{'peak RSS MB':>13}")
        for name, sec, mb in results:
            print(f"{name:<38}{sec:>9.2f}{mb:>13.0f}")
        total = sum(sec for name, sec, _ in results[:2])
        print(f"{'load + completeness (target < 10 s)':<38}{total:>9.2f}{'':>13}   "
              f"{made['records'] / results[1][1]:,.0f} records/s")
        print(json.dumps({"records": made["records"], "households": made["households"],
                          "seconds": round(total, 2), "peak_rss_mb": round(peak_mb())}))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
