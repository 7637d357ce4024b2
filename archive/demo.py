"""minzheng demo: build the sample county's archive from scratch and run every job on it."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .errors import RootError


def run_demo(root: Path | str) -> Iterator[str]:
    """Yields progress lines (Chinese) as each step finishes."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise RootError(f"{root} 不是空目录。demo 只在新目录上运行，请换一个 --root，或先删除该目录")
    from .rootdir import init_root

    settings = init_root(root, sample=True)
    yield f"1. 已创建示例县“{settings.county_name}”的档案根目录：{settings.root}"
    # --- step: generate (issue 3) ---
    # --- step: ingest historic files + searches (issue 4) ---
    from .config import SAMPLES_DIR
    from .errors import MissingToolError
    from .ingest import ingest as _ingest
    from .search import search as _search

    historic = SAMPLES_DIR / "historic"
    try:
        got = _ingest(settings, [historic / "files"], manifest=historic / "manifest.csv")
    except MissingToolError as e:          # no tesseract: scans are stored and catalogued, their text waits
        yield f"（{e}；扫描件暂不识别文字）"
        got = _ingest(settings, [historic / "files"], manifest=historic / "manifest.csv", ocr=False)
    yield f"导入历史档案（{historic}）：{got.summary().splitlines()[0]}"
    for q, why in (("救灾救济款", "简体查询，命中繁体扫描件"), ("臨時救助", "繁体查询，命中简体扫描台账"),
                   ("持证上岗", "文本层 PDF")):
        res = _search(settings, q, limit=2)
        yield f"    检索“{q}”（{why}）：共 {res.total} 条"
        for h in res.hits:
            snip = " ".join(h["snippet"].split())
            at = max(0, snip.find("【") - 20)
            yield f"      #{h['record_id']} {h['title']}（第 {h['page']} 页）：…{snip[at:at + 60]}…"
    yield f"    试试：minzheng --root {settings.root} search 低保年审 ；minzheng --root {settings.root} show 1 --text"
    # --- step: ingest household files (issue 6) ---
    from .config import SAMPLES_DIR
    from .ingest import ingest as ingest_files

    households_manifest = SAMPLES_DIR / "households" / "manifest.csv"
    got = ingest_files(settings, [], manifest=households_manifest)
    yield (f"已按清单导入示例户档 {len(got.ingested)} 件（{households_manifest}）"
           + (f"，{len(got.rejected)} 件未导入" if got.rejected else ""))
    # --- step: bind (issue 5) ---
    # --- step: completeness report (issue 6) ---
    from generators import render_report
    from generators.reports import summary_lines

    from .completeness import completeness_report
    from .standardization import standardization_report

    comp = completeness_report(settings)
    reports = settings.out_dir / "reports"
    made = [render_report(comp, fmt, reports / f"completeness.{fmt}") for fmt in ("xlsx", "docx")]
    yield "县档案完整性报告：" + summary_lines(comp.to_dict())[0]
    for o in comp.offices:
        if o["missing_count"]:
            gaps = "、".join(f"{c['category']} 缺 {len(c['missing'])} 件" for c in o["classes"] if c["missing"])
            yield f"    {o['name']}（{o['code']}）：{o['households']} 户中 {o['complete']} 户齐全，{gaps}"
    std = standardization_report(settings, completeness=comp)
    made.append(render_report(std, "docx", reports / "standardization.docx"))
    yield "规范化建设验收：" + summary_lines(std.to_dict())[0]
    yield "    报告文件：" + "、".join(str(p) for p in made)
    # --- step: search page hint (issue 7) ---
    import shlex

    yield "在浏览器中检索（只读，只在本机访问）：运行"
    yield f"    minzheng --root {shlex.quote(str(settings.root))} serve"
    yield "  然后打开 http://127.0.0.1:8080/ ，例如 http://127.0.0.1:8080/?q=低保 ；按 Ctrl+C 停止。"
