"""minzheng backup DEST: a consistent copy of the archive root, while the server runs."""
from __future__ import annotations

from pathlib import Path

import click

import archive

from .base import MzCommand, emit, json_option, settings_of


def _size(n: int) -> str:
    for unit in ("字节", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n} {unit}" if unit == "字节" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@click.command(cls=MzCommand)
@click.argument("dest", type=click.Path(path_type=Path))
@json_option
@click.pass_context
def backup(ctx, dest, as_json):
    """把档案根目录备份到 DEST（新目录或空目录）：目录库（一致的快照）、原件、文字、案卷、设置和数据。

    \b
    服务器运行、导入进行时也可以备份。不复制可重建的 index/（全文索引）、cache/ 和 out/（生成的文书）。
    恢复：把 DEST 当作档案根目录，运行 minzheng --root DEST reindex，再 minzheng --root DEST verify。
    """
    report = archive.backup(settings_of(ctx), dest)
    if as_json:
        emit(report.to_dict(), as_json=True)
        return
    click.echo(f"已备份到 {report.dest}（用时 {report.seconds:.1f} 秒）：")
    click.echo(f"  目录库 catalog.sqlite3：{report.records} 条记录，{_size(report.catalog_bytes)}（一致的快照）")
    click.echo(f"  原件 objects/：{report.objects} 个，{_size(report.object_bytes)}")
    for name, n in report.files.items():
        click.echo(f"  {name}{'/' if (report.dest / name).is_dir() else ''}：{n} 个文件")
    if report.skipped:
        click.echo(f"  未复制（可重建）：{'、'.join(s + '/' for s in report.skipped)}")
    if report.missing_objects:
        click.echo(f"  警告：目录中有 {len(report.missing_objects)} 件原件在档案库中找不到，未能备份"
                   f"（如 {report.missing_objects[0][:12]}…）。请运行 minzheng verify", err=True)
        ctx.exit(1)
    click.echo(f"恢复时：minzheng --root {report.dest} reindex，然后 minzheng --root {report.dest} verify", err=True)
