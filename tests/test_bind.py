"""minzheng bind: open the bound PDF and check pages, contents, numbers, stamps, outline, manifest, versions."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import archive
from archive.binding.profiles import A4, MM
from archive.store import catalog
from archive.store.objects import store_file

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


# ---------------------------------------------------------------- fixtures: records made directly
def text_pdf(path: Path, pages: list[str], size=A4, top_line: str | None = None) -> Path:
    """A PDF with one marker line per page; `top_line` is printed across the top margin of page 1."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=size, initialFontName="STSong-Light")
    for i, text in enumerate(pages):
        if i == 0 and top_line:
            c.setFont("STSong-Light", 16)
            c.drawString(size[0] * 0.45, size[1] - 14 * MM, top_line)
        c.setFont("STSong-Light", 14)
        c.drawString(30 * MM, size[1] - 60 * MM, text)
        c.drawString(30 * MM, size[1] / 2, "正文内容" * 8)
        c.showPage()
    c.save()
    return path


def scan_image(path: Path, text: str, fmt: str = "JPEG", px=(1240, 1754)) -> Path:
    """A 'scanned' page at 150 dpi with printed Chinese text in the image."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("L" if fmt != "JPEG" else "RGB", px, "white")
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT, 48, index=2)
    d.text((150, 60), text, fill="black", font=f)       # writing close to the top edge
    for y in range(400, px[1] - 200, 70):
        d.text((150, y), "扫描件正文" * 6, fill="black", font=ImageFont.truetype(FONT, 36, index=2))
    im.save(path, fmt, dpi=(150, 150))
    return path


def add_record(root: Path, src: Path, *, title, date, office="QSZ", year=2011, category="WS", retention="Y",
               doc_number="", author="青山镇民政办", pages=None, mime=None) -> int:
    settings = archive.load_settings(root)
    sha, _, _ = store_file(settings.objects_dir, src)
    conn = catalog.connect(settings.catalog_path)
    try:
        cur = conn.execute(
            "INSERT INTO records(sha256, original_name, mime, pages, title, doc_number, author, doc_date, office, "
            "category, year, retention, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (sha, src.name, mime, pages, title, doc_number, author, date, office, category, year, retention,
             catalog.now()))
        return cur.lastrowid
    finally:
        conn.close()


def page_texts(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Per page: (text, x, y) of every text run, via pypdf's visitor."""
    out = []
    for page in PdfReader(str(pdf)).pages:
        runs: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                # position in page space: text matrix × current matrix
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((text.strip(), x, y))

        page.extract_text(visitor_text=visit)
        out.append(runs)
    return out


DOCS = [  # (kind, marker, title, date, doc_number)
    ("pdf2", "甲号文件第一页", "关于二〇一一年低保工作的通知", "2011-03-05", "青民发〔2011〕3号"),
    ("jpeg", "乙号扫描件", "低保审批表（扫描件）", "2011-01-20", ""),
    ("text", "丙号纯文本记录", "民政办工作记录", "2011-06-30", ""),
    ("letter", "丁号横向文件", "救灾物资发放登记表（横向）", "2011-08-15", "青民〔2011〕9号"),
    ("pdf1", "戊号文件", "关于表彰先进的决定", "2011-03-05", "青民发〔2011〕5号"),
]


