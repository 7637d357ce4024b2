"""The archivist's commands on records: ingest, search, show, verify, reindex."""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

import archive
from archive.common.errors import ExitCode

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


@click.command(cls=MzCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@office_option
@category_option
@year_option
@retention_option
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path),
              help="导入清单 CSV/XLSX：每行一个文件及其题名、文号、责任者、日期、机构、类别、年度、保管期限……")
@click.option("--jobs", type=click.IntRange(min=1), help="提取文字/OCR 的并行进程数（默认：全部 CPU 核）")
@click.option("--ocr/--no-ocr", default=True, show_default=True, help="对扫描页做文字识别")
@json_option
@click.pass_context
def ingest(ctx, paths, office, category, year, retention, manifest, jobs, ocr, as_json):
    """导入历史文件（文件或文件夹，递归）：存原件、提取文字（扫描件 OCR）、编目、建全文索引。

    \b
    有文件被拒收时退出码为 1（其余文件照常导入）。
    例：minzheng ingest 扫描件/ --office QSZ --category DB --year 2016 --retention D30
    """
    if not paths and not manifest:
        raise click.UsageError("请给出要导入的文件或文件夹，或用 --manifest 指定导入清单")
    settings = settings_of(ctx)
    report = archive.ingest(settings, list(paths), office=office, category=category, year=year,
                            retention=retention, manifest=manifest, jobs=jobs, ocr=ocr,
                            progress=not as_json and sys.stderr.isatty())
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)
    ctx.exit(report.exit_code)


SEARCH_COLUMNS = [("code", "档号/记录号"), ("title", "题名"), ("office", "机构"), ("year", "年度"), ("page", "页"),
                  ("snippet", "命中段落")]
BROWSE_COLUMNS = [("code", "档号/记录号"), ("title", "题名"), ("doc_date", "日期"), ("office", "机构"),
                  ("year", "年度"), ("category", "类别")]
SORT_NAMES = {"relevance": "相关度", "date": "日期", "-date": "日期（新的在前）", "code": "档号"}


def _page_size(ctx, param, value):
    if value is not None and value > archive.SEARCH_MAX_PAGE:
        raise click.BadParameter(f"每页最多显示 {archive.SEARCH_MAX_PAGE} 条（现为 {value}）。"
                                 "要全部结果，请导出到文件：--format xlsx --out 结果.xlsx", ctx, param)
    return value


def _query_words(ctx, words) -> str:
    """The words of the query joined by spaces. click passes an unknown option through as a word (so
    that -火灾 excludes 火灾); one starting with - and an ASCII letter is a mistyped option."""
    for w in words:
        if len(w) > 1 and w[0] == "-" and w.lstrip("-")[:1].isascii() and w.lstrip("-")[:1].isalpha():
            names = [o for p in ctx.command.params for o in p.opts if o.startswith("-")]
            raise click.NoSuchOption(w.split("=")[0], possibilities=difflib.get_close_matches(w.split("=")[0], names, n=1), ctx=ctx)
    return " ".join(words)


@click.command(cls=MzCommand, context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, metavar="[检索式]...")
@office_option
@category_option
@year_option
@retention_option
@click.option("--household", help="户主身份证号或户号")
@click.option("--doc-type", "document_type", help="文件类型，如 申请书、审批表")
@click.option("--sort", type=click.Choice(["relevance", "date", "-date", "code"]),
              help="排序：relevance 相关度（有检索词时默认）、date 日期、-date 日期倒序、code 档号（无检索词时默认）")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, callback=_page_size,
              help="每页显示几条（最多 1000；要全部结果用 --format xlsx --out）")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="跳过前几条（翻页；超过结果数时为空页）")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]),
              help="把全部结果（不只一页）导出为 CSV 或 Excel，需要 --out；不写时按 --out 的扩展名")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="导出文件，如 结果.xlsx 或 结果.csv")
