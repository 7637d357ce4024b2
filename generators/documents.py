"""generate_documents: the clerk's whole standard set for one office, as .docx (+ .xlsx ledgers, + PDF).

File names (in ROOT/out/OFFICE/YYYY-MM-DD/ unless --out):
  OFFICE-ledger-KEY.docx / .xlsx   KEY = DB-urban, DB-rural, TK, YL, LS, JZ, FX
  OFFICE-roster.docx  OFFICE-rules.docx  OFFICE-notice-KEY.docx  OFFICE-inspection.docx
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.common.errors import (
    MinzhengError,
    NothingToListError,
    WriteError,
    os_reason,
)
from archive.common.tools import SOFFICE
from archive.store import catalog
from generators.inspection import inspection_context
from generators.ledger import ledger_context, ledger_specs
from generators.notice import notice_context
from generators.office.data import load_county, load_office
from generators.pdf import BIG_LEDGER_ROWS, convert_with_soffice, ledger_pdf
from generators.render import find_template, render_docx
from generators.roster import roster_context
from generators.wallrules import wall_context
from generators.xlsx_ledger import write_ledger_xlsx

log = logging.getLogger(__name__)

KINDS = ("ledger", "roster", "rules", "notice", "inspection")
LISTS = ("ledger", "notice")          # kinds that list the year's aid recipients, one document per class
KIND_NAMES = {"ledger": "台账", "roster": "花名册", "rules": "上墙制度", "notice": "公示", "inspection": "检查验收表"}
TEMPLATE_OF = {"ledger": "ledger.docx", "roster": "roster.docx", "rules": "wall-rules.docx",
               "notice": "notice.docx", "inspection": "inspection.docx"}


class GenerateError(MinzhengError):
    """Bad kind or output directory."""


@dataclass
class GenerateReport:
    offices: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)   # documents not written: nothing to list

    def to_dict(self) -> dict:
        return {"files": [str(p) for p in self.files], "skipped": self.skipped}


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
    """Render the chosen kinds for one office (or every office with office_code "all").

    Default output: ROOT/out/OFFICE/YYYY-MM-DD/. With `pdf`, every .docx of the run goes through one
    LibreOffice process; ledgers longer than BIG_LEDGER_ROWS are drawn with reportlab instead.
    Logs one `generate` event per office in the catalog.
    """
    kinds = expand_kinds(kinds)
    if pdf:
        SOFFICE.require()              # fail before writing anything when LibreOffice is missing
    if (office_code or "").strip().lower() == "all":
        offices = load_county(settings).offices
    else:
        offices = [load_office(settings, office_code)]
    today = today or date.today()
    year = year or today.year
    say = progress or (lambda msg: None)
    if year > today.year + 1:          # next year's documents are made in December; later ones are a slip
        say(f"注意：{year} 年度还没有到（今天是 {today.isoformat()}）；按月救助对象凡没有填终止日期的都按仍在享受列入，"
            "一次性救助只列发放日期在该年的。请确认年度（--year）没有写错")
    report = GenerateReport()
    runs = []
    for office in offices:
        target = Path(out_dir) if out_dir else settings.out_dir / office.code / today.isoformat()
        run = _OfficeRun(settings, office, kinds, year, today, target, say)
        report.skipped += run.skipped
        if not run.has_work():
            if len(offices) > 1:       # with one office the error below says it
                say(f"{office.name}：{year} 年度没有救助对象，没有可列入{_kind_names(kinds)}的内容，不生成")
            continue
        if target.exists() and not target.is_dir():
            raise GenerateError(f"输出位置 {target} 已存在且不是目录。请换一个 --out")
        try:
            target.mkdir(parents=True, exist_ok=True)
            run.render_all()
        except OSError as e:
            raise _file_error(e, target) from e
        runs.append(run)
        report.offices.append(office.code)
    if not runs:
        names = "、".join(f"{o.name}（{o.code}）" for o in offices)
        raise NothingToListError(
            f"{names} {year} 年度没有救助对象（一次性救助按发放日期、按月救助按起止日期计），"
            f"没有可列入{_kind_names(kinds)}的内容，未生成任何文件。请检查 --year 或办公室数据 recipients 的日期",
            details=report.to_dict())
    if pdf and any(run.docx for run in runs):
        try:
            _to_pdf(runs, settings, year, today, say)
        except OSError as e:
            where = Path(getattr(e, "filename2", None) or e.filename or runs[0].out_dir)
            raise _file_error(e, next((r.out_dir for r in runs if r.out_dir in where.parents), runs[0].out_dir)) from e
    for run in runs:
        report.files += run.files
        _log(settings, run.office.code, kinds, year, run.files)
    return report


def _file_error(e: OSError, target: Path) -> MinzhengError:
    """A Chinese error for a file that could not be written (in the output directory) or read (a template)."""
    where = Path(getattr(e, "filename2", None) or e.filename or target)
    if where != target and target not in where.parents:     # a template or data file, not our output
        return GenerateError(f"无法读取 {where}：{os_reason(e)}。请检查这个文件和它的权限")
    return WriteError(target, e, f"请换一个 --out 目录，或检查 {target} 的权限和磁盘空间后重新运行")


def _to_pdf(runs, settings, year, today, say) -> None:
    """Every .docx of the run through one LibreOffice process; long ledgers drawn with reportlab."""
    docx = [p for run in runs for p in run.docx]
    say(f"转换 PDF（一个 LibreOffice 进程，{len(docx)} 个文件）")
    pdfs = {p.with_suffix(".pdf") for p in convert_with_soffice(docx)}
    for run in runs:
        run.files += [p.with_suffix(".pdf") for p in run.docx if p.with_suffix(".pdf") in pdfs]
        for spec, path in run.big_ledgers:
            say(f"{run.office.name}：{spec.title} {len(spec.recipients)} 行，直接绘制 PDF")
            run.files.append(ledger_pdf(run.office, spec, year, today, path.with_suffix(".pdf"),
                                        cache_dir=settings.cache_dir / "fonts"))


def _kind_names(kinds: list[str]) -> str:
    return "、".join(KIND_NAMES[k] for k in kinds if k in LISTS) or "、".join(KIND_NAMES[k] for k in kinds)


class _OfficeRun:
    """One office's documents in one output directory. Ledgers and notices are written only for the aid
    classes that have recipients in the year; the others are recorded in `skipped` and said."""

    def __init__(self, settings, office, kinds, year, today, out_dir, say):
        self.settings, self.office, self.kinds = settings, office, kinds
        self.year, self.today, self.out_dir, self.say = year, today, out_dir, say
        self.files: list[Path] = []
        self.docx: list[Path] = []          # converted by LibreOffice when pdf
        self.big_ledgers = []               # (spec, docx path): drawn by reportlab when pdf
        specs = ledger_specs(office, year)
        self.specs = [s for s in specs if s.recipients]
        empty = [s for s in specs if not s.recipients]
        self.skipped = [{"office": office.code, "kind": kind, "key": s.key, "class_name": s.class_name, "year": year,
                         "reason": f"{year} 年度没有{s.class_name}对象"}
                        for kind in self.kinds if kind in LISTS for s in empty]
        self.empty_names = [s.class_name for s in empty]

    def has_work(self) -> bool:
        return any(k not in LISTS for k in self.kinds) or bool(self.specs)

    def render(self, kind: str, ctx: dict, stem: str) -> Path:
        target = self.out_dir / f"{self.office.code}-{stem}.docx"
        render_docx(find_template(self.settings, TEMPLATE_OF[kind], self.office.code), ctx, target)
        self.files.append(target)
        return target

    def render_all(self) -> None:
        settings, office, year, today, say = self.settings, self.office, self.year, self.today, self.say
        specs = self.specs
        listing = [KIND_NAMES[k] for k in self.kinds if k in LISTS]
        if listing and self.empty_names:
            say(f"{office.name}：{year} 年度没有{'、'.join(self.empty_names)}对象，这些类别不生成{'、'.join(listing)}")
        if "ledger" in self.kinds and specs:
            say(f"{office.name}：台账 {len(specs)} 本（.docx 和 .xlsx）")
            for spec in specs:
                path = self.render("ledger", ledger_context(settings, office, spec, year, today), f"ledger-{spec.key}")
                xlsx = self.out_dir / f"{office.code}-ledger-{spec.key}.xlsx"
                self.files.append(write_ledger_xlsx(office, spec, year, today, xlsx))
                if len(spec.recipients) > BIG_LEDGER_ROWS:
                    self.big_ledgers.append((spec, path))
                else:
                    self.docx.append(path)
        if "roster" in self.kinds:
            say(f"{office.name}：花名册")
            self.docx.append(self.render("roster", roster_context(settings, office, year, today), "roster"))
        if "rules" in self.kinds:
            say(f"{office.name}：上墙制度")
            self.docx.append(self.render("rules", wall_context(settings, office, year, today), "rules"))
        if "notice" in self.kinds and specs:
            say(f"{office.name}：公示 {len(specs)} 份")
            for spec in specs:
                self.docx.append(self.render("notice", notice_context(settings, office, spec, year, today),
                                             f"notice-{spec.key}"))
        if "inspection" in self.kinds:
            say(f"{office.name}：检查验收表")
            self.docx.append(self.render("inspection", inspection_context(settings, office, year, today),
                                         "inspection"))


def _log(settings, office: str, kinds: list[str], year: int, files: list[Path]) -> None:
    conn = catalog.connect(settings.catalog_url)
    try:
        catalog.log_event(conn, "generate", office=office, kinds=kinds, year=year,
                          files=[str(p) for p in files])
    finally:
        conn.close()
