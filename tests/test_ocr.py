"""OCR engines: real tesseract on a handful of small rendered pages (marked `tesseract`)."""
import pytest
from corpus import cer, extracted, render_page, shared_corpus
from PIL import ImageFilter

from archive.common.errors import ConfigError, MissingToolError
from archive.common.tools import TESSERACT
from indexer import OcrEngine, get_ocr_engine
from indexer.ocr import _parse_tsv, traditional_share
from indexer.preprocess import DEFAULT as DEFAULT_STEPS
from indexer.preprocess import (
    NONE,
    Steps,
    normalize_background,
    prepare,
    skew_angle,
    text_height,
    uneven,
)

needs_tesseract = pytest.mark.skipif(not TESSERACT.available(), reason="needs tesseract with chi_sim/chi_tra")

SIMPLIFIED = "青山镇人民政府关于做好临时救助工作的通知。各村民委员会要认真审核申请家庭的经济状况，及时足额发放救助资金。"
TRADITIONAL = "青山縣人民政府辦公室關於加強鄉鎮民政工作力量的意見。各鄉鎮要在社會事務辦公室加掛民政辦公室牌子。"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return shared_corpus(tmp_path_factory.getbasetemp() / "corpus")


def test_parse_tsv_joins_words_into_lines():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\t民政\n"
           "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\t办公室\n"
           "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\t第二行\n"
           "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t-1\t \n")
    r = _parse_tsv(tsv)
    assert r.text == "民政 办公室\n第二行"
    assert r.chars == 8 and round(r.confidence, 1) == round((90 * 2 + 80 * 3 + 70 * 3) / 8, 1)


def test_unknown_engine():
    with pytest.raises(ConfigError):
        get_ocr_engine("abbyy")


def test_rapidocr_missing_is_explained():
    try:
        import rapidocr_onnxruntime  # noqa: F401
        pytest.skip("rapidocr installed")
    except ImportError:
        pass
    with pytest.raises(MissingToolError, match="rapidocr"):
        get_ocr_engine("rapidocr")


@needs_tesseract
@pytest.mark.tesseract
@pytest.mark.parametrize("name", ["tesseract-hybrid", "tesseract-sim", "tesseract-simtra"])
def test_engine_reads_simplified_page(name):
    eng = get_ocr_engine(name)
    assert isinstance(eng, OcrEngine) and eng.name == name and "tesseract" in eng.version()
    text = eng.recognize(render_page(SIMPLIFIED, width=900))
    assert cer(SIMPLIFIED, text) < 0.05


@needs_tesseract
@pytest.mark.tesseract
def test_hybrid_reads_traditional_page_better_than_chi_sim():
    page = render_page(TRADITIONAL, width=900, script="tc", face="serif")
    hybrid = cer(TRADITIONAL, get_ocr_engine("tesseract-hybrid").recognize(page))
    sim = cer(TRADITIONAL, get_ocr_engine("tesseract-sim").recognize(page))
    assert hybrid < 0.08
    assert hybrid <= sim


@needs_tesseract
@pytest.mark.tesseract
@pytest.mark.slow
def test_extract_scans_with_tesseract(corpus):
    """Every scan of the corpus through the default engine (cached for test_recall)."""
    eng = get_ocr_engine("tesseract-hybrid")
    for doc in [d for d in corpus if d.scanned]:
        e = extracted(doc, eng)
        assert e.text_source == "ocr" and e.page_count == len(doc.pages), doc.path.name
        err = cer(doc.text, "".join(e.pages))
        assert err < 0.1, f"{doc.path.name}: CER {err:.3f}"


@pytest.mark.slow
def test_rapidocr_reads_simplified_page():
    pytest.importorskip("rapidocr_onnxruntime")
    eng = get_ocr_engine("rapidocr")
    assert eng.name == "rapidocr" and "rapidocr" in eng.version()
    assert cer(SIMPLIFIED, eng.recognize(render_page(SIMPLIFIED, width=900))) < 0.05


