"""The Flask app: configuration, who may ask (auth.py), read-only catalog per request, Chinese error pages."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError

from archive import jobs
from archive.common.errors import MinzhengError, NotFoundError

from . import archivist, auth, clerk, inspector, jobs_views
from .admin import bp as admin_bp
from .login import bp as login_bp
from .params import ParamError
from .views import web

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent

ERROR_TITLES = {
    400: "请求参数有误",
    401: "需要密码",
    403: "禁止访问",
    404: "找不到该页面",
    405: "不支持的请求方式",
    413: "请求太大",
    429: "尝试太频繁",
    500: "服务器内部错误",
}


class BoundedInt(IntegerConverter):
    """`<int:…>` in every route: at most SQLite's largest integer, so a huge id is a 404, never a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        if len(value) > 19:
            raise ValidationError()
        return super().to_python(value)


LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "::1"})


@dataclass
class WebContext:
    """What every request needs: the root's settings, how the server was started, the search worker pool.

    loopback: bound to a loopback address (the password-less read-only mode is allowed then, if no
    accounts exist). allowed_hosts: the Host names accepted (loopback names always). tls: served over
    TLS (cookies get Secure)."""

    settings: object
    password: str | None = None
    search_timeout: float = 10.0
    loopback: bool = True
    allowed_hosts: frozenset = LOOPBACK_NAMES
    tls: bool = False
    secret: bytes | None = None
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="mz-search"))


def server_settings(settings) -> dict:
    """The `[server]` table of minzheng.toml: hosts (list of names), behind_https_proxy (bool)."""
    data = getattr(settings, "data", None) or {}
    server = data.get("server") if isinstance(data, dict) else None
    return server if isinstance(server, dict) else {}


def create_app(settings, password: str | None = None, *, search_timeout: float = 10.0, loopback: bool = True,
               allowed_hosts=(), tls: bool = False) -> Flask:
    """The app. allowed_hosts: names besides the loopback ones and minzheng.toml's [server] hosts."""
    app = Flask("archive.web", root_path=str(HERE), template_folder="templates", static_folder="static")
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=64 * 1024, SEND_FILE_MAX_AGE_DEFAULT=3600)
    server = server_settings(settings)
    hosts = {h.strip().lower().strip("[]").rstrip(".") for h in [*allowed_hosts, *(server.get("hosts") or [])]
             if isinstance(h, str) and h.strip()}
    app.extensions["minzheng"] = WebContext(settings=settings, password=password or None,
                                            search_timeout=search_timeout, loopback=loopback,
                                            allowed_hosts=frozenset(LOOPBACK_NAMES | hosts), tls=tls)
    if server.get("behind_https_proxy"):
        # the proxy (nginx) says the client's address and that it spoke https: trust one hop
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=0)

    app.url_map.converters["int"] = BoundedInt       # before any route is added
    auth.install(app)
    app.register_blueprint(login_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(web)
    for bp in (clerk.bp, archivist.bp, inspector.bp, jobs_views.bp):    # the work pages of each role
        app.register_blueprint(bp)
    app.extensions["minzheng_jobs"] = jobs.start_worker(settings)   # one worker per root runs the long work

    @app.teardown_appcontext
    def _close_catalog(exc):
        conn = g.pop("catalog", None)
        if conn is not None:
            conn.close()

    @app.after_request
    def _headers(resp: Response):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'")
        return resp

    @app.errorhandler(ParamError)
    def _bad_param(e):
        return _error_page(400, str(e))

    @app.errorhandler(NotFoundError)
    def _not_found(e):
        return _error_page(404, str(e))

    @app.errorhandler(MinzhengError)
    def _mz_error(e):
        return _error_page(500, str(e))

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        detail = e.description if isinstance(e.description, str) and _is_chinese(e.description) else ""
        resp = _error_page(e.code or 500, detail)
        if e.code == 401:
            resp.headers["WWW-Authenticate"] = 'Basic realm="minzheng", charset="UTF-8"'
        return resp

    @app.errorhandler(Exception)
    def _unexpected(e):
        log.exception("处理 %s 时出错", request.path)
        return _error_page(500, "处理请求时出现意外错误，已记录在服务器日志中。请稍后重试；服务器仍在运行。")

    return app


def _is_chinese(s: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in s)


def _error_page(code: int, detail: str = "") -> Response:
    title = ERROR_TITLES.get(code, "出错了")
    if not detail:
        detail = {
            404: "地址不存在，或该记录、案卷已不在档案库中。请从检索页重新查找。",
            405: "此地址不支持这种请求方式。",
        }.get(code, "")
    try:
        html = render_template("error.html", code=code, title=title, detail=detail)
    except Exception:       # the template itself failed: still answer in Chinese
        log.exception("渲染错误页失败")
        html = f"<!doctype html><meta charset=utf-8><title>{code}</title><h1>{code} {title}</h1>"
    return Response(html, status=code, mimetype="text/html")
