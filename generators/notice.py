"""Public notices (公示) of aid recipients: only name, village, household size, amount; IDs masked."""
from __future__ import annotations

from datetime import date, timedelta

from generators.ledger import LedgerSpec
from generators.office.idnumber import mask_id
from generators.office.model import Office
from generators.render import base_context, cn_date, money

NOTICE_DAYS = 7


def notice_context(settings, office: Office, spec: LedgerSpec, year: int, today: date,
                   days: int = NOTICE_DAYS) -> dict:
    ctx = base_context(settings, office, year, today)
    ctx["notice"] = {
        "class_name": spec.class_name, "amount_label": spec.amount_label,
        "rows": [{
            "no": i, "name": r.name, "village": r.village, "household_size": r.household_size,
            "amount": money(r.amount), "masked_id": mask_id(r.id_number),
        } for i, r in enumerate(spec.recipients, 1)],
        "totals": {"households": spec.households, "persons": spec.persons, "amount": money(spec.amount)},
        "start": cn_date(today), "end": cn_date(today + timedelta(days=days - 1)), "days": days,
    }
    return ctx
