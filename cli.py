"""minzheng: the command line. The root group and its options; each command group lives in `commands/`
(one module per group) and only parses options, calls the library and prints: no business logic."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from commands import COMMANDS
from commands.base import MzGroup

__version__ = "0.1.0"


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


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
