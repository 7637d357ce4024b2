"""The wall set (上墙制度): rules, procedure, duties, guide, commitments, the four-publics board.

The wording lives in the template (templates/wall-rules.docx) so a clerk edits it in Word; this module
only supplies the office's own facts: names, phones, division of work, the year's recipient counts.
"""
from __future__ import annotations

from datetime import date

from generators.ledger import ledger_specs
from generators.office.model import Office
from generators.render import base_context

WORK_AREAS = ("城乡低保、特困供养、档案管理", "医疗救助、临时救助、救灾救济", "优抚安置、社会福利、老龄工作、社会事务")


def wall_context(settings, office: Office, year: int, today: date) -> dict:
    ctx = base_context(settings, office, year, today)
    staff = []
    others = [s for s in office.full_time if s.role != "主任"]
    if office.director:
        staff.append({"name": office.director.name, "role": "主任", "duty": "主持民政办全面工作，审核各类救助事项"})
    for i, s in enumerate(others):
        staff.append({"name": s.name, "role": "专职工作人员", "duty": WORK_AREAS[i % len(WORK_AREAS)]})
    if office.assistants:
        staff.append({"name": f"各村（居）协理员 {len(office.assistants)} 人", "role": "民政协理员",
                      "duty": "协助做好本村（居）的民政工作，代办申请、报告情况"})
    ctx["staff"] = staff
    ctx["summary"] = [{"class_name": s.class_name, "households": s.households, "persons": s.persons}
                      for s in ledger_specs(office, year)]
    return ctx
