"""Rule sets: the built-in ones load; a typo or a wrong value is a ConfigError naming file and key."""
from __future__ import annotations

import pytest

import archive
from archive.common.errors import ConfigError
from archive.inspection.rules import load_rules_file
from archive.store.config import TEMPLATES_DIR

DEFAULT = (TEMPLATES_DIR / "rules" / "default.toml").read_text(encoding="utf-8")


def test_default_rules_load_with_core_household_documents():
    rules = archive.load_rules(None)
    assert rules.classes["DB"].required == ["申请书", "审批表", "入户调查表", "身份证或户口簿复印件", "收入证明"]
    assert set(rules.classes) == {"DB", "TK", "YL", "LS", "JZ", "FX"}
    assert rules.metadata == ("档号", "题名", "日期", "责任者", "保管期限", "开放标识")
    assert sum(i.weight for i in rules.items) == 100
    assert {i.key for i in rules.items if i.essential} == {"staffing", "premises", "archives"}


def test_strict_rules_require_more_for_the_minimum_allowance():
    strict = archive.load_rules(None, "strict")
    assert {"民主评议记录", "公示记录", "家庭经济状况核对报告", "诚信承诺书"} <= set(strict.classes["DB"].required)


def test_settings_choose_the_rule_set_and_root_rules_override(root):
    settings = archive.load_settings(root)
    assert archive.load_rules(settings).name == "默认规则"
    (root / "rules").mkdir()
    (root / "rules" / "default.toml").write_text(DEFAULT.replace('name = "默认规则"', 'name = "本县规则"'),
                                                encoding="utf-8")
    assert archive.load_rules(settings).name == "本县规则"


@pytest.mark.parametrize("old, new, key, hint", [
    ("documents = [\n  { name = \"申请书\", keywords = [\"低保申请书\"",
     "documents = [\n  { nmae = \"申请书\", keywords = [\"低保申请书\"", "classes.DB.documents[0].nmae", "name"),
    ("[checks]\nsequence = true", "[checks]\nsequense = true", "checks.sequense", "sequence"),
    ("pass_score = 90 ", "pass_scor = 90 ", "standardization.pass_scor", "pass_score"),
    ("[classes.TK]", "[classes.XX]", "classes.XX", None),
    ('retention = "D30"\ndocuments = [\n  { name = "申请书", keywords = ["特困',
     'retention = "D20"\ndocuments = [\n  { name = "申请书", keywords = ["特困', "classes.TK.retention", None),
    ('"开放标识"]', '"开放标志"]', "metadata.required", None),
    ("sequence = true", 'sequence = "yes"', "checks.sequence", None),
])
def test_rule_file_typo_names_file_and_key(tmp_path, old, new, key, hint):
    assert old in DEFAULT
    p = tmp_path / "county.toml"
    p.write_text(DEFAULT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_rules_file(p)
    msg = str(e.value)
    assert str(p) in msg and key in msg
    if hint:
        assert f"是不是 “{hint}”" in msg


def test_bad_rule_file_through_the_cli_exits_4_with_chinese_message(root, invoke):
    (root / "rules").mkdir()
    (root / "rules" / "default.toml").write_text(DEFAULT.replace("[checks]\nsequence", "[checks]\nsequense"),
                                                encoding="utf-8")
    r = invoke(root, "report", "completeness", ok=False)
    assert r.exit_code == 4
    assert "checks.sequense" in r.stderr and "未知的键" in r.stderr and "Traceback" not in r.stderr


def test_toml_syntax_error_is_a_config_error(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式错误"):
        load_rules_file(p)
