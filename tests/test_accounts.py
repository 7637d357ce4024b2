"""Accounts: `minzheng user …` through the real CLI, scrypt hashes, lock-out and who sees what."""
from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

import archive
import cli as cli_module
from archive import accounts
from archive.accounts import READER, User, passwords
from archive.accounts import users as users_mod
from archive.store import catalog

PW = "一二三四五abcde"


def run(root, *args, input=None):
    return CliRunner().invoke(cli_module.cli, ["--root", str(root), *args], obj={}, input=input)


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "root"
    archive.init_root(r, sample=True)
    return r


def test_user_add_list_passwd_disable_through_the_cli(root):
    r = run(root, "user", "add", "王档案", "--role", "archivist", "--password-stdin", input=PW + "\n")
    assert r.exit_code == 0, r.stderr
    assert "已添加用户 王档案（档案员）" in r.stdout
    r = run(root, "user", "add", "李办事", "--role", "clerk", "--office", "qsz", input=f"{PW}\n{PW}\n")
    assert r.exit_code == 0, r.stderr                    # prompted twice; the office code is upper-cased
    r = run(root, "user", "list", "--json")
    rows = {u["name"]: u for u in json.loads(r.stdout)}
    assert rows["李办事"]["office"] == "QSZ" and rows["李办事"]["role"] == "clerk"
    assert rows["王档案"]["office"] is None and not rows["王档案"]["disabled"]
    assert PW not in r.stdout and "scrypt" not in r.stdout
    r = run(root, "user", "list")
    assert "王档案" in r.stdout and "档案员" in r.stdout and "可用" in r.stdout

    s = archive.load_settings(root)
    conn = catalog.connect(s.catalog_path)
    stored = conn.execute("SELECT pw_hash FROM users WHERE name='王档案'").fetchone()[0]
    assert stored.startswith("scrypt$16384$8$1$") and PW not in stored
    assert users_mod.authenticate(conn, "王档案", PW).role == "archivist"

    r = run(root, "user", "passwd", "王档案", "--password-stdin", input="另一个很长的密码0987\n")
    assert r.exit_code == 0 and "重新登录" in r.stdout
    with pytest.raises(accounts.LoginRefused):
        users_mod.authenticate(conn, "王档案", PW)
    assert users_mod.authenticate(conn, "王档案", "另一个很长的密码0987").name == "王档案"

    r = run(root, "user", "disable", "王档案")
    assert r.exit_code == 0
    with pytest.raises(accounts.LoginRefused, match="停用"):
        users_mod.authenticate(conn, "王档案", "另一个很长的密码0987")
    assert json.loads(run(root, "user", "list", "--json").stdout)[1]["disabled"] is True
    assert run(root, "user", "enable", "王档案").exit_code == 0
    conn.close()


@pytest.mark.parametrize("args, stdin, message, code", [
    (["x1", "--role", "clerk"], PW, "必须用 --office", 2),
    (["x1", "--role", "clerk", "--office", "ABC"], PW, "机构代码 “ABC” 不存在", 2),
    (["x1", "--role", "archivist", "--office", "QSZ"], PW, "只有办事员", 2),
    (["x1", "--role", "archivist"], "short", "至少要 10 个字符", 2),
    (["x1", "--role", "archivist"], "aaaaaaaaaaaa", "太简单", 2),
    (["bad name!", "--role", "archivist"], PW, "不可用", 2),
    (["x1", "--role", "boss"], PW, "boss", 2),
])
def test_user_add_says_what_is_wrong(root, args, stdin, message, code):
    r = run(root, "user", "add", *args, "--password-stdin", input=stdin + "\n")
    assert r.exit_code == code, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert json.loads(run(root, "user", "list", "--json").stdout) == []


def test_user_add_twice_and_unknown_names(root):
    assert run(root, "user", "add", "a1", "--role", "admin", "--password-stdin", input=PW + "\n").exit_code == 0
    r = run(root, "user", "add", "a1", "--role", "admin", "--password-stdin", input=PW + "\n")
    assert r.exit_code == 2 and "已存在" in r.stderr
    r = run(root, "user", "passwd", "nobody", "--password-stdin", input=PW + "\n")
    assert r.exit_code == 1 and "没有用户" in r.stderr
    r = run(root, "user", "add", "a2", "--role", "admin", input=f"{PW}\n{PW}x\n")
    assert r.exit_code != 0 and "不一样" in r.stderr
    r = run(root, "user", "disable", "a1")             # the only account: may be disabled
    assert r.exit_code == 0


