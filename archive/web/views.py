"""The pages: search (/), record, page image, original download, volumes, overview.

Every page goes through the archive's public API (archive.search, archive.show_record, …) or the
read-only queries in catalog_read; objects are found by record id, never by a path from the request.
Every route checks the user's rights (auth.py): a clerk sees their own office only, pictures and
originals only for those who see full ID numbers; every use is written to the use log.
"""
from __future__ import annotations

import dataclasses
import io
import logging
import time
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

import archive
from archive.access.records import TEXT_SOURCES
from archive.accounts import can_see_office
from archive.common.errors import MinzhengError, NotFoundError
from archive.store.objects import object_path
from archive.web import catalog_read, pages
from indexer.errors import SearchIndexError

from .auth import (
    current_user,
    log_use,
    may_open_files,
    require_files,
    require_office,
    requires,
    shown,
    shown_deep,
    shown_snippet,
)
from .highlight import hit_snippet
from .params import (
    SORTS,
    YEAR_MAX,
    YEAR_MIN,
    Choices,
    ParamError,
    code,
    integer,
    search_params,
)

log = logging.getLogger(__name__)

web = Blueprint("web", __name__)

MAX_PAGES_SHOWN = 60



def ctx():
    return current_app.extensions["minzheng"]


def settings():
    return ctx().settings


def conn():
    if "catalog" not in g:
        g.catalog = catalog_read.connect_readonly(settings())
    return g.catalog


def choices() -> Choices:
    if "choices" not in g:
        s = settings()
        g.choices = Choices(offices=catalog_read.office_names(conn()), categories=s.categories,
                            retentions=s.retentions)
    return g.choices


@web.app_context_processor
def _common():
    s = settings()
    return {"county_name": s.county_name, "nav": request.endpoint if request else None}


