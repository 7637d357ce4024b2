"""The local search page (`minzheng serve`): a read-only Flask app over the archive's package APIs.

Flask and waitress are imported only when an app is made or served, so `import archive` stays light.
"""
from __future__ import annotations


def create_app(settings, password: str | None = None, **options):
    """The WSGI app for one archive root; with `password`, every page asks for it (HTTP Basic)."""
    from .app import create_app as _create_app

    return _create_app(settings, password=password, **options)


def serve(settings, *, host: str = "127.0.0.1", port: int = 8080, password: str | None = None,
          threads: int = 4, workers: int | None = None, ready=None) -> None:
    """Serve the search page until interrupted. Refuses a non-loopback host without a password.

    workers: processes sharing the port (default: one per core, at most 4; 1 where fork is missing).
    ready(server) is called once the port is listening."""
    from .server import serve as _serve

    _serve(settings, host=host, port=port, password=password, threads=threads, workers=workers, ready=ready)


def check_bind(host: str, password: str | None) -> None:
    """Raise ConfigError when `host` is not loopback and no password is set."""
    from .server import check_bind as _check_bind

    _check_bind(host, password)


__all__ = ["create_app", "serve", "check_bind"]
