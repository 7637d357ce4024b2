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
from contextlib import contextmanager

from archive.common.errors import ConfigError

from .app import create_app, server_settings
from .tls import tls_server

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


WILDCARDS = ("0.0.0.0", "::", "")
MIN_SHARED_PASSWORD = 10


def check_bind(host: str, password: str | None, *, has_accounts: bool = False, allowed_hosts=()) -> None:
    """Refuse a start that would expose the archive: another computer can reach a non-loopback address,
    so accounts are needed there (the shared password is for loopback only); a wildcard address needs
    the names people will type (--allowed-host / [server] hosts), since only those are accepted."""
    if password is not None:
        if has_accounts:
            raise ConfigError("已经建立了账号，请用账号登录，不要再用 --password（或 MINZHENG_SERVE_PASSWORD）共用密码")
        if len(password) < MIN_SHARED_PASSWORD:
            raise ConfigError(f"--password 太短（{len(password)} 个字符），至少要 {MIN_SHARED_PASSWORD} 个字符")
    if not is_loopback(host):
        if not has_accounts:
            raise ConfigError(
                f"监听地址 {host} 不是本机回环地址，其他电脑也能访问，必须先建立账号。请运行 "
                "minzheng user add 名字 --role admin（再为每位办事员、档案员、检查人员各建一个账号），"
                "或去掉 --host 只在本机使用")
        if host.strip("[]") in WILDCARDS and not [h for h in allowed_hosts if not is_loopback(h)]:
            raise ConfigError(
                f"监听 {host or '所有地址'} 时，请用 --allowed-host 写明其他电脑打开本服务器时用的名字或 IP 地址"
                "（可写多次，如 --allowed-host 192.168.1.20 --allowed-host dangan.qingshan.gov.cn），"
                "或写进 minzheng.toml 的 [server] hosts。只接受这些名字，可以防止 DNS 重绑定攻击")


def check_proxied(host: str, has_accounts: bool) -> None:
    """Behind a reverse proxy the server believes X-Forwarded-For/-Proto, so only the proxy may reach it;
    and the proxy brings other computers, so the password-less local mode must not be what they get."""
    if not is_loopback(host):
        raise ConfigError(f"minzheng.toml 设了 [server] behind_https_proxy = true（由 nginx 等提供 HTTPS），"
                          f"这时只能监听本机回环地址（去掉 --host {host}），由反向代理转发")
    if not has_accounts:
        raise ConfigError("minzheng.toml 设了 [server] behind_https_proxy = true，反向代理会把其他电脑转到这里，"
                          "所以必须先建立账号：minzheng user add 名字 --role admin")


def host_names(host: str, allowed_hosts=(), settings=None) -> list[str]:
    """The names the server accepts in Host: the given ones, [server] hosts, and a specific bind address."""
    names = [h for h in allowed_hosts if h]
    names += list(server_settings(settings).get("hosts") or []) if settings is not None else []
    if host.strip("[]") not in WILDCARDS:
        names.append(host.strip("[]"))
    return names


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
          workers: int | None = None, ready=None, allowed_hosts=(), has_accounts: bool = False,
          cert=None, key=None) -> None:
    """Serve the pages until interrupted. Refuses what check_bind refuses.

    workers: processes sharing the port (default: one per core, at most 4; 1 where fork is missing).
    cert/key: PEM files: TLS through cheroot in one process (tls.py). ready(server) is called once the
    port is listening (server.effective_port is the port)."""
    names = host_names(host, allowed_hosts, settings)
    check_bind(host, password, has_accounts=has_accounts, allowed_hosts=names)
    loopback = is_loopback(host)
    if server_settings(settings).get("behind_https_proxy"):
        check_proxied(host, has_accounts)
    if bool(cert) != bool(key):
        raise ConfigError("--cert 和 --key 要一起给出：证书文件和它的私钥文件")

    def make_app():
        return create_app(settings, password=password, loopback=loopback, allowed_hosts=names, tls=bool(cert))

    if cert:
        _serve_tls(make_app(), host, port, cert, key, threads, ready)
        return
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
                create_server(make_app(), sockets=[sock], threads=threads,
                              ident="minzheng").run()
            except BaseException:
                log.exception("检索页面工作进程出错")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)

    server = create_server(make_app(), sockets=[sock], threads=threads,
                           ident="minzheng")
    try:
        with _sigterm_stops():
            if ready is not None:
                ready(server)
            server.run()
    finally:
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


def _serve_tls(app, host, port, cert, key, threads, ready) -> None:
    server = tls_server(app, host, port, cert, key, threads)
    try:
        server.prepare()
    except OSError as e:
        raise ConfigError(f"无法在 {host}:{port} 上监听：{e}。请换一个端口（--port）") from e
    server.effective_port = server.bind_addr[1]
    try:
        with _sigterm_stops():
            if ready is not None:
                ready(server)
            server.serve()
    finally:
        server.stop()


@contextmanager
def _sigterm_stops():
    """SIGTERM (systemd's stop) ends the server like Ctrl+C, in the main thread; the old handler comes back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _stop(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)