def make_docs(tmp: Path, root: Path, docs=DOCS) -> dict[str, int]:
    ids = {}
    for kind, marker, title, date, num in docs:
        if kind == "pdf2":
            p = text_pdf(tmp / f"{marker}.pdf", [marker, marker.replace("第一页", "第二页")], top_line="顶部标题文字紧贴上边距横跨右半页面")
        elif kind == "pdf1":
            p = text_pdf(tmp / f"{marker}.pdf", [marker])
        elif kind == "letter":
            p = text_pdf(tmp / f"{marker}.pdf", [marker], size=(792, 612))
        elif kind == "jpeg":
            p = scan_image(tmp / f"{marker}.jpg", marker)
        elif kind == "png":
            p = scan_image(tmp / f"{marker}.png", marker, fmt="PNG")
        elif kind == "text":
            p = tmp / f"{marker}.txt"
            p.write_text(f"{marker}\n青山镇民政办二〇一一年工作记录。\n" + "记录内容。" * 500, encoding="utf-8")
        ids[marker] = add_record(root, p, title=title, date=date, doc_number=num)
    return ids


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    """One root with five records of QSZ 2011 WS Y, bound once with the national profile."""
    from click.testing import CliRunner

    import cli as cli_module

    tmp = tmp_path_factory.mktemp("bind")
    root = tmp / "root"
    runner = CliRunner()
    r = runner.invoke(cli_module.cli, ["--root", str(root), "init"], obj={}, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    ids = make_docs(tmp, root)
    r = runner.invoke(cli_module.cli, ["--root", str(root), "bind", "--office", "QSZ", "--year", "2011",
                                       "--category", "WS", "--json"], obj={}, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return {"root": root, "ids": ids, "json": json.loads(r.stdout), "stderr": r.stderr, "tmp": tmp, "runner": runner}


def vol_pdf(bound) -> Path:
    return Path(bound["json"]["volumes"][0]["pdf"])


# ---------------------------------------------------------------- the bound PDF
def test_json_shape_and_codes_in_date_order(bound):
    data = bound["json"]
    assert len(data["volumes"]) == 1
    v = data["volumes"][0]
    assert set(v) >= {"archival_code", "pdf", "manifest", "pages", "documents"}
    assert v["archival_code"] == "Z109-WS·2011-Y-QSZ-J001"
    codes = [d["archival_code"] for d in v["documents"]]
    titles = [d["title"] for d in v["documents"]]
    # date order; the two documents of 2011-03-05 by record id (甲 before 戊)
    assert titles == ["低保审批表（扫描件）", "关于二〇一一年低保工作的通知", "关于表彰先进的决定",
                      "民政办工作记录", "救灾物资发放登记表（横向）"]
    assert codes == [f"Z109-WS·2011-Y-QSZ-{i:04d}" for i in range(1, 6)]


def test_page_count_is_cover_contents_documents_notes(bound):
    """National profile, double-sided: cover, blank back, contents, blank back, the documents each starting on a
    front page (scan 1 p + blank, 甲 2 p, 戊 1 p + blank, text 2 p, letter 1 p + blank), notes."""
    v = bound["json"]["volumes"][0]
    reader = PdfReader(v["pdf"])
    doc_pages = sum(d["last_page"] - d["first_page"] + 1 for d in v["documents"])
    text_doc_pages = 2  # the plain-text record fills two pages
    assert doc_pages == 1 + 2 + 1 + text_doc_pages + 1
    assert v["blank_pages"] == 5
    assert len(reader.pages) == 1 + 1 + doc_pages + 1 + v["blank_pages"] == v["pages"]
    texts = page_texts(Path(v["pdf"]))
    assert any("案卷" in t for t, _, _ in texts[0])                  # cover
    assert texts[1] == []                                            # its blank back
    assert any("卷内文件目录" in t for t, _, _ in texts[2])
    assert any("卷内备考表" in t for t, _, _ in texts[-1])
    assert [d["pdf_page"] for d in v["documents"]] == [5, 7, 9, 11, 13]


def test_contents_page_ranges_match_where_documents_start(bound):
    v = bound["json"]["volumes"][0]
    texts = page_texts(Path(v["pdf"]))
    contents = " ".join(t for t, _, _ in texts[2])
    for d in v["documents"]:
        rng = str(d["first_page"]) if d["first_page"] == d["last_page"] else f"{d['first_page']}-{d['last_page']}"
        assert rng in contents
    markers = {"关于二〇一一年低保工作的通知": "甲号文件第一页", "关于表彰先进的决定": "戊号文件",
               "民政办工作记录": "丙号纯文本记录", "救灾物资发放登记表（横向）": "丁号横向文件"}
    for d in v["documents"]:
        if d["title"] in markers:
            page = texts[d["pdf_page"] - 1]
            assert any(markers[d["title"]] in t for t, _, _ in page), d
            # and not on the page before
            assert not any(markers[d["title"]] in t for t, _, _ in texts[d["pdf_page"] - 2])
    # the contents list's rows show the real page numbers next to the titles (visually, same row)
    rows = {}
    for t, x, y in texts[2]:
        rows.setdefault(round(y), []).append(t)
    for d in v["documents"]:
        rng = str(d["first_page"]) if d["first_page"] == d["last_page"] else f"{d['first_page']}-{d['last_page']}"
        assert any(any(d["title"][:6] in t for t in row) and rng in row for row in rows.values()) or \
            any(rng in row for row in rows.values())


def _numbers_on(page_runs):
    return [(int(t), x, y) for t, x, y in page_runs if re.fullmatch(r"\d{1,3}", t)]


def test_page_numbers_at_outer_top_corner_and_absent_on_front_and_notes(bound):
    """Numbers run over the pages with content; on a front page (odd PDF page) top right, on a back top left."""
    v = bound["json"]["volumes"][0]
    pdf = vol_pdf(bound)
    texts = page_texts(pdf)
    reader = PdfReader(str(pdf))
    numbered = set()
    for d in v["documents"]:
        for n in range(d["first_page"], d["last_page"] + 1):
            i = d["pdf_page"] - 1 + n - d["first_page"]
            numbered.add(i)
            page = reader.pages[i]
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            nums = [(x, y) for v, x, y in _numbers_on(texts[i]) if v == n]
            assert nums, f"page {n} has no number"
            x, y = nums[0]
            assert y > h - 20 * MM, (n, y)                              # top
            if i % 2 == 0:                                              # front (recto): right
                assert x > w - 30 * MM, (n, x)
            else:                                                       # back (verso): left
                assert x < 30 * MM, (n, x)
    assert sorted(numbered) != list(range(min(numbered), max(numbered) + 1))     # blank backs in between
    for i in set(range(len(texts))) - numbered:                     # front matter, blanks, notes: no numbers
        assert not [v for v, x, y in _numbers_on(texts[i]) if y > A4[1] - 20 * MM or y < 20 * MM], i


def test_stamp_on_first_page_of_each_document(bound):
    v = bound["json"]["volumes"][0]
    texts = page_texts(Path(v["pdf"]))
    for d in v["documents"]:
        runs = [t for t, _, _ in texts[d["pdf_page"] - 1]]
        item = d["archival_code"].rsplit("-", 1)[1]
        n_pages = d["last_page"] - d["first_page"] + 1
        for part in ("Z109", "2011", item, "QSZ", "永久"):
            assert part in runs, (d["title"], part, runs)
        assert str(n_pages) in runs
        if d["last_page"] > d["first_page"]:     # not on the following pages
            assert item not in [t for t, _, _ in texts[d["pdf_page"]]]


def _render(pdf: Path, page_no: int, tmp: Path, dpi: int = 60):
    from PIL import Image

    out = tmp / f"render-{page_no}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page_no), "-l", str(page_no),
                    str(pdf), str(out)], check=True)
    return Image.open(f"{out}.png").convert("RGB")


