"""Binding profiles: the municipal profile's visible differences, profile errors, volume splits, bad originals."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_bind import add_record, page_texts, text_pdf

from archive.binding.profiles import A4, MM, load_profile
from archive.common.errors import ConfigError
from archive.common.tools import SOFFICE
from archive.store.config import TEMPLATES_DIR


def _bind(invoke, root, *extra, ok=True):
    return invoke(root, "bind", "--office", "QSZ", "--year", "2011", "--category", "WS", "--json", *extra, ok=ok)


def _all_content(page) -> bytes:
    """A page's content plus that of the forms it draws (the overlay is one)."""
    data = page.get_contents().get_data()
    xobjs = page["/Resources"].get_object().get("/XObject", {})
    for ref in xobjs.values():
        x = ref.get_object()
        if x.get("/Subtype") == "/Form":
            data += x.get_data()
    return data


def test_builtin_profiles_load_and_differ():
    nat = load_profile(path=TEMPLATES_DIR / "profiles" / "national.toml")
    yz = load_profile(path=TEMPLATES_DIR / "profiles" / "municipal.toml")
    assert nat["page_numbers"]["position"] == "top-outer" and yz["page_numbers"]["position"] == "bottom-right"
    assert yz.label("contents", "doc_number") == "发文字号" and "remarks" not in yz["contents"]["columns"]
    assert nat["volume"]["box_thickness"] != yz["volume"]["box_thickness"]


def test_municipal_profile_numbers_bottom_right_in_blue(root, tmp_path, invoke):
    for i, d in enumerate(["2011-01-10", "2011-02-10", "2011-03-10"]):
        add_record(root, text_pdf(tmp_path / f"d{i}.pdf", [f"市级格式测试{i}页一", f"市级格式测试{i}页二"]),
                   title=f"测试文件{i}", date=d, doc_number=f"青民〔2011〕{i}号")
    r = _bind(invoke, root, "--profile", "municipal")
    v = json.loads(r.stdout)["volumes"][0]
    pdf = Path(v["pdf"])
    texts = page_texts(pdf)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1 + 1 + 6 + 1 + 1          # back cover in this profile
    for n in range(1, 7):
        runs = texts[1 + n]
        nums = [(x, y) for t, x, y in runs if t == str(n)]
        assert nums, n
        x, y = nums[-1]
        assert y < 20 * MM and x > A4[0] - 30 * MM, (n, x, y)      # bottom right on every page, recto or verso
    # blue numbers: the overlay sets the fill colour just before drawing the number
    content = _all_content(reader.pages[3])
    assert b"0 .2 .75 rg" in content or b"0 0.2 0.75 rg" in content
    cover = " ".join(t for t, _, _ in texts[0])
    assert "立卷单位" in cover and "档号：Z109-WS·2011-Y-QSZ-J001" in cover and "201101—201103" in cover
    contents = " ".join(t for t, _, _ in texts[1])
    assert "发文字号" in contents and "备注" not in contents
    labels = PdfReader(str(pdf.with_name(pdf.stem + "-labels.pdf")))
    assert "20 mm" in labels.pages[0].extract_text()


def test_profile_typo_names_the_key(root, tmp_path, invoke):
    prof_dir = root / "profiles"
    prof_dir.mkdir()
    text = (TEMPLATES_DIR / "profiles" / "national.toml").read_text(encoding="utf-8")
    (prof_dir / "typo.toml").write_text(text.replace('position = "top-outer"', 'postion = "top-outer"'), encoding="utf-8")
    add_record(root, text_pdf(tmp_path / "a.pdf", ["甲"]), title="甲", date="2011-01-01")
    r = _bind(invoke, root, "--profile", "typo", ok=False)
    assert r.exit_code == 4
    assert "page_numbers.postion" in r.stderr and "无法识别" in r.stderr and "typo.toml" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("edit, words", [
    (('color = "black"', 'color = "green"'), ["page_numbers.color", "green"]),
    (("box_thickness = 30", "box_thickness = 35"), ["volume.box_thickness", "35"]),
    (("max_pages = 200", 'max_pages = "many"'), ["volume.max_pages", "整数"]),
    (('"page_range", "remarks"]', '"page_range", "memo"]'), ["contents.columns", "memo"]),
])
def test_profile_bad_values(tmp_path, edit, words):
    text = (TEMPLATES_DIR / "profiles" / "national.toml").read_text(encoding="utf-8")
    assert edit[0] in text
    p = tmp_path / "bad.toml"
    p.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_profile(path=p)
    for w in words:
        assert w in str(e.value)


def test_numbering_per_item(root, tmp_path, invoke):
    prof_dir = root / "profiles"
    prof_dir.mkdir()
    text = (TEMPLATES_DIR / "profiles" / "national.toml").read_text(encoding="utf-8")
    (prof_dir / "peritem.toml").write_text(text.replace("restart_per_item = false", "restart_per_item = true"),
                                           encoding="utf-8")
    for i in range(2):
        add_record(root, text_pdf(tmp_path / f"p{i}.pdf", [f"按件编号{i}甲", f"按件编号{i}乙", f"按件编号{i}丙"]),
                   title=f"按件{i}", date=f"2011-0{i + 1}-01")
    v = json.loads(_bind(invoke, root, "--profile", "peritem").stdout)["volumes"][0]
    texts = page_texts(Path(v["pdf"]))
    corner = [[t for t, x, y in texts[i] if t.isdigit() and y > A4[1] - 20 * MM and (x < 20 * MM or x > A4[0] - 20 * MM)]
              for i in range(4, 11)]
    assert corner == [["1"], ["2"], ["3"], [], ["1"], ["2"], ["3"]]     # a blank back after the first (unnumbered)


