"""Plumbing of the command line: Chinese help and click messages, the error → exit-code mapping, output
(table or JSON) and the options that several commands share."""
from __future__ import annotations

import json
import sys

import click

import archive
from archive.common.errors import ExitCode, MinzhengError


class MzFormatter(click.HelpFormatter):
    """Chinese headings in --help."""

    HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}

    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading):
        super().write_heading(self.HEADINGS.get(heading, heading))


click.Context.formatter_class = MzFormatter

# click's own messages (usage errors) in Chinese. click looks each one up through the module-level
# gettext function `_` (and `ngettext`) of its modules at call time, so they are replaced here.
CLICK_ZH = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看用法。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有这个选项：{name!r}。",
    "No such option: {name}": "没有这个选项：{name}",
    "Did you mean {possibility}?": "您是不是想用 {possibility}？",
    "No such command {name!r}.": "没有这个命令：{name!r}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
}


def _click_zh(message: str) -> str:
    return CLICK_ZH.get(message, message)


def _click_nzh(singular: str, plural: str, n: int) -> str:
    return _click_zh(singular if n == 1 else plural)


click.types.IntParamType.name = "整数"
click.types.IntRange.name = "整数"
click.types.FloatParamType.name = "数字"
click.types.FloatRange.name = "数字"
click.types.StringParamType.name = "文字"

for _mod in ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui"):
    _m = sys.modules.get(f"click.{_mod}") or __import__(f"click.{_mod}", fromlist=["_"])
    if hasattr(_m, "_"):
        _m._ = _click_zh
    if hasattr(_m, "ngettext"):
        _m.ngettext = _click_nzh


class ChineseHelp:
    """[选项] in the usage line and a Chinese --help text, for commands and groups alike."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出"
        return opt


class MzCommand(ChineseHelp, click.Command):
    pass


class MzGroup(ChineseHelp, click.Group):
    """Maps MinzhengError to its exit code and a Chinese message: the one place errors are printed."""

    command_class = MzCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MinzhengError as e:
            click.echo(f"错误：{e}", err=True)
            ctx.exit(int(e.exit_code))
        except KeyboardInterrupt:
            click.echo("已中断；重新运行即可继续", err=True)
            ctx.exit(ExitCode.interrupted)


MzGroup.group_class = MzGroup


def emit(data, *, as_json: bool, columns: list[tuple[str, str]] | None = None, rows=None) -> None:
    """Print results to stdout: JSON (stable English keys) or a table with Chinese headers."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    if columns is None:
        click.echo(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(archive.format_table(rows if rows is not None else data, columns))


json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（键名为英文，便于脚本处理）")
office_option = click.option("--office", metavar="代码", help="机构代码，如 QSZ")
year_option = click.option("--year", type=click.IntRange(1900, 2100), help="年度，如 2024")
category_option = click.option("--category", metavar="代码", help="门类/救助类别代码：WS DB TK YL LS JZ FX TZ")


def settings_of(ctx) -> archive.Settings:
    return archive.load_settings(ctx.obj["root"])


retention_option = click.option("--retention", type=click.Choice(["Y", "D30", "D10"], case_sensitive=False),
                                help="保管期限：Y 永久，D30 定期30年，D10 定期10年")