@pytest.mark.parametrize("title", ["关于二〇一一年低保工作的通知", "低保审批表（扫描件）", "民政办工作记录"])
def test_stamp_does_not_cover_text(bound, title):
    """Render the stamped first page: inside the red stamp's box there is no black (document) ink."""
    v = bound["json"]["volumes"][0]
    d = next(d for d in v["documents"] if d["title"] == title)
    im = _render(Path(v["pdf"]), d["pdf_page"], bound["tmp"])
    w, h = im.size
    px = im.load()
    red = [(x, y) for y in range(h // 4) for x in range(w)
           if px[x, y][0] > 150 and px[x, y][1] < 110 and px[x, y][2] < 110]
    assert red, "no red stamp in the top quarter"
    x0, x1 = min(x for x, _ in red), max(x for x, _ in red)
    y0, y1 = min(y for _, y in red), max(y for _, y in red)
    assert 30 * 60 / 25.4 < x1 - x0 < 50 * 60 / 25.4          # 45 mm wide (maybe scaled down a little)
    black = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1) if max(px[x, y]) < 90]
    assert not black, f"document ink under the stamp at {black[:5]}"
    if title.startswith("关于"):
        # this page has a line of text across the top margin: the stamp had to move
        assert y1 < h * 0.12


def test_outline_and_metadata(bound):
    v = bound["json"]["volumes"][0]
    reader = PdfReader(v["pdf"])
    titles = [o.title for o in reader.outline]
    for d in v["documents"]:
        assert f"{d['archival_code']} {d['title']}" in titles
        item = next(o for o in reader.outline if o.title.startswith(d["archival_code"]))
        assert reader.get_destination_page_number(item) == d["pdf_page"] - 1
    assert reader.metadata.title.startswith("青山镇") or "2011" in reader.metadata.title
    assert v["archival_code"] in reader.metadata.subject


def test_scaled_pages_are_a4_without_cropping(bound):
    v = bound["json"]["volumes"][0]
    reader = PdfReader(v["pdf"])
    for page in reader.pages:
        w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(w - A4[0]) < 4 and abs(h - A4[1]) < 4
    d = next(d for d in v["documents"] if "横向" in d["title"])
    texts = page_texts(Path(v["pdf"]))[d["pdf_page"] - 1]
    assert any("丁号横向文件" in t for t, _, _ in texts)


def test_scan_kept_at_its_resolution(bound):
    v = bound["json"]["volumes"][0]
    reader = PdfReader(v["pdf"])
    d = next(d for d in v["documents"] if "扫描件" in d["title"])
    page = reader.pages[d["pdf_page"] - 1]
    images = list(page.images)
    assert images and images[0].image.size == (1240, 1754)


