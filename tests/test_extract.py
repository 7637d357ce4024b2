"""indexer.extraction per kind on the test corpus (a fake OCR engine here; real tesseract in test_ocr.py),
needs_ocr on garbled text layers, bad input, and metadata guessing."""
import io
import zipfile

import pytest
from corpus import render_page, shared_corpus, write_text_pdf
from PIL import Image

from archive.common.errors import MinzhengError
from archive.common.tools import SOFFICE
from indexer import ExtractError, extract, guess_metadata, needs_ocr, normalize


class FakeOcr:
    """Returns a fixed text and counts pages; stands in for tesseract."""

    name = "fake"

    def __init__(self, text="扫 描 识 别 结 果\n第 一 行"):
        self.text = text
        self.calls = 0

    def version(self):
        return "fake 1"

    def recognize(self, image):
        assert image.size[0] > 100 and image.size[1] > 100
        self.calls += 1
        return self.text


FAKE_TEXT = "扫描识别结果第一行"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return shared_corpus(tmp_path_factory.getbasetemp() / "corpus")


def by_name(corpus, name):
    return next(d for d in corpus if d.path.name == name)


def squash(s):
    return "".join(normalize(s).split())


# ---------------------------------------------------------------- needs_ocr
@pytest.mark.parametrize("text, need, why", [
    ("", True, "没有文字层"),
    ("   \n ", True, "没有文字层"),
    ("\ufffd" * 30 + "民政", True, "U+FFFD"),
    ("(cid:12)(cid:34)(cid:56)" * 10, True, "(cid:N)"),
    ("\ue012\ue034\ue056民" * 10, True, "私用区"),
    ("ÐÂ½®ÎÄ¼þ×ÊÁÏ" * 5, True, "编码错乱"),
    ("第1页", True, "太少"),
    ("关于加强基层民政机构和队伍建设的意见。各县区人民政府：", False, "正常"),
    ("Annual report of the civil affairs office, 2014", False, "正常"),
])
def test_needs_ocr(text, need, why):
    got, reason = needs_ocr(text)
    assert got is need
    assert why in reason


def test_needs_ocr_scales_with_page_area():
    text = "民政办公室年度报告"          # 9 characters
    assert needs_ocr(text, page_area_ratio=1.0)[0] is True
    assert needs_ocr(text, page_area_ratio=0.3)[0] is False


# ---------------------------------------------------------------- born-digital kinds
def test_text_pdf(corpus):
    doc = next(d for d in corpus if d.kind == "pdf" and not d.scanned)
    e = extract(doc.path, "pdf")
    assert e.text_source == "text" and e.page_count == 2 and len(e.pages) == 2
    for truth, got in zip(doc.pages, e.pages):
        assert squash(truth) == squash(got)


def test_docx_with_table(tmp_path):
    from corpus import write_docx
    p = write_docx(tmp_path / "a.docx", "关于临时救助的通知", ["李家村 张某某", "第二段"],
                   table=[["姓名", "金额"], ["王某某", "3000"]])
    e = extract(p, "docx")
    assert e.text_source == "text" and e.page_count == 1
    assert "关于临时救助的通知" in e.pages[0] and "李家村张某某" in e.pages[0]
    assert "王某某" in e.pages[0] and "3000" in e.pages[0]


def test_docx_corpus(corpus):
    doc = next(d for d in corpus if d.kind == "docx")
    e = extract(doc.path, "docx")
    assert squash(doc.text) in squash(e.pages[0])


def test_xlsx(corpus):
    doc = next(d for d in corpus if d.kind == "xlsx")
    e = extract(doc.path, "xlsx")
    assert e.page_count == 1 and e.text_source == "text"
    assert "李家村临时救助" in e.pages[0] and "赵某某" in e.pages[0]


def test_gb18030_text(corpus):
    doc = next(d for d in corpus if d.kind == "text")
    e = extract(doc.path, "text")
    assert e.encoding == "gb18030" and e.text_source == "text"
    assert squash(e.pages[0]) == squash(doc.text)


def test_utf8_text(tmp_path):
    p = tmp_path / "u.txt"
    p.write_text("民政辦公室\n第二行", encoding="utf-8")
    e = extract(p, "text")
    assert e.encoding == "utf-8" and e.pages == ["民政办公室第二行"]


def test_ofd(corpus):
    doc = next(d for d in corpus if d.kind == "ofd")
    e = extract(doc.path, "ofd")
    assert e.page_count == 2 and e.text_source == "text"
    for truth, got in zip(doc.pages, e.pages):
        assert squash(truth) == squash(got)


@pytest.mark.soffice
@pytest.mark.slow
@pytest.mark.skipif(not SOFFICE.available(), reason="needs LibreOffice")
def test_legacy_doc(tmp_path):
    from corpus import write_docx
    src = write_docx(tmp_path / "old.docx", "旧版公文", ["二〇〇九年低保审批表说明"])
    SOFFICE.run([f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "doc",
                 "--outdir", str(tmp_path / "out"), str(src)], timeout=300)
    e = extract(tmp_path / "out" / "old.doc", "doc")
    assert "二〇〇九年低保审批表说明" in e.pages[0]


