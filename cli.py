"""minzheng: command-line interface. Parses options, calls the packages, prints. No business logic."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

import archive
import generators
from archive.common.errors import ExitCode, MinzhengError

__version__ = "0.1.0"


# ---------------------------------------------------------------- plumbing
class MzFormatter(click.HelpFormatter):
    """Chinese headings in --help."""

    HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}

    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading):
        super().write_heading(self.HEADINGS.get(heading, heading))


click.Context.formatter_class = MzFormatter

# click's own messages (usage errors) in Chinese. click looks each one up through the module-level
# gettext function `_` (and `ngettext`) of its modules at call time, so they are replaced here.
CLICK_ZH = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看用法。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有这个选项：{name!r}。",
    "No such option: {name}": "没有这个选项：{name}",
    "Did you mean {possibility}?": "您是不是想用 {possibility}？",
    "No such command {name!r}.": "没有这个命令：{name!r}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
}


def _click_zh(message: str) -> str:
    return CLICK_ZH.get(message, message)


def _click_nzh(singular: str, plural: str, n: int) -> str:
    return _click_zh(singular if n == 1 else plural)


click.types.IntParamType.name = "整数"
click.types.IntRange.name = "整数"
click.types.FloatParamType.name = "数字"
click.types.FloatRange.name = "数字"

for _mod in ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui"):
    _m = sys.modules.get(f"click.{_mod}") or __import__(f"click.{_mod}", fromlist=["_"])
    if hasattr(_m, "_"):
        _m._ = _click_zh
    if hasattr(_m, "ngettext"):
        _m.ngettext = _click_nzh


class MzCommand(click.Command):
    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出"
        return opt


class MzGroup(click.Group):
    """Maps MinzhengError to its exit code and a Chinese message: the one place errors are printed."""

    command_class = MzCommand

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出"
        return opt

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MinzhengError as e:
            click.echo(f"错误：{e}", err=True)
            ctx.exit(int(e.exit_code))
        except KeyboardInterrupt:
            click.echo("已中断；重新运行即可继续", err=True)
            ctx.exit(ExitCode.interrupted)


MzGroup.group_class = MzGroup


def emit(data, *, as_json: bool, columns: list[tuple[str, str]] | None = None, rows=None) -> None:
    """Print results to stdout: JSON (stable English keys) or a table with Chinese headers."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    if columns is None:
        click.echo(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(archive.format_table(rows if rows is not None else data, columns))


json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（键名为英文，便于脚本处理）")
office_option = click.option("--office", help="机构代码，如 QSZ")
year_option = click.option("--year", type=click.IntRange(1900, 2100), help="年度，如 2024")
category_option = click.option("--category", help="门类/救助类别代码：WS DB TK YL LS JZ FX TZ")


def settings_of(ctx) -> "archive.Settings":
    return archive.load_settings(ctx.obj["root"])


@click.group(cls=MzGroup, context_settings={"max_content_width": 100})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), envvar="MINZHENG_ROOT",
              default="./minzheng-data", show_default=True,
              help="档案根目录（也可用环境变量 MINZHENG_ROOT 指定）")
@click.option("-v", "--verbose", count=True, help="显示更多过程信息（-vv 显示调试信息）")
@click.version_option(__version__, "--version", prog_name="minzheng", message="%(prog)s %(version)s",
                      help="显示版本并退出")
