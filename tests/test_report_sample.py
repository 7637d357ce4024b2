"""Completeness and standardization on the sample county: the known gaps of 云台镇 (YTZ), none elsewhere.

The catalog rows are put in directly from samples/households/manifest.csv (what ingest does with that
manifest, without extraction and indexing), inferring household and document type with classify_record
where the manifest leaves them blank, as ingest does. Binding is simulated: one volume per
机构·门类·年度·保管期限 with consecutive 件号, except the groups a test leaves unbound.
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

import pytest

import archive
from archive.store import catalog
from archive.store.objects import object_path

PROJECT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = PROJECT / "samples" / "households"
sys.path.insert(0, str(HOUSEHOLDS))
import make_households  # noqa: E402

TODAY = date(2026, 11, 23)

COLS = ("sha256", "original_name", "original_path", "mime", "size", "title", "author", "doc_date", "office",
        "category", "year", "retention", "household", "document_type", "open_status", "needs_review", "state",
        "ingested_at")


def manifest_rows() -> list[dict]:
    with open(HOUSEHOLDS / "manifest.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def insert_records(settings, rows: list[dict], *, households: dict[str, str], objects: bool = True) -> list[int]:
    """Put manifest rows into the catalog as ingest would (objects too, so fixity checks pass)."""
    conn = catalog.connect(settings.catalog_url)
    ids = []
    try:
        with catalog.transaction(conn):
            for r in rows:
                data = (HOUSEHOLDS / r["path"]).read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                if objects:
                    p = object_path(settings.objects_dir, sha)
                    p.parent.mkdir(parents=True, exist_ok=True)
                    p.write_bytes(data)
                hh, dtype, review = r["户主身份证号"] or None, r["文件类型"] or None, []
                if not hh or not dtype:
                    ghh, gtype = archive.classify_record(r["题名"], data.decode("utf-8"), households)
                    review = [k for k, v in (("household", hh), ("document_type", dtype)) if not v]
                    hh, dtype = hh or ghh, dtype or gtype
                vals = (sha, Path(r["path"]).name, r["path"], "text/plain", len(data), r["题名"] or None,
                        r["责任者"] or None, r["日期"] or None, r["机构"], r["类别"], int(r["年度"]), r["保管期限"],
                        hh, dtype, "控制", json.dumps(review), "indexed", catalog.now())
                cur = conn.execute(f"INSERT INTO records ({','.join(COLS)}) VALUES ({','.join('?' * len(COLS))})", vals)
                ids.append(cur.lastrowid)
    finally:
        conn.close()
    return ids


def bind_all(settings, *, skip=lambda office, category, year: False) -> None:
    """Give every record a 档号 and put each group in one current volume (unless `skip`)."""
    conn = catalog.connect(settings.catalog_url)
    try:
        with catalog.transaction(conn):
            groups: dict = {}
            for r in conn.execute("SELECT id, office, category, year, retention FROM records "
                                  "ORDER BY office, category, year, retention, doc_date, id"):
                groups.setdefault((r["office"], r["category"], r["year"], r["retention"]), []).append(r["id"])
            for (o, c, y, ret), ids in groups.items():
                for no, rid in enumerate(ids, 1):
                    conn.execute("UPDATE records SET item_no=?, archival_code=? WHERE id=?",
                                 (no, f"{settings.fonds}-{c}·{y}-{ret}-{o}-{no:04d}", rid))
                if skip(o, c, y):
                    continue
                vid = conn.execute(
                    "INSERT INTO volumes (office, year, category, retention, seq, version, archival_code, pdf, "
                    "manifest, pages, profile, created_at) VALUES (?,?,?,?,1,1,?,?,?,?,?,?)",
                    (o, y, c, ret, f"{settings.fonds}-{c}·{y}-{ret}-{o}-V001", "v.pdf", "v.xml", len(ids),
                     "national", catalog.now())).lastrowid
                conn.executemany("INSERT INTO volume_items VALUES (?,?,?,?,?)",
                                 [(vid, rid, k, k, k) for k, rid in enumerate(ids, 1)])
    finally:
        conn.close()


def log_generate(settings, office: str, kinds: list[str], files: list[str]) -> None:
    conn = catalog.connect(settings.catalog_url)
    try:
        catalog.log_event(conn, "generate", office=office, kinds=kinds, year=2026, files=files)
    finally:
        conn.close()


def sample_households(settings) -> dict[str, str]:
    from generators import load_county

    return {(r.household or r.id_number): r.name for o in load_county(settings).offices for r in o.recipients}


def build_sample(root: Path) -> archive.Settings:
    settings = archive.load_settings(root)
    insert_records(settings, manifest_rows(), households=sample_households(settings))
    bind_all(settings, skip=lambda o, c, y: o == "YTZ" and y == 2024)
    for o in ("QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"):
        files = [f"out/{o}/ledger-DB.docx", f"out/{o}/ledger-DB.xlsx"] if o != "YTZ" else [f"out/{o}/ledger-DB.docx"]
        log_generate(settings, o, ["ledger", "rules"] if o != "YTZ" else ["ledger"], files)
    return settings


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def sample(tmp_path_factory, request):
    """The sample county's archive; for postgres its catalog moved to a throw-away PostgreSQL database
    first, so the reports' SQL runs on both engines."""
    from click.testing import CliRunner

    import cli

    root = tmp_path_factory.mktemp("report") / "root"
    r = CliRunner().invoke(cli.cli, ["--root", str(root), "init", "--sample"], obj={})
    assert r.exit_code == 0, r.output
    if request.param == "postgres":
        archive.move_catalog(archive.load_settings(root), request.getfixturevalue("pg_cluster").new_database())
    return build_sample(root)


