import sqlite3

from conftest import as_json  # noqa: F401


def test_init_creates_root_layout(root):
    for name in ("minzheng.toml", "catalog.sqlite3"):
        assert (root / name).is_file()
    for d in ("objects", "text", "index", "volumes", "out"):
        assert (root / d).is_dir() and not any((root / d).iterdir())
    conn = sqlite3.connect(root / "catalog.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
    assert conn.execute("SELECT kind FROM events").fetchall() == [("init",)]


def test_init_refuses_existing_root(root, invoke):
    before = (root / "minzheng.toml").read_bytes()
    result = invoke(root, "init", ok=False)
    assert result.exit_code == 4
    assert "已存在且不是空目录" in result.stderr
    assert "Traceback" not in result.stderr
    assert (root / "minzheng.toml").read_bytes() == before


def test_bad_fonds_leaves_nothing(tmp_path, invoke):
    r = tmp_path / "r"
    result = invoke(r, "init", "--fonds", "TOOLONG", ok=False)
    assert result.exit_code == 4
    assert "全宗号" in result.stderr
    assert not r.exists()


def test_command_on_uninitialised_root_says_what_to_do(tmp_path, invoke):
    result = invoke(tmp_path / "nothing", "office", "list", ok=False)
    assert result.exit_code == 4
    assert "minzheng --root" in result.stderr and "init" in result.stderr


def test_version(invoke):
    assert "minzheng 0.1.0" in invoke(None, "--version").stdout


def test_every_command_has_chinese_help(invoke):
    import cli

    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            yield prefix + (name,), cmd
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))

    for path, cmd in walk(cli.cli):
        assert cmd.help and any("\u4e00" <= c <= "\u9fff" for c in cmd.help), f"{' '.join(path)} has no Chinese help"
        for p in cmd.params:
            if getattr(p, "help", None) is not None or not isinstance(p, __import__("click").Argument):
                if isinstance(p, __import__("click").Option):
                    assert p.help and any("\u4e00" <= c <= "\u9fff" for c in p.help), f"{' '.join(path)} {p.name}"
        invoke(None, *path, "--help")


def test_click_usage_errors_are_chinese(invoke):
    result = invoke(None, "generate", "ledger", ok=False)
    assert result.exit_code == 2
    assert "缺少选项" in result.stderr and "--office" in result.stderr
    assert "Missing" not in result.stderr
    result = invoke(None, "search", "--limit", "x", "土地", ok=False)
    assert "不是有效的整数" in result.stderr
    result = invoke(None, "generat", ok=False)
    assert "没有这个命令" in result.stderr and "generate" in result.stderr