@web.app_template_filter("size")
def _size(n):
    if n is None:
        return ""
    n = int(n)
    for unit in ("字节", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "字节" else f"{n:.1f} {unit}"
        n /= 1024


# ------------------------------------------------------------------ search
@web.get("/")
@requires()
def search_page():
    params, shown_choices = _scoped(search_params(request.args, choices()))
    result, error, elapsed = None, None, None
    rows = []
    if params.active:                   # a term, or filters only (browse)
        result, error, elapsed = _run_search(params)
        if result is not None:
            rows = _result_rows(result)
        log_use("search", params.q, params.office, total=getattr(result, "total", None), **{
            k: v for k, v in params.filters.items() if k != "office"})
    total = getattr(result, "total", 0) if result is not None else 0
    pages_total = max(1, -(-total // params.limit)) if total else 0
    return render_template(
        "search.html", p=params, choices=shown_choices, result=result, rows=rows, total=total, error=error,
        elapsed=elapsed, pages_total=pages_total, record_count=catalog_read.record_count(conn()),
        page_links=_page_links(params.page, pages_total), sorts=SORTS,
        facets=getattr(result, "facets", None) or {},
    )


@web.get("/export.xlsx")
@requires()
def export_xlsx():
    """Every record the current search (or browse) finds, as an Excel file; logged like any export."""
    params, _ = _scoped(search_params(request.args, choices()))
    s = settings()
    tmp = Path(s.cache_dir) / "export" / f"{time.time_ns()}.xlsx"
    try:
        n = archive.export_search(s, params.q, fmt="xlsx", out=tmp, sort=params.sort, date_range=params.date_range,
                                  transform=lambda row: shown_deep(row, row.get("office_code")), **params.filters)
        log_use("export", params.q, params.office, total=n, format="xlsx", **{
            k: v for k, v in params.filters.items() if k != "office"})
        data = tmp.read_bytes()
    except MinzhengError as e:
        raise ParamError(f"无法导出：{e}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return send_file(io.BytesIO(data), as_attachment=True, download_name="检索结果.xlsx", max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _scoped(params):
    """A clerk searches their own office only: the office filter is theirs whatever the URL says (another
    office's code is a 403), and the filter offers only their office."""
    user, c = current_user(), choices()
    if user.role != "clerk":
        return params, c
    if params.office not in (None, user.office):
        require_office(params.office, "该民政办的档案")
    mine = Choices(offices={k: v for k, v in c.offices.items() if k == user.office}, categories=c.categories,
                   retentions=c.retentions)
    return dataclasses.replace(params, office=user.office), mine


def _run_search(params):
    """(result, error message, seconds). A failure or timeout is a message on the page, never a 500."""
    s = settings()
    problem = catalog_read.index_problem(s, conn())
    if problem:
        return None, problem, None
    t0 = time.perf_counter()
    fut = ctx().pool.submit(archive.search, s, params.q, limit=params.limit, offset=params.offset, sort=params.sort,
                            date_range=params.date_range, with_facets=True, **params.filters)
    try:
        result = fut.result(timeout=ctx().search_timeout)
    except FutureTimeout:
        fut.cancel()
        return None, f"检索超过 {ctx().search_timeout:.0f} 秒仍未完成，已放弃。请换更具体的检索词或加上筛选条件后重试。", None
    except SearchIndexError as e:           # damaged index: the details (paths, English) go to the log only
        log.error("检索 %r 时全文索引出错：%s", params.q, e)
        return None, ("全文索引已损坏或无法打开，已记录在服务器日志中。请在服务器上运行 "
                      "minzheng --root 档案根目录 reindex 重建索引，然后重试。"), None
    except MinzhengError as e:
        return None, "检索出错：" + str(e).replace(str(Path(s.root).resolve()), "档案根目录").replace(
            str(s.root), "档案根目录"), None
    except Exception:
        log.exception("检索 %r 出错", params.q)
        return None, "检索时出现意外错误，已记录在服务器日志中。请稍后重试，或运行 minzheng verify 检查索引。", None
    return result, None, time.perf_counter() - t0


def _field(hit, key, default=None):
    return hit.get(key, default) if isinstance(hit, dict) else getattr(hit, key, default)


def _result_rows(result) -> list[dict]:
    hits = list(getattr(result, "hits", []) or [])
    extra = catalog_read.record_dates(conn(), [int(_field(h, "record_id")) for h in hits])
    names = choices()
    rows = []
    for h in hits:
        rid = int(_field(h, "record_id"))
        e = extra.get(rid, {})
        office, category = _field(h, "office") or "", _field(h, "category") or ""
        rows.append({
            "record_id": rid,
            "archival_code": _field(h, "archival_code") or "",
            "title": shown(_field(h, "title") or _field(h, "original_name") or f"记录 {rid}", office),
            "office": names.offices.get(office, office),
            "category": names.categories.get(category, category),
            "year": _field(h, "year"),
            "retention": names.retentions.get(e.get("retention") or "", ""),
            "doc_date": e.get("doc_date") or "",
            "doc_number": e.get("doc_number") or "",
            "page": _field(h, "page"),
            "original_name": _field(h, "original_name") or "",
            "snippet": hit_snippet(_shown_hit(h, office)),
            "approximate": bool(_field(h, "approximate")),
        })
    return rows


def _shown_hit(hit, office):
    """The hit with its snippet masked for users who don't see full IDs (length kept: offsets stay right)."""
    snippet = _field(hit, "snippet")
    masked = shown_snippet(snippet, office)
    if masked == snippet:
        return hit
    d = dict(hit) if isinstance(hit, dict) else {"snippet": masked, "highlights": getattr(hit, "highlights", None)}
    d["snippet"] = masked
    return d


def _page_links(page: int, pages_total: int) -> list[int | None]:
    """Page numbers to show: first, last, and two either side of the current one; None is a gap."""
    if pages_total <= 1:
        return []
    want = sorted({1, pages_total, *range(max(1, page - 2), min(pages_total, page + 2) + 1)})
    out: list[int | None] = []
    for n in want:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


# ------------------------------------------------------------------ record
@web.get("/record")
@requires()
def record_by_query():
    """`/record?id=N` → `/record/N`; anything but a plain number is a 400."""
    rid = integer(request.args, "id", "记录号", 1, 2**62)
    if rid is None:
        raise ParamError("请给出记录号，例如 /record/12")
    return redirect(url_for("web.record_page", record_id=rid))


def _record_or_404(record_id: int) -> dict:
    if not catalog_read.record_exists(conn(), record_id):
        raise NotFoundError(f"没有记录号为 {record_id} 的档案记录")
    rec = archive.show_record(settings(), record_id)
    rec.setdefault("id", record_id)
    return rec


@web.get("/record/<int:record_id>")
@requires()
def record_page(record_id: int):
    rec = _record_or_404(record_id)
    office = rec.get("office")
    require_office(office)
    log_use("view", record_id, office, title=rec.get("title") or rec.get("original_name"))
    names = choices()
    review = set(rec.get("needs_review") or [])
    labels = {
        "office": names.offices.get(rec.get("office") or "", rec.get("office")),
        "category": names.categories.get(rec.get("category") or "", rec.get("category")),
        "retention": names.retentions.get(rec.get("retention") or "", rec.get("retention")),
        "text_source": TEXT_SOURCES.get(rec.get("text_source") or "", rec.get("text_source")),
    }
    fields = []
    for f in rec["fields"]:
        key, value = f["key"], f["value"]
        is_review = bool(f.get("needs_review")) or key in review
        if key == "id" or (value in (None, "") and not is_review):
            continue
        if labels.get(key):
            value = labels[key]
        elif key == "size" and value is not None:
            value = _size(value)
        label = str(f["label"]).replace("（待核）", "")
        if key == "size":
            label = "大小"
        fields.append({"key": key, "label": label, "value": shown(value, office), "review": is_review})
    texts = [shown(t, office) for t in (archive.record_text(settings(), record_id) or [])]
    n_pages = int(rec.get("pages") or 0) or max(1, len(texts))
    can_open = may_open_files(current_user(), office)
    images = can_open and pages.has_page_images(settings(), rec)
    page_rows = []
    for n in range(1, min(n_pages, MAX_PAGES_SHOWN) + 1):
        page_rows.append({"n": n, "text": texts[n - 1] if len(texts) == n_pages and n <= len(texts) else None})
    whole_text = None if len(texts) == n_pages else "\n\n".join(texts)
    rec = {**rec, "title": shown(rec.get("title"), office), "original_name": shown(rec.get("original_name"), office)}
    return render_template("record.html", rec=rec, fields=fields, review=sorted(review), images=images, can_open=can_open,
                           page_rows=page_rows, n_pages=n_pages, whole_text=whole_text,
                           more_pages=max(0, n_pages - MAX_PAGES_SHOWN))


@web.get("/record/<int:record_id>/page/<int:page>.png")
@requires()
def page_png(record_id: int, page: int):
    rec = catalog_read.record_files(conn(), record_id)
    if rec is None:
        raise NotFoundError(f"没有记录号为 {record_id} 的档案记录")
    require_files(rec.get("office"), "原件页面图像")
    if page < 1:
        raise ParamError("页码应从 1 开始")
    path = pages.page_image(settings(), rec, page)
    log_use("page_image", f"{record_id} 第 {page} 页", rec.get("office"))
    return send_file(path, mimetype="image/png", max_age=86400)


@web.get("/record/<int:record_id>/original")
@requires()
def original(record_id: int):
    rec = catalog_read.record_files(conn(), record_id)
    if rec is None:
        raise NotFoundError(f"没有记录号为 {record_id} 的档案记录")
    require_files(rec.get("office"))
    path = object_path(settings().objects_dir, rec["sha256"])
    if not path.is_file():
        raise NotFoundError(f"记录 {record_id} 的原件不在档案库中。请运行 minzheng verify 检查")
    name = Path(str(rec["original_name"]).replace("\\", "/")).name or f"record-{record_id}"
    log_use("download", record_id, rec.get("office"), file=name)
    return send_file(path, mimetype=rec.get("mime") or "application/octet-stream", as_attachment=True,
                     download_name=name, max_age=0)


# ------------------------------------------------------------------ volumes
@web.get("/volumes")
@requires()
def volumes_page():
    if request.args:
        raise ParamError(f"案卷页不认识参数 {'、'.join(sorted(request.args)[:5])}")
    user = current_user()
    vols = [shown_deep(v, v["office"]) for v in catalog_read.volumes(conn()) if can_see_office(user, v["office"])]
    for v in vols:
        v["can_open"] = may_open_files(user, v["office"])
    return render_template("volumes.html", volumes=vols, choices=choices())


@web.get("/volumes/<int:volume_id>/pdf")
@requires()
def volume_pdf(volume_id: int):
    vol = catalog_read.volume_pdf(conn(), volume_id)
    if vol is None:
        raise NotFoundError(f"没有编号为 {volume_id} 的案卷")
    require_files(vol.get("office"), "案卷 PDF")
    root = Path(settings().root).resolve()
    path = (root / vol["pdf"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFoundError(f"案卷 {vol['archival_code']} 的 PDF 不在档案根目录中。请重新装订（minzheng bind）")
    log_use("volume_pdf", vol["archival_code"], vol.get("office"))
    return send_file(path, mimetype="application/pdf", download_name=f"{vol['archival_code']}.pdf", max_age=0)


# ------------------------------------------------------------------ overview
@web.get("/overview")
@requires()
def overview_page():
    unknown = sorted(set(request.args) - {"office", "year", "category"})
    if unknown:
        raise ParamError(f"总览页不认识参数 {'、'.join(unknown[:5])}")
    c = choices()
    office = code(request.args, "office", "机构", c.offices)
    category = code(request.args, "category", "类别", c.categories)
    year = integer(request.args, "year", "年度", YEAR_MIN, YEAR_MAX)
    user = current_user()
    if user.role == "clerk":
        if office is not None:
            require_office(office, "该民政办的总览")
        office = user.office
        c = Choices(offices={k: v for k, v in c.offices.items() if k == office}, categories=c.categories,
                    retentions=c.retentions)
    report, error = None, None
    try:
        report = archive.completeness_report(settings(), office=office, year=year, category=category).to_dict()
        report = shown_deep(report, office if user.role == "clerk" else None)
    except MinzhengError as e:
        error = f"无法生成完整性总览：{e}"
    log_use("report_view", "完整性总览", office, year=year, category=category)
    return render_template("overview.html", report=report, error=error, choices=c, office=office,
                           category=category, year=year)
