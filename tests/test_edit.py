"""`minzheng edit`: corrections checked with the manifest's rules, 待核 cleared, history kept, the index
follows, bound records only with --force (and the volume flagged for rebinding). Field validation is a
property: any string is either accepted (normalised) or answered with a Chinese message."""
from __future__ import annotations

import re

import pytest
from conftest import as_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.description import FieldError, Rules, validate
from archive.intake.manifest import load_manifest

CATEGORIES = {"WS": "文书", "DB": "城乡低保", "LS": "临时救助"}
RETENTIONS = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
RULES = Rules(frozenset({"QSZ", "BSX"}), CATEGORIES, RETENTIONS)
CJK = re.compile(r"[\u4e00-\u9fff]")


def write_files(tmp_path):
    d = tmp_path / "files"
    d.mkdir()
    (d / "a.txt").write_text("青山镇李家村临时救助申请书\n申请人张大山，因火灾致房屋损毁，申请临时救助。\n2016年4月1日\n",
                             encoding="utf-8")
    (d / "b.txt").write_text("青山镇临时救助审批表\n户主张大山，救助金额3000元，经研究同意。\n2016年4月20日\n",
                             encoding="utf-8")
    (d / "c.txt").write_text("关于做好冬春救助工作的通知\n青民发〔2019〕30号\n各村：请做好困难群众冬春救助。\n"
                             "青山镇民政办\n2019年11月5日\n", encoding="utf-8")
    (d / "m.csv").write_text("path,题名,机构,类别,年度,保管期限,日期\n"
                             "a.txt,张大山临时救助申请书,QSZ,LS,2016,D30,2016-04-01\n"
                             "b.txt,,QSZ,LS,2016,D30,\n", encoding="utf-8")
    return d


@pytest.fixture
def archive_root(sample_root, invoke, tmp_path):
    d = write_files(tmp_path)
    invoke(sample_root, "ingest", "--manifest", d / "m.csv", "--jobs", "1")
    invoke(sample_root, "ingest", d / "c.txt", "--office", "QSZ", "--category", "WS", "--retention", "D10",
           "--jobs", "1")
    return sample_root


def record(invoke, root, key):
    return as_json(invoke(root, "show", key, "--json", "--history"))


def test_edit_changes_fields_clears_review_and_keeps_history(archive_root, invoke):
    before = record(invoke, archive_root, 3)
    assert {"title", "doc_date", "year"} <= set(before["needs_review"])
    out = as_json(invoke(archive_root, "edit", 3, "--title", "青山镇民政办关于做好二〇一九年冬春救助工作的通知",
                         "--date", "2019年11月6日", "--year", "2019", "--user", "王档案员", "--json"))
    assert [c["field"] for c in out["changes"]] == ["title", "doc_date"]
    assert out["confirmed"] == ["year"]                       # same value given: confirmed as it is
    after = record(invoke, archive_root, 3)
    assert after["title"] == "青山镇民政办关于做好二〇一九年冬春救助工作的通知"
    assert after["doc_date"] == "2019-11-06"                   # normalised as the manifest does
    assert not {"title", "doc_date", "year"} & set(after["needs_review"])
    hist = after["history"]
    assert {(h["field"], h["old"], h["new"], h["user"], h["action"]) for h in hist} == {
        ("title", before["title"], after["title"], "王档案员", "edit"),
        ("doc_date", before["doc_date"], "2019-11-06", "王档案员", "edit"),
        ("year", "2019", "2019", "王档案员", "confirm")}
    text = invoke(archive_root, "show", 3, "--history").stdout
    assert "修改记录：" in text and "王档案员" in text and "题名（待核）" not in text
    # the index follows: the new title is found, as a title
    hits = as_json(invoke(archive_root, "search", "二〇一九年冬春救助", "--json"))["hits"]
    assert [h["record_id"] for h in hits] == [3] and hits[0]["title"] == after["title"]


def test_default_user_is_the_os_user(archive_root, invoke, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "lisi")
    invoke(archive_root, "edit", 2, "--author", "青山镇民政办")
    assert record(invoke, archive_root, 2)["history"][-1]["user"] == "lisi"


@pytest.mark.parametrize("args,words", [
    (["--date", "2016-02-30"], ["2016-02-30", "不是有效日期"]),
    (["--office", "XYZ"], ["未知机构代码 XYZ", "QSZ"]),
    (["--category", "低保户"], ["未知类别", "LS 临时救助"]),
    (["--year", "16"], ["年度", "四位数字"]),
    (["--retention", "30年"], ["未知保管期限"]),
    (["--household", "439921198001011235"], ["身份证号", "校验位错误"]),
    (["--title", ""], ["题名不能为空"]),
])
def test_bad_values_are_refused_with_a_chinese_message_and_nothing_changes(archive_root, invoke, args, words):
    before = record(invoke, archive_root, 2)
    r = invoke(archive_root, "edit", 2, *args, "--author", "不会写入", ok=False)
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr
    after = record(invoke, archive_root, 2)
    assert after["author"] == before["author"] and after["history"] == []


def test_unknown_record_and_no_fields(archive_root, invoke):
    r = invoke(archive_root, "edit", 99, "--title", "x", ok=False)
    assert r.exit_code == 1 and "找不到记录 99" in r.stderr
    r = invoke(archive_root, "edit", 2, ok=False)
    assert r.exit_code == 2 and "至少给出一个" in r.stderr
    big = "99999999999999999999"                        # past SQLite's 64-bit integers
    for args in (("edit", big, "--title", "x"), ("show", big)):
        r = invoke(archive_root, *args, ok=False)
        assert r.exit_code == 1 and "Traceback" not in r.stderr and f"找不到记录 {big}" in r.stderr
    r = invoke(archive_root, "edit", 2, "--confirm", "页数", ok=False)
    assert r.exit_code == 2 and "不是著录项" in r.stderr