@pytest.fixture(scope="module")
def comp(sample):
    return archive.completeness_report(sample, today=TODAY).to_dict()


def expected_missing(county) -> set[tuple[str, str, str, str]]:
    """(office, category, household, document type) left out by make_households.GAPS."""
    out = set()
    for (code, cat, i), docs in make_households.GAPS.items():
        r = county.office(code).recipients_of(cat)[i]
        out |= {(code, cat, r.household or r.id_number, d) for d in docs}
    return out


# ---------------------------------------------------------------- tests
def test_manifest_is_generated_by_the_committed_script(tmp_path):
    """The committed manifest is what make_households.py produces (the truth the tests rely on)."""
    rows = manifest_rows()
    assert len(rows) == len({r["path"] for r in rows}) > 900
    assert all((HOUSEHOLDS / r["path"]).is_file() for r in rows)
    total = sum((HOUSEHOLDS / r["path"]).stat().st_size for r in rows)
    assert total < 2_000_000
    blanks = {(r["机构"]) for r in rows if not r["户主身份证号"]}
    assert blanks == {o for o, *_ in make_households.INFER}


def test_noncompliant_office_shows_exactly_its_known_gaps(sample, comp):
    from generators import load_county

    county = load_county(sample)
    found = {(o["code"], c["category"], m["household"], m["document_type"])
             for o in comp["offices"] for c in o["classes"] for m in c["missing"]}
    want = expected_missing(county)
    assert len(want) == 9
    assert found == want
    by = {o["code"]: o for o in comp["offices"]}
    ytz = by["YTZ"]
    assert ytz["households"] - ytz["complete"] == 7          # 7 households, 9 documents
    assert ytz["missing_count"] == 9
    for code in ("QSZ", "BSX", "LHZ", "DMJD", "SQX"):
        o = by[code]
        assert o["complete"] == o["households"] == 50 and o["missing_count"] == 0, code
        assert o["metadata_gaps"] == [] and o["sequence_gaps"] == [] and o["unbound"] == [] and o["fixity"] == []


def test_metadata_gaps_name_record_and_field(comp):
    ytz = next(o for o in comp["offices"] if o["code"] == "YTZ")
    gaps = {(g["title"], tuple(g["missing"])) for g in ytz["metadata_gaps"]}
    assert len(gaps) == 2, gaps
    assert any(t.endswith("审批表") and m == ("责任者",) for t, m in gaps)
    assert any(t.endswith("申请书") and m == ("日期",) for t, m in gaps)
    assert ytz["metadata_gap_fields"] == {"责任者": 1, "日期": 1}


def test_unbound_closed_year_is_reported(comp):
    ytz = next(o for o in comp["offices"] if o["code"] == "YTZ")
    assert ytz["unbound"] and {u["year"] for u in ytz["unbound"]} == {2024}
    want = sum(1 for r in manifest_rows() if r["机构"] == "YTZ" and r["年度"] == "2024")
    assert sum(u["records"] for u in ytz["unbound"]) == want


def test_unbound_waits_for_the_grace_period(sample):
    d = archive.completeness_report(sample, office="YTZ", today=date(2025, 6, 30)).to_dict()
    assert d["offices"][0]["unbound"] == []                  # 2024 due only on 2025-07-01 (6 months)
    d = archive.completeness_report(sample, office="YTZ", today=date(2025, 7, 1)).to_dict()
    assert {u["year"] for u in d["offices"][0]["unbound"]} == {2024}


