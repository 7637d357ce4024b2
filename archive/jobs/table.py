"""The `jobs` table of the catalog: submit, claim, report progress, finish, list, restart.

States: queued → running → done | failed. A job that was running when its worker died (server
restart, kill -9) becomes `interrupted` when the next worker starts, and can be queued again."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from archive.common.errors import MinzhengError, NotFoundError
from archive.store import catalog

KINDS = {"ingest": "导入档案", "bind": "装订案卷", "generate": "生成文书"}
STATES = {"uploading": "正在上传", "queued": "排队等候", "running": "正在进行", "done": "已完成", "failed": "失败",
          "interrupted": "已中断（服务器重启）"}
FINISHED = ("done", "failed")


@dataclass
class Job:
    id: int
    kind: str
    state: str
    user: str | None
    office: str | None
    params: dict
    progress: dict
    result: dict | None
    error: str | None
    restarts: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    extra: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def restartable(self) -> bool:
        return self.state in ("interrupted", "failed")

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "kind_label": self.kind_label, "state": self.state,
                "state_label": self.state_label, "user": self.user, "office": self.office, "params": self.params,
                "progress": self.progress, "result": self.result, "error": self.error, "restarts": self.restarts,
                "created_at": self.created_at, "started_at": self.started_at, "finished_at": self.finished_at,
                "finished": self.finished}


def _job(row: sqlite3.Row) -> Job:
    return Job(id=row["id"], kind=row["kind"], state=row["state"], user=row["user_name"], office=row["office"],
               params=json.loads(row["params"] or "{}"), progress=json.loads(row["progress"] or "{}"),
               result=json.loads(row["result"]) if row["result"] else None, error=row["error"],
               restarts=row["restarts"], created_at=row["created_at"], started_at=row["started_at"],
               finished_at=row["finished_at"])


def connect(settings) -> sqlite3.Connection:
    return catalog.connect(settings.catalog_url)


def insert(conn, kind: str, params: dict, *, user: str | None = None, office: str | None = None,
           state: str = "queued") -> int:
    if kind not in KINDS:
        raise MinzhengError(f"未知的任务种类 {kind}（可用：{'、'.join(KINDS)}）", exit_code=2)
    with catalog.transaction(conn):
        cur = conn.execute(
            "INSERT INTO jobs(kind, state, user_name, office, params, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (kind, state, user, office, json.dumps(params, ensure_ascii=False), catalog.now()))
        catalog.log_event(conn, "job.submit", None, job=cur.lastrowid, job_kind=kind, user=user, office=office)
    return cur.lastrowid


def get(conn, job_id: int) -> Job:
    row = conn.execute("SELECT * FROM jobs WHERE id=?", (int(job_id),)).fetchone()
    if row is None:
        raise NotFoundError(f"没有编号为 {job_id} 的任务")
    return _job(row)


def list_jobs(conn, *, kind: str | None = None, office: str | None = None, state: str | None = None,
              limit: int = 50) -> list[Job]:
    where, args = [], []
    for col, val in (("kind", kind), ("office", office), ("state", state)):
        if val is not None:
            where.append(f"{col}=?")
            args.append(val)
    sql = "SELECT * FROM jobs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
    return [_job(r) for r in conn.execute(sql, (*args, int(limit)))]


def claim_next(conn) -> Job | None:
    """The oldest queued job, now running (atomic: two workers never take the same job)."""
    if conn.execute("SELECT 1 FROM jobs WHERE state='queued' LIMIT 1").fetchone() is None:
        return None                     # the common case, without taking the write lock
    with catalog.transaction(conn):
        row = conn.execute("SELECT id FROM jobs WHERE state='queued' ORDER BY id LIMIT 1").fetchone()
        if row is None:
            return None
        conn.execute("UPDATE jobs SET state='running', started_at=?, finished_at=NULL, error=NULL WHERE id=?",
                     (catalog.now(), row["id"]))
    return get(conn, row["id"])


def update_params(conn, job_id: int, params: dict) -> None:
    conn.execute("UPDATE jobs SET params=? WHERE id=?", (json.dumps(params, ensure_ascii=False), job_id))


def set_state(conn, job_id: int, state: str) -> None:
    conn.execute("UPDATE jobs SET state=? WHERE id=?", (state, job_id))


def set_progress(conn, job_id: int, progress: dict) -> None:
    conn.execute("UPDATE jobs SET progress=? WHERE id=?", (json.dumps(progress, ensure_ascii=False), job_id))


def finish(conn, job_id: int, *, result: dict | None = None, error: str | None = None,
           progress: dict | None = None) -> None:
    state = "failed" if error else "done"
    with catalog.transaction(conn):
        conn.execute("UPDATE jobs SET state=?, result=?, error=?, finished_at=?,"
                     " progress=COALESCE(?, progress) WHERE id=?",
                     (state, json.dumps(result, ensure_ascii=False, default=str) if result is not None else None,
                      error, catalog.now(), json.dumps(progress, ensure_ascii=False) if progress else None, job_id))
        catalog.log_event(conn, f"job.{state}", None, job=job_id, **({"error": error} if error else {}))


def mark_interrupted(conn, *, stale_upload_hours: float = 6) -> list[int]:
    """Jobs left running by a worker that is gone → interrupted. Returns their ids. An upload that never
    finished (its request died with the server) fails after `stale_upload_hours`."""
    cutoff = datetime.now(UTC) - timedelta(hours=stale_upload_hours)
    with catalog.transaction(conn):
        ids = [r["id"] for r in conn.execute("SELECT id FROM jobs WHERE state='running'")]
        for i in ids:
            conn.execute("UPDATE jobs SET state='interrupted', finished_at=? WHERE id=?", (catalog.now(), i))
            catalog.log_event(conn, "job.interrupted", None, job=i)
        for r in conn.execute("SELECT id, created_at FROM jobs WHERE state='uploading'").fetchall():
            if datetime.fromisoformat(r["created_at"]) < cutoff:
                conn.execute("UPDATE jobs SET state='failed', finished_at=?, error=? WHERE id=?",
                             (catalog.now(), "上传没有完成（服务器重启或连接中断）；请重新上传这些文件", r["id"]))
    return ids


def requeue(conn, job_id: int) -> Job:
    """An interrupted or failed job goes back in the queue (same parameters, same upload folder)."""
    job = get(conn, job_id)
    if not job.restartable:
        raise MinzhengError(f"任务 {job_id}（{job.kind_label}）{job.state_label}，只有已中断或失败的任务才能重新开始",
                            exit_code=2)
    with catalog.transaction(conn):
        conn.execute("UPDATE jobs SET state='queued', restarts=restarts+1, progress='{}', result=NULL, error=NULL,"
                     " started_at=NULL, finished_at=NULL WHERE id=?", (job_id,))
        catalog.log_event(conn, "job.restart", None, job=job_id)
    return get(conn, job_id)
