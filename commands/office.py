"""minzheng init, and the office group: list, check against the standard, import office data."""
from __future__ import annotations

from pathlib import Path

import click

import archive
import generators

from .base import (
    MzCommand,
    MzGroup,
    emit,
    json_option,
    settings_of,
)


@click.command(cls=MzCommand)
@click.option("--county", help="县（区）名称，默认“青山县”")
@click.option("--fonds", help="全宗号（4 个字符），默认 Z109")
@click.option("--sample", is_flag=True, help="载入虚构的示例县“青山县”的六个民政办数据")
@click.pass_context
def init(ctx, county, fonds, sample):
    """创建新的档案根目录（不会改动已有目录）。"""
    root = ctx.obj["root"]
    settings = archive.init_root(root, county=county, fonds=fonds, sample=sample)
    click.echo(f"已创建档案根目录 {settings.root}（{settings.county_name}，全宗号 {settings.fonds}）")


OFFICE_COLUMNS = [("code", "代码"), ("name", "名称"), ("kind", "类型"), ("population", "人口"),
                  ("villages", "村数"), ("full_time", "专职人员"), ("recipients", "救助对象数")]
FINDING_COLUMNS = [("result", "结果"), ("item", "检查项目"), ("expected", "要求"), ("actual", "实际"),
                   ("message", "说明"), ("basis", "依据")]


@click.group(cls=MzGroup)
def office():
    """民政办数据：列出、按规范化标准检查、导入。"""


@office.command("list")
@json_option
@click.pass_context
def office_list(ctx, as_json):
    """列出本县各民政办（人口、村数、专职人员、救助对象数）。"""
    rows = [generators.office_summary(o) for o in generators.load_county(settings_of(ctx)).offices]
    emit(rows, as_json=as_json, columns=OFFICE_COLUMNS)


@office.command("check")
@click.argument("office_code", metavar="[机构代码]", required=False)
@json_option
@click.pass_context
def office_check(ctx, office_code, as_json):
    """按规范化建设标准检查人员、用房、设备和牌子（不指定机构则检查全部）。

    有不达标项时仍以状态 0 退出（这是一份报告）；机构代码不存在时以状态 1 退出。
    """
    settings = settings_of(ctx)
    offices = ([generators.load_office(settings, office_code)] if office_code
               else generators.load_county(settings).offices)
    results = [generators.office_check_result(o) for o in offices]
    if as_json:
        emit(results, as_json=True)
        return
    for i, r in enumerate(results):
        if i:
            click.echo()
        verdict = "全部达标" if not r["failed"] else f"{r['failed']} 项不达标"
        click.echo(f"{r['code']} {r['name']}（{r['kind']}，人口 {r['population']:,}）：{verdict}")
        rows = [dict(f, result=("达标" if f["passed"] else "不达标") + ("（加分项）" if f["bonus"] else ""))
                for f in r["findings"]]
        emit(rows, as_json=False, columns=FINDING_COLUMNS)


@office.command("import")
@click.argument("source", metavar="目录或XLSX文件", type=click.Path(exists=True, path_type=Path))
@click.pass_context
def office_import(ctx, source):
    """检查并导入本县的办公室数据（CSV 目录或 XLSX 工作簿），替换根目录下的 data/。

    数据有任何错误时逐条列出（文件、行、列），不写入任何内容，以状态 1 退出。
    """
    county = generators.import_office_data(settings_of(ctx), source)
    n = sum(len(o.recipients) for o in county.offices)
    click.echo(f"已导入 {len(county.offices)} 个民政办（{'、'.join(o.code for o in county.offices)}），救助对象 {n} 人")
