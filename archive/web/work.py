"""Shared by the work pages (clerk, archivist, inspector, jobs): the root's settings, office names,
who may look at which job, sending a file that belongs to a job, small form parsers."""
from __future__ import annotations

import logging
import threading
import time
from datetime import date
from pathlib import Path

from flask import abort, current_app, g, send_file

from archive import jobs
from archive.common.errors import NotFoundError

from . import catalog_read
from .auth import can_see_office, current_user

YEAR_MIN, YEAR_MAX = 1949, 2100
CACHE_SECONDS = 300          # a report is rebuilt at least this often, even when nothing seems to have changed
CACHE_ENTRIES = 64
_cache: dict = {}
_cache_lock = threading.Lock()
_rebuilding: set = set()
log = logging.getLogger(__name__)


def settings():
    return current_app.extensions["minzheng"].settings


def conn():
    """The request's read-only catalog connection (shared with the search pages)."""
    if "catalog" not in g:
        g.catalog = catalog_read.connect_readonly(settings())
    return g.catalog


def office_names() -> dict[str, str]:
    if "office_names" not in g:
        g.office_names = catalog_read.office_names(conn())
    return g.office_names


def this_year() -> int:
    return date.today().year


def form_year(value, *, default: int | None = None, what: str = "年度") -> int | None:
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or not YEAR_MIN <= int(value) <= YEAR_MAX:
        abort(400, description=f"{what}“{value[:12]}”不是 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份，请重新填写")
    return int(value)


def form_code(value, known: dict, what: str, *, required: bool = False) -> str | None:
    value = (value or "").strip().upper()
    if not value:
        if required:
            abort(400, description=f"请选择{what}")
        return None
    if value not in known:
        abort(400, description=f"未知的{what}“{value[:12]}”（可选：{'、'.join(known)}）")
    return value


def check_office(office: str) -> str:
    """An office code of the county the current user may see, else 404/403."""
    office = (office or "").upper()
    if office not in office_names():
        abort(404, description=f"本县没有机构代码为 “{office[:12]}” 的民政办")
    if not can_see_office(current_user(), office):
        abort(403, description="您只能查看本办的数据。")
    return office


def may_see_job(user, job: jobs.Job) -> bool:
    if user is None or user.is_reader:
        return False
    if user.role == "admin":
        return True
    if user.role == "archivist":
        return job.kind in ("ingest", "bind")
    if user.role == "clerk":
        return job.kind == "generate" and job.office == user.office
    return False


def job_for(job_id: int, kind: str | None = None) -> jobs.Job:
    """The job, if it exists, is of `kind`, and the current user may see it (else 404 / 403)."""
    try:
        job = jobs.get_job(settings(), job_id)
    except NotFoundError:
        abort(404, description=f"没有编号为 {job_id} 的任务")
    if kind and job.kind != kind:
        abort(404, description=f"任务 {job_id} 不是“{jobs.KINDS[kind]}”任务")
    if not may_see_job(current_user(), job):
        abort(403, description="您不能查看这个任务。")
    return job


def send_root_file(rel: str, *, download_name: str | None = None, inline: bool = False):
    """A file under the archive root named by a job's result (never by the request)."""
    root = settings().root.resolve()
    path = (root / rel).resolve() if not Path(rel).is_absolute() else Path(rel).resolve()
    if root not in path.parents or not path.is_file():
        abort(404, description="文件已不在服务器上（可能已被移走或删除）。")
    return send_file(path, as_attachment=not inline, download_name=download_name or path.name)


def state_token() -> tuple:
    """Changes whenever the archive does: every ingest, edit, bind and generate logs an event; importing
    office data replaces ROOT/data; some checks depend on today's date."""
    if "state_token" not in g:
        last_event = conn().execute("SELECT max(id) FROM events").fetchone()[0]
        try:
            st = settings().data_dir.stat()
            data = (st.st_ino, st.st_mtime_ns)
        except OSError:
            data = None
        g.state_token = (last_event, data, date.today())
    return g.state_token


def memo(kind: str, args: tuple, build, *, stale_ok: bool = False):
    """build() once per archive state (state_token) for these arguments, shared by the requests of this
    process: the reports over a whole county take seconds at 100,000 records, the pages must not.

    stale_ok: when the archive has changed since the kept value was built, answer with that value at once
    and build the new one in the background (the page shows when its figures were computed), so that an
    ingest logging events every second does not make every view wait for a rebuild."""
    key = (str(settings().root), kind, args)
    token = state_token()
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[1] < CACHE_SECONDS:
            if hit[0] == token:
                return hit[2]
            if stale_ok:
                if key not in _rebuilding:
                    _rebuilding.add(key)
                    threading.Thread(target=_rebuild, args=(key, token, build), daemon=True,
                                     name="mz-report").start()
                return hit[2]
    value = build()
    _keep(key, token, now, value)
    return value


def _keep(key, token, at: float, value) -> None:
    with _cache_lock:
        _cache[key] = (token, at, value)
        while len(_cache) > CACHE_ENTRIES:
            _cache.pop(min(_cache, key=lambda k: _cache[k][1]))


def _rebuild(key, token, build) -> None:
    try:
        _keep(key, token, time.monotonic(), build())
    except Exception:
        log.exception("后台重算报告失败；下次打开页面时重试")
    finally:
        with _cache_lock:
            _rebuilding.discard(key)