@click.pass_context
def cli(ctx, root, verbose):
    """minzheng：乡镇民政办文书生成与档案管理。

    \b
    办事员：generate 生成台账、花名册、上墙制度、公示、检查表
    档案员：ingest 导入，search 检索，show 查看，bind 装订案卷
    检查人员：report 完整性与规范化报告
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


# ---------------------------------------------------------------- init
@cli.command()
@click.option("--county", help="县（区）名称，默认“青山县”")
@click.option("--fonds", help="全宗号（4 个字符），默认 Z109")
@click.option("--sample", is_flag=True, help="载入虚构的示例县“青山县”的六个民政办数据")
@click.pass_context
def init(ctx, county, fonds, sample):
    """创建新的档案根目录（不会改动已有目录）。"""
    root = ctx.obj["root"]
    settings = archive.init_root(root, county=county, fonds=fonds, sample=sample)
    click.echo(f"已创建档案根目录 {settings.root}（{settings.county_name}，全宗号 {settings.fonds}）")


# ---------------------------------------------------------------- office (issue 3)
OFFICE_COLUMNS = [("code", "代码"), ("name", "名称"), ("kind", "类型"), ("population", "人口"),
                  ("villages", "村数"), ("full_time", "专职人员"), ("recipients", "救助对象数")]
FINDING_COLUMNS = [("result", "结果"), ("item", "检查项目"), ("expected", "要求"), ("actual", "实际"),
                   ("message", "说明"), ("basis", "依据")]


@cli.group()
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
@click.argument("office_code", metavar="[OFFICE]", required=False)
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
@click.argument("source", metavar="DIR_OR_XLSX", type=click.Path(exists=True, path_type=Path))
@click.pass_context
def office_import(ctx, source):
    """检查并导入本县的办公室数据（CSV 目录或 XLSX 工作簿），替换根目录下的 data/。

    数据有任何错误时逐条列出（文件、行、列），不写入任何内容，以状态 1 退出。
    """
    county = generators.import_office_data(settings_of(ctx), source)
    n = sum(len(o.recipients) for o in county.offices)
    click.echo(f"已导入 {len(county.offices)} 个民政办（{'、'.join(o.code for o in county.offices)}），救助对象 {n} 人")


# ---------------------------------------------------------------- generate (issue 3)
@cli.command()
@click.argument("kind", metavar="KIND", type=click.Choice(["ledger", "roster", "rules", "notice", "inspection", "all"]))
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
    KIND：
      ledger      各类救助对象台账（城市/农村低保、特困、医疗、临时、救灾、抚恤定补），.docx 和 .xlsx
      roster      工作人员和村（居）民政协理员花名册
      rules       上墙制度：规章制度、办事流程、岗位职责、办事指南、服务承诺、四公开
      notice      救助对象公示（只含姓名、村居、家庭人口、金额，身份证号隐去中间部分）
      inspection  年终规范化建设检查验收表（按本办数据预填，留空待检查人评分）
      all         以上全部
    根目录 templates/ 或 templates/机构代码/ 下的同名模板优先于内置模板。
    """
    report = generators.generate_documents(
        settings_of(ctx), office_code, [kind], year=year, out_dir=out_dir, pdf=pdf,
        progress=lambda msg: click.echo(msg, err=True))
    if as_json:
        emit(report.to_dict(), as_json=True)
        return
    for p in report.files:
        click.echo(str(p))
    click.echo(f"共生成 {len(report.files)} 个文件", err=True)


# ---------------------------------------------------------------- ingest / search / show / verify / reindex (issue 4)
retention_option = click.option("--retention", type=click.Choice(["Y", "D30", "D10"], case_sensitive=False),
                                help="保管期限：Y 永久，D30 定期30年，D10 定期10年")


@cli.command()
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


@cli.command()
@click.argument("query")
@office_option
@category_option
@year_option
@retention_option
@click.option("--household", help="户主身份证号或户号")
@click.option("--doc-type", "document_type", help="文件类型，如 申请书、审批表")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="最多显示几条")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="跳过前几条（翻页）")
@json_option
@click.pass_context
def search(ctx, query, office, category, year, retention, household, document_type, limit, offset, as_json):
    """中文全文检索（简繁通搜，扫描件也能搜）。用 "…" 括起查询只要完全相同的词句。"""
    result = archive.search(settings_of(ctx), query, office=office, category=category, year=year,
                            retention=retention, household=household, document_type=document_type,
                            limit=limit, offset=offset)
    if as_json:
        emit(result.to_dict(), as_json=True)
        return
    if not result.hits:
        click.echo(f"没有找到“{query}”。")
        return
    rows = [{**h, "code": h["archival_code"] or f"#{h['record_id']}", "title": (h["title"] or "")[:30],
             "snippet": " ".join((h["snippet"] or "").split())} for h in result.hits]
    emit(rows, as_json=False, columns=SEARCH_COLUMNS)
    click.echo(f"共 {result.total} 条，显示第 {offset + 1}–{offset + len(result.hits)} 条。")