# ---------------------------------------------------------------- scans, with and without OCR
def test_scanned_pdf_without_ocr(corpus):
    doc = by_name(corpus, "扫描件 2页.pdf")
    e = extract(doc.path, "pdf")
    assert e.text_source == "none" and e.page_count == 2 and e.pages == ["", ""]
    assert any("没有文字层" in n for n in e.notes)


def test_scanned_pdf_with_ocr_in_parallel(corpus):
    doc = by_name(corpus, "扫描件 2页.pdf")
    ocr = FakeOcr()
    e = extract(doc.path, "pdf", ocr=ocr, jobs=2)
    assert e.text_source == "ocr" and e.pages == [FAKE_TEXT, FAKE_TEXT] and ocr.calls == 2


def test_mixed_pdf_ocrs_only_the_scanned_page(corpus):
    doc = by_name(corpus, "混合.pdf")
    ocr = FakeOcr()
    e = extract(doc.path, "pdf", ocr=ocr)
    assert ocr.calls == 1 and e.text_source == "ocr"
    assert squash(doc.pages[0]) == squash(e.pages[0])
    assert e.pages[1] == FAKE_TEXT


def test_garbage_text_layer_is_ocred(corpus):
    doc = by_name(corpus, "乱码文字层.pdf")
    assert extract(doc.path, "pdf").pages == [""]        # garbage is not indexed
    e = extract(doc.path, "pdf", ocr=FakeOcr())
    assert e.pages == [FAKE_TEXT]
    assert any("编码错乱" in n for n in e.notes)


def test_tiff_g4_multipage(corpus):
    doc = by_name(corpus, "台账扫描.tif")
    with Image.open(doc.path) as im:
        assert im.info.get("compression") == "group4" and im.n_frames == 2
    e = extract(doc.path, "tiff")
    assert e.page_count == 2 and e.text_source == "none"
    ocr = FakeOcr()
    e = extract(doc.path, "tiff", ocr=ocr, jobs=2)
    assert e.pages == [FAKE_TEXT] * 2 and ocr.calls == 2 and e.text_source == "ocr"


@pytest.mark.parametrize("name", ["手机拍照.jpg", "截图.png"])
def test_photo(corpus, name):
    doc = by_name(corpus, name)
    e = extract(doc.path, "image", ocr=FakeOcr())
    assert e.page_count == 1 and e.pages == [FAKE_TEXT]


# ---------------------------------------------------------------- bad input
def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter
    src = write_text_pdf(tmp_path / "a.pdf", "标题", ["加密的内容"])
    w = PdfWriter()
    for page in PdfReader(str(src)).pages:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner")
    with open(tmp_path / "enc.pdf", "wb") as f:
        w.write(f)
    with pytest.raises(ExtractError) as e:
        extract(tmp_path / "enc.pdf", "pdf")
    assert str(e.value) == "文件已加密：请先解除密码再导入"
    assert isinstance(e.value, MinzhengError)


def test_owner_password_only_pdf_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter
    src = write_text_pdf(tmp_path / "a.pdf", "标题", ["只限制打印的文件内容"])
    w = PdfWriter()
    for page in PdfReader(str(src)).pages:
        w.add_page(page)
    w.encrypt(user_password="", owner_password="owner")
    with open(tmp_path / "o.pdf", "wb") as f:
        w.write(f)
    assert "只限制打印的文件内容" in extract(tmp_path / "o.pdf", "pdf").pages[0]


def test_truncated_pdf(tmp_path):
    src = write_text_pdf(tmp_path / "a.pdf", "标题", ["内容" * 50])
    data = src.read_bytes()
    (tmp_path / "t.pdf").write_bytes(data[: len(data) // 3])
    with pytest.raises(ExtractError):
        extract(tmp_path / "t.pdf", "pdf")


def test_empty_file(tmp_path):
    (tmp_path / "e.pdf").write_bytes(b"")
    with pytest.raises(ExtractError, match="空"):
        extract(tmp_path / "e.pdf", "pdf")


def test_html_as_docx(tmp_path):
    p = tmp_path / "page.docx"
    p.write_text("<html><body>不是 Word</body></html>", encoding="utf-8")
    with pytest.raises(ExtractError, match="Word"):
        extract(p, "docx")


def test_broken_ofd(tmp_path):
    p = tmp_path / "x.ofd"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "no OFD.xml")
    with pytest.raises(ExtractError, match="OFD"):
        extract(p, "ofd")


def test_image_over_pixel_cap(tmp_path):
    p = tmp_path / "big.png"
    Image.new("L", (3000, 3000), 255).save(p)
    with pytest.raises(ExtractError, match="像素"):
        extract(p, "image", ocr=FakeOcr(), max_image_pixels=1_000_000)


def test_truncated_jpeg(tmp_path):
    buf = io.BytesIO()
    render_page("民政办公室" * 20).save(buf, format="JPEG")
    p = tmp_path / "t.jpg"
    p.write_bytes(buf.getvalue()[:2000])
    with pytest.raises(ExtractError, match="损坏"):
        extract(p, "image")


def test_binary_as_text(tmp_path):
    p = tmp_path / "b.txt"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ExtractError):
        extract(p, "text")