def test_inferred_records_complete_their_households_and_need_review(comp):
    by = {o["code"]: o for o in comp["offices"]}
    assert by["QSZ"]["needs_review"] == by["BSX"]["needs_review"] == by["DMJD"]["needs_review"] == 1
    assert by["YTZ"]["needs_review"] == 0


def test_filters_office_category_year(sample, comp):
    d = archive.completeness_report(sample, office="ytz", category="DB", today=TODAY).to_dict()
    assert [o["code"] for o in d["offices"]] == ["YTZ"]
    assert [c["category"] for c in d["offices"][0]["classes"]] == ["DB"]
    assert len(d["offices"][0]["classes"][0]["missing"]) == 4
    d2020 = archive.completeness_report(sample, year=2020, today=TODAY).to_dict()
    assert d2020["summary"]["households"] < comp["summary"]["households"]


def test_unknown_office_or_category_is_an_error(sample):
    with pytest.raises(archive.NotFoundError, match="XYZ"):
        archive.completeness_report(sample, office="XYZ")
    with pytest.raises(archive.NotFoundError, match="QQ"):
        archive.completeness_report(sample, category="QQ")


def test_sequence_gap_and_duplicate(tmp_path, invoke):
    root = tmp_path / "r"
    invoke(root, "init", "--sample")
    settings = archive.load_settings(root)
    rows = [r for r in manifest_rows() if r["机构"] == "BSX" and r["类别"] == "LS"]
    insert_records(settings, rows, households=sample_households(settings))
    bind_all(settings)
    conn = catalog.connect(settings.catalog_url)
    try:
        grp = conn.execute("SELECT year, retention, count(*) n FROM records GROUP BY 1, 2 ORDER BY n DESC").fetchone()
        ids = [r[0] for r in conn.execute("SELECT id FROM records WHERE year=? ORDER BY item_no", (grp["year"],))]
        assert len(ids) >= 3
        conn.execute("DELETE FROM volume_items WHERE record_id=?", (ids[1],))
        conn.execute("DELETE FROM records WHERE id=?", (ids[1],))            # 件号 2 lost
        conn.execute("UPDATE records SET item_no=1, archival_code=archival_code||'x' WHERE id=?", (ids[2],))
    finally:
        conn.close()
    d = archive.completeness_report(settings, office="BSX", today=TODAY).to_dict()
    gaps = d["offices"][0]["sequence_gaps"]
    assert len(gaps) == 1 and gaps[0]["year"] == grp["year"] and gaps[0]["category"] == "LS"
    assert gaps[0]["duplicates"] == [1]
    assert [2, 2] in gaps[0]["missing"] or [2, 3] in gaps[0]["missing"]


def test_fixity_missing_and_changed_objects(tmp_path, invoke):
    root = tmp_path / "r"
    invoke(root, "init", "--sample")
    settings = archive.load_settings(root)
    rows = [r for r in manifest_rows() if r["机构"] == "LHZ" and r["类别"] == "FX"]
    insert_records(settings, rows, households=sample_households(settings))
    conn = catalog.connect(settings.catalog_url)
    recs = list(conn.execute("SELECT id, sha256 FROM records ORDER BY id"))
    conn.close()
    object_path(settings.objects_dir, recs[0]["sha256"]).unlink()
    object_path(settings.objects_dir, recs[1]["sha256"]).write_bytes(b"tampered!")
    d = archive.completeness_report(settings, office="LHZ", today=TODAY).to_dict()
    probs = {f["record_id"]: f["problem"] for f in d["offices"][0]["fixity"]}
    assert set(probs) == {recs[0]["id"], recs[1]["id"]}
    assert "缺失" in probs[recs[0]["id"]] and "大小不符" in probs[recs[1]["id"]]
    assert d["summary"]["fixity_failures"] == 2


