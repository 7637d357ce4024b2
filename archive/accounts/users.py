"""Accounts in the catalog: add, list, change password, disable; logging in with lock-out.

Lock-out: after MAX_FAILURES failed logins for one name within LOCK_SECONDS the name is locked until
LOCK_SECONDS after the last failure (unknown names too, so a lock says nothing about which names exist).
Slow-down: an address with ADDRESS_MAX_FAILURES failures within LOCK_SECONDS is refused until they age.
Each failure is a row in login_failures and in the use log; a success clears the name's failures.
"""
from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass

from archive.common.errors import ConfigError, ExitCode, MinzhengError, NotFoundError
from archive.store import catalog

from .model import ROLES, User
from .passwords import DUMMY_HASH, check_strength, hash_password, verify_password
from .uselog import record_use

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
ADDRESS_MAX_FAILURES = 20
NAME_RE = re.compile(r"^[\w.\-@\u4e00-\u9fff]{1,40}$")


class _Usage(MinzhengError):
    """A value given to `user add|passwd` that cannot be taken (exit status 2, like other usage errors)."""

    exit_code = ExitCode.usage


class LoginRefused(Exception):
    """Login failed; `message` is Chinese and safe to show, `retry_after` seconds when locked."""

    def __init__(self, message: str, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _user(row) -> User:
    return User(id=row["id"], name=row["name"], role=row["role"], office=row["office"],
                disabled=bool(row["disabled"]))


def any_accounts(conn: sqlite3.Connection) -> bool:
    """True once any account exists (disabled ones too): the password-less mode ends then."""
    return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def get_user(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()
    return _user(row) if row else None


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    row = conn.execute("SELECT * FROM users WHERE id=?", (user_id,)).fetchone()
    return _user(row) if row else None


def list_users(conn: sqlite3.Connection) -> list[dict]:
    now = time.time()
    out = []
    for r in conn.execute("SELECT id, name, role, office, disabled, created_at, changed_at FROM users ORDER BY name"):
        d = dict(r)
        d["disabled"] = bool(d["disabled"])
        d["role_name"] = ROLES.get(d["role"], d["role"])
        d["locked_until"] = _locked_until(conn, d["name"], now)
        out.append(d)
    return out


def _check_role_office(conn, role: str, office: str | None) -> str | None:
    if role not in ROLES:
        raise _Usage(f"角色 “{role}” 不存在。可选：{'、'.join(f'{k}（{v}）' for k, v in ROLES.items())}")
    if role != "clerk":
        if office:
            raise _Usage(f"只有办事员（clerk）属于某个民政办；{ROLES[role]}不要加 --office")
        return None
    if not office:
        raise _Usage("办事员（clerk）必须用 --office 指定所在民政办的机构代码，如 --office QSZ")
    office = office.strip().upper()
    known = {r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM offices ORDER BY code")}
    if office not in known:
        listed = "、".join(f"{k}（{v}）" for k, v in known.items()) or "无（请先运行 minzheng office import）"
        raise _Usage(f"机构代码 “{office}” 不存在。本县的机构：{listed}")
    return office


def check_new_user(conn: sqlite3.Connection, name: str, role: str, office: str | None = None) -> str | None:
    """Everything about a new account but its password (so a script or prompt can stop early); the office."""
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise _Usage(f"用户名 “{name}” 不可用：1–40 个字符，只用汉字、字母、数字和 . _ - @")
    office = _check_role_office(conn, role, office)
    if conn.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
        raise _Usage(f"用户 “{name}” 已存在。改密码请用 minzheng user passwd {name}")
    return office


def add_user(conn: sqlite3.Connection, name: str, role: str, password: str, office: str | None = None) -> User:
    name = (name or "").strip()
    office = check_new_user(conn, name, role, office)
    reason = check_strength(password)
    if reason:
        raise _Usage(f"{reason}。")
    pw = hash_password(password)
    with catalog.transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise _Usage(f"用户 “{name}” 已存在。改密码请用 minzheng user passwd {name}")
        now = catalog.now()
        cur = conn.execute("INSERT INTO users(name, role, office, pw_hash, created_at, changed_at) VALUES (?,?,?,?,?,?)",
                           (name, role, office, pw, now, now))
        catalog.log_event(conn, "user.add", name=name, role=role, office=office)
    return User(id=cur.lastrowid, name=name, role=role, office=office)


def _need(conn, name: str) -> User:
    u = get_user(conn, name)
    if u is None:
        names = [r["name"] for r in conn.execute("SELECT name FROM users ORDER BY name LIMIT 20")]
        raise NotFoundError(f"没有用户 “{name}”。现有用户：{'、'.join(names) or '无（用 minzheng user add 添加）'}")
    return u


def set_password(conn: sqlite3.Connection, name: str, password: str) -> User:
    """New password; clears the name's failed logins and ends its sessions."""
    u = _need(conn, name)
    reason = check_strength(password)
    if reason:
        raise _Usage(f"{reason}。")
    pw = hash_password(password)
    with catalog.transaction(conn):
        conn.execute("UPDATE users SET pw_hash=?, changed_at=? WHERE id=?", (pw, catalog.now(), u.id))
        conn.execute("DELETE FROM login_failures WHERE name=?", (u.name,))
        conn.execute("DELETE FROM sessions WHERE user_id=?", (u.id,))
        catalog.log_event(conn, "user.passwd", name=u.name)
    return u


def set_disabled(conn: sqlite3.Connection, name: str, disabled: bool = True) -> User:
    """Disable (and log out) or enable an account. The last enabled admin cannot be disabled."""
    u = _need(conn, name)
    with catalog.transaction(conn):
        if disabled and u.role == "admin" and not u.disabled:
            others = conn.execute("SELECT count(*) FROM users WHERE role='admin' AND disabled=0 AND id<>?",
                                  (u.id,)).fetchone()[0]
            if others == 0 and conn.execute("SELECT count(*) FROM users WHERE disabled=0").fetchone()[0] > 1:
                raise ConfigError(f"“{u.name}” 是最后一个可用的管理员，停用后就没人能管理账号了。请先添加另一个管理员")
        conn.execute("UPDATE users SET disabled=?, changed_at=? WHERE id=?", (int(disabled), catalog.now(), u.id))
        if disabled:
            conn.execute("DELETE FROM sessions WHERE user_id=?", (u.id,))
        catalog.log_event(conn, "user.disable" if disabled else "user.enable", name=u.name)
    return _need(conn, name)


def _locked_until(conn, name: str, now: float) -> float | None:
    rows = conn.execute("SELECT at FROM login_failures WHERE name=? AND at>? ORDER BY at DESC LIMIT ?",
                        (name, now - LOCK_SECONDS, MAX_FAILURES)).fetchall()
    if len(rows) < MAX_FAILURES:
        return None
    return rows[0]["at"] + LOCK_SECONDS


@dataclass
class Attempt:
    """Where a login comes from (for the slow-down and the log)."""

    address: str = ""


def authenticate(conn: sqlite3.Connection, name: str, password: str, attempt: Attempt | None = None) -> User:
    """The user, or LoginRefused with a Chinese message. Every failure is recorded and logged."""
    attempt = attempt or Attempt()
    name = (name or "").strip()[:40]
    now = time.time()
    n_addr = conn.execute("SELECT count(*) FROM login_failures WHERE address=? AND at>?",
                          (attempt.address, now - LOCK_SECONDS)).fetchone()[0]
    if n_addr >= ADDRESS_MAX_FAILURES:
        _fail(conn, name, attempt, "address_limited", now)
        raise LoginRefused(f"这台电脑登录失败次数太多，请 {LOCK_SECONDS // 60} 分钟后再试", LOCK_SECONDS)
    until = _locked_until(conn, name, now)
    if until is not None and until > now:
        _fail(conn, name, attempt, "locked", now, count=False)
        minutes = max(1, round((until - now) / 60))
        raise LoginRefused(f"该账号连续 {MAX_FAILURES} 次密码错误，已锁定，请 {minutes} 分钟后再试"
                           "（或请管理员用 minzheng user passwd 重设密码）", int(until - now))
    row = conn.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()
    ok = verify_password(password, row["pw_hash"] if row else DUMMY_HASH)
    if not ok or row is None or row["disabled"]:
        reason = "disabled" if (ok and row is not None) else "bad_password"
        _fail(conn, name, attempt, reason, now)
        if reason == "disabled":
            raise LoginRefused("该账号已停用，请联系管理员")
        left = MAX_FAILURES - len(conn.execute(
            "SELECT 1 FROM login_failures WHERE name=? AND at>?", (name, now - LOCK_SECONDS)).fetchall())
        more = f"再错 {left} 次将锁定 {LOCK_SECONDS // 60} 分钟" if left > 0 else f"账号已锁定 {LOCK_SECONDS // 60} 分钟"
        raise LoginRefused(f"用户名或密码不对（{more}）")
    user = _user(row)
    with catalog.transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE name=?", (name,))
    record_use(conn, user, attempt.address, "login", name)
    return user


def _fail(conn, name: str, attempt: Attempt, reason: str, now: float, count: bool = True) -> None:
    with catalog.transaction(conn):
        if count:
            conn.execute("INSERT INTO login_failures(at, name, address) VALUES (?,?,?)", (now, name, attempt.address))
        conn.execute("DELETE FROM login_failures WHERE at<?", (now - 24 * 3600,))
    record_use(conn, User(None, name or "（空）", "anonymous"), attempt.address, "login_failed", name, reason=reason)