@json_option
@click.pass_context
def search(ctx, words, office, category, year, retention, household, document_type, sort, limit, offset, fmt,
           out, as_json):
    """中文全文检索（简繁通搜，扫描件也能搜）；不给检索词时按筛选条件列出档案。

    \b
    检索式（空格分开的词都要出现，每个词按原样连续出现）：
      临时救助 张大山            两个词都要有
      "城乡低保"                 引号：完全相同的词句
      低保 -退出                 -词：不含这个词
      低保 | 特困   低保 或 特困  任一个
      题名:低保  文号:青民发〔2016〕3号  责任者:民政办
      档号:Z109-LS（开头相同）  户号:身份证号  或直接写 18 位身份证号
      日期:2016-01..2016-06  日期:2016..2018  日期:2016-03-01..
    严格命中少于 10 条时，某个词（4 字以上）中间有一个汉字不同的档案（如扫描件识别错了一个字）
    排在后面，标“近似”。写错时会说明错在第几个字符。
    检索式可以不加引号，几个词用空格分开即可；以“-”开头的词（如 -火灾）是要排除的词，不是选项。
    例：minzheng search 临时救助 张大山 --sort date
        minzheng search -火灾 救助
        minzheng search --office QSZ --year 2016
        minzheng search 低保 --format xlsx --out 低保.xlsx
    """
    query = _query_words(ctx, words)
    settings = settings_of(ctx)
    opts = dict(office=office, category=category, year=year, retention=retention, household=household,
                document_type=document_type, sort=sort)
    if fmt or out:
        if out is None:
            raise click.UsageError("导出要用 --out 指定文件，如 --out 结果.xlsx")
        n = archive.export_search(settings, query, fmt=fmt, out=out, **opts)
        click.echo(f"已导出 {n} 条记录到 {out}")
        return
    result = archive.search(settings, query, limit=limit, offset=offset, **opts)
    if as_json:
        emit(result.to_dict(), as_json=True)
        return
    if not result.hits:
        if result.total:
            click.echo(f"共 {result.total} 条，第 {offset} 条之后没有了（--offset 小于 {result.total} 才有结果）。")
        else:
            click.echo("没有符合筛选条件的档案。" if result.browse else f"没有找到“{query}”。")
        return
    rows = [{**h, "code": h["archival_code"] or f"#{h['record_id']}",
             "title": ("【近似】" if h["approximate"] else "") + (h["title"] or h["original_name"] or "")[:30],
             "doc_date": h["doc_date"] or "", "snippet": " ".join((h["snippet"] or "").split())}
            for h in result.hits]
    emit(rows, as_json=False, columns=BROWSE_COLUMNS if result.browse else SEARCH_COLUMNS)
    approx = f"（其中近似 {result.approximate} 条）" if result.approximate else ""
    click.echo(f"共 {result.total} 条{approx}，显示第 {offset + 1}–{offset + len(result.hits)} 条，"
               f"按{SORT_NAMES[result.sort]}排序。")


@click.command(cls=MzCommand)
@click.argument("key", metavar="记录号|档号")
@click.option("--text", "with_text", is_flag=True, help="同时显示提取的全文（按页）")
@click.option("--open", "open_original", is_flag=True, help="用本机的默认程序打开原件（打开的是副本，原件不会被改动）")
@click.option("--history", "with_history", is_flag=True, help="同时显示著录修改记录（谁、何时、改了哪项、原值、新值）")
@json_option
@click.pass_context
def show(ctx, key, with_text, open_original, with_history, as_json):
    """查看一条记录的著录信息；标“（待核）”的字段是从正文推断的，请核对。"""
    settings = settings_of(ctx)
    rec = archive.show_record(settings, key)
    if open_original:
        copy = archive.original_copy(settings, key)
        click.echo(f"打开原件副本：{copy}", err=True)
        if click.launch(str(copy)) != 0:
            click.echo("没有找到能打开它的程序（无图形界面时请直接使用上面的副本路径）", err=True)
    pages = archive.record_text(settings, key) if with_text else None
    history = archive.record_history(settings, key) if with_history else None
    if as_json:
        out = {k: v for k, v in rec.items() if k != "fields"}
        if pages is not None:
            out["text"] = pages
        if history is not None:
            out["history"] = history
        emit(out, as_json=True)
        return
    for f in rec["fields"]:
        if f["value"] not in (None, ""):
            click.echo(f"{f['label']}：{f['value']}")
    if history is not None:
        click.echo("\n修改记录：" + ("" if history else "（没有修改过）"))
        for h in history:
            what = {"confirm": "核对无误，取消待核", "withdraw": "收回"}.get(h["action"], "修改")
            value = (f"{h['old'] or '（空）'}" if h["action"] != "edit"
                     else f"{h['old'] or '（空）'} → {h['new'] or '（空）'}")
            click.echo(f"  {h['at']}  {h['user']}（{h['source_label']}）{what} {h['label']}：{value}")
    if pages is not None:
        for i, p in enumerate(pages, 1):
            click.echo(f"\n—— 第 {i} 页 ——")
            click.echo(p)


@click.command(cls=MzCommand)
@json_option
@click.pass_context
def verify(ctx, as_json):
    """检查每个原件的 SHA-256，以及目录、原件、文本、索引是否一致。发现问题时退出码为 1。"""
    report = archive.verify(settings_of(ctx))
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)
    if not report.ok:
        ctx.exit(ExitCode.rejected)


@click.command(cls=MzCommand)
@click.option("--backend", type=click.Choice(["tantivy", "whoosh", "postgres"]),
              help="换用另一种索引后端（写入 minzheng.toml）；postgres 要求目录库已在 PostgreSQL 上")
@click.option("--extract", is_flag=True, help="同时从原件重新提取文字（含 OCR）")
@click.option("--jobs", type=click.IntRange(min=1), help="重新提取时的并行进程数（默认：全部 CPU 核）")
@click.option("--ocr/--no-ocr", default=True, help="重新提取时对扫描页做文字识别")
@json_option
@click.pass_context
def reindex(ctx, backend, extract, jobs, ocr, as_json):
    """从目录和已提取的文本重建全文索引（--extract 先重新提取文字）。"""
    report = archive.reindex(settings_of(ctx), backend=backend, extract=extract, jobs=jobs, ocr=ocr)
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)
