"""minzheng backup DEST: a consistent copy of a root taken while it is being used, that works as a root."""
from __future__ import annotations

import json
import sqlite3
import threading

from click.testing import CliRunner
from test_web import PDF_NAME, build_root

import archive
import cli as cli_module
from archive import accounts
from archive.accounts import User
from archive.store import catalog


def run(root, *args):
    return CliRunner().invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={})


def test_backup_while_the_server_writes_then_restore(tmp_path):
    root = build_root(tmp_path)
    settings = archive.load_settings(root)
    archive.add_account(settings, "admin1", "admin", "一二三四五abcde")
    (root / "index" / "junk").write_text("derived")
    stop = threading.Event()
    written = []

    def server_like_writer():                 # the use log keeps growing during the backup
        conn = catalog.connect(settings.catalog_path)
        while not stop.is_set():
            accounts.record_use(conn, User(1, "admin1", "admin"), "10.0.0.1", "view", "1")
            written.append(1)
        conn.close()

    t = threading.Thread(target=server_like_writer)
    t.start()
    try:
        dest = tmp_path / "backup" / "2026-11-30"
        r = run(root, "backup", dest)
    finally:
        stop.set()
        t.join()
    assert r.exit_code == 0, r.stderr
    assert "目录库 catalog.sqlite3：3 条记录" in r.stdout and "原件 objects/：3 个" in r.stdout
    assert "index/" in r.stdout and "data/" in r.stdout and "minzheng.toml" in r.stdout
    assert written, "the writer never ran"
    assert not (dest / "index").exists() and (dest / "minzheng.toml").is_file() and (dest / "data").is_dir()
    conn = sqlite3.connect(dest / "catalog.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    conn.close()
    info = json.loads((dest / "备份说明.json").read_text(encoding="utf-8"))
    assert info["records"] == 3 and info["objects"] == 3 and "reindex" in info["restore"]

    # the copy is a root: rebuild its index, verify it, find a document in it
    assert run(dest, "reindex").exit_code == 0
    v = run(dest, "verify")
    assert v.exit_code == 0, v.stdout + v.stderr
    hits = archive.search(archive.load_settings(dest), "李家村").hits
    assert any(h["original_name"] == PDF_NAME for h in hits)


def test_backup_refuses_a_non_empty_or_nested_destination(tmp_path):
    root = tmp_path / "root"
    archive.init_root(root, sample=True)
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("do not touch")
    r = run(root, "backup", full)
    assert r.exit_code == 2 and "不是空目录" in r.stderr
    assert sorted(p.name for p in full.iterdir()) == ["keep.txt"]
    r = run(root, "backup", root / "backup")
    assert r.exit_code == 2 and "档案根目录里面" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run(root, "backup", empty, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["records"] == 0


def test_backup_to_a_file_or_under_one_is_a_chinese_error(tmp_path, monkeypatch):
    root = tmp_path / "root"
    archive.init_root(root, sample=True)
    afile = tmp_path / "afile"
    afile.write_text("x")
    r = run(root, "backup", afile)
    assert r.exit_code == 2 and "是一个文件" in r.stderr
    r = run(root, "backup", afile / "b")
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit) and "不是目录" in r.stderr
    assert afile.read_text() == "x"

    import shutil

    def full_disk(src, dst, **kw):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copy2", full_disk)       # a copy that fails half way: Chinese, no errno text
    r = run(root, "backup", tmp_path / "b2")
    assert r.exit_code == 1 and "磁盘已满" in r.stderr and "备份不完整" in r.stderr
    assert "No space" not in r.stderr and "Errno" not in r.stderr
