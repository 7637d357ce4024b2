"""minzheng user add|list|passwd|disable|enable: the accounts of the county server."""
from __future__ import annotations

import sys

import click

import archive

from .base import MzCommand, MzGroup, emit, json_option, settings_of

ROLE_HELP = "角色：clerk 办事员（只管本办）、archivist 档案员、inspector 检查人员（只读）、admin 管理员（账号与设置）"


def _read_password(password_stdin: bool, name: str) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = click.prompt(f"为 {name} 设置密码（至少 10 个字符，输入时不显示）", hide_input=True, err=True)
    problem = archive.check_strength(first)
    if problem:
        raise archive.DataError(f"{problem}。")
    second = click.prompt("再输入一次", hide_input=True, err=True)
    if first != second:
        raise archive.DataError("两次输入的密码不一样，什么也没有改。请重新运行")
    return first


password_stdin_option = click.option("--password-stdin", is_flag=True,
                                     help="从标准输入读一行作为密码（给脚本用；不在命令行上写密码）")


@click.group(cls=MzGroup)
def user():
    """县服务器（minzheng serve）的账号：添加、列出、改密码、停用。"""


@user.command("add", cls=MzCommand)
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["clerk", "archivist", "inspector", "admin"]), help=ROLE_HELP)
@click.option("--office", help="办事员所在民政办的机构代码（clerk 必填），如 QSZ")
@password_stdin_option
@click.pass_context
def add(ctx, name, role, office, password_stdin):
    """添加账号 NAME。密码会提示输入两次（或用 --password-stdin）。"""
    settings = settings_of(ctx)
    archive.check_account(settings, name, role, office)
    password = _read_password(password_stdin, name)
    u = archive.add_account(settings, name, role, password, office)
    where = f"，民政办 {u.office}" if u.office else ""
    click.echo(f"已添加用户 {u.name}（{archive.ROLES[u.role]}{where}）。")
    click.echo("在浏览器里打开服务器地址，用这个用户名和密码登录。", err=True)


@user.command("list", cls=MzCommand)
@json_option
@click.pass_context
def list_(ctx, as_json):
    """列出所有账号（不显示密码）。"""
    rows = archive.list_accounts(settings_of(ctx))
    if as_json:
        emit([{k: r[k] for k in ("name", "role", "office", "disabled", "created_at", "changed_at")}
              | {"locked": bool(r["locked_until"])} for r in rows], as_json=True)
        return
    if not rows:
        click.echo("还没有账号。用 minzheng user add 名字 --role admin 添加第一个管理员。")
        return
    table = [{"name": r["name"], "role": r["role_name"], "office": r["office"] or "",
              "state": "已停用" if r["disabled"] else ("锁定中" if r["locked_until"] else "可用"),
              "created": r["created_at"][:16].replace("T", " ")} for r in rows]
    emit(table, as_json=False, columns=[("name", "用户名"), ("role", "角色"), ("office", "民政办"),
                                        ("state", "状态"), ("created", "建立时间")])


@user.command("passwd", cls=MzCommand)
@click.argument("name")
@password_stdin_option
@click.pass_context
def passwd(ctx, name, password_stdin):
    """为 NAME 设置新密码（同时解除锁定，并让该用户已登录的会话失效）。"""
    settings = settings_of(ctx)
    if not any(r["name"] == name for r in archive.list_accounts(settings)):
        raise archive.NotFoundError(f"没有用户 “{name}”。用 minzheng user list 查看现有用户")
    password = _read_password(password_stdin, name)
    archive.change_password(settings, name, password)
    click.echo(f"已为 {name} 设置新密码；该用户需要重新登录。")


@user.command("disable", cls=MzCommand)
@click.argument("name")
@click.pass_context
def disable(ctx, name):
    """停用 NAME：不能再登录，已登录的会话立即失效（记录和利用登记都保留）。"""
    archive.disable_account(settings_of(ctx), name, True)
    click.echo(f"已停用用户 {name}。要恢复请用 minzheng user enable {name}")


@user.command("enable", cls=MzCommand)
@click.argument("name")
@click.pass_context
def enable(ctx, name):
    """重新启用被停用的 NAME。"""
    archive.disable_account(settings_of(ctx), name, False)
    click.echo(f"已启用用户 {name}。")
