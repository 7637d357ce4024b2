"""generate_documents: the clerk's whole standard set for one office, as .docx (+ .xlsx ledgers, + PDF).

File names (in ROOT/out/OFFICE/YYYY-MM-DD/ unless --out):
  OFFICE-ledger-KEY.docx / .xlsx   KEY = DB-urban, DB-rural, TK, YL, LS, JZ, FX
  OFFICE-roster.docx  OFFICE-rules.docx  OFFICE-notice-KEY.docx  OFFICE-inspection.docx
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from archive import catalog
from archive.errors import MinzhengError

from .inspection import inspection_context
from .ledger import ledger_context, ledger_specs
from .notice import notice_context
from .officedata import load_office
from .pdf import BIG_LEDGER_ROWS, convert_with_soffice, ledger_pdf
from .render import find_template, render_docx
from .roster import roster_context
from .wallrules import wall_context
from .xlsx_ledger import write_ledger_xlsx

log = logging.getLogger(__name__)

KINDS = ("ledger", "roster", "rules", "notice", "inspection")
KIND_NAMES = {"ledger": "台账", "roster": "花名册", "rules": "上墙制度", "notice": "公示", "inspection": "检查验收表"}
TEMPLATE_OF = {"ledger": "ledger.docx", "roster": "roster.docx", "rules": "wall-rules.docx",
               "notice": "notice.docx", "inspection": "inspection.docx"}


class GenerateError(MinzhengError):
    """Bad kind or output directory."""


@dataclass
class GenerateReport:
    office: str
    files: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"files": [str(p) for p in self.files]}


def expand_kinds(kinds: list[str] | tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for k in kinds:
        k = k.strip().lower()
        if k == "all":
            want = list(KINDS)
        elif k in KINDS:
            want = [k]
        else:
            raise GenerateError(f"不认识的文书种类 “{k}”。可选：{'、'.join(KINDS)} 或 all")
        out += [w for w in want if w not in out]
    return out


def generate_documents(settings, office_code: str, kinds: list[str], *, year: int | None = None,
                       out_dir: Path | None = None, pdf: bool = False, today: date | None = None,
                       progress: Callable[[str], None] | None = None) -> GenerateReport:
    """Render the chosen kinds for one office; log a `generate` event in the catalog."""
    kinds = expand_kinds(kinds)
    office = load_office(settings, office_code)
    today = today or date.today()
    year = year or today.year
    out_dir = Path(out_dir) if out_dir else settings.out_dir / office.code / today.isoformat()
    if out_dir.exists() and not out_dir.is_dir():
        raise GenerateError(f"输出位置 {out_dir} 已存在且不是目录。请换一个 --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda msg: None)
    report = GenerateReport(office.code)
    docx: list[Path] = []            # converted by LibreOffice when pdf
    big_ledgers = []                 # (spec, docx path): drawn by reportlab when pdf

    def render(kind: str, ctx: dict, stem: str) -> Path:
        target = out_dir / f"{office.code}-{stem}.docx"
        render_docx(find_template(settings, TEMPLATE_OF[kind], office.code), ctx, target)
        report.files.append(target)
        return target

    specs = ledger_specs(office, year)
    if "ledger" in kinds:
        say(f"{office.name}：台账 {len(specs)} 本")
        for spec in specs:
            path = render("ledger", ledger_context(settings, office, spec, year, today), f"ledger-{spec.key}")
            xlsx = out_dir / f"{office.code}-ledger-{spec.key}.xlsx"
            report.files.append(write_ledger_xlsx(office, spec, year, today, xlsx))
            if len(spec.recipients) > BIG_LEDGER_ROWS:
                big_ledgers.append((spec, path))
            else:
                docx.append(path)
    if "roster" in kinds:
        say(f"{office.name}：花名册")
        docx.append(render("roster", _roster(settings, office, year, today), "roster"))
    if "rules" in kinds:
        say(f"{office.name}：上墙制度")
        docx.append(render("rules", wall_context(settings, office, year, today), "rules"))
    if "notice" in kinds:
        shown = [s for s in specs if s.recipients]
        say(f"{office.name}：公示 {len(shown)} 份")
        for spec in shown:
            docx.append(render("notice", notice_context(settings, office, spec, year, today), f"notice-{spec.key}"))
    if "inspection" in kinds:
        say(f"{office.name}：检查验收表")
        docx.append(render("inspection", inspection_context(settings, office, year, today), "inspection"))
    if pdf:
        say(f"{office.name}：转换 PDF（LibreOffice，{len(docx)} 个文件）")
        report.files += convert_with_soffice(docx)
        for spec, path in big_ledgers:
            say(f"{office.name}：{spec.title} {len(spec.recipients)} 行，直接绘制 PDF")
            report.files.append(ledger_pdf(office, spec, year, today, path.with_suffix(".pdf")))
    _log(settings, office.code, kinds, year, report.files)
    return report


def _roster(settings, office, year, today):
    return roster_context(settings, office, year, today)


def _log(settings, office: str, kinds: list[str], year: int, files: list[Path]) -> None:
    conn = catalog.connect(settings.catalog_path)
    try:
        catalog.log_event(conn, "generate", office=office, kinds=kinds, year=year,
                          files=[str(p) for p in files])
    finally:
        conn.close()
