"""The clerk's pages (办事员), own office only: the office's data at a glance with the standard check,
生成文书 as a background job (kinds, year, PDF) with its progress, and every run's files to download."""
from __future__ import annotations

from pathlib import PurePosixPath

from flask import Blueprint, abort, redirect, render_template, request, url_for

import generators
from archive import jobs
from generators.office import AID_CLASSES

from .auth import current_user, log_use, requires
from .jobs_views import progress_view
from .work import (
    check_office,
    form_year,
    job_for,
    memo,
    office_names,
    send_root_file,
    settings,
    this_year,
)

bp = Blueprint("clerk", __name__, url_prefix="/clerk")

ROLES = ("clerk", "admin")
EXT_NAMES = {"docx": "Word", "xlsx": "Excel", "pdf": "PDF"}
AREA = {"urban": "城市", "rural": "农村"}


def file_label(name: str) -> str:
    """QSZ-ledger-DB-urban.xlsx → 台账 · 城市城乡最低生活保障 (Excel)."""
    p = PurePosixPath(name)
    parts = p.stem.split("-")
    kind = parts[1] if len(parts) > 1 else ""
    label = generators.KIND_NAMES.get(kind, kind)
    if len(parts) > 2:
        cls = AID_CLASSES.get(parts[2], parts[2])
        area = AREA.get(parts[3], "") if len(parts) > 3 else ""
        label += f" · {cls}" + (f"（{area}）" if area else "")
    return f"{label}（{EXT_NAMES.get(p.suffix.lstrip('.'), p.suffix)}）"


def run_files(job: jobs.Job) -> list[dict]:
    if not job.result:
        return []
    return [{"name": PurePosixPath(f).name, "label": file_label(f), "ext": PurePosixPath(f).suffix.lstrip(".")}
            for f in job.result.get("files", [])]


@bp.get("/")
@requires(*ROLES)
def home():
    user = current_user()
    if user.role == "clerk":
        return redirect(url_for("clerk.office_page", office=user.office))
    return render_template("clerk_pick.html", offices=office_names())


@bp.get("/<office>")
@requires(*ROLES)
def office_page(office: str):
    office = check_office(office)
    def build():
        data = generators.load_office(settings(), office)
        return generators.office_summary(data), generators.office_check_result(data)

    summary, check = memo("office_check", (office,), build)
    runs = jobs.list_jobs(settings(), kind="generate", office=office, limit=30)
    return render_template("clerk_office.html", office=office, summary=summary, check=check, runs=runs,
                           kinds=generators.KIND_NAMES, year=this_year(), run_files=run_files)


@bp.post("/<office>/generate")
@requires(*ROLES)
def generate(office: str):
    office = check_office(office)
    kinds = [k for k in request.form.getlist("kind") if k in generators.KIND_NAMES]
    if not kinds:
        abort(400, description="请至少选择一种文书（台账、花名册、上墙制度、公示、检查验收表）")
    year = form_year(request.form.get("year"), default=this_year())
    job_id = jobs.submit_generate(settings(), office, kinds, year=year, pdf=bool(request.form.get("pdf")),
                                  user=current_user().name)
    return redirect(url_for("clerk.run_page", office=office, job_id=job_id))


@bp.get("/<office>/runs/<int:job_id>")
@requires(*ROLES)
def run_page(office: str, job_id: int):
    office = check_office(office)
    job = job_for(job_id, "generate")
    if job.office != office:
        abort(404, description=f"任务 {job_id} 不是 {office} 的")
    return render_template("clerk_run.html", office=office, job=job, p=progress_view(job), files=run_files(job),
                           kinds=generators.KIND_NAMES)


@bp.get("/<office>/runs/<int:job_id>/<name>")
@requires(*ROLES)
def run_file(office: str, job_id: int, name: str):
    office = check_office(office)
    job = job_for(job_id, "generate")
    if job.office != office or not job.result:
        abort(404, description="该次生成没有这个文件")
    match = [f for f in job.result.get("files", []) if PurePosixPath(f).name == name]
    if not match:
        abort(404, description=f"该次生成没有文件 “{name[:80]}”")
    log_use("document_download", name, office=office, job=job.id)
    return send_root_file(match[0])
