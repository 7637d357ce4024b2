"""Jobs seen from the browser: the progress JSON the pages poll (static/jobs.js), restarting an
interrupted or failed job, and the list of all jobs for archivists and admins."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from archive import jobs
from archive.common.errors import MinzhengError

from .auth import current_user, requires
from .work import job_for, may_see_job, settings

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

PAGE_OF = {"ingest": "archivist.ingest_job", "bind": "archivist.bind_job", "generate": "clerk.run_page"}


def job_url(job: jobs.Job) -> str:
    if job.kind == "generate":
        return url_for("clerk.run_page", office=job.office, job_id=job.id)
    return url_for(PAGE_OF[job.kind], job_id=job.id)


def progress_view(job: jobs.Job) -> dict:
    """What the page shows while a job runs: a percentage when it is known, and one line of text."""
    p = job.progress or {}
    total, done = p.get("files_total"), p.get("files_done")
    percent = None
    if job.state == "done":
        percent = 100
    elif total:
        percent = int(100 * (done or 0) / total)
    return {"id": job.id, "state": job.state, "state_label": job.state_label, "finished": job.finished,
            "interrupted": job.state == "interrupted", "percent": percent, "message": p.get("message") or "",
            "files_done": done, "files_total": total, "pages": p.get("pages"), "ocr_pages": p.get("ocr_pages"),
            "error": job.error}


@bp.get("/<int:job_id>.json")
@requires("clerk", "archivist", "admin")
def job_json(job_id: int):
    return progress_view(job_for(job_id))


@bp.post("/<int:job_id>/restart")
@requires("clerk", "archivist", "admin")
def restart(job_id: int):
    job = job_for(job_id)
    try:
        job = jobs.restart_job(settings(), job.id)
    except MinzhengError as e:
        abort(409, description=str(e))
    return redirect(job_url(job))


@bp.get("/")
@requires("archivist", "admin")
def jobs_page():
    user = current_user()
    kind = request.args.get("kind") if request.args.get("kind") in jobs.KINDS else None
    rows = [j for j in jobs.list_jobs(settings(), kind=kind, limit=200) if may_see_job(user, j)]
    return render_template("jobs_list.html", jobs=rows, kinds=jobs.KINDS, kind=kind, job_url=job_url)
