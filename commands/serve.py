"""minzheng serve (the county server's pages) and minzheng demo."""
from __future__ import annotations

from pathlib import Path

import click

import archive

from .base import (
    MzCommand,
    settings_of,
)


@click.command(cls=MzCommand)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只允许本机访问；设为其他地址（如 0.0.0.0）时必须先建立账号（minzheng user add）")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="名字",
              help="其他电脑打开本服务器时用的主机名或 IP（可写多次；也可写在 minzheng.toml 的 [server] hosts）。"
                   "只接受这些名字和本机名字")
@click.option("--password", envvar="MINZHENG_SERVE_PASSWORD",
              help="（没有账号时，仅本机）共用的访问密码，至少 10 个字符（也可用环境变量 MINZHENG_SERVE_PASSWORD）")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="工作进程数（默认每个 CPU 核一个，最多 4 个；用 --cert 时为一个进程多个线程）")
@click.option("--cert", type=click.Path(dir_okay=False, path_type=Path), help="HTTPS 证书（PEM 文件，可含中间证书）")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="HTTPS 证书的私钥（PEM 文件，无密码）")
@click.pass_context
def serve(ctx, host, port, allowed_hosts, password, workers, cert, key):
    """启动县档案服务器（浏览器使用；按 Ctrl+C 停止）。

    \b
    有账号时每个人用自己的账号登录，按角色办事；还没有账号时只能在本机只读检索。
    """
    settings = settings_of(ctx)
    has_accounts = archive.has_accounts(settings)
    password = password or None

    scheme = "https" if cert else "http"

    def ready(server):
        port_ = getattr(server, "effective_port", port)
        how = "用账号登录" if has_accounts else ("需要密码" if password else "本机只读，未建账号")
        if host in ("0.0.0.0", "::", ""):
            names = "、".join(f"{scheme}://{h}:{port_}/" for h in allowed_hosts) or f"{scheme}://本机IP地址:{port_}/"
            click.echo(f"县档案服务器已启动，监听本机所有网络地址的 {port_} 端口：本机打开 {scheme}://127.0.0.1:{port_}/ ，"
                       f"其他电脑打开 {names}（{how}）")
        else:
            shown = f"[{host}]" if ":" in host else host
            click.echo(f"县档案服务器已启动：{scheme}://{shown}:{port_}/（{how}）")
        if not has_accounts:
            click.echo("只读，不会修改档案；要让办事员、档案员、检查人员各自登录，请用 minzheng user add 建立账号。", err=True)
        click.echo("按 Ctrl+C 停止。", err=True)

    try:
        archive.serve(settings, host=host, port=port, password=password, workers=workers, ready=ready,
                      allowed_hosts=allowed_hosts, has_accounts=has_accounts, cert=cert, key=key)
    except KeyboardInterrupt:
        pass
    click.echo("县档案服务器已停止。", err=True)


@click.command(cls=MzCommand)
@click.pass_context
def demo(ctx):
    """在 --root 处从零建立示例县档案，运行每项工作，并告诉您看哪里。"""
    for line in archive.run_demo(ctx.obj["root"]):
        click.echo(line)
