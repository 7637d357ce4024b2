"""The login page and logout (blueprint "auth"). Sessions live in the catalog (archive.accounts.sessions)."""
from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from archive import accounts

from .auth import (
    FAILED_LOGIN_DELAY,
    SESSION_COOKIE,
    accounts_conn,
    client_address,
    cookie_secure,
    current_user,
    log_use,
)

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no //host): an open redirect would help phishing."""
    if (not target or not target.startswith("/") or target.startswith("//") or len(target) > 500
            or any(c == "\\" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target)):
        return url_for("web.search_page")        # browsers drop tabs and newlines: "/\t/evil" is "//evil"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    conn = accounts_conn()
    if not accounts.any_accounts(conn):
        if current_app.extensions["minzheng"].loopback:
            return redirect(url_for("web.search_page"))
        abort(403, description="服务器还没有建立账号。请管理员在服务器上运行 minzheng user add 名字 --role admin。")
    next_ = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_)
        return render_template("login.html", next=next_, error=None, name="")
    name = (request.form.get("name") or "").strip()
    password = request.form.get("password") or ""
    try:
        user = accounts.authenticate(conn, name, password, accounts.Attempt(address=client_address()))
    except accounts.LoginRefused as e:
        time.sleep(FAILED_LOGIN_DELAY)
        status = 429 if e.retry_after else 401
        resp = render_template("login.html", next=next_, error=e.message, name=name[:40])
        return resp, status, ({"Retry-After": str(e.retry_after)} if e.retry_after else {})
    token = accounts.start_session(conn, user, client_address())
    resp = redirect(next_)
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax", secure=cookie_secure(), path="/")
    return resp


@bp.post("/logout")
def logout():
    if current_user() is not None and not current_user().is_reader:
        log_use("logout", current_user().name)
    accounts.end_session(accounts_conn(), g.get("session_token"))
    resp = redirect(url_for("auth.login"))
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=cookie_secure())
    return resp
