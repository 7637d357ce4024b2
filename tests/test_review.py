"""`minzheng review`: the records whose fields are still 待核, which fields, filtered by office and year."""
from __future__ import annotations

from conftest import as_json
from test_edit import write_files


def test_review_lists_guessed_fields_and_follows_corrections(sample_root, invoke, tmp_path):
    d = write_files(tmp_path)
    invoke(sample_root, "ingest", "--manifest", d / "m.csv", "--jobs", "1")
    invoke(sample_root, "ingest", d / "c.txt", "--office", "BSX", "--category", "WS", "--retention", "D10",
           "--jobs", "1")
    items = as_json(invoke(sample_root, "review", "--json"))["records"]
    by_id = {i["record_id"]: i for i in items}
    # record 1 came with title and date in the manifest: those are not 待核
    assert "title" not in by_id.get(1, {"needs_review": []})["needs_review"]
    assert {"title", "doc_date"} <= set(by_id[2]["needs_review"])
    assert {"title", "doc_date", "year"} <= set(by_id[3]["needs_review"])
    labels = by_id[3]["labels"]
    assert labels[0] == "题名" and labels.index("日期") < labels.index("年度")   # in display order, in Chinese
    for i in items:
        show = as_json(invoke(sample_root, "show", i["record_id"], "--json"))
        assert sorted(show["needs_review"]) == sorted(i["needs_review"])

    assert {i["record_id"] for i in as_json(invoke(sample_root, "review", "--office", "BSX", "--json"))["records"]} == {3}
    assert 3 not in {i["record_id"] for i in
                     as_json(invoke(sample_root, "review", "--year", "2016", "--json"))["records"]}

    text = invoke(sample_root, "review").stdout
    assert "待核字段" in text and "、".join(labels) in text and f"共 {len(items)} 条记录有待核字段" in text

    invoke(sample_root, "edit", 3, "--confirm", "all")
    assert 3 not in {i["record_id"] for i in as_json(invoke(sample_root, "review", "--json"))["records"]}


def test_review_of_an_archive_with_nothing_to_check(sample_root, invoke):
    assert invoke(sample_root, "review").stdout.strip() == "没有待核的记录。"
    assert as_json(invoke(sample_root, "review", "--json")) == {"records": [], "rebind": []}
