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
    assert result.exit_code == 2                 # what was typed is wrong: a usage error naming the option
    assert "全宗号" in result.stderr and "--fonds" in result.stderr
    assert not r.exists()


def test_init_names_typed_oddly_are_refused_or_kept_exactly(tmp_path, invoke):
    """A county name with quotes is kept as typed (not a TOML error about a file the user never wrote);
    a blank or multi-line name and a fonds that is not 4 letters or digits are usage errors; a lower-case
    fonds is written in capitals, as every 档号 shows it; a root under a file is a Chinese error."""
    import archive

    r = tmp_path / "quoted"
    invoke(r, "init", "--county", '"新"县', "--fonds", "z110")
    settings = archive.load_settings(r)
    assert settings.county_name == '"新"县' and settings.fonds == "Z110"
    for args in (("--county", "   "), ("--county", "青山\n县"), ("--fonds", 'Z10"'), ("--fonds", "Z-10")):
        bad = tmp_path / "bad"
        result = invoke(bad, "init", *args, ok=False)
        assert result.exit_code == 2 and args[0] in result.stderr and "Traceback" not in result.stderr
        assert "TOML" not in result.stderr and not bad.exists()
    (tmp_path / "afile").write_text("x")
    result = invoke(tmp_path / "afile" / "r", "init", ok=False)
    assert result.exit_code == 1 and "不是目录" in result.stderr and "--root" in result.stderr


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


def test_help_has_no_click_english_placeholders(invoke):
    """Usage lines and option placeholders in Chinese: no [OPTIONS], COMMAND [ARGS], TEXT, KIND or OFFICE."""
    import re

    import cli

    def walk(group, prefix=()):
        yield prefix
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))
            else:
                yield prefix + (name,)

    for path in walk(cli.cli):
        out = invoke(None, *path, "--help").stdout
        assert "[选项]" in out.splitlines()[0], path
        found = re.findall(r"\[OPTIONS\]|COMMAND \[ARGS\]|\bTEXT\b|\bKIND\b|\[OFFICE\]", out)
        assert not found, (path, found)


def test_lost_catalog_says_restore_from_backup_not_init(root, invoke):
    """init refuses a root that has files, so telling the archivist to run it when catalog.sqlite3 is gone
    would lead nowhere: say restore it from a backup."""
    (root / "catalog.sqlite3").unlink()
    r = invoke(root, "verify", ok=False)
    assert r.exit_code == 4 and "catalog.sqlite3" in r.stderr and "备份" in r.stderr
    assert "请先运行 minzheng init" not in r.stderr
