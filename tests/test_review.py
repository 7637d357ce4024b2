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


def test_an_unknown_office_code_is_a_usage_error_listing_the_known_ones(sample_root, invoke, tmp_path):
    import archive
    from archive.common.errors import UnknownCodeError
    for args in (("review", "--office", "XYZ"), ("catalog", "export", "--office", "XYZ", "--out", tmp_path / "a.xlsx"),
                 ("catalog", "export", "--category", "QQ", "--out", tmp_path / "b.xlsx")):
        r = invoke(sample_root, *args, ok=False)
        assert r.exit_code == 2 and "Traceback" not in r.stderr, r.stderr
        assert ("“XYZ” 的民政办" in r.stderr and "QSZ（青山镇）" in r.stderr) or \
            ("门类代码 “QQ”" in r.stderr and "DB（城乡低保）" in r.stderr)
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
    try:                                              # the library says the same (what the web pages show)
        archive.review_list(archive.load_settings(sample_root), office="XYZ")
        raise AssertionError("no error for an unknown office")
    except UnknownCodeError as e:
        assert "XYZ" in str(e)
    assert as_json(invoke(sample_root, "review", "--office", "qsz", "--json"))["records"] == []   # known, any case
