"""minzheng demo: build the sample county's archive from scratch and run every job on it.

Each step is a function that yields Chinese lines; `run_demo` numbers the steps.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Iterator

from archive.access.search import search
from archive.binding.bind import bind
from archive.common.errors import MissingToolError, RootError
from archive.inspection.completeness import completeness_report
from archive.inspection.standardization import standardization_report
from archive.intake.ingest import ingest
from archive.rootdir import init_root
from archive.store import catalog
from archive.store.config import SAMPLES_DIR, Settings
from generators.documents import generate_documents
from generators.reports import render_report, summary_lines

HISTORIC = SAMPLES_DIR / "historic"
HOUSEHOLDS_MANIFEST = SAMPLES_DIR / "households" / "manifest.csv"


def run_demo(root: Path | str) -> Iterator[str]:
    """Yields progress lines (Chinese) as each step finishes."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise RootError(f"{root} 不是空目录。demo 只在新目录上运行，请换一个 --root，或先删除该目录")

    settings = init_root(root, sample=True)
    steps = [
        (f"已创建示例县“{settings.county_name}”的档案根目录：{settings.root}", None),
        ("生成文书（办事员）", step_generate),
        ("导入历史档案并检索（档案员）", step_ingest_historic),
        ("导入示例户档（档案员）", step_ingest_households),
        ("装订案卷（档案员）", step_bind),
        ("完整性与规范化报告（检查人员）", step_reports),
        ("浏览器检索页", step_serve_hint),
    ]
    for n, (title, step) in enumerate(steps, 1):
        yield f"{n}. {title}"
        if step is not None:
            yield from (f"   {line}" for line in step(settings))


def _cmd(settings: Settings, *args: str) -> str:
    return " ".join(["minzheng", "--root", shlex.quote(str(settings.root)), *args])


def step_generate(settings: Settings) -> Iterator[str]:
    made = generate_documents(settings, "all", ["all"], pdf=False)
    n_docx = sum(p.suffix == ".docx" for p in made.files)
    n_xlsx = sum(p.suffix == ".xlsx" for p in made.files)
    yield (f"已为 {len(made.offices)} 个民政办生成全套文书：{n_docx} 个 Word、{n_xlsx} 个 Excel 电子台账，"
           f"在 {settings.out_dir}/机构代码/日期/")
    first = made.offices[0]
    try:
        pdfs = [p for p in generate_documents(settings, first, ["all"], pdf=True).files if p.suffix == ".pdf"]
        yield f"{first} 另有 PDF {len(pdfs)} 个，例如：{pdfs[0] if pdfs else ''}"
    except MissingToolError as e:
        yield f"（{e}；跳过 PDF）"
    yield "试试：" + _cmd(settings, "generate", "notice", "--office", first, "--pdf")


def step_ingest_historic(settings: Settings) -> Iterator[str]:
    manifest = HISTORIC / "manifest.csv"
    try:
        got = ingest(settings, [HISTORIC / "files"], manifest=manifest)
    except MissingToolError as e:          # no tesseract: scans are stored and catalogued, their text waits
        yield f"（{e}；扫描件暂不识别文字）"
        got = ingest(settings, [HISTORIC / "files"], manifest=manifest, ocr=False)
    yield f"导入 {HISTORIC}：{got.summary().splitlines()[0]}"
    for q, why in (("救灾救济款", "简体查询，命中繁体扫描件"), ("臨時救助", "繁体查询，命中简体扫描台账"),
                   ("持证上岗", "文本层 PDF")):
        res = search(settings, q, limit=2)
        yield f"检索“{q}”（{why}）：共 {res.total} 条"
        for h in res.hits:
            snip = " ".join(h["snippet"].split())
            at = max(0, snip.find("【") - 20)
            yield f"   #{h['record_id']} {h['title']}（第 {h['page']} 页）：…{snip[at:at + 60]}…"
    yield "试试：" + _cmd(settings, "search", "低保年审") + " ；" + _cmd(settings, "show", "1", "--text")


def step_ingest_households(settings: Settings) -> Iterator[str]:
    got = ingest(settings, [], manifest=HOUSEHOLDS_MANIFEST)
    yield (f"已按清单导入示例户档 {len(got.ingested)} 件（{HOUSEHOLDS_MANIFEST}）"
           + (f"，{len(got.rejected)} 件未导入" if got.rejected else ""))


def _classes_to_bind(settings: Settings) -> list:
    """The traditional-script historic scan's class, and the class holding the most records."""
    conn = catalog.connect(settings.catalog_url)
    try:
        historic = conn.execute(
            "SELECT office, year, category FROM records WHERE original_name LIKE '%繁体%' LIMIT 1").fetchone()
        biggest = conn.execute(
            "SELECT office, year, category, COUNT(*) n FROM records WHERE office IS NOT NULL AND year IS NOT NULL "
            "AND category IS NOT NULL AND retention IS NOT NULL GROUP BY office, year, category "
            "ORDER BY n DESC, office, year, category LIMIT 1").fetchone()
    finally:
        conn.close()
    return [tuple(r)[:3] for r in (historic, biggest) if r is not None]


def step_bind(settings: Settings) -> Iterator[str]:
    classes = _classes_to_bind(settings)
    if not classes:
        yield "档案中还没有可装订的记录（先用 minzheng ingest 导入），跳过"
        return
    for office, year, category in classes:
        bound = bind(settings, office=office, year=year, category=category)
        for v in bound.volumes:
            yield (f"案卷 {v.archival_code}（{office} {year} 年 {category} 类）："
                   f"{len(v.documents)} 件，共 {v.pages} 页（封面、卷内文件目录、文件、卷内备考表）")
            yield f"   案卷 PDF：{v.pdf}"
            yield f"   脊背和盒面标签：{v.labels}；XML 清单：{v.manifest}"
        for f in bound.failed:
            yield f"   未能装入：{f['archival_code']}（{f['original_name']}）：{f['error']}"
    office, year, category = classes[-1]
    yield "试试市级格式（生成第 2 版，第 1 版保留）：" + _cmd(
        settings, "bind", "--office", office, "--year", str(year), "--category", category, "--profile", "municipal")


def step_reports(settings: Settings) -> Iterator[str]:
    comp = completeness_report(settings)
    reports = settings.out_dir / "reports"
    made = [render_report(comp, fmt, reports / f"completeness.{fmt}") for fmt in ("xlsx", "docx")]
    yield "县档案完整性报告：" + summary_lines(comp.to_dict())[0]
    for o in comp.offices:
        if o["missing_count"]:
            gaps = "、".join(f"{c['category']} 缺 {len(c['missing'])} 件" for c in o["classes"] if c["missing"])
            yield f"   {o['name']}（{o['code']}）：{o['households']} 户中 {o['complete']} 户齐全，{gaps}"
    std = standardization_report(settings, completeness=comp)
    made.append(render_report(std, "docx", reports / "standardization.docx"))
    yield "规范化建设验收：" + summary_lines(std.to_dict())[0]
    yield "报告文件：" + "、".join(str(p) for p in made)


def step_serve_hint(settings: Settings) -> Iterator[str]:
    yield "在浏览器中检索（只读，只在本机访问）：运行"
    yield "   " + _cmd(settings, "serve")
    yield "然后打开 http://127.0.0.1:8080/ ，例如 http://127.0.0.1:8080/?q=最低生活保障&office=YTZ ；按 Ctrl+C 停止。"
