"""Who is asking, and may they: host check, sessions, roles, CSRF and the use log of the county server.

The interface the pages use:
  current_user()               the archive.accounts.User of this request, or None (not logged in).
                               In the password-less loopback mode (no accounts yet) and the old
                               shared-password mode it is accounts.READER: name "本机", role "reader",
                               office None — it reads everything, never writes, and sees IDs masked.
  @requires(*roles)            not logged in → redirect to /login?next=…; wrong role → 403 (Chinese page,
                               no data). With no roles: any logged-in user, the reader included.
  can_see_office(user, code)   clerk: own office only; archivist, inspector, admin, reader: all.
  sees_full_ids(user, code)    clerk of that office, archivist, admin: True; everyone else: False.
  mask_ids(text)               every 18-character ID number masked as 430103********1234.
  shown(text, office)          `text` as the current user may see it (masked unless sees_full_ids);
                               shown_deep(obj, office) the same for a dict/list (a report's rows);
                               shown_snippet(text, office) for a snippet with 【】 highlight marks.
  may_open_files(user, code)   page images, originals, volume PDFs (pictures cannot be masked): those
                               who see full IDs of that office, and the local reader.
  log_use(action, target, office=None, **detail)   one use-log row: user, time, address, what.
  csrf_token()                 (also a Jinja global) the token every POST form carries as the field
                               `csrf_token` (or the header X-CSRF-Token); every POST/PUT/PATCH/DELETE
                               without a good one is a 403 before any view runs.
"""
from __future__ import annotations

import base64
import functools
import hmac
import logging
import secrets
import time

from flask import abort, current_app, g, redirect, request, url_for

from archive import accounts
from archive.accounts import (
    READER,
    User,
    can_see_office,
    mask_deep,
    mask_ids,
    may_open_files,
    sees_full_ids,
)
from archive.store import catalog

log = logging.getLogger(__name__)

SESSION_COOKIE = "mz_session"
PRE_COOKIE = "mz_pre"          # anonymous visitors' CSRF id (the login form)
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.logout"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FAILED_LOGIN_DELAY = 1.0       # seconds every failed login waits before its answer
SHARED_NAME = "（共用密码）"
SHARED_MAX_FAILURES = 20        # per address in 15 minutes, then even the right password waits

__all__ = [
    "READER",
    "User",
    "accounts_conn",
    "can_see_office",
    "client_address",
    "csrf_token",
    "current_user",
    "install",
    "log_use",
    "mask_ids",
    "mask_marked",
    "may_open_files",
    "require_files",
    "require_office",
    "requires",
    "sees_full_ids",
    "shown",
    "shown_deep",
    "shown_snippet",
]


def _ctx():
    return current_app.extensions["minzheng"]


def accounts_conn():
    """A writable catalog connection for this request (sessions, use log); the pages' own is read-only."""
    if "accounts_conn" not in g:
        g.accounts_conn = catalog.connect(_ctx().settings.catalog_url)
    return g.accounts_conn


def client_address() -> str:
    return request.remote_addr or ""


def current_user() -> User | None:
    return g.get("user")


def shown(text, office: str | None):
    """`text` as the current user may see it: IDs masked unless they need them for this office."""
    return text if sees_full_ids(current_user(), office) else mask_ids(text)


def mask_marked(text, open: str = "【", close: str = "】"):
    """mask_ids for a snippet whose highlights are bracketed: an ID split by a bracket is masked too.
    Masking keeps the length, so the brackets go back where they were."""
    if not isinstance(text, str) or len(text) < 18:
        return text
    plain, marks = [], []
    for i, ch in enumerate(text):
        if ch in (open, close):
            marks.append((i, ch))
        else:
            plain.append(ch)
    out = list(mask_ids("".join(plain)))
    for i, ch in marks:
        out.insert(i, ch)
    return "".join(out)


def shown_snippet(text, office: str | None):
    return text if sees_full_ids(current_user(), office) else mask_marked(text)


def shown_deep(obj, office: str | None):
    return obj if sees_full_ids(current_user(), office) else mask_deep(obj)


def require_office(office: str | None, what: str = "此记录") -> None:
    """403 unless the current user may see this office's data (the page shows no data)."""
    if not can_see_office(current_user(), office):
        abort(403, description=f"{what}属于其他民政办，您的账号只能查看本办（{current_user().office or '无'}）的档案。")


def require_files(office: str | None, what: str = "原件") -> None:
    """403 unless the current user may open pictures/originals of this office."""
    require_office(office)
    if not may_open_files(current_user(), office):
        abort(403, description=f"{what}含有未遮盖的身份证号等个人信息，{current_user().role_name}只能查看遮盖后的文字。"
                               "如需原件，请按利用登记的规定找档案员办理。")


def requires(*roles: str):
    """View decorator: login needed (redirect to the login page), and one of `roles` if any are given."""
    def deco(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_next_target()))
            if roles and user.role not in roles:
                abort(403, description=f"您的账号（{user.role_name}）不能使用此页面。")
            return view(*args, **kwargs)
        wrapped.required_roles = roles
        return wrapped
    return deco


