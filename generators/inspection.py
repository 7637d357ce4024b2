"""The year-end standardization inspection form, pre-filled from check_office; blanks for the inspector."""
from __future__ import annotations

from datetime import date

from generators.ledger import ledger_specs
from generators.office.model import Office
from generators.office.standard import check_office
from generators.render import base_context

# Items the office data cannot show; the inspector looks at them on site.
ON_SITE = [
    ("规章制度上墙", "规章制度、办事流程、岗位职责、办事指南、服务承诺全部公示上墙"),
    ("政务“四公开”", "政策、程序、标准、结果公开"),
    ("宣传栏和公示栏", "长久耐用的政策宣传栏和救助对象公示栏，按要求公示"),
    ("档案整理装订", "历年台账、资料按档案部门和市民政局的格式整理装订，规范无差错"),
    ("硬件设施专用", "各种硬件设施为民政办专用"),
    ("人员配备文件", "人员配备有乡镇（街道）正式文件确认，并报民政局备案"),
]


def inspection_context(settings, office: Office, year: int, today: date) -> dict:
    ctx = base_context(settings, office, year, today)
    items = []
    for f in check_office(office):
        items.append({"item": f.item + ("（加分项）" if f.bonus else ""), "expected": f.expected,
                      "actual": f.actual, "result": "符合" if f.passed else "不符合", "passed": f.passed})
    specs = ledger_specs(office, year)
    counts = "；".join(f"{s.class_name} {s.households} 户" for s in specs)
    items.append({"item": "各类对象档案和电子台账", "expected": "城乡低保、医疗救助、五保、救灾救济、抚恤定补等对象资料齐全，建立电子台账",
                  "actual": f"电子台账 {len(specs)} 本：{counts}", "result": "", "passed": True})
    for item, expected in ON_SITE:
        items.append({"item": item, "expected": expected, "actual": "（现场查看）", "result": "", "passed": True})
    for i, it in enumerate(items, 1):
        it["no"] = i
    ctx["items"] = items
    ctx["failed"] = sum(1 for it in items if not it["passed"])
    return ctx
