"""Run the app with waitress (pure-Python, multi-threaded WSGI server), loopback by default."""
from __future__ import annotations

import ipaddress
import logging

from ..errors import ConfigError

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, password: str | None) -> None:
    if not is_loopback(host) and not password:
        raise ConfigError(
            f"监听地址 {host} 不是本机回环地址，其他电脑也能访问。"
            "请用 --password 设置访问密码（或环境变量 MINZHENG_SERVE_PASSWORD），或去掉 --host 只在本机使用"
        )


def serve(settings, *, host: str, port: int, password: str | None, threads: int = 4, ready=None) -> None:
    check_bind(host, password)
    from waitress import create_server

    from .app import create_app

    app = create_app(settings, password=password)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="minzheng")
    except OSError as e:
        raise ConfigError(f"无法在 {host}:{port} 上监听：{e}。请换一个端口（--port）") from e
    if ready is not None:
        ready(server)
    try:
        server.run()
    finally:
        server.close()
