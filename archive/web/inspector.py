"""The inspector's pages (检查人员): completeness and standardization dashboards per office, year and aid
class with bar charts drawn on the server (inline SVG), drill-down to each household's missing documents,
and every report downloadable as xlsx, docx and pdf (generators.render_report). ID numbers are masked for
users who do not need them, in the pages and in the downloads."""
from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

from flask import Blueprint, abort, render_template, request, send_file, url_for

import archive
import generators

from .auth import (
    can_see_office,
    current_user,
    log_use,
    mask_ids,
    requires,
    sees_full_ids,
)
from .charts import bar_chart, level_of
from .work import check_office, conn, form_code, form_year, memo, office_names, settings

bp = Blueprint("inspector", __name__, url_prefix="/inspector")

ROLES = ("inspector", "archivist", "admin")
FORMATS = {"xlsx": "Excel", "docx": "Word", "pdf": "PDF"}
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}
NARROW = {"label_w": 150, "bar_w": 200, "value_w": 120}      # two charts side by side
KIND_NAMES = {"completeness": "档案完整性报告", "standardization": "规范化建设检查报告"}


def masked(obj, office: str | None = None):
    """The report as the current user may see it: every ID number masked unless they need it."""
    return obj if sees_full_ids(current_user(), office) else _mask_all(obj)