def test_standardization_scores_and_refund(sample, comp):
    d = archive.standardization_report(sample, today=TODAY).to_dict()
    by = {o["code"]: o for o in d["offices"]}
    assert set(by) == {"QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"}
    for code in ("QSZ", "BSX", "LHZ", "DMJD", "SQX"):
        assert by[code]["score"] == 100.0 and by[code]["qualifies"], (code, by[code]["failed"])
    ytz = by["YTZ"]
    items = {i["key"]: i for i in ytz["items"]}
    assert not items["staffing"]["passed"] and "2 名" in items["staffing"]["evidence"]
    assert not items["premises"]["passed"] and "52" in items["premises"]["evidence"]
    assert not items["equipment"]["passed"] and "打印机" in items["equipment"]["evidence"]
    assert items["signs"]["passed"]
    assert not items["postings"]["passed"] and "generate rules" in items["postings"]["evidence"]
    assert not items["archives"]["passed"] and "缺 9 件" in items["archives"]["evidence"]
    assert not items["ledgers"]["passed"]
    assert not items["volumes"]["passed"] and "2024" in items["volumes"]["evidence"]
    assert ytz["score"] == 5.0                               # only the signs (5 of 100)
    assert not ytz["qualifies"] and set(ytz["failed_essential"]) == {"人员配备", "办公场地与面积", "各类救助对象档案齐全"}
    assert d["summary"]["qualified"] == 5
    # the evidence is office check's own (same messages)
    from generators import check_office, load_county

    msgs = {f.message for f in check_office(load_county(sample).office("YTZ")) if not f.passed}
    assert any(m in items["premises"]["evidence"] for m in msgs)


def test_standardization_pass_line_comes_from_the_rule_set(sample, tmp_path):
    text = (PROJECT / "templates" / "rules" / "default.toml").read_text(encoding="utf-8")
    p = tmp_path / "lenient.toml"
    p.write_text(text.replace("pass_score = 90", "pass_score = 4").replace("essential = true", "essential = false"),
                 encoding="utf-8")
    from archive.inspection.rules import load_rules_file

    d = archive.standardization_report(sample, office="YTZ", rules=load_rules_file(p), today=TODAY).to_dict()
    assert d["offices"][0]["qualifies"] and d["pass_score"] == 4


@pytest.mark.slow
def test_real_ingest_of_one_office_then_report(tmp_path, invoke):
    """The household files of 青山镇 through `minzheng ingest --manifest`: complete, one record inferred."""
    root = tmp_path / "r"
    invoke(root, "init", "--sample")
    rows = [r for r in manifest_rows() if r["机构"] == "QSZ"]
    man = tmp_path / "qsz.csv"
    with open(man, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({**r, "path": str(HOUSEHOLDS / r["path"])})
    r = invoke(root, "ingest", "--manifest", man, "--jobs", "1", "--no-ocr", "--json")
    assert len(json.loads(r.stdout)["ingested"]) == len(rows)
    d = json.loads(invoke(root, "report", "completeness", "--office", "QSZ", "--format", "json").stdout)
    o = d["offices"][0]
    assert (o["households"], o["complete"], o["missing_count"]) == (50, 50, 0)
    assert o["needs_review"] == 1                       # the row whose household and type ingest inferred
    assert all(c["unmatched_records"] == 0 for c in o["classes"])
    assert o["metadata_gap_fields"] == {"档号": 175}     # every other DA/T 18 item came from the manifest


def test_strict_rule_set_asks_more_of_every_office(sample, invoke):
    d = json.loads(invoke(sample.root, "report", "completeness", "--rules", "strict", "--category", "DB", "--json").stdout)
    by = {o["code"]: o for o in d["offices"]}
    assert d["rules"].startswith("严格规则")
    assert by["QSZ"]["complete"] == 0 and by["QSZ"]["missing_count"] == 17 * 4
    assert {m["document_type"] for c in by["QSZ"]["classes"] for m in c["missing"]} == {
        "民主评议记录", "公示记录", "家庭经济状况核对报告", "诚信承诺书"}


def test_report_without_office_data_says_what_to_do(root, invoke):
    r = invoke(root, "report", "completeness", ok=False)
    assert r.exit_code == 1 and "office import" in r.stderr and "Traceback" not in r.stderr


def test_standardization_advice_carries_the_year_asked_about(sample):
    d = archive.standardization_report(sample, office="YTZ", year=2024, today=TODAY).to_dict()
    items = {i["key"]: i for i in d["offices"][0]["items"]}
    assert "minzheng generate ledger --office YTZ --year 2024" in items["ledgers"]["evidence"]
    assert "minzheng generate rules --office YTZ --year 2024" in items["postings"]["evidence"]
    assert "minzheng bind --office YTZ --year 2024" in items["volumes"]["evidence"]


def test_a_year_with_no_households_says_so_not_100_percent(sample, invoke):
    d = archive.completeness_report(sample, year=1900, today=TODAY).to_dict()
    assert d["summary"]["households"] == 0 and "1900" in d["summary"]["note"]
    text = invoke(sample.root, "report", "completeness", "--year", "1900").stdout
    assert "该年度（1900 年）没有应建户档的救助对象" in text and "100.0%" not in text and "齐全 0 户" not in text
