"""档号 assignment: format, date order, stability across runs, next numbers after the max, gaps reported."""
from __future__ import annotations

import sqlite3

import archive
from archive.binding import codes as codes_module
from archive.binding.codes import format_code, parse_code
from archive.store import catalog
from archive.store.objects import store_file


def add(root, tmp_path, name, date, *, office="QSZ", year=2011, category="WS", retention="Y") -> int:
    src = tmp_path / name
    src.write_text(f"{name} {date}", encoding="utf-8")
    settings = archive.load_settings(root)
    sha, _, _ = store_file(settings.objects_dir, src)
    conn = catalog.connect(settings.catalog_path)
    try:
        return conn.execute(
            "INSERT INTO records(sha256, original_name, title, doc_date, office, category, year, retention, ingested_at) "
            "VALUES (?,?,?,?,?,?,?,?,?)", (sha, name, name, date, office, category, year, retention, catalog.now())
        ).lastrowid
    finally:
        conn.close()


def codes(root) -> dict[str, str]:
    conn = sqlite3.connect(archive.load_settings(root).catalog_path)
    try:
        return dict(conn.execute("SELECT original_name, archival_code FROM records"))
    finally:
        conn.close()


def test_format_and_parse():
    code = format_code("Z109", "WS", 2011, "Y", "QSZ", 1)
    assert code == "Z109-WS·2011-Y-QSZ-0001"
    assert parse_code(code) == {"fonds": "Z109", "category": "WS", "year": 2011, "retention": "Y",
                                "office": "QSZ", "item_no": 1}
    assert parse_code("Z109-WS-2011-Y-QSZ-0001") == {}


def test_date_order_within_class_and_classes_apart(root, tmp_path):
    add(root, tmp_path, "c.txt", "2011-09-01")
    add(root, tmp_path, "a.txt", "2011-02-01")
    add(root, tmp_path, "b1.txt", "2011-05-05")
    add(root, tmp_path, "b2.txt", "2011-05-05")          # same date: record id decides
    add(root, tmp_path, "nodate.txt", None)              # undated last
    add(root, tmp_path, "d30.txt", "2011-01-01", retention="D30")
    add(root, tmp_path, "db.txt", "2011-01-01", category="DB")
    add(root, tmp_path, "other.txt", "2011-01-01", office="HSX")
    rep = archive.assign_codes(archive.load_settings(root))
    assert len(rep.assigned) == 8 and not rep.gaps
    c = codes(root)
    assert [c[n][-4:] for n in ("a.txt", "b1.txt", "b2.txt", "c.txt", "nodate.txt")] == ["0001", "0002", "0003", "0004", "0005"]
    assert c["d30.txt"] == "Z109-WS·2011-D30-QSZ-0001"
    assert c["db.txt"] == "Z109-DB·2011-Y-QSZ-0001"
    assert c["other.txt"] == "Z109-WS·2011-Y-HSX-0001"


def test_stable_across_runs_new_records_get_next_numbers_and_gaps_reported(root, tmp_path):
    settings = archive.load_settings(root)
    for i, d in enumerate(["2011-03-01", "2011-04-01", "2011-05-01"]):
        add(root, tmp_path, f"r{i}.txt", d)
    archive.assign_codes(settings)
    first = codes(root)
    again = archive.assign_codes(settings)
    assert again.assigned == [] and again.kept == 3
    assert codes(root) == first
    # a new record dated before all others still gets the next number: nothing is renumbered
    add(root, tmp_path, "early.txt", "2011-01-01")
    rep = archive.assign_codes(settings)
    assert [a["archival_code"] for a in rep.assigned] == ["Z109-WS·2011-Y-QSZ-0004"]
    after = codes(root)
    assert {k: after[k] for k in first} == first
    # delete the middle record: the gap is reported, never filled
    conn = catalog.connect(settings.catalog_path)
    conn.execute("DELETE FROM records WHERE original_name='r1.txt'")
    conn.close()
    add(root, tmp_path, "late.txt", "2011-12-01")
    rep = archive.assign_codes(settings)
    assert [str(g) for g in rep.gaps] == ["Z109-WS·2011-Y-QSZ-0002"]
    assert rep.assigned[0]["archival_code"].endswith("-0005")


def test_incomplete_records_are_reported_not_coded(root, tmp_path):
    rid = add(root, tmp_path, "x.txt", "2011-01-01", retention=None)
    rep = archive.assign_codes(archive.load_settings(root))
    assert rep.assigned == []
    assert rep.incomplete == [{"record_id": rid, "original_name": "x.txt", "missing": "保管期限"}]


def test_office_fonds_overrides_county(root, tmp_path):
    settings = archive.load_settings(root)
    conn = catalog.connect(settings.catalog_path)
    catalog.upsert_office(conn, "QSZ", "青山镇", "镇", 30000, fonds="Z201")
    conn.close()
    add(root, tmp_path, "f.txt", "2011-01-01")
    archive.assign_codes(settings)
    assert codes(root)["f.txt"] == "Z201-WS·2011-Y-QSZ-0001"


def test_codes_reach_the_search_index(root, tmp_path, monkeypatch):
    """assign_codes hands the changed record ids to refresh_index (the intake side's re-indexer)."""
    seen = []
    monkeypatch.setattr(codes_module, "refresh_index", lambda settings, ids: seen.extend(ids))
    rid = add(root, tmp_path, "s.txt", "2011-01-01")
    archive.assign_codes(archive.load_settings(root))
    assert seen == [rid]


def test_refresh_failure_keeps_codes(root, tmp_path, monkeypatch, caplog):
    def broken(settings, ids):
        raise RuntimeError("index locked")

    monkeypatch.setattr(codes_module, "refresh_index", broken)
    add(root, tmp_path, "t.txt", "2011-01-01")
    archive.assign_codes(archive.load_settings(root))
    assert codes(root)["t.txt"].endswith("-0001")
    assert "minzheng reindex" in caplog.text