@cli.command()
@click.argument("key", metavar="记录号|档号")
@click.option("--text", "with_text", is_flag=True, help="同时显示提取的全文（按页）")
@click.option("--open", "open_original", is_flag=True, help="用本机的默认程序打开原件（打开的是副本，原件不会被改动）")
@json_option
@click.pass_context
def show(ctx, key, with_text, open_original, as_json):
    """查看一条记录的著录信息；标“（待核）”的字段是从正文推断的，请核对。"""
    settings = settings_of(ctx)
    rec = archive.show_record(settings, key)
    if open_original:
        copy = archive.original_copy(settings, key)
        click.echo(f"打开原件副本：{copy}", err=True)
        if click.launch(str(copy)) != 0:
            click.echo("没有找到能打开它的程序（无图形界面时请直接使用上面的副本路径）", err=True)
    pages = archive.record_text(settings, key) if with_text else None
    if as_json:
        out = {k: v for k, v in rec.items() if k != "fields"}
        if pages is not None:
            out["text"] = pages
        emit(out, as_json=True)
        return
    for f in rec["fields"]:
        if f["value"] not in (None, ""):
            click.echo(f"{f['label']}：{f['value']}")
    if pages is not None:
        for i, p in enumerate(pages, 1):
            click.echo(f"\n—— 第 {i} 页 ——")
            click.echo(p)


@cli.command()
@json_option
@click.pass_context
def verify(ctx, as_json):
    """检查每个原件的 SHA-256，以及目录、原件、文本、索引是否一致。发现问题时退出码为 1。"""
    report = archive.verify(settings_of(ctx))
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)
    if not report.ok:
        ctx.exit(ExitCode.rejected)


@cli.command()
@click.option("--backend", type=click.Choice(["tantivy", "whoosh"]), help="换用另一种索引后端（写入 minzheng.toml）")
@click.option("--extract", is_flag=True, help="同时从原件重新提取文字（含 OCR）")
@click.option("--jobs", type=click.IntRange(min=1), help="重新提取时的并行进程数（默认：全部 CPU 核）")
@click.option("--ocr/--no-ocr", default=True, help="重新提取时对扫描页做文字识别")
@json_option
@click.pass_context
def reindex(ctx, backend, extract, jobs, ocr, as_json):
    """从目录和已提取的文本重建全文索引（--extract 先重新提取文字）。"""
    report = archive.reindex(settings_of(ctx), backend=backend, extract=extract, jobs=jobs, ocr=ocr)
    emit(report.to_dict() if as_json else report.summary(), as_json=as_json)


# ---------------------------------------------------------------- bind (issue 5)
BIND_COLUMNS = [("archival_code", "案卷档号"), ("version", "版本"), ("documents", "件数"), ("pages", "页数"),
                ("pdf", "PDF 文件")]


@cli.command()
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


# ---------------------------------------------------------------- report (issue 6)
@cli.group()
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


def _write_report(settings, rep, kind: str, fmt: str | None, out: Path | None) -> None:
    if fmt is None:
        fmt = out.suffix.lstrip(".").lower() if out is not None and out.suffix else "text"
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


# ---------------------------------------------------------------- serve (issue 7)
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只允许本机访问；设为其他地址（如 0.0.0.0）时必须设置 --password")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--password", envvar="MINZHENG_SERVE_PASSWORD",
              help="访问密码（也可用环境变量 MINZHENG_SERVE_PASSWORD）；设置后每个页面都要输入")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="工作进程数（默认每个 CPU 核一个，最多 4 个）")
@click.pass_context
def serve(ctx, host, port, password, workers):
    """在浏览器中检索档案：启动本机只读检索页面（按 Ctrl+C 停止）。"""
    settings = settings_of(ctx)

    def ready(server):
        port_ = getattr(server, "effective_port", port)
        if host in ("0.0.0.0", "::", ""):
            click.echo(f"检索页面已启动，监听本机所有网络地址的 {port_} 端口：本机打开 http://127.0.0.1:{port_}/ ，"
                       f"其他电脑打开 http://本机IP地址:{port_}/ （需要密码）")
        else:
            shown = f"[{host}]" if ":" in host else host
            click.echo(f"检索页面已启动：http://{shown}:{port_}/" + ("（需要密码）" if password else ""))
        click.echo("只读，不会修改档案；按 Ctrl+C 停止。", err=True)

    try:
        archive.serve(settings, host=host, port=port, password=password, workers=workers, ready=ready)
    except KeyboardInterrupt:
        pass
    click.echo("检索页面已停止。", err=True)


# ---------------------------------------------------------------- demo
@cli.command()
@click.pass_context
def demo(ctx):
    """在 --root 处从零建立示例县档案，运行每项工作，并告诉您看哪里。"""
    for line in archive.run_demo(ctx.obj["root"]):
        click.echo(line)


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