def test_confirm_all_clears_every_mark(archive_root, invoke):
    assert record(invoke, archive_root, 3)["needs_review"]
    out = as_json(invoke(archive_root, "edit", 3, "--confirm", "all", "--json"))
    assert out["changes"] == [] and out["needs_review"] == []
    assert record(invoke, archive_root, 3)["needs_review"] == []


def test_bound_record_needs_force_and_flags_the_volume(archive_root, invoke):
    invoke(archive_root, "bind", "--office", "QSZ", "--year", "2016", "--category", "LS")
    code = record(invoke, archive_root, 2)["archival_code"]
    assert code.startswith("Z109-LS·2016-D30-QSZ-")
    r = invoke(archive_root, "edit", code, "--title", "张大山临时救助审批表", ok=False)
    assert r.exit_code == 1 and "已装订在案卷 Z109-LS·2016-D30-QSZ-J001" in r.stderr and "--force" in r.stderr
    assert record(invoke, archive_root, 2)["history"] == []
    assert as_json(invoke(archive_root, "review", "--json"))["rebind"] == []

    r = invoke(archive_root, "edit", code, "--title", "张大山临时救助审批表", "--force")
    assert "需要重新装订" in r.stdout and "--office QSZ --year 2016 --category LS" in r.stdout
    stale = as_json(invoke(archive_root, "review", "--json"))["rebind"]
    assert [(v["archival_code"], [x["record_id"] for x in v["records"]]) for v in stale] == [
        ("Z109-LS·2016-D30-QSZ-J001", [2])]
    assert "需要重新装订" in invoke(archive_root, "review").stdout
    # binding again supersedes the flagged version: nothing is stale any more
    invoke(archive_root, "bind", "--office", "QSZ", "--year", "2016", "--category", "LS")
    assert as_json(invoke(archive_root, "review", "--json"))["rebind"] == []


def test_changing_the_class_of_a_coded_record_withdraws_its_code(archive_root, invoke):
    invoke(archive_root, "bind", "--office", "QSZ", "--year", "2016", "--category", "LS")
    code = record(invoke, archive_root, 1)["archival_code"]
    r = invoke(archive_root, "edit", 1, "--category", "DB", ok=False)
    assert r.exit_code == 1
    out = as_json(invoke(archive_root, "edit", 1, "--category", "城乡低保", "--force", "--json"))
    assert out["code_withdrawn"] == code and out["archival_code"] is None
    rec = record(invoke, archive_root, 1)
    assert rec["category"] == "DB" and rec["archival_code"] is None
    assert ("archival_code", code, None, "withdraw") in {(h["field"], h["old"], h["new"], h["action"])
                                                         for h in rec["history"]}
    # the old 档号 no longer finds anything
    r = invoke(archive_root, "show", code, ok=False)
    assert r.exit_code == 1


# ---------------------------------------------------------------- properties of the field rules

@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(["title", "doc_number", "author", "doc_date", "office", "category", "year", "retention",
                            "household", "document_type"]),
       raw=st.one_of(st.text(max_size=40), st.from_regex(r"(19|20)\d\d[-/年]\d{1,2}[-/月]\d{1,2}日?", fullmatch=True),
                     st.from_regex(r"\d{17}[\dXx]", fullmatch=True)))
def test_any_string_is_accepted_or_answered_in_chinese(key, raw):
    try:
        value = validate(key, raw, RULES)
    except FieldError as e:
        assert CJK.search(str(e)), str(e)
        return
    # accepted values are normalised and validate again to themselves (idempotent)
    assert validate(key, value, RULES) == value
    if key == "doc_date" and value is not None:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", value)
    if key == "year" and value is not None:
        assert 1900 <= value <= 2100
    if key in ("office", "category", "retention") and value is not None:
        assert value in {"QSZ", "BSX"} | set(CATEGORIES) | set(RETENTIONS)


MANIFEST_FIELDS = {"doc_date": "日期", "year": "年度", "office": "机构", "category": "类别", "retention": "保管期限"}
PIECES = ["2016", "16", "2016-04-20", "2016年4月20日", "20160420", "2016/4/31", "1899", "2101", "QSZ", "qsz", "XYZ",
          "LS", "ls", "临时救助", "D30", "d10", "永久", "定期30年", "abc", "二〇一六"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(MANIFEST_FIELDS)), raw=st.sampled_from(PIECES) | st.text("0123456789-/年月日", max_size=12))
def test_edit_accepts_exactly_what_the_manifest_accepts(tmp_path_factory, key, raw):
    """The same rules as the ingest manifest: a value passes edit iff it passes a manifest, with the same result."""
    d = tmp_path_factory.mktemp("m")
    (d / "f.txt").write_text("x", encoding="utf-8")
    cell = raw.replace('"', "")
    (d / "m.csv").write_text(f'path,{MANIFEST_FIELDS[key]}\nf.txt,"{cell}"\n', encoding="utf-8")
    try:
        rows = load_manifest(d / "m.csv", offices=set(RULES.offices), categories=CATEGORIES, retentions=RETENTIONS)
        manifest_value = next(iter(rows.values())).values.get(key)
    except Exception:       # noqa: BLE001 - the manifest refused it
        manifest_value = "refused"
    try:
        edit_value = validate(key, cell, RULES)
    except FieldError:
        edit_value = "refused"
    assert edit_value == manifest_value
