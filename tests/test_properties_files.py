"""Property-based tests for what reads files in ingest: type detection with its limits, and text extraction,
on real files of each kind damaged by hypothesis (bytes changed, cut short, junk inserted). The property: a
well-formed result, or the project's own error (RejectedFile / ExtractError, both MinzhengError) with a
Chinese message; never another exception."""
from __future__ import annotations

import os
import re

import pytest
from corpus import (
    render_page,
    write_docx,
    write_ofd,
    write_text_pdf,
    write_tiff,
    write_xlsx,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from archive.common.errors import MinzhengError
from archive.intake.detect import Limits, check_limits, detect_type
from indexer import extract

N = int(os.environ.get("MZ_PROPERTY_EXAMPLES", "150"))
SLOW_OK = settings(max_examples=max(N // 3, 20), deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = "青山镇民政办关于2016年临时救助发放情况的报告\n青民发〔2016〕3号\n2016年1月2日至2016-03-04，共救助三十二户。"


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, bytes]:
    d = tmp_path_factory.mktemp("orig")
    page = render_page(TEXT[:40], width=300, font_size=20)
    page.save(d / "p.png")
    write_tiff(d / "p.tif", [page], g4=True)
    write_docx(d / "d.docx", "临时救助审批表", [TEXT], [["姓名", "村"], ["张大山", "李家村"]])
    write_xlsx(d / "x.xlsx", "台账", [["姓名", "金额"], ["张大山", 500]])
    write_text_pdf(d / "t.pdf", "通知", [TEXT])
    write_ofd(d / "o.ofd", [TEXT])
    (d / "t.txt").write_bytes(TEXT.encode("gb18030"))
    return {p.suffix[1:]: p.read_bytes() for p in d.iterdir()}


@st.composite
def damaged(draw, originals):
    kind = draw(st.sampled_from(sorted(originals)))
    data = bytearray(originals[kind])
    for _ in range(draw(st.integers(0, 6))):
        how = draw(st.sampled_from(["set", "cut", "insert", "delete"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if how == "set":
            data[i] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[i:]
        elif how == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[i:i + draw(st.integers(1, 256))]
    return kind, bytes(data)


def chinese(e: Exception) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", str(e)))


@SLOW_OK
@given(st.data())
def test_detect_and_extract_damaged_files(originals, tmp_path, data):
    kind, raw = data.draw(damaged(originals))
    p = tmp_path / f"损坏.{kind}"
    p.write_bytes(raw)
    try:
        det = detect_type(p, Limits())
        check_limits(p, det.kind, Limits())
    except MinzhengError as e:
        assert chinese(e), str(e)
        event(f"{kind}: refused by detect")
        return
    if det.kind in ("doc", "xls"):             # LibreOffice: covered by tests/test_extract.py, too slow here
        return
    try:
        ex = extract(p, det.kind, ocr=None)
    except MinzhengError as e:
        assert chinese(e), str(e)
        event(f"{kind}: refused by extract")
        return
    event(f"{kind}: extracted")
    assert ex.text_source in ("text", "none") and ex.page_count >= 1
    assert all(isinstance(t, str) for t in ex.pages)
    assert all(isinstance(h.text, str) and h.size >= 0 for h in ex.head)


@SLOW_OK
@given(st.binary(max_size=2048), st.sampled_from(["pdf", "docx", "xlsx", "ofd", "tiff", "image", "text"]))
def test_extract_any_bytes_as_any_kind(tmp_path, raw, kind):
    p = tmp_path / "随便.bin"
    p.write_bytes(raw)
    try:
        ex = extract(p, kind, ocr=None)
    except MinzhengError as e:
        assert chinese(e), str(e)
        return
    assert isinstance(ex.pages, list)


def test_originals_are_read(originals, tmp_path):
    """The undamaged files the properties start from are all taken (so the damage is what is tested)."""
    for kind, raw in originals.items():
        p = tmp_path / f"原样.{kind}"
        p.write_bytes(raw)
        det = detect_type(p, Limits())
        check_limits(p, det.kind, Limits())
        ex = extract(p, det.kind, ocr=None)
        assert ex.page_count >= 1, kind
        if kind not in ("png", "tif"):
            assert "青山镇" in "".join(ex.pages) or "张大山" in "".join(ex.pages), kind
