"""minzheng generate: the clerk's documents for an office."""
from __future__ import annotations

from pathlib import Path

import click

import generators
from archive.common.errors import NothingToListError

from .base import (
    MzCommand,
    emit,
    json_option,
    settings_of,
    year_option,
)


@click.command(cls=MzCommand)
@click.argument("kind", metavar="种类", type=click.Choice(["ledger", "roster", "rules", "notice", "inspection", "all"]))
@click.option("--office", "office_code", required=True, help="机构代码，如 QSZ；all 表示全部民政办")
@year_option
@click.option("--pdf", is_flag=True, help="同时生成 PDF（需要 LibreOffice；一次运行只启动一个 LibreOffice 进程）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="输出目录，默认 ROOT/out/机构代码/当天日期/")
@json_option
@click.pass_context
def generate(ctx, kind, office_code, year, pdf, out_dir, as_json):
    """生成民政办标准文书（Word .docx，台账另有 Excel .xlsx，可选 PDF）。

    \b
    种类：
      ledger      各类救助对象台账（城市/农村低保、特困、医疗、临时、救灾、抚恤定补），.docx 和 .xlsx
      roster      工作人员和村（居）民政协理员花名册
      rules       上墙制度：规章制度、办事流程、岗位职责、办事指南、服务承诺、四公开
      notice      救助对象公示（只含姓名、村居、家庭人口、金额，身份证号隐去中间部分）
      inspection  年终规范化建设检查验收表（按本办数据预填，留空待检查人评分）
      all         以上全部
    根目录 templates/ 或 templates/机构代码/ 下的同名模板优先于内置模板。
    """
    try:
        report = generators.generate_documents(
            settings_of(ctx), office_code, [kind], year=year, out_dir=out_dir, pdf=pdf,
            progress=lambda msg: click.echo(msg, err=True))
    except NothingToListError as e:        # nothing written: the message goes to stderr, the account to --json
        if as_json:
            emit(e.details, as_json=True)
        raise
    if as_json:
        emit(report.to_dict(), as_json=True)
        return
    for p in report.files:
        click.echo(str(p))
    click.echo(f"共生成 {len(report.files)} 个文件", err=True)
