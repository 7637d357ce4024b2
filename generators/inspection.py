"""The year-end standardization inspection form, pre-filled from check_office; blanks for the inspector.

Rows are grouped by the rule set's standardization items (templates/rules/*.toml, [standardization]):
each group carries the item's weight (分值), shown once in a cell merged over the group's rows.
"""
from __future__ import annotations

from datetime import date
from fnmatch import fnmatch

from archive.inspection import load_rules
from generators.ledger import ledger_specs
from generators.office.model import Office
from generators.office.standard import check_office
from generators.render import base_context

# Items the office data cannot show; the inspector looks at them on site. The last field is the key of
# the rule set's standardization item they count towards.
ON_SITE = [
    ("规章制度上墙", "规章制度、办事流程、岗位职责、办事指南、服务承诺全部公示上墙", "postings"),
    ("政务“四公开”", "政策、程序、标准、结果公开", "postings"),
    ("宣传栏和公示栏", "长久耐用的政策宣传栏和救助对象公示栏，按要求公示", "postings"),
    ("档案整理装订", "历年台账、资料按档案部门和市民政局的格式整理装订，规范无差错", "volumes"),
    ("硬件设施专用", "各种硬件设施为民政办专用", "equipment"),
    ("人员配备文件", "人员配备有乡镇（街道）正式文件确认，并报民政局备案", "staffing"),
]
UNSCORED = "其他（不计分）"


def _num(v: float) -> str:
    return f"{v:g}"


def inspection_context(settings, office: Office, year: int, today: date) -> dict:
    ctx = base_context(settings, office, year, today)
    rows = []                                    # (rule-item key or pattern target, row)
    for f in check_office(office):
        rows.append((f.rule, None, {"item": f.item + ("（加分项）" if f.bonus else ""), "expected": f.expected,
                                    "actual": f.actual, "result": "符合" if f.passed else "不符合",
                                    "passed": f.passed}))
    specs = ledger_specs(office, year)
    counts = "；".join(f"{s.class_name} {s.households} 户" for s in specs)
    rows.append((None, "archives", {"item": "各类对象档案", "actual": f"{counts or '本年度没有救助对象'}（现场查看档案）",
                                    "expected": "城乡低保、医疗救助、五保、救灾救济、抚恤定补等对象资料齐全",
                                    "result": "", "passed": True}))
    rows.append((None, "ledgers", {"item": "电子台账", "expected": "各类对象建立电子台账",
                                   "actual": f"电子台账 {len(specs)} 本", "result": "", "passed": True}))
    for item, expected, key in ON_SITE:
        rows.append((None, key, {"item": item, "expected": expected, "actual": "（现场查看）", "result": "",
                                 "passed": True}))

    rules = load_rules(settings)
    groups, taken = [], set()
    for it in rules.items:
        mine = [i for i, (rule, key, _) in enumerate(rows) if i not in taken and (
            key == it.key or rule is not None and any(fnmatch(rule, p) for p in it.findings))]
        taken.update(mine)
        group_rows = [rows[i][2] for i in mine] or [
            {"item": it.name, "expected": "", "actual": "（现场查看）", "result": "", "passed": True}]
        groups.append({"key": it.key, "name": it.name + ("（必备）" if it.essential else ""),
                       "weight": _num(it.weight), "rows": group_rows})
    rest = [r for i, (_, _, r) in enumerate(rows) if i not in taken]
    if rest:
        groups.append({"key": "", "name": UNSCORED, "weight": "", "rows": rest})
    items = [r for g in groups for r in g["rows"]]
    for i, it in enumerate(items, 1):
        it["no"] = i
    ctx["groups"] = groups
    ctx["items"] = items
    ctx["failed"] = sum(1 for it in items if not it["passed"])
    ctx["total_weight"] = _num(sum(float(g["weight"]) for g in groups if g["weight"]))
    ctx["rules_name"] = rules.name
    ctx["weights"] = "；".join(f"{g['name']} {g['weight']} 分" for g in groups if g["weight"])
    return ctx