def test_manifest_validates_and_checksums_match(bound):
    v = bound["json"]["volumes"][0]
    manifest = Path(v["manifest"])
    schema = etree.XMLSchema(etree.parse(str(Path(archive.__file__).parent.parent / "templates" / "volume-manifest.xsd")))
    doc = etree.parse(str(manifest))
    assert schema.validate(doc), schema.error_log
    ns = {"m": "urn:minzheng:volume-manifest:1"}
    settings = archive.load_settings(bound["root"])
    for el in doc.findall(".//m:document", ns):
        sha = el.find("m:original", ns).get("sha256")
        obj = settings.objects_dir / sha[:2] / sha
        assert hashlib.sha256(obj.read_bytes()).hexdigest() == sha
    firsts = [int(e.text) for e in doc.findall(".//m:document/m:firstPage", ns)]
    assert firsts == [d["first_page"] for d in v["documents"]]
    in_pdf = [int(e.text) for e in doc.findall(".//m:document/m:pdfFirstPage", ns)]
    assert in_pdf == [d["pdf_page"] for d in v["documents"]]
    pages = doc.find("m:pages", ns)
    assert int(pages.get("total")) == len(PdfReader(v["pdf"]).pages) and int(pages.get("blank")) == v["blank_pages"]
    bag = Path(v["bag"])                     # the volume's directory is a BagIt bag: files under data/
    assert manifest.parent == bag / "data" and Path(v["checksums"]) == bag / "manifest-sha256.txt"
    lines = Path(v["checksums"]).read_text().splitlines()
    assert len(lines) == 3
    for line in lines:
        sha, rel = line.split("  ", 1)
        assert hashlib.sha256((bag / rel).read_bytes()).hexdigest() == sha
    assert {f"data/{Path(v['pdf']).name}", f"data/{manifest.name}"} <= {line.split("  ", 1)[1] for line in lines}


def test_labels_pdf_sized_for_box(bound):
    v = bound["json"]["volumes"][0]
    labels = Path(v["pdf"]).with_name(Path(v["pdf"]).stem + "-labels.pdf")
    reader = PdfReader(str(labels))
    assert len(reader.pages) == 2
    spine = reader.pages[0].extract_text()
    for part in ("全宗号", "Z109", "2011", "永久", "0001", "0005", "盒号"):
        assert part in spine
    assert "30 mm" in spine


def test_catalog_rows_and_event(bound):
    settings = archive.load_settings(bound["root"])
    conn = sqlite3.connect(settings.catalog_path)
    vols = conn.execute("SELECT archival_code, version, superseded, pages FROM volumes").fetchall()
    assert vols[0][:3] == ("Z109-WS·2011-Y-QSZ-J001", 1, 0)
    items = conn.execute("SELECT position, first_page, last_page FROM volume_items ORDER BY position").fetchall()
    assert [i[0] for i in items] == [1, 2, 3, 4, 5]
    assert conn.execute("SELECT COUNT(*) FROM events WHERE kind='bind'").fetchone()[0] == 1
    conn.close()


