"""OCR engines: real tesseract on a handful of small rendered pages (marked `tesseract`)."""
import pytest
from corpus import cer, extracted, render_page, shared_corpus

from archive.common.errors import ConfigError, MissingToolError
from archive.common.tools import TESSERACT
from indexer import OcrEngine, get_ocr_engine
from indexer.ocr import _parse_tsv

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