def _mask_all(obj):
    if isinstance(obj, str):
        return mask_ids(obj)
    if isinstance(obj, list):
        return [_mask_all(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _mask_all(v) for k, v in obj.items()}
    return obj


def household_token(key: str) -> str:
    """A household in a URL without its ID number."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def filters() -> dict:
    s = settings()
    office = form_code(request.args.get("office"), office_names(), "机构")
    if office:
        check_office(office)
    return {"office": office, "year": form_year(request.args.get("year")),
            "category": form_code(request.args.get("category"), generators.AID_CLASSES, "救助类别")
            if request.args.get("category") else None, "_s": s}


def completeness(f: dict, *, stale_ok: bool = True):
    return memo("completeness", (f["office"], f["year"], f["category"]), lambda: archive.completeness_report(
        f["_s"], office=f["office"], year=f["year"], category=f["category"], fixity="off"), stale_ok=stale_ok)


def standardization(f: dict, comp=None, *, stale_ok: bool = True):
    return memo("standardization", (f["office"], f["year"]), lambda: archive.standardization_report(
        f["_s"], office=f["office"], year=f["year"], completeness=comp if not f["category"] else None),
        stale_ok=stale_ok)


@bp.get("/")
@requires(*ROLES)
def dashboard():
    f = filters()
    comp = completeness(f)
    std = standardization(f, comp)
    c, sd = comp.to_dict(), std.to_dict()
    office_chart = bar_chart([{"label": o["name"], "value": o["percent"], "level": level_of(o["percent"]),
                               "text": f"{o['percent']:g}%（{o['complete']}/{o['households']} 户）"}
                              for o in c["offices"]], title="各民政办户档齐全率", **NARROW)
    by_class: dict[str, list[int]] = {}
    for o in c["offices"]:
        for cl in o["classes"]:
            t = by_class.setdefault(cl["name"], [0, 0])
            t[0] += cl["complete"]
            t[1] += cl["households"]
    class_chart = bar_chart([{"label": name, "value": round(100 * a / b, 1) if b else 0.0,
                              "level": level_of(100 * a / b if b else 0), "text": f"{a}/{b} 户"}
                             for name, (a, b) in by_class.items()], title="各救助类别户档齐全率", **NARROW)
    std_chart = bar_chart([{"label": o["name"], "value": o["score"], "level": "good" if o["qualifies"] else "bad",
                            "text": f"{o['score']:g} 分{'（合格）' if o['qualifies'] else ''}"} for o in sd["offices"]],
                          title="各民政办规范化建设得分", unit="分", mark=sd["pass_score"])
    log_use("report_view", "completeness+standardization", office=f["office"], year=f["year"],
            category=f["category"])
    return render_template("inspector_dashboard.html", c=c, sd=sd, f=f, offices=office_names(),
                           classes=generators.AID_CLASSES, office_chart=office_chart, class_chart=class_chart,
                           std_chart=std_chart, formats=FORMATS, kinds=KIND_NAMES, query=_query(f),
                           office_query={k: v for k, v in _query(f).items() if k != "office"})


def _query(f: dict) -> dict:
    return {k: v for k, v in f.items() if k != "_s" and v}


@bp.get("/office/<office>")
@requires(*ROLES)
def office_page(office: str):
    office = check_office(office)
    f = {**filters(), "office": office}
    rep, entry = office_entry(f, office)
    households = masked(_missing_by_household(entry), office)     # tokens made from the full keys
    o = {k: entry[k] for k in ("code", "name", "households", "complete", "percent", "missing_count")}
    o["classes"] = [{k: cl[k] for k in ("category", "name", "required", "households", "complete", "percent")}
                    | {"missing": len(cl["missing"])} for cl in entry["classes"]]
    log_use("report_view", f"completeness:{office}", office=office, year=f["year"], category=f["category"])
    return render_template("inspector_office.html", o=o, f=f, households=households, generated_at=rep["generated_at"],
                           offices=office_names(), classes=generators.AID_CLASSES, formats=FORMATS,
                           kinds=KIND_NAMES, query=_query(f))


def office_entry(f: dict, office: str) -> tuple[dict, dict]:
    """(the county report, this office's part of it): one report kept for the whole county serves the
    dashboard and every office's and household's page."""
    rep = completeness({**f, "office": None}).to_dict()
    for o in rep["offices"]:
        if o["code"] == office:
            return rep, o
    abort(404, description=f"完整性报告里没有机构 {office}（本县的民政办数据中没有这个机构）")


def _missing_by_household(o: dict) -> list[dict]:
    out: dict[tuple, dict] = {}
    for cl in o["classes"]:
        for m in cl["missing"]:
            h = out.setdefault((cl["category"], m["household"]), {
                "category": cl["category"], "class_name": cl["name"], "household": m["household"],
                "name": m["name"], "village": m["village"], "token": household_token(m["household"]),
                "required": cl["required"], "missing": []})
            h["missing"].append(m["document_type"])
    return sorted(out.values(), key=lambda h: (h["category"], h["village"], h["name"]))


@bp.get("/office/<office>/household/<category>/<token>")
@requires(*ROLES)
def household_page(office: str, category: str, token: str):
    office = check_office(office)
    category = form_code(category, generators.AID_CLASSES, "救助类别", required=True)
    f = {**filters(), "office": office, "category": None}
    _, entry = office_entry(f, office)
    found = [h for h in _missing_by_household(entry) if h["token"] == token and h["category"] == category]
    if not found:
        abort(404, description="该户在所选范围内没有缺少的材料（或该户不存在）。请返回机构页面重新选择。")
    h = found[0]
    records = _household_records(h["household"], office)
    log_use("view", f"household:{category}", office=office, household=mask_ids(h["household"]))
    return render_template("inspector_household.html", h=masked(h, office), records=masked(records, office),
                           office=office, offices=office_names(), f=f, query=_query(f))


def _household_records(key: str, office: str) -> list[dict]:
    # by the household index alone (with the office in the WHERE clause SQLite picks the office index and
    # reads every record of the office), then keep this office's
    rows = conn().execute("SELECT id, title, original_name, document_type, category, year, archival_code, office "
                          "FROM records WHERE household IN (?, ?) ORDER BY year, id", (key, key.lower())).fetchall()
    return [dict(r) for r in rows if r["office"] == office]


@bp.get("/report/<kind>.<fmt>")
@requires(*ROLES)
def report_file(kind: str, fmt: str):
    if kind not in KIND_NAMES or fmt not in FORMATS:
        abort(404, description="没有这种报告或格式（可下载：完整性、规范化报告的 xlsx、docx、pdf）")
    f = filters()
    rep = completeness(f, stale_ok=False) if kind == "completeness" else standardization(f, stale_ok=False)
    data = masked(rep.to_dict(), f["office"])
    with tempfile.TemporaryDirectory(prefix="minzheng-report-") as tmp:
        out = generators.render_report(data, fmt, Path(tmp) / f"report.{fmt}")
        body = Path(out).read_bytes()
    parts = [KIND_NAMES[kind], office_names().get(f["office"], "") if f["office"] else "全县",
             f"{f['year']}年度" if f["year"] else "", f["category"] or ""]
    name = "-".join(p for p in parts if p) + f".{fmt}"
    log_use("report_download", name, office=f["office"], kind=kind, format=fmt, year=f["year"])
    return send_file(io.BytesIO(body), mimetype=MIME[fmt], as_attachment=True, download_name=name)


def report_links(kind: str, query: dict) -> list[tuple[str, str]]:
    return [(FORMATS[fmt], url_for("inspector.report_file", kind=kind, fmt=fmt, **query)) for fmt in FORMATS]


bp.add_app_template_global(report_links, "report_links")
bp.add_app_template_global(can_see_office, "can_see_office")
