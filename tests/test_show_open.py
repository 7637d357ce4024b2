"""`show --open` hands the desktop a copy of the original under its own name; --year is range-checked."""
import click
from conftest import as_json


def test_show_open_launches_a_copy_with_the_original_name(root, invoke, tmp_path, monkeypatch):
    src = tmp_path / "李家村 救助名单.txt"
    src.write_text("李家村临时救助名单", encoding="gb18030")
    rid = as_json(invoke(root, "ingest", src, "--jobs", "1", "--json"))["ingested"][0]["record_id"]
    launched = []
    monkeypatch.setattr(click, "launch", lambda path, **kw: launched.append(path) or 0)
    result = invoke(root, "show", rid, "--open")
    assert len(launched) == 1
    copy = launched[0]
    assert copy.endswith("李家村 救助名单.txt") and copy in result.stderr
    assert open(copy, "rb").read() == src.read_bytes()
    assert "/objects/" not in copy                       # never the stored object itself


def test_year_out_of_range_is_a_usage_error(sample_root, invoke):
    result = invoke(sample_root, "generate", "ledger", "--office", "QSZ", "--year", "1800", ok=False)
    assert result.exit_code == 2 and "1800" in result.stderr
    assert not (sample_root / "out" / "QSZ").exists()
