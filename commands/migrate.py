"""minzheng catalog migrate: move the catalog between SQLite and PostgreSQL (attached to the catalog group)."""
from __future__ import annotations

import click

import archive

from .base import emit, json_option, settings_of
from .catalog import catalog


@catalog.command("migrate")
@click.option("--to", "to", required=True, metavar="URL",
              help="目标：postgresql://用户@主机/库名（空库），或 sqlite:文件路径（新文件）")
@click.option("--index", "index", type=click.Choice(["postgres", "tantivy", "whoosh"]),
              help="迁移后重建全文索引：postgres 把检索也放进数据库（多台服务器共用）；默认不变")
@json_option
@click.pass_context
def migrate(ctx, to, index, as_json):
    """把目录库迁移到 PostgreSQL 或迁回 SQLite：逐表复制，核对行数和校验和，一致后才改用新库。

    \b
    例：minzheng catalog migrate --to postgresql://minzheng@db.example/qingshan --index postgres
        minzheng catalog migrate --to sqlite:/srv/minzheng/catalog-back.sqlite3
    原来的目录库不会被修改，可留作备份。检索在数据库里（postgres）的档案迁回 SQLite 时自动改用 tantivy 重建索引。
    """
    report = archive.move_catalog(settings_of(ctx), to, index=index)
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)
