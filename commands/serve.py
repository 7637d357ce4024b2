"""minzheng serve (the county server's pages) and minzheng demo."""
from __future__ import annotations

import click

import archive

from .base import (
    MzCommand,
    settings_of,
)


@click.command(cls=MzCommand)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只允许本机访问；设为其他地址（如 0.0.0.0）时必须设置 --password")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--password", envvar="MINZHENG_SERVE_PASSWORD",
              help="访问密码（也可用环境变量 MINZHENG_SERVE_PASSWORD）；设置后每个页面都要输入")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="工作进程数（默认每个 CPU 核一个，最多 4 个）")
@click.pass_context
def serve(ctx, host, port, password, workers):
    """在浏览器中检索档案：启动本机只读检索页面（按 Ctrl+C 停止）。"""
    settings = settings_of(ctx)

    def ready(server):
        port_ = getattr(server, "effective_port", port)
        if host in ("0.0.0.0", "::", ""):
            click.echo(f"检索页面已启动，监听本机所有网络地址的 {port_} 端口：本机打开 http://127.0.0.1:{port_}/ ，"
                       f"其他电脑打开 http://本机IP地址:{port_}/ （需要密码）")
        else:
            shown = f"[{host}]" if ":" in host else host
            click.echo(f"检索页面已启动：http://{shown}:{port_}/" + ("（需要密码）" if password else ""))
        click.echo("只读，不会修改档案；按 Ctrl+C 停止。", err=True)

    try:
        archive.serve(settings, host=host, port=port, password=password, workers=workers, ready=ready)
    except KeyboardInterrupt:
        pass
    click.echo("检索页面已停止。", err=True)


@click.command(cls=MzCommand)
@click.pass_context
def demo(ctx):
    """在 --root 处从零建立示例县档案，运行每项工作，并告诉您看哪里。"""
    for line in archive.run_demo(ctx.obj["root"]):
        click.echo(line)