def test_last_admin_cannot_be_disabled_while_others_exist(root):
    s = archive.load_settings(root)
    archive.add_account(s, "admin1", "admin", PW)
    archive.add_account(s, "arch1", "archivist", PW)
    r = run(root, "user", "disable", "admin1")
    assert r.exit_code == 4 and "最后一个可用的管理员" in r.stderr


def test_hashes_are_salted_and_compare_right():
    a, b = passwords.hash_password(PW), passwords.hash_password(PW)
    assert a != b and passwords.verify_password(PW, a) and passwords.verify_password(PW, b)
    assert not passwords.verify_password(PW + "x", a)
    for damaged in ("", "scrypt$1$2", "md5$x$y$z$00$00", a[:-2] + "zz"):
        assert not passwords.verify_password(PW, damaged)


def test_login_takes_the_scrypt_time(root):
    s = archive.load_settings(root)
    archive.add_account(s, "timed", "inspector", PW)
    conn = catalog.connect(s.catalog_path)
    t0 = time.perf_counter()
    users_mod.authenticate(conn, "timed", PW)
    ok = time.perf_counter() - t0
    t0 = time.perf_counter()
    with pytest.raises(accounts.LoginRefused):
        users_mod.authenticate(conn, "someone-else", PW)          # unknown names cost the same hash
    unknown = time.perf_counter() - t0
    conn.close()
    assert 0.005 < ok < 2 and unknown > ok / 3


def test_lock_out_counts_per_name_and_per_address(root, monkeypatch):
    s = archive.load_settings(root)
    archive.add_account(s, "lk", "inspector", PW)
    conn = catalog.connect(s.catalog_path)
    for _ in range(users_mod.MAX_FAILURES):
        with pytest.raises(accounts.LoginRefused, match="用户名或密码不对"):
            users_mod.authenticate(conn, "lk", "wrong-wrong-wrong", accounts.Attempt("10.0.0.9"))
    with pytest.raises(accounts.LoginRefused, match="已锁定") as e:
        users_mod.authenticate(conn, "lk", PW, accounts.Attempt("10.0.0.9"))
    assert 800 < e.value.retry_after <= users_mod.LOCK_SECONDS
    n = conn.execute("SELECT count(*) FROM use_log WHERE action='login_failed' AND target='lk'").fetchone()[0]
    assert n == users_mod.MAX_FAILURES + 1
    # another address guessing many names is stopped too
    for i in range(users_mod.ADDRESS_MAX_FAILURES):
        with pytest.raises(accounts.LoginRefused):
            users_mod.authenticate(conn, f"n{i}", "x" * 12, accounts.Attempt("10.0.0.77"))
    with pytest.raises(accounts.LoginRefused, match="这台电脑"):
        users_mod.authenticate(conn, "lk2", "x" * 12, accounts.Attempt("10.0.0.77"))
    later = time.time() + users_mod.LOCK_SECONDS + 1
    monkeypatch.setattr(users_mod.time, "time", lambda: later)
    assert users_mod.authenticate(conn, "lk", PW, accounts.Attempt("10.0.0.9")).name == "lk"
    conn.close()


def test_who_sees_what():
    clerk = User(1, "c", "clerk", "QSZ")
    rows = [
        (clerk, "QSZ", True, True, True), (clerk, "BSX", False, False, False), (clerk, None, False, False, False),
        (User(2, "a", "archivist"), "BSX", True, True, True), (User(3, "i", "inspector"), "QSZ", True, False, False),
        (User(4, "m", "admin"), "QSZ", True, True, True), (READER, "QSZ", True, False, True),
        (User(5, "d", "archivist", disabled=True), "QSZ", False, False, False), (None, "QSZ", False, False, False),
    ]
    for user, office, see, full, files in rows:
        assert accounts.can_see_office(user, office) is see, (user, office)
        assert accounts.sees_full_ids(user, office) is full, (user, office)
        assert accounts.may_open_files(user, office) is files, (user, office)
    text = "户主 赵一民 439921198003150018，妻 43992119820101002X；电话 13900001000"
    assert accounts.shown_ids(User(3, "i", "inspector"), "QSZ", text) == \
        "户主 赵一民 439921********0018，妻 439921********002X；电话 13900001000"
    assert accounts.shown_ids(clerk, "QSZ", text) == text
    assert accounts.mask_deep({"a": [text], "n": 3})["a"][0].count("********") == 2
