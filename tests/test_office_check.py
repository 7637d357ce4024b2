"""`office list` / `office check` on the sample county, and the standard's rules one by one."""
import json

import pytest

from generators import Equipment, Finding, Office, Room, Staff, check_office

YTZ_FAILED = {"staffing.full_time", "premises.area", "equipment.printer"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """One sample root shared by the read-only tests of this module."""
    from click.testing import CliRunner

    import cli

    root = tmp_path_factory.mktemp("sample") / "root"
    result = CliRunner().invoke(cli.cli, ["--root", str(root), "init", "--sample"], obj={}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return root


# ---------------------------------------------------------------- CLI on the sample county
def test_office_list_json_contract(invoke, sample):
    offices = json.loads(invoke(sample, "office", "list", "--json").stdout)
    assert isinstance(offices, list) and len(offices) == 6
    for o in offices:
        assert {"code", "name", "kind", "population"} <= set(o)
        assert isinstance(o["population"], int)
    kinds = {o["code"]: (o["kind"], o["population"]) for o in offices}
    assert {k for k, _ in kinds.values()} == {"乡", "镇", "街道"}
    assert any(k == "乡" and p < 20000 for k, p in kinds.values())
    assert any(k == "镇" and p < 20000 for k, p in kinds.values())
    assert any(k == "镇" and p >= 20000 for k, p in kinds.values())
    assert sum(o["recipients"] for o in offices) == 300


def test_office_list_table(invoke, sample):
    out = invoke(sample, "office", "list").stdout
    assert out.splitlines()[0].split() == ["代码", "名称", "类型", "人口", "村数", "专职人员", "救助对象数"]
    assert "东门街道" in out and "街道" in out


def test_check_all_offices_json(invoke, sample):
    results = json.loads(invoke(sample, "office", "check", "--json").stdout)
    failed = {r["code"]: {f["rule"] for f in r["findings"] if not f["passed"]} for r in results}
    assert failed == {"QSZ": set(), "BSX": set(), "LHZ": set(), "DMJD": set(), "SQX": set(), "YTZ": YTZ_FAILED}
    ytz = next(r for r in results if r["code"] == "YTZ")
    assert ytz["failed"] == 3
    # failed findings come first
    assert [f["passed"] for f in ytz["findings"]][:4] == [False, False, False, True]
    by_rule = {f["rule"]: f for f in ytz["findings"]}
    assert by_rule["staffing.full_time"]["expected"] == "≥ 3 名" and by_rule["staffing.full_time"]["actual"] == "2 名"
    assert "2万人以上" in by_rule["staffing.full_time"]["basis"]
    assert by_rule["premises.area"]["actual"] == "52 ㎡" and "60㎡" in by_rule["premises.area"]["basis"]
    assert by_rule["equipment.printer"]["actual"] == "0"
    # the high-standard items are checked only where they exist, and pass in the sample
    qsz = {f["rule"]: f for f in next(r for r in results if r["code"] == "QSZ")["findings"]}
    assert qsz["premises.service_hall"]["bonus"] and qsz["premises.service_hall"]["passed"]
    assert "premises.service_hall" not in by_rule


def test_check_one_office_text(invoke, sample):
    result = invoke(sample, "office", "check", "ytz")
    out = result.stdout
    assert out.startswith("YTZ 云台镇（镇，人口 23,600）：3 项不达标")
    lines = out.splitlines()
    assert sum(line.startswith("不达标") for line in lines) == 3
    assert "市民政局实施方案" in out and "档案室 8 ㎡" in out
    assert "QSZ" not in out


def test_check_compliant_office_text(invoke, sample):
    out = invoke(sample, "office", "check", "DMJD").stdout
    assert "全部达标" in out and "不达标" not in out
    assert "≥ 4 名" in out


def test_check_unknown_office(invoke, sample):
    result = invoke(sample, "office", "check", "NOPE", ok=False)
    assert result.exit_code == 1
    assert "NOPE" in result.stderr and "YTZ（云台镇）" in result.stderr
    assert "Traceback" not in result.stderr


def test_office_commands_without_data(invoke, root):
    result = invoke(root, "office", "list", ok=False)
    assert result.exit_code == 1 and "office import" in result.stderr


# ---------------------------------------------------------------- rules, table-tested
def office(kind="镇", population=15000, full_time=2, villages=("甲村", "乙村"), rooms=None, equipment=None,
           signs=None, name="示例镇") -> Office:
    staff = [Staff(f"员{i}", "主任" if i == 0 else "专职", "") for i in range(full_time)]
    staff += [Staff(f"协{v}", "协理员", "", village=v) for v in villages]
    rooms = rooms if rooms is not None else [Room("办公室", 25), Room("接待室", 20), Room("档案室", 15)]
    eq = {"电脑": 2, "打印机": 1, "电话": 1, "复印机": 1, "数码相机": 1, "档案柜": 2, "空调": 1,
          "办公桌椅": full_time, "群众座椅": 4}
    eq.update(equipment or {})
    return Office(code="SL", name=name, kind=kind, population=population, villages=list(villages), staff=staff,
                  rooms=rooms, equipment=[Equipment(k, v) for k, v in eq.items() if v],
                  signs=signs if signs is not None else [f"{name}民政办公室", f"{name}社会救助工作站"])


def failed_rules(o: Office) -> set[str]:
    return {f.rule for f in check_office(o) if not f.passed}


def test_minimal_compliant_office_passes():
    findings = check_office(office())
    assert all(isinstance(f, Finding) for f in findings)
    assert failed_rules(office()) == set()
    assert {f.rule for f in findings} >= {"staffing.full_time", "staffing.director", "staffing.assistants",
                                          "staffing.certified", "premises.rooms", "premises.area",
                                          "equipment.cabinets", "equipment.desks", "equipment.seats",
                                          "signs.office", "signs.aid_station"}


@pytest.mark.parametrize("kind, population, staff, ok", [
    ("乡", 19999, 2, True),
    ("乡", 19999, 1, False),
    ("镇", 20000, 2, False),
    ("镇", 20000, 3, True),
    ("街道", 15000, 3, False),     # a street office needs 4 whatever its population
    ("街道", 15000, 4, True),
])
def test_full_time_staff_by_population(kind, population, staff, ok):
    o = office(kind=kind, population=population, full_time=staff)
    assert ("staffing.full_time" in failed_rules(o)) is not ok


def test_director_assistants_certification():
    o = office()
    o.staff[1].role = "主任"
    assert failed_rules(o) == {"staffing.director"}
    o = office()
    o.staff = [s for s in o.staff if s.village != "乙村"]
    f = {x.rule: x for x in check_office(o)}["staffing.assistants"]
    assert not f.passed and "乙村" in f.actual
    o = office()
    o.staff.append(Staff("多余", "协理员", "", village="甲村"))
    assert failed_rules(o) == {"staffing.assistants"}
    o = office()
    o.staff[1].certified = False
    f = {x.rule: x for x in check_office(o)}["staffing.certified"]
    assert not f.passed and "员1" in f.message


@pytest.mark.parametrize("rooms, failed", [
    ([Room("办公室", 25), Room("接待室", 20), Room("档案室", 15)], set()),
    ([Room("办公室", 25), Room("接待室", 20), Room("档案室", 14.5)], {"premises.area"}),
    ([Room("办公室", 40), Room("接待室", 30)], {"premises.rooms"}),
    ([Room("办公室", 20), Room("接待室", 10), Room("档案室", 10), Room("服务大厅", 80)], {"premises.area"}),
])
def test_three_rooms(rooms, failed):
    assert failed_rules(office(rooms=rooms)) == failed


@pytest.mark.parametrize("extra, rule, ok", [
    (Room("服务大厅", 50, separate=True), "premises.service_hall", True),
    (Room("服务大厅", 49, separate=True), "premises.service_hall", False),
    (Room("服务大厅", 25, separate=False), "premises.service_hall", True),
    (Room("服务大厅", 24, separate=False), "premises.service_hall", False),
    (Room("物资储备室", 15), "premises.store", True),
    (Room("物资储备室", 14), "premises.store", False),
])
def test_high_standard_rooms_checked_only_when_present(extra, rule, ok):
    base = office()
    assert rule not in {f.rule for f in check_office(base)}
    o = office(rooms=base.rooms + [extra])
    f = {x.rule: x for x in check_office(o)}[rule]
    assert f.bonus and f.passed is ok


@pytest.mark.parametrize("change, failed", [
    ({"打印机": 0}, {"equipment.printer"}),
    ({"电脑": 0, "空调": 0}, {"equipment.computer", "equipment.air_conditioner"}),
    ({"档案柜": 1}, {"equipment.cabinets"}),
    ({"办公桌椅": 1}, {"equipment.desks"}),
    ({"群众座椅": 0}, {"equipment.seats"}),
    ({"电话": 0, "数码相机": 0, "复印机": 0}, {"equipment.phone", "equipment.camera", "equipment.copier"}),
])
def test_equipment(change, failed):
    assert failed_rules(office(equipment=change)) == failed


def test_signs():
    assert failed_rules(office(signs=["示例镇民政办公室"])) == {"signs.aid_station"}
    assert failed_rules(office(signs=[])) == {"signs.office", "signs.aid_station"}
    assert failed_rules(office(signs=["别的镇民政办公室", "示例镇社会救助工作站"])) == {"signs.office"}
    street = office(kind="街道", full_time=4, name="东门街道",
                    signs=["东门街道办事处民政办公室", "东门街道 社会救助工作站"])
    assert failed_rules(street) == set()


def test_finding_to_dict_has_stable_keys():
    d = check_office(office())[0].to_dict()
    assert set(d) == {"rule", "item", "passed", "expected", "actual", "basis", "message", "bonus"}
    assert "2万人以下" in d["basis"] and "2名" in d["basis"]


@pytest.mark.parametrize("name", ["list", "check", "import"])
def test_office_commands_have_chinese_help_and_are_documented(invoke, name):
    from pathlib import Path

    out = invoke(None, "office", name, "--help").stdout
    assert "显示本帮助并退出" in out
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"office {name}" in readme
