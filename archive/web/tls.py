"""Serving over TLS (`serve --cert FILE --key FILE`): waitress has no TLS, so the pages are served by
cheroot (CherryPy's pure-Python, thread-pooled WSGI server) with Python's ssl module: TLS 1.2 or newer,
one process with a pool of threads. Behind nginx (the other way, see the README) waitress serves plain
HTTP on loopback and nginx does TLS."""
from __future__ import annotations

import ssl
from pathlib import Path

from archive.common.errors import ConfigError

MIN_THREADS = 8


def check_cert(cert: Path | str, key: Path | str) -> ssl.SSLContext:
    """A server context from the PEM files, or a Chinese ConfigError naming what is wrong."""
    for label, path in (("证书", cert), ("私钥", key)):
        if not Path(path).is_file():
            raise ConfigError(f"找不到{label}文件 {path}。请给出 PEM 格式的文件（--cert 证书.pem --key 私钥.pem）")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(str(cert), str(key))
    except ssl.SSLError as e:
        raise ConfigError(f"证书 {cert} 和私钥 {key} 无法使用（{e.reason or e}）：两者须为 PEM 格式且互相匹配，私钥不能有密码")
    except OSError as e:
        raise ConfigError(f"无法读取证书或私钥：{e.strerror or e}") from None
    return ctx


def tls_server(app, host: str, port: int, cert, key, threads: int):
    """A cheroot server bound to host:port (listening once `prepare()` has run)."""
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    context = check_cert(cert, key)
    server = wsgi.Server((host.strip("[]"), port), app, numthreads=max(MIN_THREADS, threads), server_name="minzheng")
    adapter = BuiltinSSLAdapter(str(cert), str(key))
    adapter.context = context
    server.ssl_adapter = adapter
    return server
