"""indexer.normalize: t2s folding, width folding, joining CJK across spaces and line breaks."""
import pytest

from indexer import normalize


@pytest.mark.parametrize("raw, expected", [
    ("民政辦", "民政办"),                                   # traditional → simplified
    ("關於加強基層民政機構和隊伍建設的意見", "关于加强基层民政机构和队伍建设的意见"),
    ("２０１４年５月６日", "2014年5月6日"),                  # full-width digits
    ("ＡＢＣ　ｄｅｆ", "ABC def"),
    ("第 1 页 共 2 页", "第1页共2页"),                          # full-width letters and ideographic space
    ("民 政 办", "民政办"),                                 # OCR spacing
    ("基层民\n政办公室", "基层民政办公室"),                   # a line break inside a word
    ("基层民\r\n  政办", "基层民政办"),
    ("工作 ,推进 ( 居 ) 民", "工作,推进(居)民"),               # OCR spaces around ASCII punctuation
    ("exam-\nple text", "example text"),                    # hyphenated Latin word across lines
    ("word\nnext", "word next"),                            # Latin words keep one space
    ("民政\n2014年", "民政2014年"),
    ("第一段。\n第二段", "第一段。\n第二段"),                   # paragraph break after a sentence end kept
    ("永民发〔2014〕12号", "永民发〔2014〕12号"),              # brackets of a document number kept
    ("", ""),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent():
    text = "青山縣人民政府辦公室 關於 加強\n鄉鎮 民政 ２０１４年"
    once = normalize(text)
    assert normalize(once) == once
    assert once == "青山县人民政府办公室关于加强乡镇民政2014年"


def test_simplified_text_without_traditional_characters_is_unchanged():
    text = "某某市民政局关于基层民政办公室规范化建设的实施方案"
    assert normalize(text) == text


def test_compatibility_ideograph_is_unified():
    assert normalize("\uf900") == "岂"          # U+F900 → U+8C48 豈 → simplified
