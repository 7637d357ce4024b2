"""Run the app with waitress (pure-Python, multi-threaded WSGI server), loopback by default.

Searching is mostly Python work, so one process uses about one core whatever its thread count. With
`workers` > 1 (POSIX only) the listening socket is bound once and shared by forked worker processes,
each running waitress with its own threads; the kernel spreads connections between them.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import signal
import socket
import threading
import time

from archive.common.errors import ConfigError

from .app import create_app

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


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1)) if hasattr(os, "fork") else 1


def _listen(host: str, port: int) -> socket.socket:
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family = infos[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(infos[0][4])
        sock.listen(1024)
    except OSError as e:
        raise ConfigError(f"无法在 {host}:{port} 上监听：{e}。请换一个端口（--port）") from e
    sock.setblocking(False)
    return sock


def serve(settings, *, host: str = "127.0.0.1", port: int = 8080, password: str | None = None, threads: int = 4,
          workers: int | None = None, ready=None) -> None:
    """Serve the pages until interrupted. Refuses a non-loopback host without a password.

    workers: processes sharing the port (default: one per core, at most 4; 1 where fork is missing).
    ready(server) is called once the port is listening."""
    check_bind(host, password)
    from waitress import create_server


    workers = default_workers() if workers is None else max(1, int(workers))
    if not hasattr(os, "fork"):
        workers = 1
    sock = _listen(host, port)
    children: list[int] = []
    parent = os.getpid()
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:                                  # worker: serve until the parent goes away
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent stops us
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
                create_server(create_app(settings, password=password), sockets=[sock], threads=threads,
                              ident="minzheng").run()
            except BaseException:
                log.exception("检索页面工作进程出错")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)

    def _stop(signum, frame):
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, _stop) if in_main else None
    server = create_server(create_app(settings, password=password), sockets=[sock], threads=threads,
                           ident="minzheng")
    try:
        if ready is not None:
            ready(server)
        server.run()
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, old_term)
        server.close()
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        sock.close()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)