# ---------------------------------------------------------------- pre-processing (indexer.preprocess)

def photographed(page, angle: float = 1.5):
    """A page as a phone photo: light falling off to 55 % across it, rotated, warm tint, JPEG quality 60."""
    import io

    from PIL import Image
    w, h = page.size
    light = Image.linear_gradient("L").rotate(30).resize((w, h)).point(lambda v: 140 + v * 115 // 255)
    lit = Image.frombytes("L", (w, h), bytes(a * b // 255 for a, b in zip(page.tobytes(), light.tobytes())))
    rgb = Image.merge("RGB", (lit, lit.point(lambda v: int(v * 0.96)), lit.point(lambda v: int(v * 0.86))))
    rgb = rgb.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(90, 85, 80))
    buf = io.BytesIO()
    rgb.save(buf, format="JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def bilevel_g4(page):
    import io

    from PIL import Image
    buf = io.BytesIO()
    page.point(lambda v: 255 if v > 150 else 0).convert("1").save(buf, format="TIFF", compression="group4")
    return Image.open(io.BytesIO(buf.getvalue()))


LONG = SIMPLIFIED * 3


@pytest.mark.parametrize("angle", [-2.5, -1.0, 1.5, 3.0])
def test_skew_angle_recovers_the_rotation(angle):
    page = render_page(LONG, width=1200, font_size=30).rotate(angle, fillcolor=255, expand=True)
    assert abs(skew_angle(page) + angle) <= 0.3


def test_uneven_light_is_detected_and_divided_out():
    flat = render_page(LONG, width=1200, font_size=30)
    photo = photographed(flat, angle=0)
    assert not uneven(flat) and uneven(photo)
    fixed = normalize_background(photo)
    paper_lo, _ = fixed.reduce(16).filter(ImageFilter.MaxFilter(5)).getextrema()
    photo_lo, _ = photo.reduce(16).filter(ImageFilter.MaxFilter(5)).getextrema()
    assert photo_lo < 180 and paper_lo >= 235          # the dim corner is white again
    assert fixed.getextrema()[0] < 80                  # ink stays dark


@pytest.mark.parametrize("font_size", [20, 30, 46])
def test_text_height_and_resizing(font_size):
    page = render_page(LONG, width=1600, font_size=font_size)
    h = text_height(page)
    assert 0.8 * font_size <= h <= font_size
    out = prepare(page, Steps(deskew=False))
    target = DEFAULT_STEPS.text_height
    if h > target * 1.15:                              # large text is shrunk to ~20 px lines
        assert out.width < page.width and abs(text_height(out) - target) <= 3
    else:
        assert out.size == page.size
    assert text_height(render_page("", width=400)) is None


def test_bilevel_pages_are_smoothed_to_greyscale_and_none_leaves_them_alone():
    page = bilevel_g4(render_page(LONG, width=1400, font_size=40))
    assert page.mode == "1" and text_height(page.convert("L")) > 30
    assert prepare(page, NONE) is page
    out = prepare(page)
    assert out.mode == "L" and len(set(out.tobytes())) > 2
    assert out.size == page.size                       # large bilevel text is not shrunk (measured worse)


@needs_tesseract
@pytest.mark.tesseract
def test_preprocessing_reads_a_photographed_page():
    page = photographed(render_page(LONG, width=1400, font_size=34, face="serif"), angle=1.8)
    eng = get_ocr_engine("tesseract-hybrid")
    eng.steps = NONE
    raw = cer(LONG, eng.recognize(page))
    eng.steps = DEFAULT_STEPS
    prepared = cer(LONG, eng.recognize(page))
    assert prepared < 0.03 and prepared < raw


def test_traditional_share_tells_the_script_of_a_reading():
    assert traditional_share(SIMPLIFIED) == 0
    assert traditional_share(TRADITIONAL) > 0.2
    assert traditional_share("1234 abc") == 0