def test_unknown_profile_name(root, tmp_path, invoke):
    add_record(root, text_pdf(tmp_path / "a.pdf", ["甲"]), title="甲", date="2011-01-01")
    r = _bind(invoke, root, "--profile", "nosuch", ok=False)
    assert r.exit_code == 4 and "nosuch.toml" in r.stderr


def test_split_at_page_limit(root, tmp_path, invoke):
    prof_dir = root / "profiles"
    prof_dir.mkdir()
    text = (TEMPLATES_DIR / "profiles" / "national.toml").read_text(encoding="utf-8")
    (prof_dir / "small.toml").write_text(text.replace("max_pages = 200", "max_pages = 4"), encoding="utf-8")
    for i in range(5):
        add_record(root, text_pdf(tmp_path / f"s{i}.pdf", [f"分卷测试{i}甲", f"分卷测试{i}乙"]),
                   title=f"分卷{i}", date=f"2011-0{i + 1}-01")
    r = _bind(invoke, root, "--profile", "small")
    vols = json.loads(r.stdout)["volumes"]
    assert [v["archival_code"][-4:] for v in vols] == ["J001", "J002", "J003"]
    assert [len(v["documents"]) for v in vols] == [2, 2, 1]
    assert [d["first_page"] for d in vols[1]["documents"]] == [1, 3]       # each volume numbered from 1
    assert vols[1]["documents"][0]["archival_code"].endswith("0003")
    labels = PdfReader(str(Path(vols[1]["pdf"]).with_name(Path(vols[1]["pdf"]).stem + "-labels.pdf")))
    spine = labels.pages[0].extract_text()
    assert "0003" in spine and "0004" in spine


def test_unrenderable_record_is_reported_not_dropped(root, tmp_path, invoke):
    add_record(root, text_pdf(tmp_path / "ok.pdf", ["正常文件"]), title="正常文件", date="2011-01-01")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not really a pdf")
    add_record(root, bad, title="损坏的文件", date="2011-02-01")
    r = _bind(invoke, root, ok=False)
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert [f["original_name"] for f in data["failed"]] == ["broken.pdf"]
    assert "未能装入" in r.stderr and "broken.pdf" in r.stderr
    v = data["volumes"][0]
    assert [d["title"] for d in v["documents"]] == ["正常文件"]
    notes = page_texts(Path(v["pdf"]))[-1]
    assert any("未能装入" in t for t, _, _ in notes)


def test_bind_refuses_without_records_in_empty_archive(sample_root, invoke):
    """A known office (the sample county's data) but nothing ingested yet: nothing to bind, exit 1."""
    r = _bind(invoke, sample_root, ok=False)
    assert r.exit_code == 1 and "还没有任何记录" in r.stderr


@pytest.mark.soffice
@pytest.mark.slow
@pytest.mark.skipif(not SOFFICE.available(), reason="needs LibreOffice")
def test_docx_original_is_converted(root, tmp_path, invoke):
    from docx import Document

    doc = Document()
    doc.add_paragraph("庚号Word文件正文")
    p = tmp_path / "word.docx"
    doc.save(p)
    add_record(root, p, title="Word 文件", date="2011-01-01")
    r = _bind(invoke, root)
    v = json.loads(r.stdout)["volumes"][0]
    texts = page_texts(Path(v["pdf"]))
    assert "庚号Word文件正文" in "".join(t for t, _, _ in texts[v["documents"][0]["pdf_page"] - 1]).replace(" ", "")


def test_rotated_pages_and_multipage_tiff(root, tmp_path, invoke):
    """A /Rotate 90 page and a two-page black-and-white TIFF: every page lands on A4, nothing lost."""
    from PIL import Image, ImageDraw, ImageFont
    from pypdf import PdfWriter

    src = text_pdf(tmp_path / "rot-src.pdf", ["旋转页面测试文字"])
    w = PdfWriter(clone_from=str(src))
    w.pages[0].rotate(90)
    rotated = tmp_path / "rotated.pdf"
    w.write(rotated)
    add_record(root, rotated, title="旋转的页面", date="2011-01-01")

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 40, index=2)
    frames = []
    for k in range(2):
        im = Image.new("1", (1654, 2339), 1)
        ImageDraw.Draw(im).text((200, 300), f"黑白扫描第{k + 1}页", fill=0, font=font)
        frames.append(im)
    tif = tmp_path / "scan.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200))
    add_record(root, tif, title="黑白扫描件", date="2011-02-01")

    v = json.loads(_bind(invoke, root).stdout)["volumes"][0]
    assert [(d["first_page"], d["last_page"]) for d in v["documents"]] == [(1, 1), (2, 3)]
    reader = PdfReader(v["pdf"])
    for page in reader.pages:
        a, b = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(a - A4[0]) < 4 and abs(b - A4[1]) < 4
        assert not page.rotation
    first, second = (d["pdf_page"] - 1 for d in v["documents"])
    assert "旋转页面测试文字" in "".join(t for t, _, _ in page_texts(Path(v["pdf"]))[first])
    img = next(iter(reader.pages[second].images)).image
    assert img.size == (1654, 2339)
