"""minzheng generate --pdf: one LibreOffice run for an office's set; big ledgers drawn by reportlab."""
from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import archive
import cli as cli_module
import generators
from archive.common.tools import SOFFICE
from generators.ledger import ledger_specs
from generators.office.idnumber import check_digit, mask_id
from generators.pdf import BIG_LEDGER_ROWS, ledger_pdf

FULL_ID = re.compile(r"(?<![0-9*])[1-9]\d{16}[\dXx](?![0-9])")
TODAY = date(2025, 3, 10)


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdf_fonts(path: Path) -> set[str]:
    fonts = set()
    for page in PdfReader(str(path)).pages:
        for f in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(f.get_object().get("/BaseFont")))
    return fonts


def flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf") / "root"
    result = CliRunner().invoke(cli_module.cli, ["--root", str(root), "init", "--sample"], obj={})
    assert result.exit_code == 0, result.stderr
    settings = archive.load_settings(root)
    return settings, generators.load_office(settings, "QSZ")


@pytest.fixture(scope="module")
def converted(sample, tmp_path_factory):
    """QSZ's whole set, converted once (one LibreOffice process). The big-ledger threshold is lowered to 10
    rows so that the 12-row DB-rural ledger takes the reportlab path and the others go through LibreOffice."""
    if not SOFFICE.available():
        pytest.skip("LibreOffice (soffice) is not installed")
    settings, office = sample
    out = tmp_path_factory.mktemp("pdf-out")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("generators.documents.BIG_LEDGER_ROWS", 10)
        report = generators.generate_documents(settings, "QSZ", ["all"], year=2025, out_dir=out, pdf=True,
                                               today=TODAY)
    return out, report


@pytest.mark.soffice
@pytest.mark.slow
def test_every_docx_has_its_pdf(converted):
    out, report = converted
    docx = sorted(p for p in report.files if p.suffix == ".docx")
    pdfs = sorted(p for p in report.files if p.suffix == ".pdf")
    assert [p.with_suffix(".pdf") for p in docx] == pdfs
    assert all(p.stat().st_size > 1000 for p in pdfs)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.soffice
@pytest.mark.slow
@pytest.mark.parametrize("key", ["DB-rural", "TK"])
def test_pdf_ledger_has_every_row_and_total(converted, sample, key):
    out, _ = converted
    _, office = sample
    spec = next(s for s in ledger_specs(office, 2025) if s.key == key)
    path = out / f"QSZ-ledger-{key}.pdf"
    drawn = any("NotoSerifSC-" in f for f in pdf_fonts(path))     # reportlab's own embedded subset
    assert drawn == (len(spec.recipients) > 10)          # reportlab for the big one, LibreOffice for the rest
    text = flat("".join(pdf_text(path)))
    assert flat(office.full_name) in text
    for r in spec.recipients:
        assert r.name in text and r.id_number in text
    assert f"{Decimal(str(spec.amount)).quantize(Decimal('0.01')):,}" in text


@pytest.mark.soffice
@pytest.mark.slow
def test_pdf_wall_documents_show_no_full_id(converted, sample):
    out, report = converted
    _, office = sample
    wall = [p for p in report.files if p.suffix == ".pdf" and ("notice" in p.name or "rules" in p.name)]
    assert len(wall) == 8
    for p in wall:
        text = "".join(pdf_text(p))
        assert not FULL_ID.search(flat(text)), p.name
    notice = flat("".join(pdf_text(out / "QSZ-notice-TK.pdf")))
    for r in office.recipients_of("TK"):                  # the year's recipients, and only they
        if r.listed_in(2025):
            assert r.name in notice and mask_id(r.id_number) in notice
        else:
            assert mask_id(r.id_number) not in notice


@pytest.mark.soffice
@pytest.mark.slow
def test_pdf_uses_chinese_noto_fonts(converted):
    out, _ = converted
    fonts = pdf_fonts(out / "QSZ-rules.pdf")
    assert any("NotoSerifCJK" in f for f in fonts), fonts      # 宋体/仿宋 → Noto Serif CJK
    assert any("NotoSansCJK" in f for f in fonts), fonts       # 黑体 → Noto Sans CJK
    assert not any("DejaVu" in f for f in fonts), fonts


def _big_office(office, n: int):
    """The sample office with n made-up TK recipients (valid, distinct fictional ID numbers)."""
    big = copy.deepcopy(office)
    base = office.recipients_of("TK")[0]
    rows = []
    for i in range(n):
        first17 = f"43992119500101{i:03d}"[:17] if n <= 1000 else f"4399211950{i // 1000 + 1:02d}01{i % 1000:03d}"
        r = copy.deepcopy(base)
        r.name, r.id_number, r.amount = f"测试{i:04d}", first17 + check_digit(first17), 900 + i % 7
        rows.append(r)
    big.recipients = [r for r in office.recipients if r.category != "TK"] + rows
    return big


@pytest.mark.slow
def test_big_ledger_pdf_drawn_with_reportlab(sample, tmp_path):
    _, office = sample
    n = BIG_LEDGER_ROWS + 150
    big = _big_office(office, n)
    spec = next(s for s in ledger_specs(big, 2025) if s.key == "TK")
    path = ledger_pdf(big, spec, 2025, TODAY, tmp_path / "tk.pdf")
    pages = pdf_text(path)
    assert len(pages) > 5
    for i, page in enumerate(pages, 1):
        assert "公民身份号码" in page                         # header row repeated on each page
        assert f"第 {i} 页" in page
    text = "".join(pages)
    for r in spec.recipients:
        assert r.name in text and r.id_number in text
    assert f"{n}户" in text
    assert f"{Decimal(str(spec.amount)).quantize(Decimal('0.01')):,}" in text
    assert flat(office.full_name) in flat(pages[0])
    assert unembedded_fonts(path) == set()                 # the PDF carries its own Chinese font


BASE_14 = {"/Helvetica", "/Helvetica-Bold", "/Times-Roman", "/Courier", "/Symbol", "/ZapfDingbats"}


def unembedded_fonts(path: Path) -> set[str]:
    """Fonts a viewer would have to supply itself (no FontFile in any descriptor), other than the
    PDF base-14 Latin fonts every viewer has (reportlab's canvas declares Helvetica by default)."""
    missing = set()
    for page in PdfReader(str(path)).pages:
        for f in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = f.get_object()
            if str(font.get("/BaseFont")) in BASE_14:
                continue
            descs = [font.get("/FontDescriptor")] + [d.get_object().get("/FontDescriptor")
                                                     for d in font.get("/DescendantFonts") or []]
            if not any(d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                       for d in descs):
                missing.add(str(font.get("/BaseFont")))
    return missing
