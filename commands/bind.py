"""minzheng bind: a volume to the municipal format."""
from __future__ import annotations

import click

import archive

from .base import (
    MzCommand,
    category_option,
    emit,
    json_option,
    office_option,
    retention_option,
    settings_of,
    year_option,
)

BIND_COLUMNS = [("archival_code", "案卷档号"), ("version", "版本"), ("documents", "件数"),
                ("pages", "PDF 页数"), ("blank_pages", "空白背页"), ("pdf", "PDF 文件")]


@click.command(cls=MzCommand)
@office_option
@year_option
@category_option
@retention_option
@click.option("--profile", help="装订格式名称，如 national、municipal（默认取 minzheng.toml 的 [archive] profile）")
@json_option
@click.pass_context
def bind(ctx, office, year, category, retention, profile, as_json):
    """按市里格式装订案卷：封面、卷内文件目录、文件（盖归档章、编页号）、卷内备考表，另附脊背和盒面标签。

    \b
    例：minzheng bind --office QSZ --year 2011 --category WS
        minzheng bind --office QSZ --year 2011 --category WS --profile municipal --json
    再次装订会生成新版本，旧版本保留并标记为已替代。
    """
    missing = [name for name, v in (("--office", office), ("--year", year), ("--category", category)) if v is None]
    if missing:
        raise click.UsageError(f"请指定 {'、'.join(missing)}")
    settings = settings_of(ctx)
    report = archive.bind(settings, office=office.upper(), year=year, category=category.upper(), retention=retention,
                          profile=profile, progress=lambda m: click.echo(m, err=True))
    for w in report.warnings:
        click.echo(f"注意：{w}", err=True)
    for f in report.failed:
        click.echo(f"未能装入：{f['archival_code']}（{f['original_name']}）：{f['error']}", err=True)
    data = report.to_dict()
    rows = [dict(v, documents=len(v["documents"])) for v in data["volumes"]]
    emit(data, as_json=as_json, columns=BIND_COLUMNS, rows=rows)
    if not as_json:
        for v in report.volumes:
            click.echo(f"{v.archival_code}：标签 {v.labels}；清单 {v.manifest}")
    if report.failed:
        ctx.exit(1)
