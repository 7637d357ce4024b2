"""Server-side sessions: the cookie holds a random token; the catalog holds its sha256, the user and times.

Kept in the catalog so that every worker process of `serve` sees the same sessions, logout and
`user disable` end them at once, and a restart keeps people logged in. Idle sessions expire after
IDLE_SECONDS, any session after MAX_SECONDS.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time

from archive.store import catalog

from .model import User
from .users import user_by_id

IDLE_SECONDS = 8 * 3600
MAX_SECONDS = 24 * 3600
TOUCH_EVERY = 60          # last_seen is written at most once a minute per session


def _h(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(conn: sqlite3.Connection, user: User, address: str = "") -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    with catalog.transaction(conn):
        conn.execute("DELETE FROM sessions WHERE last_seen<? OR created<?", (now - IDLE_SECONDS, now - MAX_SECONDS))
        conn.execute("INSERT INTO sessions(token_hash, user_id, created, last_seen, address) VALUES (?,?,?,?,?)",
                     (_h(token), user.id, now, now, address))
    return token


def session_user(conn: sqlite3.Connection, token: str | None) -> User | None:
    """The user of a live session (and the session is touched), or None."""
    if not token or len(token) > 100:
        return None
    now = time.time()
    row = conn.execute("SELECT user_id, created, last_seen FROM sessions WHERE token_hash=?", (_h(token),)).fetchone()
    if row is None:
        return None
    if row["last_seen"] < now - IDLE_SECONDS or row["created"] < now - MAX_SECONDS:
        conn.execute("DELETE FROM sessions WHERE token_hash=?", (_h(token),))
        return None
    user = user_by_id(conn, row["user_id"])
    if user is None or user.disabled:
        return None
    if now - row["last_seen"] > TOUCH_EVERY:
        conn.execute("UPDATE sessions SET last_seen=? WHERE token_hash=?", (now, _h(token)))
    return user


def end_session(conn: sqlite3.Connection, token: str | None) -> None:
    if token:
        conn.execute("DELETE FROM sessions WHERE token_hash=?", (_h(token),))


def server_secret(conn: sqlite3.Connection) -> bytes:
    """A random secret kept in the catalog (made once), for CSRF tokens; the same in every worker."""
    row = conn.execute("SELECT value FROM meta WHERE key='web_secret'").fetchone()
    if row is None:
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('web_secret', ?)", (secrets.token_hex(32),))
        row = conn.execute("SELECT value FROM meta WHERE key='web_secret'").fetchone()
    return bytes.fromhex(row["value"])


def csrf_for(secret: bytes, session_id: str) -> str:
    return hmac.new(secret, b"csrf:" + session_id.encode("ascii", "replace"), hashlib.sha256).hexdigest()[:40]


def csrf_ok(secret: bytes, session_id: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_for(secret, session_id), str(given))