def test_unknown_kind(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"abc")
    with pytest.raises(ExtractError):
        extract(p, "mp3")


# ---------------------------------------------------------------- metadata
@pytest.mark.parametrize("text, key, value", [
    ("永民发〔2014〕12号\n青山镇人民政府\n关于做好2016年临时救助工作的通知\n各村：", "doc_number", "永民发〔2014〕12号"),
    ("白民办[2018]3号 关于开展年度核查的通知", "doc_number", "白民办〔2018〕3号"),
    ("河街发(2015)21号 报告", "doc_number", "河街发〔2015〕21号"),
    ("河街发（2015）21号 报告", "doc_number", "河街发〔2015〕21号"),
    ("青山镇民政办关于做好临时救助工作的通知\n青民发〔2019〕30号", "doc_number", "青民发〔2019〕30号"),
    ("国务院办公厅关于加强救助的意见\n国办函〔2016〕7号", "doc_number", "国办函〔2016〕7号"),
    ("青山镇人民政府关于做好2016年临时救助工作的通知 正文", "title", "青山镇人民政府关于做好2016年临时救助工作的通知"),
    ("青山镇人民政府关于做好2016年临时救助工作的通知 正文", "author", "青山镇人民政府"),
    ("落款 青山镇人民政府 2014年5月6日", "doc_date", "2014-05-06"),
    ("落款 青山镇人民政府 二〇一四年五月六日", "doc_date", "2014-05-06"),
    ("落款 二〇一六年十二月二十日", "doc_date", "2016-12-20"),
    ("日期：2014-05-06", "doc_date", "2014-05-06"),
    ("没有任何日期的文字", "doc_date", None),
    ("没有文号的文字", "doc_number", None),
])
def test_guess_metadata(text, key, value):
    assert guess_metadata(text)[key] == value


def test_guess_metadata_on_a_whole_document():
    from corpus import seed_texts
    text = next(t for k, t in seed_texts().items() if k.startswith("000"))
    m = guess_metadata(text)     # traditional script, folded
    assert m == {"title": "青山县人民政府办公室关于加强乡镇民政工作力量的意见",
                 "doc_number": "青政办发〔2014〕9号", "author": "青山县人民政府办公室",
                 "doc_date": "2014-03-12"}         # the 成文日期, not the 印发 date below it


@pytest.mark.parametrize("image_px, expected", [(1240, 150), (1000, 150), (2480, 300), (4960, 300), (None, 300)])
def test_scans_are_ocred_at_their_own_resolution(tmp_path, image_px, expected):
    """An A4 page holding an image W px wide is rendered at W / 8.27 in, within 150–300 dpi."""
    from PIL import Image
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from indexer.extraction import scan_dpi

    pdf = tmp_path / "p.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    if image_px:
        img = tmp_path / "scan.png"
        Image.new("L", (image_px, int(image_px * 1.414)), 255).save(img)
        c.drawImage(str(img), 0, 0, width=A4[0], height=A4[1])
    else:
        c.drawString(72, 720, "text only")
    c.save()
    page = PdfReader(str(pdf)).pages[0]
    assert scan_dpi(page, float(page.mediabox.width)) == expected


def test_xlsx_with_one_stray_cell_far_down_is_read_not_called_a_bomb(tmp_path):
    import time

    import openpyxl
    p = tmp_path / "台账.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "村（居）", "金额", "备注"])
    for i in range(900):                                  # about 3,600 real cells
        ws.append([f"张{i}", "李家村", 120 + i, "临时救助"])
    ws.cell(1_048_576, 4, "误填")                           # the dimension becomes A1:D1048576
    wb.save(p)
    t0 = time.perf_counter()
    e = extract(p, "xlsx")
    assert "张899" in e.pages[0] and "误填" in e.pages[0]
    assert time.perf_counter() - t0 < 20


def test_xlsx_with_too_many_real_cells_is_still_refused(tmp_path, monkeypatch):
    import openpyxl

    from indexer import extraction
    monkeypatch.setattr(extraction, "MAX_XLSX_CELLS", 1000)
    p = tmp_path / "大表.xlsx"
    wb = openpyxl.Workbook()
    for i in range(300):
        wb.active.append([i, i, i, i])
    wb.save(p)
    with pytest.raises(ExtractError) as err:
        extract(p, "xlsx")
    assert "超过 1,000 个单元格" in str(err.value)
