"""The Flask app: configuration, password check, read-only catalog per request, Chinese error pages."""
from __future__ import annotations

import base64
import hmac
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException

from archive.common.errors import MinzhengError, NotFoundError

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
    500: "服务器内部错误",
}


@dataclass
class WebContext:
    """What every request needs: the root's settings, the password, and the search worker pool."""

    settings: object
    password: str | None = None
    search_timeout: float = 10.0
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="mz-search"))


def create_app(settings, password: str | None = None, *, search_timeout: float = 10.0) -> Flask:
    app = Flask("archive.web", root_path=str(HERE), template_folder="templates", static_folder="static")
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=64 * 1024, SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.extensions["minzheng"] = WebContext(settings=settings, password=password or None,
                                            search_timeout=search_timeout)


    app.register_blueprint(web)

    @app.before_request
    def _require_password():
        ctx: WebContext = app.extensions["minzheng"]
        if ctx.password and not _password_ok(request.headers.get("Authorization", ""), ctx.password):
            resp = _error_page(401, "本页面需要密码。请输入启动 minzheng serve 时设置的密码（用户名可随意填写）。")
            resp.headers["WWW-Authenticate"] = 'Basic realm="minzheng", charset="UTF-8"'
            return resp

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
        return _error_page(e.code or 500, detail)

    @app.errorhandler(Exception)
    def _unexpected(e):
        log.exception("处理 %s 时出错", request.path)
        return _error_page(500, "处理请求时出现意外错误，已记录在服务器日志中。请稍后重试；服务器仍在运行。")

    return app


def _is_chinese(s: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in s)


def _password_ok(header: str, password: str) -> bool:
    if not header.lower().startswith("basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    _, _, given = decoded.partition(":")
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


def _error_page(code: int, detail: str = "") -> Response:
    title = ERROR_TITLES.get(code, "出错了")
    if not detail:
        detail = {
            404: "地址不存在，或该记录、案卷已不在档案库中。请从检索页重新查找。",
            405: "本服务只读，只能查看。",
        }.get(code, "")
    try:
        html = render_template("error.html", code=code, title=title, detail=detail)
    except Exception:       # the template itself failed: still answer in Chinese
        log.exception("渲染错误页失败")
        html = f"<!doctype html><meta charset=utf-8><title>{code}</title><h1>{code} {title}</h1>"
    return Response(html, status=code, mimetype="text/html")
