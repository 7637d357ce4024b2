"""minzheng: command-line interface. Parses options, calls the packages, prints. No business logic."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

import archive
from archive.errors import ExitCode, MinzhengError

__version__ = "0.1.0"


# ---------------------------------------------------------------- plumbing
class MzFormatter(click.HelpFormatter):
    """Chinese headings in --help."""

    HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}

    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading):
        super().write_heading(self.HEADINGS.get(heading, heading))


click.Context.formatter_class = MzFormatter


class MzCommand(click.Command):
    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出"
        return opt


class MzGroup(click.Group):
    """Maps MinzhengError to its exit code and a Chinese message: the one place errors are printed."""

    command_class = MzCommand

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出"
        return opt

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
office_option = click.option("--office", help="机构代码，如 QSZ")
year_option = click.option("--year", type=int, help="年度，如 2024")
category_option = click.option("--category", help="门类/救助类别代码：WS DB TK YL LS JZ FX TZ")


def settings_of(ctx) -> "archive.Settings":
    return archive.load_settings(ctx.obj["root"])


@click.group(cls=MzGroup, context_settings={"max_content_width": 100})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), envvar="MINZHENG_ROOT",
              default="./minzheng-data", show_default=True,
              help="档案根目录（也可用环境变量 MINZHENG_ROOT 指定）")
@click.option("-v", "--verbose", count=True, help="显示更多过程信息（-vv 显示调试信息）")
@click.version_option(__version__, "--version", prog_name="minzheng", message="%(prog)s %(version)s",
                      help="显示版本并退出")
@click.pass_context
def cli(ctx, root, verbose):
    """minzheng：乡镇民政办文书生成与档案管理。

    \b
    办事员：generate 生成台账、花名册、上墙制度、公示、检查表
    档案员：ingest 导入，search 检索，show 查看，bind 装订案卷
    检查人员：report 完整性与规范化报告
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


# ---------------------------------------------------------------- init
@cli.command()
@click.option("--county", help="县（区）名称，默认“青山县”")
@click.option("--fonds", help="全宗号（4 个字符），默认 Z109")
@click.option("--sample", is_flag=True, help="载入虚构的示例县“青山县”的六个民政办数据")
@click.pass_context
def init(ctx, county, fonds, sample):
    """创建新的档案根目录（不会改动已有目录）。"""
    root = ctx.obj["root"]
    settings = archive.init_root(root, county=county, fonds=fonds, sample=sample)
    click.echo(f"已创建档案根目录 {settings.root}（{settings.county_name}，全宗号 {settings.fonds}）")


# ---------------------------------------------------------------- office (issue 3)

# ---------------------------------------------------------------- generate (issue 3)

# ---------------------------------------------------------------- ingest / search / show / verify / reindex (issue 4)

# ---------------------------------------------------------------- bind (issue 5)

# ---------------------------------------------------------------- report (issue 6)

# ---------------------------------------------------------------- serve (issue 7)

# ---------------------------------------------------------------- demo
@cli.command()
@click.pass_context
def demo(ctx):
    """在 --root 处从零建立示例县档案，运行每项工作，并告诉您看哪里。"""
    for line in archive.run_demo(ctx.obj["root"]):
        click.echo(line)


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
