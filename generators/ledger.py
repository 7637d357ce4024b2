"""Ledgers (台账): one per aid class, DB split into urban and rural. Rows and totals for .docx/.xlsx/PDF."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from generators.office.idnumber import gender
from generators.office.model import AID_CLASSES, MONTHLY, Office, Recipient
from generators.render import base_context, money, total

DB_AREAS = (("urban", "城市", "城市最低生活保障"), ("rural", "农村", "农村最低生活保障"))


@dataclass
class LedgerSpec:
    key: str                          # file-name part: DB-urban, DB-rural, TK, …
    category: str                     # AID_CLASSES key
    class_name: str                   # 城市最低生活保障
    recipients: list[Recipient] = field(default_factory=list)
    year: int = 0

    @property
    def monthly(self) -> bool:
        return self.category in MONTHLY

    @property
    def title(self) -> str:
        return f"{self.class_name}台账"

    @property
    def amount_label(self) -> str:
        return "月发放金额（元）" if self.category in MONTHLY else "救助金额（元）"

    @property
    def households(self) -> int:
        return len(self.recipients)

    @property
    def persons(self) -> int:
        return sum(r.household_size for r in self.recipients)

    @property
    def amount(self) -> Decimal:
        return total(r.amount for r in self.recipients)

    @property
    def started(self) -> int:
        """Monthly aid: households that started this year (新增)."""
        return sum("新增" in r.changes_in(self.year) for r in self.recipients)

    @property
    def stopped(self) -> int:
        """Monthly aid: households whose aid ended this year (停保/停发)."""
        return sum(r.end_date is not None and r.end_date.year == self.year for r in self.recipients)


def in_year(r: Recipient, year: int) -> bool:
    """The one rule for which recipients a year's documents list (see Recipient.listed_in)."""
    return r.listed_in(year)


def is_urban(r: Recipient) -> bool:
    return r.area.strip() in ("城市", "城镇", "urban")


def ledger_specs(office: Office, year: int) -> list[LedgerSpec]:
    """One spec per aid class; DB split by area (only the areas that occur; one combined if none)."""
    specs = []
    for cat, name in AID_CLASSES.items():
        rows = sorted((r for r in office.recipients_of(cat) if in_year(r, year)),
                      key=lambda r: (r.village, r.start_date or date.min, r.name))
        if cat == "DB":
            parts = [LedgerSpec(f"DB-{key}", cat, label, [r for r in rows if is_urban(r) == (key == "urban")], year)
                     for key, _, label in DB_AREAS]
            parts = [p for p in parts if p.recipients] or [LedgerSpec("DB", cat, name, [], year)]
            specs.extend(parts)
        else:
            specs.append(LedgerSpec(cat, cat, name, rows, year))
    return specs


def ledger_rows(spec: LedgerSpec) -> list[dict]:
    """One dict per row. `change` is monthly aid's 新增/停保/停发 in the ledger's year; `reason` leads with
    it (【新增】, 【2026年6月30日停保】) so that the .docx and PDF show it in the 救助原因 column, `cause`
    is the reason alone (the .xlsx has 终止日期 and 变动 columns of its own)."""
    return [_row(i, r, spec.year) for i, r in enumerate(spec.recipients, 1)]


def _row(no: int, r: Recipient, year: int) -> dict:
    changes = r.changes_in(year) if year else []
    marks = [f"{r.end_date.year}年{r.end_date.month}月{r.end_date.day}日{c}" if c != "新增" and r.end_date else c
             for c in changes]
    return {
        "no": no, "name": r.name, "gender": _gender(r.id_number), "id_number": r.id_number,
        "village": r.village, "household_size": r.household_size, "amount": money(r.amount),
        "amount_value": float(r.amount),
        "start_date": r.start_date.isoformat() if r.start_date else "",
        "end_date": r.end_date.isoformat() if r.end_date else "",
        "change": "、".join(changes),
        "reason": "".join(f"【{m}】" for m in marks) + r.reason, "cause": r.reason, "phone": r.phone,
    }


def _gender(id_number: str) -> str:
    try:
        return gender(id_number)
    except (ValueError, IndexError):
        return ""


def ledger_context(settings, office: Office, spec: LedgerSpec, year: int, today: date) -> dict:
    ctx = base_context(settings, office, year, today)
    ctx["ledger"] = {
        "title": spec.title, "class_name": spec.class_name, "amount_label": spec.amount_label,
        "rows": ledger_rows(spec),
        "totals": {"households": spec.households, "persons": spec.persons, "amount": money(spec.amount)},
        "monthly": spec.monthly, "started": spec.started, "stopped": spec.stopped,
        "maker": next((s.name for s in office.staff if s.role == "专职"), "＿＿＿＿"), "director": ctx["director"],
    }
    return ctx