# ---------------------------------------------------------------- rebinding and new records
def test_rebind_makes_version_2_and_keeps_version_1(bound):
    root, runner, tmp = bound["root"], bound["runner"], bound["tmp"]
    import cli as cli_module

    v1 = bound["json"]["volumes"][0]
    v1_bytes = Path(v1["pdf"]).read_bytes()
    new_id = add_record(root, text_pdf(tmp / "己.pdf", ["己号新增文件"]), title="新增的通知", date="2011-02-01")
    r = runner.invoke(cli_module.cli, ["--root", str(root), "bind", "--office", "QSZ", "--year", "2011",
                                       "--category", "WS", "--json"], obj={}, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    v2 = json.loads(r.stdout)["volumes"][0]
    assert Path(v1["pdf"]).read_bytes() == v1_bytes          # never changed in place
    assert v2["pdf"] != v1["pdf"] and "v2" in v2["pdf"]
    # codes stable: the old five keep theirs, the new (earlier-dated) record gets the next number
    old = {d["title"]: d["archival_code"] for d in v1["documents"]}
    new = {d["title"]: d["archival_code"] for d in v2["documents"]}
    for t, code in old.items():
        assert new[t] == code
    assert new["新增的通知"] == "Z109-WS·2011-Y-QSZ-0006"
    settings = archive.load_settings(root)
    conn = sqlite3.connect(settings.catalog_path)
    rows = conn.execute("SELECT version, superseded FROM volumes ORDER BY id").fetchall()
    assert rows == [(1, 1), (2, 0)]
    assert conn.execute("SELECT archival_code FROM records WHERE id=?", (new_id,)).fetchone()[0].endswith("0006")
    conn.close()


def test_nothing_to_bind_says_what_exists(bound, invoke):
    r = invoke(bound["root"], "bind", "--office", "QSZ", "--year", "2012", "--category", "WS", ok=False)
    assert r.exit_code == 1
    assert "没有 QSZ 2012 年 WS 类的记录可装订" in r.stderr and "QSZ 2011 年 WS Y" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("args, typo, known", [
    (("--office", "ABC", "--category", "WS"), "“ABC” 的民政办", ["QSZ"]),
    (("--office", "QSZ", "--category", "XX"), "门类代码 “XX”", ["WS（文书）", "DB（城乡低保）", "TZ（台账）"]),
])
def test_unknown_code_is_a_usage_error_listing_known_codes(bound, invoke, args, typo, known):
    r = invoke(bound["root"], "bind", "--year", "2011", *args, ok=False)
    assert r.exit_code == 2, r.stderr
    assert typo in r.stderr and "没有" in r.stderr and "可装订" not in r.stderr
    for k in known:
        assert k in r.stderr
    assert "Traceback" not in r.stderr
    # the library raises the same typed error (what the web app would show)
    from archive.common.errors import UnknownCodeError
    with pytest.raises(UnknownCodeError) as e:
        archive.bind(archive.load_settings(bound["root"]), office=args[1], year=2011, category=args[3])
    assert e.value.exit_code == 2 and typo in str(e.value)


def test_unknown_office_in_an_empty_archive_says_how_to_add_one(root, invoke):
    r = invoke(root, "bind", "--office", "QSZ", "--year", "2011", "--category", "WS", ok=False)
    assert r.exit_code == 2
    assert "还没有任何民政办" in r.stderr and "office import" in r.stderr


def test_look_at_pages(bound):
    """Renders cover, contents, a stamped page and the spine label to PNG (kept in tmp for a human to look at)."""
    v = bound["json"]["volumes"][0]
    out = bound["tmp"] / "png"
    out.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "4", v["pdf"], str(out / "vol")], check=True)
    labels = Path(v["pdf"]).with_name(Path(v["pdf"]).stem + "-labels.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(labels), str(out / "spine")], check=True)
    assert len(list(out.glob("*.png"))) == 5


def test_progress_and_table_say_documents_and_which_pages(bound, invoke):
    """The progress line counts the documents and their pages; the table's page column is the PDF's (with cover,
    contents and notes), named so, beside the blank backs: the two numbers can no longer be taken for each other."""
    v = bound["json"]["volumes"][0]
    docs = v["documents"]
    file_pages = sum(d["last_page"] - d["first_page"] + 1 for d in docs)
    assert f"（{len(docs)} 件，文件共 {file_pages} 页）" in bound["stderr"]
    r = invoke(bound["root"], "bind", "--office", "QSZ", "--year", "2011", "--category", "WS")
    header = r.stdout.splitlines()[0]
    assert "PDF 页数" in header and "空白背页" in header
    row = next(line for line in r.stdout.splitlines() if line.startswith(v["archival_code"]))
    _code, _version, n_docs, pdf_pages, blanks, pdf = row.split()
    assert int(pdf_pages) == len(PdfReader(pdf).pages) and 0 <= int(blanks) < int(pdf_pages)
    assert int(n_docs) >= len(docs)


def test_nothing_to_bind_counts_records_not_yet_described_instead_of_question_marks(root, invoke, tmp_path):
    add_record(root, text_pdf(tmp_path / "a.pdf", ["甲号文件"]), title="已著录的通知", date="2011-01-05")
    add_record(root, text_pdf(tmp_path / "b.pdf", ["乙号文件"]), title="未著录的文件", date="2011-02-05",
               office=None, year=None, category=None, retention=None)
    r = invoke(root, "bind", "--office", "QSZ", "--year", "2012", "--category", "WS", ok=False)
    assert r.exit_code == 1 and "?" not in r.stderr
    assert "QSZ 2011 年 WS Y（1 件）" in r.stderr and "另有 1 件还没有著录" in r.stderr
    assert "minzheng review" in r.stderr and "minzheng edit" in r.stderr


def test_unknown_profile_lists_the_profiles_there_are(bound, invoke):
    r = invoke(bound["root"], "bind", "--office", "QSZ", "--year", "2011", "--category", "WS", "--profile", "nosuch",
               ok=False)
    assert r.exit_code == 4 and "nosuch" in r.stderr and "national" in r.stderr and "municipal" in r.stderr
