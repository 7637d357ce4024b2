"""Year-end standardization inspection of each office (minzheng report standardization).

Staffing, premises, equipment and signs come from `generators.check_office` (the same checks as
`minzheng office check`), grouped into the rule set's scored items. Four items are judged from the
archive itself: wall postings generated (generate events), household files complete per aid class
(the completeness report), electronic ledgers present (.xlsx ledgers generated or archived) and volumes
bound (current volumes, and no closed year left unbound). The score is the weight of passed items out
of the total; an office qualifies for the half-cost refund when the score reaches the rule set's pass
line and no essential (必备) item failed.
"""
from __future__ import annotations

import json
from datetime import date
from fnmatch import fnmatch

from archive.common.errors import NotFoundError
from archive.store import catalog
from generators.office import check_office, load_county

from .completeness import ReportData, completeness_report
from .rules import RuleSet, StandardItem, load_rules


class StandardizationReport(ReportData):
    """The year-end standardization inspection per office."""


def standardization_report(settings, *, office: str | None = None, year: int | None = None,
                           rules: RuleSet | None = None, county=None, today: date | None = None,
                           completeness=None) -> StandardizationReport:
    """The inspection for every office (or one). `completeness` may pass an already built report."""

    rules = rules or load_rules(settings)
    county = county or load_county(settings)
    office = office.upper() if office else None
    offices = [o for o in county.offices if not office or o.code == office]
    if office and not offices:
        raise NotFoundError(f"本县没有机构代码 {office}；可用：{'、'.join(o.code for o in county.offices)}")
    comp = completeness or completeness_report(settings, office=office, year=year, rules=rules, county=county,
                                               fixity="off", today=today)
    comp_by = {o["code"]: o for o in comp.to_dict()["offices"]}
    conn = catalog.connect(settings.catalog_url)
    try:
        generated = _generated(conn, year)
        archived_ledgers = _archived_ledgers(conn, year)
        volumes = _volumes(conn, year)
    finally:
        conn.close()

    out = []
    for o in offices:
        findings = check_office(o)
        used: set[int] = set()
        items = []
        for it in rules.items:
            if it.key == "postings":
                items.append(_postings(it, generated.get(o.code, []), rules, o.code, year))
            elif it.key == "archives":
                items.append(_archives(it, comp_by.get(o.code)))
            elif it.key == "ledgers":
                items.append(_ledgers(it, generated.get(o.code, []), archived_ledgers.get(o.code, 0), o.code, year))
            elif it.key == "volumes":
                items.append(_volumes_item(it, volumes.get(o.code, 0), comp_by.get(o.code), year, o.code))
            else:
                idx = [i for i, f in enumerate(findings) if any(fnmatch(f.rule, p) for p in it.findings)]
                used.update(idx)
                items.append(_from_findings(it, [findings[i] for i in idx]))
        rest = [f for i, f in enumerate(findings) if i not in used]
        if rest:                                        # checks the rule set does not score: shown, worth 0
            items.append(_from_findings(StandardItem("other", "其他检查（不计分）", 0.0), rest))
        total = sum(i["weight"] for i in items)
        got = sum(i["weight"] for i in items if i["passed"])
        score = round(100.0 * got / total, 1) if total else 0.0
        failed_essential = [i["name"] for i in items if i["essential"] and not i["passed"]]
        out.append({
            "code": o.code, "name": o.name, "kind": o.kind, "population": o.population,
            "score": score, "qualifies": score >= rules.pass_score and not failed_essential,
            "failed_essential": failed_essential,
            "failed": [i["name"] for i in items if not i["passed"]],
            "items": items,
        })
    return StandardizationReport({
        "kind": "standardization",
        "county": county.name or settings.county_name,
        "rules": rules.name,
        "filters": {"office": office, "year": year},
        "pass_score": rules.pass_score,
        "generated_at": catalog.now(),
        "summary": {"offices": len(out), "qualified": sum(1 for o in out if o["qualifies"]),
                    "mean_score": round(sum(o["score"] for o in out) / len(out), 1) if out else 0.0},
        "offices": out,
    })


def _item(it: StandardItem, passed: bool, evidence: str, details: list | None = None) -> dict:
    return {"key": it.key, "name": it.name, "weight": it.weight, "essential": it.essential, "passed": passed,
            "points": it.weight if passed else 0.0, "evidence": evidence, "details": details or []}