def log_use(action: str, target="", office: str | None = None, **detail) -> None:
    """One row of the use log (利用登记) for the current user and request."""
    user = current_user() or User(None, "（未登录）", "anonymous")
    accounts.record_use(accounts_conn(), user, client_address(), action, str(target), office, **detail)


# ------------------------------------------------------------------ CSRF
def _csrf_id() -> str:
    token = g.get("session_token")
    if token:
        return "s:" + token
    pre = g.get("pre_id") or request.cookies.get(PRE_COOKIE)
    if not pre or len(pre) > 64:
        pre = secrets.token_urlsafe(24)
        g.set_pre_cookie = pre
    g.pre_id = pre
    return "p:" + pre


def _secret() -> bytes:
    ctx = _ctx()
    if ctx.secret is None:
        ctx.secret = accounts.server_secret(accounts_conn())
    return ctx.secret


def csrf_token() -> str:
    return accounts.csrf_for(_secret(), _csrf_id())


def _check_csrf():
    given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token")
    if not accounts.csrf_ok(_secret(), _csrf_id(), given):
        log.warning("CSRF 校验失败：%s %s 来自 %s", request.method, request.path, client_address())
        abort(403, description="表单已过期或不是从本系统的页面提交的（安全校验未通过）。请刷新页面后重新提交。")


# ------------------------------------------------------------------ per request
def _host_ok() -> bool:
    host = (request.host or "").strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".") in _ctx().allowed_hosts


def _next_target() -> str:
    path = request.full_path if request.query_string else request.path
    return path if path.startswith("/") and not path.startswith("//") else "/"


def _shared_password_user() -> User | None:
    """The old shared-password mode (HTTP basic auth): READER on the right password, else None."""
    header = request.headers.get("Authorization", "")
    given = None
    if header.lower().startswith("basic "):
        try:
            given = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            given = None
    conn = accounts_conn()
    now = time.time()
    recent = conn.execute("SELECT count(*) FROM login_failures WHERE address=? AND at>?",
                          (client_address(), now - accounts.LOCK_SECONDS)).fetchone()[0]
    g.shared_refused = recent >= SHARED_MAX_FAILURES
    if g.shared_refused:                        # refused before the password is even compared
        return None
    if given is not None and hmac.compare_digest(given.encode("utf-8"), _ctx().password.encode("utf-8")):
        return READER
    if given is not None:
        conn.execute("INSERT INTO login_failures(at, name, address) VALUES (?,?,?)", (now, SHARED_NAME, client_address()))
        accounts.record_use(conn, User(None, SHARED_NAME, "anonymous"), client_address(), "login_failed", SHARED_NAME)
        log.warning("共用密码错误，来自 %s（15 分钟内第 %d 次）", client_address(), recent + 1)
        time.sleep(min(FAILED_LOGIN_DELAY * (1 + recent), 5.0))
    return None


def _before():
    ctx = _ctx()
    if not _host_ok():
        log.warning("拒绝主机名 %r（来自 %s）", request.host, client_address())
        abort(400, description=f"本服务器不接受主机名 “{request.host[:60]}”。请用启动时允许的地址打开"
                               "（本机用 http://127.0.0.1:端口/；其他名字请用 serve --allowed-host 名字 添加）。")
    g.user = None
    if request.routing_exception is not None:     # 404 / 405: no view runs, Flask answers
        return None
    if accounts.any_accounts(accounts_conn()):
        token = request.cookies.get(SESSION_COOKIE)
        user = accounts.session_user(accounts_conn(), token)
        if user is not None:
            g.user, g.session_token = user, token
    elif ctx.password:
        g.user = _shared_password_user()
        if g.user is None:
            if g.get("shared_refused"):
                abort(429, description="密码错误次数太多，请 15 分钟后再试。")
            abort(401, description="本页面需要密码。请输入启动 minzheng serve 时设置的密码（用户名可随意填写）。")
    elif ctx.loopback:
        g.user = READER
    endpoint = request.endpoint or ""
    if request.method in UNSAFE_METHODS:
        _check_csrf()
        if g.user is not None and g.user.is_reader:
            abort(403, description="只读模式：本机未建账号时只能查看，不能修改。请用 minzheng user add 建立账号后登录。")
    if g.user is None and endpoint not in PUBLIC_ENDPOINTS and request.url_rule is not None:
        return redirect(url_for("auth.login", next=_next_target()))
    return None


def _after(resp):
    pre = g.pop("set_pre_cookie", None)
    if pre:
        resp.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="Strict", secure=cookie_secure(), path="/")
    return resp


def cookie_secure() -> bool:
    return bool(request.is_secure or _ctx().tls)


def _teardown(exc):
    conn = g.pop("accounts_conn", None)
    if conn is not None:
        conn.close()


def install(app) -> None:
    """Hook the checks into the app (called by create_app) and make csrf_token a Jinja global."""
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_appcontext(_teardown)
    app.jinja_env.globals.update(csrf_token=csrf_token, current_user=current_user)
