"""Submitting and looking at jobs: what the server's pages call."""
from __future__ import annotations

from archive.common.errors import MinzhengError

from . import runners, table
from .worker import wake_workers


def _with_conn(settings, fn, *args, **kw):
    conn = table.connect(settings)
    try:
        return fn(conn, *args, **kw)
    finally:
        conn.close()


def submit_ingest(settings, files, *, manifest=None, office=None, category=None, year=None, retention=None,
                  user: str | None = None) -> int:
    """Queue an ingest of uploaded files: `files` are (browser file name, readable) pairs, `manifest` one
    such pair or None. The files are saved under ROOT/uploads/JOBID/ before the job can start."""
    files = list(files)
    if not files:
        raise MinzhengError("没有选择要导入的文件；请选择文件或文件夹后再上传", exit_code=2)
    params = {"office": office, "category": category, "year": year, "retention": retention}
    conn = table.connect(settings)
    try:
        job_id = table.insert(conn, "ingest", params, user=user, office=office, state="uploading")
        try:
            saved = runners.save_uploads(settings, job_id, files, manifest)
        except BaseException as e:
            runners.remove_uploads(settings, job_id)
            table.finish(conn, job_id, error=f"保存上传的文件时出错：{e}")
            raise
        table.update_params(conn, job_id, {**params, **saved})
        table.set_state(conn, job_id, "queued")
    finally:
        conn.close()
    wake_workers(settings)
    return job_id


def submit_generate(settings, office: str, kinds: list[str], *, year: int | None = None, pdf: bool = False,
                    user: str | None = None) -> int:
    job_id = _with_conn(settings, table.insert, "generate", {"kinds": list(kinds), "year": year, "pdf": bool(pdf)},
                        user=user, office=office)
    wake_workers(settings)
    return job_id


def submit_bind(settings, office: str, year: int, category: str, *, retention: str | None = None,
                profile: str | None = None, user: str | None = None) -> int:
    job_id = _with_conn(settings, table.insert, "bind", {"year": int(year), "category": category,
                                                          "retention": retention, "profile": profile},
                        user=user, office=office)
    wake_workers(settings)
    return job_id


def get_job(settings, job_id: int) -> table.Job:
    return _with_conn(settings, table.get, job_id)


def list_jobs(settings, **filters) -> list[table.Job]:
    return _with_conn(settings, table.list_jobs, **filters)


def restart_job(settings, job_id: int) -> table.Job:
    job = get_job(settings, job_id)
    if job.restartable and job.kind == "ingest" and not runners.files_dir(settings, job_id).is_dir():
        raise MinzhengError(f"任务 {job_id} 上传的文件已不在服务器上，无法重新开始；请重新上传", exit_code=2)
    job = _with_conn(settings, table.requeue, job_id)
    wake_workers(settings)
    return job
