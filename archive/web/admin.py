"""Admin pages (blueprint "admin"): accounts (list, add, disable/enable) and the use log (利用登记) with
filters and an xlsx export. Admin only; every change goes through archive.accounts like `minzheng user`."""
from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from flask import Blueprint, redirect, render_template, request, send_file, url_for

from archive import accounts
from archive.common.errors import MinzhengError

from .auth import accounts_conn, log_use, requires
from .params import ParamError, integer

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 100
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _offices() -> dict[str, str]:
    return {r["code"]: r["name"] for r in accounts_conn().execute("SELECT code, name FROM offices ORDER BY code")}


@bp.get("/users")
@requires("admin")
def users_page():
    return render_template("admin_users.html", users=accounts.list_users(accounts_conn()), roles=accounts.ROLES,
                           offices=_offices(), error=None, form={})


@bp.post("/users")
@requires("admin")
def add_user():
    f = request.form
    form = {k: (f.get(k) or "").strip() for k in ("name", "role", "office")}
    error = None
    if f.get("password", "") != f.get("password2", ""):
        error = "两次输入的密码不一样"
    else:
        try:
            accounts.add_user(accounts_conn(), form["name"], form["role"], f.get("password", ""), form["office"] or None)
            log_use("user_admin", form["name"], action_detail="add", role=form["role"], office_code=form["office"])
            return redirect(url_for("admin.users_page"))
        except MinzhengError as e:
            error = str(e)
    return render_template("admin_users.html", users=accounts.list_users(accounts_conn()), roles=accounts.ROLES,
                           offices=_offices(), error=error, form=form), 400


@bp.post("/users/<name>/disable")
@requires("admin")
def disable_user(name: str):
    enable = request.form.get("enable") == "1"
    try:
        accounts.set_disabled(accounts_conn(), name, disabled=not enable)
    except MinzhengError as e:
        return render_template("admin_users.html", users=accounts.list_users(accounts_conn()), roles=accounts.ROLES,
                               offices=_offices(), error=str(e), form={}), 400
    log_use("user_admin", name, action_detail="enable" if enable else "disable")
    return redirect(url_for("admin.users_page"))


def _filter(args) -> accounts.UseFilter:
    unknown = sorted(set(args) - {"user", "action", "office", "since", "until", "text", "page"})
    if unknown:
        raise ParamError(f"利用登记页不认识参数 {'、'.join(unknown[:5])}")
    vals = {k: (args.get(k) or "").strip() or None for k in ("user", "action", "office", "since", "until", "text")}
    for k, label in (("since", "起始日期"), ("until", "截止日期")):
        if vals[k] and not DATE_RE.match(vals[k]):
            raise ParamError(f"{label}（{k}）应写成 2026-01-31 这样，收到 “{vals[k][:20]}”")
    if vals["action"] and vals["action"] not in accounts.ACTIONS:
        raise ParamError(f"不认识的利用方式 “{vals['action'][:20]}”")
    if vals["text"] and len(vals["text"]) > 100:
        raise ParamError("“对象包含”最多 100 个字符")
    return accounts.UseFilter(**vals)


@bp.get("/uselog")
@requires("admin")
def uselog_page():
    flt = _filter(request.args)
    page = integer(request.args, "page", "页码", 1, 100000, default=1)
    total, rows = accounts.use_rows(accounts_conn(), flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin_uselog.html", rows=rows, total=total, flt=flt, page=page, args=args,
                           pages=max(1, -(-total // PAGE_SIZE)), actions=accounts.ACTIONS, offices=_offices())


@bp.get("/uselog.xlsx")
@requires("admin")
def uselog_export():
    flt = _filter(request.args)
    with tempfile.TemporaryDirectory(prefix="mz-uselog-") as tmp:
        dest = Path(tmp) / "uselog.xlsx"
        n = accounts.export_xlsx(accounts_conn(), dest, flt)
        data = dest.read_bytes()
    log_use("uselog_export", "利用登记.xlsx", rows=n)
    return send_file(io.BytesIO(data), as_attachment=True, download_name="利用登记.xlsx", max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