def _from_findings(it: StandardItem, findings: list) -> dict:
    if not findings:
        return _item(it, False, f"office check 没有与 {'、'.join(it.findings)} 相符的检查结果；请核对规则集的 findings")
    # a 加分 (high-standard) item the office chose to have does not fail the basic standard
    counted = [f for f in findings if not f.bonus]
    passed = all(f.passed for f in counted)
    bad = [f for f in findings if not f.passed]
    if bad:
        evidence = "；".join(f.message + ("（加分项）" if f.bonus else "") for f in bad)
    else:
        evidence = "；".join(f.message for f in counted[:3]) + ("等全部达标" if len(counted) > 3 else "")
    return _item(it, passed, evidence, [f.to_dict() for f in findings])


def _generated(conn, year) -> dict[str, list[dict]]:
    out: dict = {}
    for r in conn.execute("SELECT at, detail FROM events WHERE kind = 'generate' ORDER BY id"):
        try:
            d = json.loads(r["detail"] or "{}")
        except ValueError:
            continue
        if year and d.get("year") not in (None, year):
            continue
        d["at"] = r["at"]
        out.setdefault(str(d.get("office", "")).upper(), []).append(d)
    return out


def _archived_ledgers(conn, year) -> dict[str, int]:
    q = "SELECT office, count(*) FROM records WHERE category = 'TZ' AND lower(original_name) LIKE '%.xlsx'"
    args = []
    if year:
        q += " AND year = ?"
        args.append(year)
    return {o: n for o, n in conn.execute(q + " GROUP BY office", args)}


def _volumes(conn, year) -> dict[str, int]:
    q, args = "SELECT office, count(*) FROM volumes WHERE superseded = 0", []
    if year:
        q += " AND year = ?"
        args.append(year)
    return {o: n for o, n in conn.execute(q + " GROUP BY office", args)}


def _postings(it, events, rules, code, year) -> dict:
    hits = [e for e in events if set(e.get("kinds") or []) & set(rules.postings_kinds)]
    if hits:
        last = hits[-1]
        return _item(it, True, f"已生成上墙制度 {len(hits)} 次，最近一次 {last['at'][:10]}"
                               f"（{len(last.get('files') or [])} 个文件）")
    return _item(it, False, "没有生成过上墙制度；请运行 minzheng generate rules --office " + code
                 + (f" --year {year}" if year else ""))


def _archives(it, comp: dict | None) -> dict:
    if comp is None:
        return _item(it, False, "没有完整性结果")
    classes = [c for c in comp["classes"] if c["households"]]
    parts = [f"{c['category']} {c['complete']}/{c['households']}" for c in classes]
    bad = [c for c in classes if c["complete"] < c["households"]]
    details = [{"category": c["category"], "households": c["households"], "complete": c["complete"],
                "missing": len(c["missing"])} for c in comp["classes"]]
    if not classes:
        return _item(it, True, "本办没有救助对象户档要求", details)
    ev = "户档齐全：" + "，".join(parts)
    if bad:
        ev = (f"{len(bad)} 类户档不齐（缺 {sum(len(c['missing']) for c in bad)} 件）：" + "，".join(parts))
    return _item(it, not bad, ev, details)


def _ledgers(it, events, archived: int, code: str, year) -> dict:
    files = [f for e in events for f in (e.get("files") or []) if str(f).lower().endswith(".xlsx")]
    if files or archived:
        parts = []
        if files:
            parts.append(f"已生成电子台账 {len(files)} 个（.xlsx）")
        if archived:
            parts.append(f"已归档电子台账 {archived} 件")
        return _item(it, True, "，".join(parts), [{"file": f} for f in files[-10:]])
    return _item(it, False, f"没有电子台账（.xlsx）；请运行 minzheng generate ledger --office {code}"
                 + (f" --year {year}" if year else ""))


def _volumes_item(it, n: int, comp: dict | None, year, code: str) -> dict:
    overdue = sum(u["records"] for u in (comp or {}).get("unbound", []))
    years = sorted({u["year"] for u in (comp or {}).get("unbound", [])})
    if n and not overdue:
        return _item(it, True, f"已装订案卷 {n} 卷，没有逾期未装订的记录")
    parts = [f"已装订案卷 {n} 卷" if n else "没有装订任何案卷" + (f"（{year} 年度）" if year else "")]
    if overdue:
        parts.append(f"{'、'.join(map(str, years))} 年度有 {overdue} 件逾期未装订")
    advice = f"minzheng bind --office {code} --year {year if year else '年度'} --category 类别"
    return _item(it, False, "；".join(parts) + f"；请运行 {advice}", (comp or {}).get("unbound", []))
