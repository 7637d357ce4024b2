"""Correcting the catalog (著录): edit one record, the 待核 review queue, and the catalog as a spreadsheet."""
from __future__ import annotations

import getpass
from pathlib import Path

import click

import archive

from .base import MzCommand, MzGroup, emit, json_option, settings_of, year_option


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:          # noqa: BLE001 - no user name in this environment
        return "未知用户"


user_option = click.option("--user", help="记入修改记录的修改人（默认：当前系统用户）")
force_option = click.option("--force", is_flag=True, help="记录已装订进案卷（或已编档号）时也修改；之后需重新装订该案卷")

# (option, key, help) — the keys are archive.description's field keys
EDIT_OPTIONS = [
    ("--title", "title", "题名"),
    ("--doc-number", "doc_number", "文号，如 青民发〔2016〕3号"),
    ("--author", "author", "责任者（发文机关或个人）"),
    ("--date", "doc_date", "日期：2016-04-20、2016年4月20日、20160420 或 2016/4/20"),
    ("--office", "office", "机构代码，如 QSZ"),
    ("--category", "category", "类别代码或名称：WS DB TK YL LS JZ FX TZ"),
    ("--year", "year", "年度（1900–2100）"),
    ("--retention", "retention", "保管期限：Y、D30、D10（或 永久、定期30年、定期10年）"),
    ("--household", "household", "户主身份证号或户号"),
    ("--doc-type", "document_type", "文件类型，如 申请书、审批表"),
    ("--open-status", "open_status", "开放标识"),
    ("--security", "security", "密级"),
]


def _edit_options(f):
    for opt, key, help_text in reversed(EDIT_OPTIONS):
        f = click.option(opt, key, help=help_text + "（写 \"\" 清空）")(f)
    return f


@click.command(cls=MzCommand)
@click.argument("key", metavar="记录号|档号")
@_edit_options
@click.option("--confirm", "confirm", multiple=True,
              help="核对无误、不用改的推断字段，取消其待核标记：title、doc_number…或 题名、文号…；all 表示全部")
@user_option
@force_option
@json_option
@click.pass_context
def edit(ctx, key, confirm, user, force, as_json, **values):
    """改正一条记录的著录项（题名、文号、责任者、日期……），按导入清单的规则检查，并取消这些项的待核标记。

    \b
    每次修改都记下修改人、时间、原值和新值（minzheng show 记录号 --history 查看）。
    例：minzheng edit 9 --title "青山镇民政办关于做好冬春救助工作的通知" --date 2019-11-05
    """
    changes = {k: v for k, v in values.items() if v is not None}
    result = archive.edit_record(settings_of(ctx), key, changes, user=user or _os_user(), force=force,
                                 confirm=confirm)
    emit(result.to_dict() if as_json else "\n".join(result.lines()), as_json=as_json)


REVIEW_COLUMNS = [("code", "档号/记录号"), ("title", "题名"), ("office", "机构"), ("year", "年度"),
                  ("fields", "待核字段")]


@click.command(cls=MzCommand)
@click.option("--office", help="机构代码，如 QSZ")
@year_option
@json_option
@click.pass_context
def review(ctx, office, year, as_json):
    """列出还有待核字段（导入时推断、尚未核对）的记录，并列出哪些字段待核。"""
    settings = settings_of(ctx)
    items = archive.review_list(settings, office=office, year=year)
    stale = archive.volumes_needing_rebind(settings, office=office, year=year)
    if as_json:
        emit({"records": items, "rebind": stale}, as_json=True)
        return
    if not items:
        click.echo("没有待核的记录。")
    else:
        rows = [{**i, "code": i["archival_code"] or f"#{i['record_id']}", "title": (i["title"] or "")[:30],
                 "fields": "、".join(i["labels"])} for i in items]
        emit(rows, as_json=False, columns=REVIEW_COLUMNS)
        click.echo(f"共 {len(items)} 条记录有待核字段。改正：minzheng edit 记录号 --title …；"
                   "核对无误：minzheng edit 记录号 --confirm all；成批改正：minzheng catalog export --out 著录.xlsx")
    for v in stale:
        click.echo(f"案卷 {v['archival_code']}（第 {v['version']} 版）装订后有 {len(v['records'])} 条记录被修改，需要重新装订："
                   f"minzheng bind --office {v['office']} --year {v['year']} --category {v['category']}")


@click.group(cls=MzGroup)
def catalog():
    """档案目录的成批著录：导出成 Excel 表格改正，再导回。"""


@catalog.command("export")
@click.option("--office", help="机构代码，如 QSZ")
@year_option
@click.option("--category", help="门类/救助类别代码：WS DB TK YL LS JZ FX TZ")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="写到哪个 .xlsx 文件")
@json_option
@click.pass_context
def export_cmd(ctx, office, year, category, out, as_json):
    """把目录导出为 Excel 表格（每条记录一行：记录号、档号、各著录项、待核项），在 Excel/WPS 里改正。"""
    result = archive.export_catalog(settings_of(ctx), out, office=office, year=year, category=category)
    emit(result.to_dict() if as_json else result.summary(), as_json=as_json)


@catalog.command("import")
@click.argument("path", metavar="文件.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="只检查、列出将要修改的内容，不写入")
@user_option
@force_option
@json_option
@click.pass_context
def import_cmd(ctx, path, check_only, user, force, as_json):
    """导回改正后的表格：先按导入清单的规则检查每一行（有错就一项也不改），再在一个事务里写入所有改动。

    只有改了的单元格才算修改；从“待核”列中删去的项视为已核对。
    """
    result = archive.import_catalog(settings_of(ctx), path, user=user or _os_user(), force=force,
                                    check_only=check_only)
    emit(result.to_dict() if as_json else result.summary(), as_json=as_json)
