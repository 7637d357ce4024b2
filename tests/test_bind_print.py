"""A bound volume as it comes out of a printer: stamp and page numbers inside the printable area and where
the profile puts them, and in a double-sided profile every document starting on a front page."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pdfcheck import glyph_problems, layout, outside_printable, unembedded_fonts
from pypdf import PdfReader
from test_bind import add_record, scan_image, text_pdf

from archive.binding.profiles import MM, PRINTABLE_MM

FIXTURE_FONT = "STSong-Light"     # the test documents' own (unembedded) font; the binder adds no other

# (marker, pages): odd and even page counts mixed, so that a double-sided volume needs blank backs
DOCS = [("一号单页", 1), ("二号扫描", 1), ("三号三页", 3), ("四号两页", 2), ("五号单页", 1), ("六号单页", 1)]


def _make(root: Path, tmp: Path, docs=DOCS) -> None:
    for i, (marker, n) in enumerate(docs):
        if marker.endswith("扫描"):
            src = scan_image(tmp / f"{marker}.jpg", marker)
        else:
            src = text_pdf(tmp / f"{marker}.pdf", [f"{marker}第{k + 1}页" for k in range(n)],
                           top_line="顶部标题文字紧贴上边距横跨右半页面" if i == 0 else None)
        add_record(root, src, title=f"{marker}文件", date=f"2011-0{i + 1}-10")


def _bind(invoke, root, profile):
    r = invoke(root, "bind", "--office", "QSZ", "--year", "2011", "--category", "WS", "--profile", profile, "--json")
    return json.loads(r.stdout)["volumes"][0]


@pytest.fixture(scope="module")
def volumes(tmp_path_factory):
    """The same six records bound twice: national (double-sided) and municipal (single-sided)."""
    from click.testing import CliRunner

    import cli as cli_module

    tmp = tmp_path_factory.mktemp("print")
    root = tmp / "root"
    runner = CliRunner()

    def invoke(root, *args):
        r = runner.invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={}, catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
        return r

    invoke(root, "init")
    _make(root, tmp)
    return {"national": _bind(invoke, root, "national"), "municipal": _bind(invoke, root, "municipal"), "tmp": tmp}


def _manifest_firsts(v) -> list[int]:
    """pdfFirstPage of each document (1-based PDF page), from the XML manifest."""
    from lxml import etree

    doc = etree.parse(v["manifest"])
    return [int(e.text) for e in doc.findall(".//{urn:minzheng:volume-manifest:1}pdfFirstPage")]


def _red_box_mm(pdf: Path, page_no: int, tmp: Path, dpi: int = 100):
    """(left, top, right, bottom) distances in mm from the sheet's edges to the red stamp, as rendered."""
    from PIL import Image

    out = tmp / f"red-{pdf.stem}-{page_no}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page_no), "-l", str(page_no),
                    str(pdf), str(out)], check=True)
    im = Image.open(f"{out}.png").convert("RGB")
    w, h = im.size
    px = im.load()
    red = [(x, y) for y in range(h // 5) for x in range(w)
           if px[x, y][0] > 150 and px[x, y][1] < 110 and px[x, y][2] < 110]
    assert red, f"page {page_no}: no red stamp in the top fifth"
    mm = 25.4 / dpi
    x0, x1 = min(x for x, _ in red), max(x for x, _ in red) + 1
    y0, y1 = min(y for _, y in red), max(y for _, y in red) + 1
    return x0 * mm, y0 * mm, (w - x1) * mm, (h - y1) * mm


def _number_words(pdf: Path, page_no: int, size: float = 12):
    """Words that are page numbers: digits in the top or bottom 20 mm in the profile's number size (the stamp's
    figures are smaller)."""
    pages, words = layout(pdf)
    return [w for w in words if w.page == page_no and w.text.isdigit() and abs((w.y1 - w.y0) - size) < 1 and
            (w.y0 < 20 * MM or w.y1 > pages[page_no - 1].height - 20 * MM)]


@pytest.mark.parametrize("profile", ["national", "municipal"])
def test_stamp_inside_printable_area_and_clear_of_page_number(volumes, profile):
    v = volumes[profile]
    pdf = Path(v["pdf"])
    tol = 0.0                                            # the frame line's ink too, not just the nominal box
    for first in _manifest_firsts(v):
        left, top, right, bottom = _red_box_mm(pdf, first, volumes["tmp"])
        assert min(left, top, right) >= PRINTABLE_MM - tol, (first, left, top, right)
        # out of the binding margin too (binding edge on the left of a front page)
        assert left >= 25 - tol, (first, left)
        for w in _number_words(pdf, first):            # the page number is not under or against the stamp
            page_w = float(PdfReader(str(pdf)).pages[first - 1].mediabox.width)
            sx0, sx1, gap = left * MM, page_w - right * MM, 2.5 * MM
            assert w.x1 <= sx0 - gap or w.x0 >= sx1 + gap or w.y0 >= (297 - bottom) * MM + gap or \
                w.y1 <= top * MM - gap, (first, w)


@pytest.mark.parametrize("profile", ["national", "municipal"])
def test_page_numbers_where_the_profile_puts_them(volumes, profile):
    """Top-outer 10 mm from the top and 15 mm from the outer side (national); bottom right, 8 mm (municipal)."""
    v = volumes[profile]
    pdf = Path(v["pdf"])
    pages, _ = layout(pdf)
    numbered = 0
    for p in pages:
        for w in _number_words(pdf, p.number):
            numbered += 1
            assert min(w.x0, w.y0, p.width - w.x1, p.height - w.y1) >= PRINTABLE_MM * MM, (p.number, w)
            if profile == "national":
                assert abs(w.y0 / MM - 10) < 1.5, (p.number, w.y0 / MM)
                assert abs(min(w.x0, p.width - w.x1) / MM - 15) < 1, (p.number, w)
            else:
                assert abs((p.height - w.y1) / MM - 8) < 2.5 and abs((p.width - w.x1) / MM - 15) < 1, (p.number, w)
    assert numbered == sum(d["last_page"] - d["first_page"] + 1 for d in v["documents"])


@pytest.mark.parametrize("profile", ["national", "municipal"])
def test_volume_and_labels_checked_as_a_reader_sees_them(volumes, profile):
    v = volumes[profile]
    labels = Path(v["labels"])
    for pdf in (Path(v["pdf"]), labels):
        assert outside_printable(pdf) == []
        assert glyph_problems(pdf) == []
    assert unembedded_fonts(labels) == []
    assert set(unembedded_fonts(v["pdf"])) <= {FIXTURE_FONT}       # no Helvetica of reportlab's


def test_profile_cannot_put_numbers_into_the_unprinted_edge(root, invoke):
    from archive.store.config import TEMPLATES_DIR

    text = (TEMPLATES_DIR / "profiles" / "national.toml").read_text(encoding="utf-8")
    (root / "profiles").mkdir(exist_ok=True)
    (root / "profiles" / "edge.toml").write_text(text.replace("edge_distance = 10", "edge_distance = 3"),
                                                 encoding="utf-8")
    add_record(root, text_pdf(root.parent / "a.pdf", ["页边测试"]), title="页边测试", date="2011-01-01")
    r = invoke(root, "bind", "--office", "QSZ", "--year", "2011", "--category", "WS", "--profile", "edge", ok=False)
    assert r.exit_code == 4
    assert "page_numbers.edge_distance" in r.stderr and "5～30" in r.stderr


# ---------------------------------------------------------------- double-sided: documents start on front pages
def _words_by_page(pdf: Path) -> dict[int, list]:
    pages, words = layout(pdf)
    out: dict[int, list] = {p.number: [] for p in pages}
    for w in words:
        out[w.page].append(w)
    return out


def test_double_sided_every_document_starts_on_a_front_page(volumes):
    v = volumes["national"]
    pdf = Path(v["pdf"])
    reader = PdfReader(str(pdf))
    by_page = _words_by_page(pdf)
    # each part (cover, contents list, every document, notes sheet) starts on an odd PDF page (a front page)
    contents_pages = [n for n, ws in by_page.items() if any("卷内文件目录" in w.text for w in ws)]
    parts = [1, len(contents_pages)] + [d["last_page"] - d["first_page"] + 1 for d in v["documents"]] + [1]
    expected_blank, at = [], 0
    for n in parts:
        if at % 2:
            expected_blank.append(at + 1)
            at += 1
        at += n
    assert at == len(reader.pages) == v["pages"]
    assert contents_pages[0] % 2 == 1
    assert [d["pdf_page"] for d in v["documents"]] and all(d["pdf_page"] % 2 == 1 for d in v["documents"])
    assert any(w.text == "卷内备考表" for w in by_page[len(reader.pages)]) and len(reader.pages) % 2 == 1
    # the blank backs: nothing on them at all, not even a page number
    blank = [n for n, ws in by_page.items() if not ws]
    assert blank == expected_blank and v["blank_pages"] == len(blank) == 7
    for n in blank:
        content = reader.pages[n - 1].get_contents()
        assert content is None or not content.get_data().strip()
    # page numbers run 1, 2, 3 … over the pages with content only
    numbers = [(n, int(w.text)) for n in by_page for w in _number_words(pdf, n)]
    assert [k for _, k in numbers] == list(range(1, sum(parts[2:-1]) + 1))
    assert not {n for n, _ in numbers} & set(blank)
    # and the notes sheet says how many there are, for whoever counts the sheets
    notes = "".join(w.text for w in by_page[len(reader.pages)])
    assert f"另有空白背面{len(blank)}页" in notes.replace(" ", ""), notes


def test_double_sided_contents_list_gives_the_printed_page_numbers(volumes):
    """The contents list's 页号 is the number printed on the document's pages, and the document is there."""
    v = volumes["national"]
    pdf = Path(v["pdf"])
    by_page = _words_by_page(pdf)
    number_at = {int(w.text): n for n in by_page for w in _number_words(pdf, n)}
    contents = "".join(w.text for n in (3,) for w in by_page[n])
    for d, (marker, pages) in zip(v["documents"], DOCS):
        rng = str(d["first_page"]) if pages == 1 else f"{d['first_page']}-{d['last_page']}"
        assert rng in contents, (rng, contents)
        assert number_at[d["first_page"]] == d["pdf_page"]
        assert number_at[d["last_page"]] == d["pdf_page"] + pages - 1
        if not marker.endswith("扫描"):
            for k in range(pages):
                assert any(w.text == f"{marker}第{k + 1}页" for w in by_page[d["pdf_page"] + k]), (marker, k)


def test_single_sided_profile_inserts_no_blank_pages(volumes):
    v = volumes["municipal"]
    assert v["blank_pages"] == 0
    firsts = [d["pdf_page"] for d in v["documents"]]
    assert firsts == [3 + d["first_page"] - 1 for d in v["documents"]]        # cover, contents, then documents
    by_page = _words_by_page(Path(v["pdf"]))
    assert not [n for n, ws in by_page.items() if not ws]
    assert not any("空白背面" in w.text for ws in by_page.values() for w in ws)
