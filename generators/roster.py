"""Roster (花名册): full-time staff, then one row per village with its assistant (or a visible gap)."""
from __future__ import annotations

from datetime import date

from generators.office.idnumber import gender
from generators.office.model import Office, Staff
from generators.render import base_context

ROLE_ORDER = {"主任": 0, "专职": 1}


def _gender(s: Staff) -> str:
    if s.gender:
        return s.gender
    try:
        return gender(s.id_number)
    except (ValueError, IndexError):
        return ""


def roster_context(settings, office: Office, year: int, today: date) -> dict:
    ctx = base_context(settings, office, year, today)
    staff = sorted(office.full_time, key=lambda s: (ROLE_ORDER.get(s.role, 9), s.hired or date.max))
    ctx["staff"] = [{
        "no": i, "name": s.name, "gender": _gender(s), "role": "主任" if s.role == "主任" else "专职工作人员",
        "id_number": s.id_number, "education": s.education, "hired": s.hired.isoformat() if s.hired else "",
        "certified": "是" if s.certified else "否", "phone": s.phone,
    } for i, s in enumerate(staff, 1)]
    by_village: dict[str, list[Staff]] = {}
    for s in office.assistants:
        by_village.setdefault(s.village, []).append(s)
    villages = list(office.villages) + [v for v in by_village if v not in office.villages]
    rows = []
    for v in villages:
        for s in by_village.get(v) or [None]:
            rows.append({
                "village": v, "name": s.name if s else "（未确定）", "gender": _gender(s) if s else "",
                "id_number": s.id_number if s else "", "certified": ("是" if s.certified else "否") if s else "",
                "phone": s.phone if s else "",
            })
    for i, r in enumerate(rows, 1):
        r["no"] = i
    ctx["assistants"] = rows
    ctx["assistants_named"] = sum(1 for r in rows if r["id_number"])
    return ctx
