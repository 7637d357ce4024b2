"""minzheng catalog migrate: move the catalog between SQLite and PostgreSQL (attached to the catalog group)."""
from __future__ import annotations

import click

import archive

from .base import emit, json_option, settings_of
from .catalog import catalog


@catalog.command("migrate")
@click.option("--to", "to", required=True, metavar="URL",
              help="目标：postgresql://用户@主机/库名（空库），或 sqlite:文件路径（新文件）")
@json_option
@click.pass_context
def migrate(ctx, to, as_json):
    """把目录库迁移到 PostgreSQL 或迁回 SQLite：逐表复制，核对行数和校验和，一致后才改用新库。

    \b
    例：minzheng catalog migrate --to postgresql://minzheng@db.example/qingshan
        minzheng catalog migrate --to sqlite:/srv/minzheng/catalog-back.sqlite3
    原来的目录库不会被修改，可留作备份。
    """
    report = archive.migrate_catalog(settings_of(ctx), to)
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)
