"""minzheng report: the inspectors' completeness and standardization reports."""
from __future__ import annotations

from pathlib import Path

import click

import archive
import generators

from .base import (
    MzGroup,
    category_option,
    json_option,
    office_option,
    settings_of,
    year_option,
)


@click.group(cls=MzGroup)
def report():
    """检查报告：档案完整性（completeness）和规范化建设年终验收（standardization）。

    \b
    默认在屏幕上打印表格；--format docx|pdf|xlsx|csv|json 输出文件（--out 指定文件名，
    不指定时写到 档案根目录/out/reports/）；--format json 不带 --out 时打印到屏幕。
    """


format_option = click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx", "docx", "pdf"]),
                             help="输出格式（默认：text 表格；或按 --out 的扩展名）")
out_option = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
rules_option = click.option("--rules", "rules_name", help="规则集名称（默认取 minzheng.toml 的 [archive] rules）")


def _format_of(fmt: str | None, out: Path | None) -> str:
    """The format asked for, checked against the --out file's extension (.txt is text)."""
    if out is not None and not out.name.strip():
        raise click.UsageError("--out 要写输出文件的名字，例如 --out 完整性报告.xlsx")
    ext = out.suffix.lstrip(".").lower() if out is not None and out.suffix else ""
    ext = "text" if ext == "txt" else ext
    if fmt is None:
        if ext and ext not in generators.REPORT_FORMATS:
            raise click.UsageError(f"--out 的扩展名 .{out.suffix.lstrip('.')} 不是报告格式；请用 "
                                   f"{'、'.join('.' + f for f in ('txt', 'json', 'csv', 'xlsx', 'docx', 'pdf'))} 之一，"
                                   "或用 --format 指定")
        return ext or "text"
    if ext and ext != fmt:
        raise click.UsageError(f"--format {fmt} 与 --out 的扩展名 .{out.suffix.lstrip('.')} 不一致："
                               f"请把文件名改为 {out.stem}.{'txt' if fmt == 'text' else fmt}，或去掉 --format（按扩展名输出）")
    return fmt


def _write_report(settings, rep, kind: str, fmt: str | None, out: Path | None) -> None:
    fmt = _format_of(fmt, out)
    if out is None and fmt in ("xlsx", "docx", "pdf", "csv"):
        out = settings.out_dir / "reports" / f"{kind}-{rep.to_dict()['generated_at'][:10]}.{fmt}"
    result = generators.render_report(rep, fmt, out)
    if out is None:
        click.echo(result)
    else:
        click.echo(f"已写入 {result}")


@report.command("completeness")
@office_option
@year_option
@category_option
@format_option
@out_option
@rules_option
@click.option("--fixity", is_flag=True, help="逐件重新计算原件的 SHA-256（较慢）；默认只核对原件是否存在、大小是否相符")
@json_option
@click.pass_context
def report_completeness(ctx, office, year, category, fmt, out, rules_name, fixity, as_json):
    """档案完整性报告：各机构×救助类别的户档齐全率、缺哪户哪份材料、著录缺项、件号断号、逾期未装订、原件校验。"""
    fmt = "json" if as_json else fmt
    settings = settings_of(ctx)
    rules = archive.load_rules(settings, rules_name)
    rep = archive.completeness_report(settings, office=office, year=year, category=category, rules=rules,
                                      fixity="sha256" if fixity else None)
    _write_report(settings, rep, "completeness", fmt, out)


@report.command("standardization")
@office_option
@year_option
@format_option
@out_option
@rules_option
@json_option
@click.pass_context
def report_standardization(ctx, office, year, fmt, out, rules_name, as_json):
    """规范化建设年终验收：每个民政办逐项合格与否及依据、得分、能否申请返还一半建设经费。"""
    fmt = "json" if as_json else fmt
    settings = settings_of(ctx)
    rules = archive.load_rules(settings, rules_name)
    rep = archive.standardization_report(settings, office=office, year=year, rules=rules)
    _write_report(settings, rep, "standardization", fmt, out)
