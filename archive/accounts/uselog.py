"""利用登记 (the use log): who used what, when, from where. One row per use; admins read and export it."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from archive.store import catalog

from .model import ROLE_NAMES, User

ACTIONS = {
    "view": "查看记录",
    "page_image": "查看页面图像",
    "download": "下载原件",
    "volume_pdf": "打开案卷 PDF",
    "export": "导出",
    "search": "检索",
    "report_view": "查看报告",
    "report_download": "下载报告",
    "document_download": "下载文书",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "user_admin": "账号管理",
    "uselog_export": "导出利用登记",
}
MAX_ROWS = 100_000


def record_use(conn: sqlite3.Connection, user: User, address: str, action: str, target: str = "",
               office: str | None = None, **detail) -> None:
    conn.execute(
        "INSERT INTO use_log(at, user_name, role, address, action, target, office, detail) VALUES (?,?,?,?,?,?,?,?)",
        (catalog.now(), user.name, user.role, address or "", action, str(target)[:500], office,
         json.dumps(detail, ensure_ascii=False, default=str)),
    )


@dataclass(frozen=True)
class UseFilter:
    user: str | None = None
    action: str | None = None
    office: str | None = None
    since: str | None = None     # YYYY-MM-DD, inclusive
    until: str | None = None     # YYYY-MM-DD, inclusive
    text: str | None = None      # part of the target

    def where(self) -> tuple[str, list]:
        sql, args = [], []
        if self.user:
            sql.append("user_name=?")
            args.append(self.user)
        if self.action:
            sql.append("action=?")
            args.append(self.action)
        if self.office:
            sql.append("office=?")
            args.append(self.office)
        if self.since:
            sql.append("substr(at, 1, 10)>=?")
            args.append(self.since)
        if self.until:
            sql.append("substr(at, 1, 10)<=?")
            args.append(self.until)
        if self.text:           # LIKE with the wildcards escaped: the same on SQLite and PostgreSQL
            sql.append("target LIKE ? ESCAPE '!'")
            args.append("%" + self.text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%")
        return (" WHERE " + " AND ".join(sql)) if sql else "", args


def use_rows(conn: sqlite3.Connection, flt: UseFilter | None = None, *, limit: int = 200,
             offset: int = 0) -> tuple[int, list[dict]]:
    """(total matching, newest first rows) of the use log."""
    where, args = (flt or UseFilter()).where()
    total = conn.execute(f"SELECT count(*) FROM use_log{where}", args).fetchone()[0]
    rows = []
    for r in conn.execute(f"SELECT * FROM use_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                          [*args, int(limit), int(offset)]):
        d = dict(r)
        d["detail"] = json.loads(d.get("detail") or "{}")
        d["action_name"] = ACTIONS.get(d["action"], d["action"])
        d["role_name"] = ROLE_NAMES.get(d["role"], "未登录" if d["role"] == "anonymous" else d["role"])
        rows.append(d)
    return total, rows


def export_xlsx(conn: sqlite3.Connection, dest: Path, flt: UseFilter | None = None) -> int:
    """Write the matching rows (at most MAX_ROWS, newest first) to an xlsx file; returns the row count."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _, rows = use_rows(conn, flt, limit=MAX_ROWS)
    wb = Workbook()
    ws = wb.active
    ws.title = "利用登记"
    headers = ["时间", "用户", "角色", "地址", "利用方式", "对象", "机构", "详情"]
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        detail = "；".join(f"{k}={v}" for k, v in r["detail"].items())
        ws.append([r["at"], r["user_name"], r["role_name"], r["address"], r["action_name"], r["target"],
                   r["office"] or "", detail])
    for col, width in zip("ABCDEFGH", (26, 14, 10, 16, 14, 40, 8, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{len(rows) + 1}"
    wb.save(dest)
    return len(rows)
