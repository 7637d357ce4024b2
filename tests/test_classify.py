"""classify_record: household from a known ID number or a unique recipient name; type from keywords."""
from __future__ import annotations

import pytest

from archive import classify_record, load_rules
from archive.inspection.rules import load_rules_file

HH = {
    "439921199612019424": "许茶麦",
    "43992119510209061X": "周溪",
    "439921198305064802": "王芳",
    "439921197001011234": "王芳芳",
    "439921196502024567": "李春",
    "439921196803035678": "李春",        # two households, same name
}


@pytest.mark.parametrize("title, text, want", [
    # title keywords: the longest keyword in the title wins
    ("许茶麦城乡最低生活保障申请书", "", ("439921199612019424", "申请书")),
    ("周溪低保审批表", "", ("43992119510209061X", "审批表")),
    ("入户调查表（周溪）", "", ("43992119510209061X", "入户调查表")),
    ("户口簿复印件", "户主 周溪", ("43992119510209061X", "身份证或户口簿复印件")),
    ("家庭经济状况核对报告", "", (None, "家庭经济状况核对报告")),
    ("特困人员供养协议", "", (None, "供养协议")),
    ("住院发票", "", (None, "医疗费用票据")),
    # no keyword in the title: the earliest keyword in the text's heading
    ("材料（待整理）", "最低生活保障\u3000入户调查表\n户主：许茶麦 身份证号：439921199612019424\n申请书已收", ("439921199612019424", "入户调查表")),
    ("扫描件001", "审批表\n申请人签字", (None, "审批表")),
    # an ID number in the text beats names; a lower-case x is accepted
    ("申请书", "申请人 王芳 身份证 43992119510209061x", ("43992119510209061X", "申请书")),
    # an unknown ID number is not a household; the name decides
    ("申请书", "申请人 许茶麦 身份证 110101199003071234", ("439921199612019424", "申请书")),
    # a name inside a longer name is not a second match
    ("收入证明", "兹证明王芳芳家庭月收入 800 元", ("439921197001011234", "收入证明")),
    # two households share the name: undecided
    ("申请书", "申请人 李春", (None, "申请书")),
    # two different names: undecided
    ("申请书", "许茶麦 周溪", (None, "申请书")),
    # nothing to go on
    ("会议纪要", "全体人员参加", (None, None)),
    ("", "", (None, None)),
])
def test_classify_record(title, text, want):
    assert classify_record(title, text, HH) == want


def test_no_households_means_no_household():
    assert classify_record("许茶麦低保申请书 439921199612019424", "", {}) == (None, "申请书")


def test_keyword_deep_in_the_body_does_not_decide():
    text = "情况说明\n" + "这是正文。" * 100 + "审批表"
    assert classify_record("说明", text, HH) == (None, None)


def test_keywords_come_from_the_rule_set(tmp_path):
    from archive.store.config import TEMPLATES_DIR

    text = (TEMPLATES_DIR / "rules" / "default.toml").read_text(encoding="utf-8")
    p = tmp_path / "r.toml"
    p.write_text(text.replace('{ name = "收入证明", keywords = ["收入证明", "收入情况", "工资证明"] }',
                              '{ name = "收入证明", keywords = ["收入证明", "薪资单"] }'), encoding="utf-8")
    rules = load_rules_file(p)
    assert classify_record("某某薪资单", "", {}, rules) == (None, "收入证明")
    assert classify_record("某某薪资单", "", {}, load_rules(None)) == (None, None)
