"""The views of a report's dict (`to_dict()`) that every format draws, so the numbers agree:
tables with Chinese headers, the chart's bars, title, subtitle and summary lines."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_DOC_ROWS = 1000        # docx/pdf list at most this many rows per view (xlsx/csv/json have them all)


@dataclass
class View:
    key: str
    title: str                                  # sheet name / section heading (Chinese)
    columns: list[tuple[str, str]]              # (key, Chinese header)
    rows: list[dict] = field(default_factory=list)
    widths: list[float] | None = None           # relative column widths for docx/pdf
    note: str = ""
    text_rows: int = 100                        # rows shown on screen (text format)


@dataclass
class Chart:
    title: str
    labels: list[str]
    values: list[float]
    y_title: str
    max_value: float = 100.0
    line: float | None = None                  # e.g. the pass line


# ---------------------------------------------------------------- views
def _pct(v) -> str:
    return f"{v:.1f}%"


def completeness_views(rep: dict) -> tuple[list[View], Chart]:
    offices = rep["offices"]
    summary = View("summary", "机构汇总", [
        ("code", "机构代码"), ("name", "机构"), ("households", "应建户档"), ("complete", "齐全户档"),
        ("percent", "齐全率（%）"), ("missing_count", "缺件数"), ("metadata_gap_count", "著录缺项件数"),
        ("sequence_gaps", "断号组数"), ("unbound", "逾期未装订件数"), ("fixity_count", "原件校验失败"),
        ("needs_review", "待复核记录")],
        widths=[1.2, 1.6, 1.1, 1.1, 1, 1, 1.3, 1, 1.3, 1.2, 1.1])
    for o in offices:
        summary.rows.append({
            "code": o["code"], "name": o["name"], "households": o["households"], "complete": o["complete"],
            "percent": o["percent"], "missing_count": o["missing_count"],
            "metadata_gap_count": o["metadata_gap_count"], "sequence_gaps": len(o["sequence_gaps"]),
            "unbound": sum(u["records"] for u in o["unbound"]), "fixity_count": o.get("fixity_count", len(o["fixity"])),
            "needs_review": o["needs_review"]})
    s = rep["summary"]
    summary.rows.append({"code": "合计", "name": rep.get("county", ""), "households": s["households"],
                         "complete": s["complete"], "percent": s["percent"], "missing_count": s["missing"],
                         "metadata_gap_count": s["metadata_gaps"], "sequence_gaps": s["sequence_gaps"],
                         "unbound": s["unbound_records"], "fixity_count": s["fixity_failures"],
                         "needs_review": s["needs_review"]})
    overview = View("overview", "机构×救助类别", [
        ("code", "机构代码"), ("name", "机构"), ("category", "类别"), ("class_name", "救助类别"),
        ("households", "应建户档"), ("complete", "齐全户档"), ("percent", "齐全率（%）"), ("missing", "缺件数"),
        ("records", "户档记录"), ("unmatched_records", "未归户记录")],
        widths=[1.1, 1.4, 0.8, 2.4, 1, 1, 1, 0.9, 1, 1.1])
    missing = View("missing", "缺件明细", [
        ("code", "机构代码"), ("name", "机构"), ("category", "类别"), ("household", "户主身份证号/户号"),
        ("household_name", "户主"), ("village", "村（居）"), ("document_type", "缺少的材料")],
        widths=[1, 1.3, 0.8, 2.4, 1.1, 1.3, 2.2])
    for o in offices:
        for c in o["classes"]:
            overview.rows.append({"code": o["code"], "name": o["name"], "category": c["category"],
                                  "class_name": c["name"], "households": c["households"], "complete": c["complete"],
                                  "percent": c["percent"], "missing": len(c["missing"]),
                                  "records": c["records"], "unmatched_records": c["unmatched_records"]})
            for m in c["missing"]:
                missing.rows.append({"code": o["code"], "name": o["name"], "category": c["category"],
                                     "household": m["household"], "household_name": m.get("name", ""),
                                     "village": m.get("village", ""), "document_type": m["document_type"]})
    meta_fields = View("metadata_fields", "著录缺项统计", [
        ("code", "机构代码"), ("name", "机构"), ("field", "著录项"), ("records", "缺此项的件数")], widths=[1, 1.3, 1.2, 1.2])
    for o in offices:
        for f, n in o["metadata_gap_fields"].items():
            meta_fields.rows.append({"code": o["code"], "name": o["name"], "field": f, "records": n})
    meta = View("metadata", "著录缺项", [
        ("code", "机构代码"), ("record_id", "记录号"), ("original_name", "文件名"), ("title", "题名"),
        ("year", "年度"), ("category", "类别"), ("missing", "缺少的著录项")],
        widths=[1, 0.8, 2.6, 3, 0.7, 0.6, 1.8], text_rows=20)
    seq = View("sequence", "件号断号", [
        ("code", "机构代码"), ("category", "类别"), ("year", "年度"), ("retention", "保管期限"),
        ("missing", "缺号"), ("duplicates", "重号")], widths=[1, 0.8, 0.8, 1, 4, 2])
    unbound = View("unbound", "逾期未装订", [
        ("code", "机构代码"), ("category", "类别"), ("year", "年度"), ("retention", "保管期限"), ("records", "件数")],
        widths=[1, 1, 1, 1, 1])
    fix = View("fixity", "原件校验", [
        ("code", "机构代码"), ("record_id", "记录号"), ("original_name", "文件名"), ("sha256", "SHA-256"),
        ("problem", "问题")], widths=[1, 0.8, 2.4, 3.4, 3])
    for o in offices:
        for g in o["metadata_gaps"]:
            meta.rows.append({**g, "code": o["code"], "missing": "、".join(g["missing"])})
        for g in o["sequence_gaps"]:
            seq.rows.append({"code": o["code"], "category": g["category"], "year": g["year"],
                             "retention": g["retention"],
                             "missing": "、".join(_range(a, b) for a, b in g["missing"]),
                             "duplicates": "、".join(f"{n:04d}" for n in g["duplicates"])})
        for u in o["unbound"]:
            unbound.rows.append({"code": o["code"], **u})
        for f in o["fixity"]:
            fix.rows.append({"code": o["code"], **f})
    if s["metadata_gaps"] > len(meta.rows):
        meta.note = f"共 {s['metadata_gaps']} 件，此处列出前 {len(meta.rows)} 件"
    chart = Chart("各机构户档齐全率", [o["name"] for o in offices], [o["percent"] for o in offices], "齐全率（%）")
    return [summary, overview, missing, meta_fields, meta, seq, unbound, fix], chart


def _range(a: int, b: int) -> str:
    return f"{a:04d}" if a == b else f"{a:04d}–{b:04d}"


def standardization_views(rep: dict) -> tuple[list[View], Chart]:
    total = View("summary", "总评", [
        ("code", "机构代码"), ("name", "机构"), ("score", "得分"), ("qualifies", "可申请返还一半经费"),
        ("failed_essential", "不合格必备项"), ("failed", "不合格项")], widths=[1, 1.3, 0.8, 1.6, 2.6, 4])
    items = View("items", "检查项", [
        ("code", "机构代码"), ("name", "机构"), ("item", "检查项"), ("essential", "必备"), ("weight", "分值"),
        ("result", "结果"), ("points", "得分"), ("evidence", "依据与实际情况")],
        widths=[0.9, 1.1, 2.2, 0.6, 0.6, 0.8, 0.6, 6.5])
    for o in rep["offices"]:
        total.rows.append({"code": o["code"], "name": o["name"], "score": _num(o["score"]),
                           "qualifies": "是" if o["qualifies"] else "否",
                           "failed_essential": "、".join(o["failed_essential"]), "failed": "、".join(o["failed"])})
        for i in o["items"]:
            items.rows.append({"code": o["code"], "name": o["name"], "item": i["name"],
                               "essential": "是" if i["essential"] else "", "weight": _num(i["weight"]),
                               "result": "合格" if i["passed"] else "不合格", "points": _num(i["points"]),
                               "evidence": i["evidence"]})
    total.note = f"合格线：得分不低于 {_num(rep['pass_score'])} 且必备项全部合格"
    chart = Chart("各机构规范化建设得分", [o["name"] for o in rep["offices"]], [o["score"] for o in rep["offices"]],
                  "得分", line=rep["pass_score"])
    return [total, items], chart


def _num(v: float):
    return int(v) if float(v).is_integer() else v


def views_of(rep: dict) -> tuple[list[View], Chart]:
    if rep.get("kind") == "standardization":
        return standardization_views(rep)
    return completeness_views(rep)


def title_of(rep: dict) -> str:
    what = "规范化建设检查验收报告" if rep.get("kind") == "standardization" else "档案完整性报告"
    f = rep.get("filters", {})
    scope = "".join([f"（{f['year']} 年度）" if f.get("year") else ""])
    return f"{rep.get('county', '')}民政办{what}{scope}"


def subtitle_of(rep: dict) -> str:
    f = rep.get("filters", {})
    parts = [f"规则集：{rep.get('rules', '')}"]
    if f.get("office"):
        parts.append(f"机构：{f['office']}")
    if f.get("category"):
        parts.append(f"类别：{f['category']}")
    parts.append(f"生成时间：{rep.get('generated_at', '')[:19].replace('T', ' ')}")
    return "　".join(parts)


def summary_lines(rep: dict) -> list[str]:
    s = rep["summary"]
    if rep.get("kind") == "standardization":
        return [f"共 {s['offices']} 个民政办，{s['qualified']} 个达到验收合格线（可申请返还一半建设经费），"
                f"平均得分 {s['mean_score']}。"]
    households = (f"{s['note']}，不计齐全率" if s.get("note") and not s["households"] else
                  f"应建户档 {s['households']} 户，齐全 {s['complete']} 户（{_pct(s['percent'])}）")
    return [f"共 {s['offices']} 个民政办，{households}，缺件 {s['missing']} 件。",
            f"著录缺项 {s['metadata_gaps']} 件，件号断号 {s['sequence_gaps']} 处，逾期未装订 {s['unbound_records']} 件，"
            f"原件校验失败 {s['fixity_failures']} 件，推断归户待复核 {s['needs_review']} 件。"]
