"""The archivist's pages (档案员): upload files or a whole folder (with an optional manifest and defaults)
as an ingest job with its progress and its ingested / duplicate / rejected lists; the 待核 review queue
with an edit form per record (archive.description: the same rules and history as `minzheng edit`);
binding a volume as a job, then its PDF, labels and manifest."""
from __future__ import annotations

import json

from flask import Blueprint, abort, redirect, render_template, request, url_for

from archive import description, jobs
from archive.common.errors import MinzhengError, NotFoundError
from archive.store import TEMPLATES_DIR

from .auth import current_user, log_use, requires
from .jobs_views import progress_view
from .work import (
    conn,
    form_code,
    form_year,
    job_for,
    memo,
    office_names,
    send_root_file,
    settings,
)

bp = Blueprint("archivist", __name__, url_prefix="/archivist")

ROLES = ("archivist", "admin")
UPLOAD_MB_DEFAULT = 2048
MAX_FILES = 20000
VOLUME_FILES = {"pdf": ("pdf", "打开案卷 PDF", "volume_pdf"), "labels": ("labels", "脊背和盒面标签", "download"),
                "manifest": ("manifest", "XML 清单", "download")}


@bp.record_once
def _upload_limits_first(state):
    """Raise the request size limit for the upload only, before anything reads the form (the CSRF check)."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_limits)


def _upload_limits():
    if request.endpoint == "archivist.upload":
        mb = int(settings().get("web", "max_upload_mb", UPLOAD_MB_DEFAULT))
        request.max_content_length = mb * 1024 * 1024
        request.max_form_parts = MAX_FILES + 100


def profiles() -> list[str]:
    names = {p.stem for p in (TEMPLATES_DIR / "profiles").glob("*.toml")}
    names |= {p.stem for p in (settings().root / "profiles").glob("*.toml")}
    return sorted(names)


def review_list(office: str | None, year: int | None) -> list[dict]:
    """The 待核 queue (archive.description) of the whole county, kept while the archive stays the same, and
    the part of it for one office and year."""
    rows = memo("review", (), lambda: description.review_list(settings()))
    return [r for r in rows if (office is None or r["office"] == office) and (year is None or r["year"] == year)]


def recent(kind: str) -> list[jobs.Job]:
    return jobs.list_jobs(settings(), kind=kind, limit=15)


@bp.get("/")
@requires(*ROLES)
def home():
    s = settings()
    return render_template("archivist_home.html", offices=office_names(), categories=s.categories,
                           retentions=s.retentions, profiles=profiles(),
                           default_profile=s.get("archive", "profile", "national"),
                           ingests=recent("ingest"), binds=recent("bind"),
                           review_count=len(review_list(None, None)),
                           rebind=memo("rebind", (), lambda: description.volumes_needing_rebind(s)))


# ------------------------------------------------------------------ ingest
@bp.post("/upload")
@requires(*ROLES)
def upload():
    s = settings()
    files = [f for f in request.files.getlist("files") + request.files.getlist("folder") if f and f.filename]
    if not files:
        abort(400, description="没有选择要导入的文件。请在“文件”或“文件夹”中选择后再上传。")
    m = request.files.get("manifest")
    manifest = (m.filename, m.stream) if m and m.filename else None
    office = form_code(request.form.get("office"), office_names(), "机构")
    category = form_code(request.form.get("category"), s.categories, "类别")
    retention = form_code(request.form.get("retention"), s.retentions, "保管期限")
    year = form_year(request.form.get("year"))
    try:
        job_id = jobs.submit_ingest(s, [(f.filename, f.stream) for f in files], manifest=manifest, office=office,
                                    category=category, year=year, retention=retention, user=current_user().name)
    except MinzhengError as e:
        abort(400, description=str(e))
    return redirect(url_for("archivist.ingest_job", job_id=job_id))


@bp.get("/ingest/<int:job_id>")
@requires(*ROLES)
def ingest_job(job_id: int):
    job = job_for(job_id, "ingest")
    return render_template("archivist_ingest.html", job=job, p=progress_view(job), r=job.result or {},
                           offices=office_names(), categories=settings().categories,
                           retentions=settings().retentions)


# ------------------------------------------------------------------ 待核 review
@bp.get("/review")
@requires(*ROLES)
def review():
    office = form_code(request.args.get("office"), office_names(), "机构")
    year = form_year(request.args.get("year"))
    rows = review_list(office, year)
    return render_template("archivist_review.html", rows=rows[:500], total=len(rows), office=office, year=year,
                           offices=office_names(), categories=settings().categories)


def _edit_page(record_id: int, *, values=None, problems=(), done=(), bound: str | None = None, status: int = 200):
    rec = conn().execute("SELECT * FROM records WHERE id=?", (record_id,)).fetchone()
    if rec is None:
        abort(404, description=f"没有记录号为 {record_id} 的记录")
    rec = dict(rec)
    marks = set(json.loads(rec.get("needs_review") or "[]"))
    fields = [{"key": k, "label": label, "value": (values or {}).get(k, "" if rec.get(k) is None else str(rec[k])),
               "review": k in marks} for k, label, _ in description.FIELDS]
    nxt = [r for r in review_list(None, None) if r["record_id"] != record_id][:1]
    return render_template("archivist_edit.html", rec=rec, fields=fields, problems=list(problems), done=list(done),
                           bound=bound, next_id=nxt[0]["record_id"] if nxt else None,
                           history=description.record_history(settings(), record_id)), status


@bp.get("/review/<int:record_id>")
@requires(*ROLES)
def edit_form(record_id: int):
    log_use("view", record_id, office=_office_of(record_id), page="review")
    return _edit_page(record_id)


def _office_of(record_id: int) -> str | None:
    row = conn().execute("SELECT office FROM records WHERE id=?", (record_id,)).fetchone()
    return row["office"] if row else None


@bp.post("/review/<int:record_id>")
@requires(*ROLES)
def edit_save(record_id: int):
    rec = conn().execute("SELECT * FROM records WHERE id=?", (record_id,)).fetchone()
    if rec is None:
        abort(404, description=f"没有记录号为 {record_id} 的记录")
    given = {k: (request.form.get(k) or "").strip() for k in description.LABELS}
    changes = {k: v for k, v in given.items() if v != ("" if rec[k] is None else str(rec[k]))}
    confirm = [k for k in request.form.getlist("confirm") if k in description.LABELS]
    if not changes and not confirm:
        return _edit_page(record_id, values=given, problems=["没有修改任何著录项，也没有勾选“已核对”。"], status=400)
    try:
        res = description.edit_record(settings(), record_id, changes, user=current_user().name,
                                      force=bool(request.form.get("force")), confirm=confirm, source="web")
    except description.BoundRecordError as e:
        return _edit_page(record_id, values=given, bound=str(e), status=409)
    except description.EditError as e:
        return _edit_page(record_id, values=given, problems=getattr(e, "problems", None) or [str(e)], status=400)
    except NotFoundError as e:
        abort(404, description=str(e))
    return _edit_page(record_id, done=res.lines())


# ------------------------------------------------------------------ bind
@bp.post("/bind")
@requires(*ROLES)
def bind():
    s = settings()
    office = form_code(request.form.get("office"), office_names(), "机构", required=True)
    category = form_code(request.form.get("category"), s.categories, "类别", required=True)
    retention = form_code(request.form.get("retention"), s.retentions, "保管期限")
    year = form_year(request.form.get("year"))
    if year is None:
        abort(400, description="请填写要装订的年度")
    profile = request.form.get("profile") or None
    if profile and profile not in profiles():
        abort(400, description=f"没有名为 “{profile[:30]}” 的装订格式（可选：{'、'.join(profiles())}）")
    job_id = jobs.submit_bind(s, office, year, category, retention=retention, profile=profile,
                              user=current_user().name)
    return redirect(url_for("archivist.bind_job", job_id=job_id))


@bp.get("/bind/<int:job_id>")
@requires(*ROLES)
def bind_job(job_id: int):
    job = job_for(job_id, "bind")
    return render_template("archivist_bind.html", job=job, p=progress_view(job), r=job.result or {},
                           offices=office_names(), categories=settings().categories, files=VOLUME_FILES)


@bp.get("/bind/<int:job_id>/<int:n>/<what>")
@requires(*ROLES)
def bind_file(job_id: int, n: int, what: str):
    job = job_for(job_id, "bind")
    vols = (job.result or {}).get("volumes", [])
    if what not in VOLUME_FILES or not 0 <= n < len(vols):
        abort(404, description="该次装订没有这个文件")
    key, _, action = VOLUME_FILES[what]
    log_use(action, vols[n]["archival_code"], office=job.office, file=what, job=job.id)
    return send_root_file(vols[n][key], inline=what == "pdf")
