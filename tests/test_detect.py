"""Bad input: every file gets an answer (a Chinese reason naming the file, or it is ingested) and the batch goes on."""
from __future__ import annotations

import json
import os
import resource
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from corpus import render_page, write_docx, write_gb18030, write_photo, write_text_pdf
from test_ingest import INGEST, db, mz

from archive.common.errors import RejectedFile
from archive.intake.detect import Limits, check_limits, detect_type


def png_header_only(path: Path, w: int, h: int) -> Path:
    """A PNG that declares w×h pixels but holds almost no data (a decompression-bomb header)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
                     + chunk(b"IEND", b""))
    return path


def zip_bomb_docx(path: Path, mb: int = 60) -> Path:
    """A .docx whose document part inflates 1000:1."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            block = b" " * (1 << 20)
            for _ in range(mb):
                f.write(block)
    return path


def encrypted_pdf(src: Path, dest: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for p in PdfReader(str(src)).pages:
        w.add_page(p)
    w.encrypt(user_password="mima123", owner_password="owner456", algorithm="RC4-128")
    with open(dest, "wb") as f:
        w.write(f)
    return dest


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> tuple[Path, dict[str, str | None]]:
    """A folder of bad and odd files → the expected reason fragment (None: must be ingested)."""
    d = tmp_path_factory.mktemp("bad")
    good = write_text_pdf(d / "正常公文.pdf", "青山镇民政办关于做好救灾物资发放工作的通知", ["各村：请做好救灾物资发放登记。"])
    data = good.read_bytes()
    expect: dict[str, str | None] = {"正常公文.pdf": None}
    (d / "空文件.pdf").write_bytes(b"")
    expect["空文件.pdf"] = "空文件"
    (d / "截断.pdf").write_bytes(data[: len(data) // 2])
    expect["截断.pdf"] = "PDF 文件不完整"
    (d / "损坏.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF\n")
    expect["损坏.pdf"] = "PDF 文件已损坏"
    encrypted_pdf(good, d / "加密.pdf")
    expect["加密.pdf"] = "PDF 已加密"
    write_photo(d / "照片其实是.pdf", render_page("青山镇民政办公室照片", width=400, font_size=24))
    expect["照片其实是.pdf"] = None                       # a JPEG named .pdf is an image: ingested as one
    (d / "网页.docx").write_text("<!DOCTYPE html><html><body><p>登录超时</p></body></html>", encoding="utf-8")
    expect["网页.docx"] = "网页（HTML）"
    zip_bomb_docx(d / "炸弹.docx")
    expect["炸弹.docx"] = "压缩炸弹"
    png_header_only(d / "巨图.png", 60000, 60000)
    expect["巨图.png"] = "图像过大"
    docx = write_docx(d / "tmp.docx", "标题", ["正文"]).read_bytes()
    (d / "tmp.docx").unlink()
    (d / "截断.docx").write_bytes(docx[: len(docx) // 2])
    expect["截断.docx"] = "文件已损坏或不完整"
    (d / "随机.bin").write_bytes(os.urandom(4096))
    expect["随机.bin"] = "无法识别的文件类型"
    with zipfile.ZipFile(d / "压缩包.docx", "w") as z:
        z.writestr("a.txt", "x")
    expect["压缩包.docx"] = "这是一个压缩包"
    odd = [" 带 空格 的 文件 (1).txt", "长" * 60 + "x" * 60 + ".txt"]
    for i, name in enumerate(odd):
        write_gb18030(d / name, f"青山镇民政办第{i}号备忘录，名字古怪的文件也要导入。")
        expect[name] = None
    if os.geteuid() != 0:                                 # root reads anything: the case only exists for users
        p = write_gb18030(d / "无权限.txt", "读不到")
        p.chmod(0)
        expect["无权限.txt"] = "没有读取权限"
    return d, expect


@pytest.fixture(scope="module")
def bad_result(tmp_path_factory, bad):
    d, _ = bad
    root = tmp_path_factory.mktemp("bad_root") / "root"
    mz(root, "init")
    r = mz(root, *INGEST, d, "--json", code=1)
    return root, json.loads(r.stdout)


def test_every_bad_file_gets_a_chinese_reason_and_the_batch_goes_on(bad, bad_result):
    _, expect = bad
    root, out = bad_result
    got = {r["original_name"]: r["error"] for r in out["rejected"]}
    ingested = {r["original_name"] for r in out["ingested"]}
    for name, reason in expect.items():
        if reason is None:
            assert name in ingested, (name, got.get(name))
        else:
            assert name in got, f"{name} not rejected"
            assert reason in got[name], (name, got[name])
    assert set(got) | ingested == set(expect)
    # nothing of the rejected files stays in the archive
    conn = db(root)
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(ingested)
    n_objects = sum(1 for p in (root / "objects").rglob("*") if p.is_file())
    assert n_objects == len(ingested)
    assert not list(root.rglob(".tmp-*"))


def test_jpeg_named_pdf_is_an_image(bad, bad_result):
    root, out = bad_result
    rec = next(r for r in out["ingested"] if r["original_name"] == "照片其实是.pdf")
    assert rec["text_source"] == "none"        # --no-ocr: stored and catalogued, text left for OCR later
    shown = json.loads(mz(root, "show", rec["record_id"], "--json").stdout)
    assert shown["mime"] == "image/jpeg" and shown["meta"]["kind"] == "image"


def test_long_and_spaced_names_are_kept(bad_result):
    root, out = bad_result
    names = {r["original_name"] for r in out["ingested"]}
    assert " 带 空格 的 文件 (1).txt" in names and any(len(n) > 100 for n in names)
    r = mz(root, "search", "名字古怪", "--json")
    assert json.loads(r.stdout)["total"] == 2


def test_rejections_are_logged(bad_result):
    root, out = bad_result
    rows = db(root).execute("SELECT detail FROM events WHERE kind='ingest.rejected'").fetchall()
    stages = {json.loads(r[0])["stage"] for r in rows}
    assert {"detect_type", "check_limits"} <= stages
    assert len(rows) == len(out["rejected"])


@pytest.mark.parametrize("kind,maker", [
    ("pdf", lambda d: write_text_pdf(d / "x.bin", "标题", ["正文"])),
    ("docx", lambda d: write_docx(d / "x.zip", "标题", ["正文"])),
    ("text", lambda d: write_gb18030(d / "x.docx", "民政办公室规范化建设")),
    ("image", lambda d: write_photo(d / "x.pdf", render_page("民政", width=200, font_size=20), fmt="PNG")),
])
def test_detect_by_content_not_extension(tmp_path, kind, maker):
    assert detect_type(maker(tmp_path)).kind == kind


def test_caps_come_from_settings(root, tmp_path):
    cfg = root / "minzheng.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("max_image_pixels = 120000000", "max_image_pixels = 1000000")
                   .replace("max_file_mb = 512", "max_file_mb = 1"), encoding="utf-8")
    from PIL import Image

    Image.new("L", (1200, 1000), 255).save(tmp_path / "大图.png")
    (tmp_path / "大文件.txt").write_bytes("民政".encode() * 400_000)
    out = json.loads(mz(root, *INGEST, tmp_path, "--json", code=1).stdout)
    got = {r["original_name"]: r["error"] for r in out["rejected"]}
    assert "图像过大" in got["大图.png"] and "1200×1000" in got["大图.png"]
    assert "文件过大" in got["大文件.txt"] and "max_file_mb" in got["大文件.txt"]


def test_zip_total_size_cap(tmp_path):
    p = tmp_path / "big.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", os.urandom(2 << 20))
    with pytest.raises(RejectedFile, match="解压后过大"):
        check_limits(p, "docx", Limits(max_zip_uncompressed=1 << 20))
    assert check_limits(p, "docx", Limits())["uncompressed"] == 2 << 20


def test_pixel_cap_never_decodes(tmp_path):
    p = png_header_only(tmp_path / "flood.png", 100_000, 100_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(RejectedFile, match="图像过大"):
        check_limits(p, "image", Limits())
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000   # KiB: nothing was decoded


def test_ole_kinds(tmp_path):
    """Legacy DOC/XLS are told apart by their stream names; an OLE file that is neither is refused."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "a").write_bytes(header + "WordDocument".encode("utf-16-le") + b"\x00" * 4000)
    (tmp_path / "b").write_bytes(header + "Workbook".encode("utf-16-le") + b"\x00" * 4000)
    (tmp_path / "c").write_bytes(header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 4000)
    assert detect_type(tmp_path / "a").kind == "doc"
    assert detect_type(tmp_path / "b").kind == "xls"
    with pytest.raises(RejectedFile, match="已加密"):
        detect_type(tmp_path / "c")


@pytest.mark.soffice
@pytest.mark.slow
def test_legacy_doc_through_libreoffice(root, tmp_path):
    from archive.common.tools import SOFFICE

    if not SOFFICE.available():
        pytest.skip("soffice not installed")
    src = write_docx(tmp_path / "旧版.docx", "白水乡民政办关于救灾款发放的报告", ["救灾款已按户发放到位。"])
    SOFFICE.run(["--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "doc",
                 "--outdir", str(tmp_path / "out"), str(src)], timeout=180)
    doc = tmp_path / "out" / "旧版.doc"
    shutil.move(doc, tmp_path / "legacy.bin")
    out = json.loads(mz(root, *INGEST, tmp_path / "legacy.bin", "--json").stdout)
    rid = out["ingested"][0]["record_id"]
    assert "救灾款已按户发放" in "".join(json.loads(mz(root, "show", rid, "--text", "--json").stdout)["text"])


@pytest.mark.slow
@pytest.mark.tesseract
def test_peak_memory_stays_under_1_gib(bad, tmp_path):
    """The whole bad batch (zip bomb, pixel bomb, …) plus a large real page image OCRed, in a real process
    tree (ingest + its workers + tesseract): peak RSS of each stays < 1 GiB."""
    import subprocess
    import sys

    from PIL import Image, ImageDraw

    from archive.common.tools import TESSERACT

    if not TESSERACT.available():
        pytest.skip("tesseract not installed")
    d, _ = bad
    big = tmp_path / "big"
    shutil.copytree(d, big, ignore=shutil.ignore_patterns("无权限.txt"))
    img = Image.new("L", (7000, 9000), 255)                               # 63 Mpx (a 600 dpi A3 scan)
    ImageDraw.Draw(img).rectangle((500, 500, 1500, 900), fill=0)
    img.save(big / "大扫描.png")
    exe = Path(sys.executable).parent / "minzheng"
    root = tmp_path / "root"
    subprocess.run([str(exe), "--root", str(root), "init"], check=True, capture_output=True)
    probe = ("import resource, subprocess, sys; "
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "sys.stderr.write(r.stderr); print(r.returncode); print(r.stdout); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    r = subprocess.run([sys.executable, "-c", probe, str(exe), "--root", str(root), "ingest", str(big),
                        "--jobs", "2", "--json"], capture_output=True, text=True, timeout=900)
    lines = r.stdout.strip().splitlines()
    code, out, peak_kib = int(lines[0]), json.loads("\n".join(lines[1:-1])), int(lines[-1])
    assert code == 1, r.stderr
    assert "大扫描.png" in {x["original_name"] for x in out["ingested"]}
    print(f"peak RSS {peak_kib / 1024:.0f} MiB")
    assert peak_kib < 1024 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"


def test_oversized_text_file_is_rejected_before_reading(tmp_path):
    from archive.common.errors import RejectedFile
    from archive.intake.detect import Limits, check_limits

    big = tmp_path / "大文本.txt"
    big.write_bytes("民政".encode("utf-8") * (1 << 18))          # 1.5 MB
    check_limits(big, "text", Limits(max_text_bytes=2 << 20))
    with pytest.raises(RejectedFile, match="文本文件过大"):
        check_limits(big, "text", Limits(max_text_bytes=1 << 20))


def test_utf16_text_with_bom_is_read(tmp_path):
    from indexer import extract

    f = tmp_path / "台账.txt"
    f.write_bytes("\ufeff临时救助台账".encode("utf-16-le"))
    got = extract(f, "text")
    assert got.pages == ["临时救助台账"] and got.encoding == "utf-16"


def test_a_file_that_cannot_be_read_gets_a_chinese_reason(tmp_path, monkeypatch):
    import builtins
    import errno
    p = tmp_path / "坏盘.txt"
    write_gb18030(p, "青山镇民政办")
    real_open = builtins.open

    def broken(f, *a, **k):
        if str(f) == str(p):
            raise OSError(errno.EIO, "Input/output error", str(f))
        return real_open(f, *a, **k)
    monkeypatch.setattr(builtins, "open", broken)
    with pytest.raises(RejectedFile) as e:
        detect_type(p)
    assert "读写时出错" in e.value.reason and "Input/output" not in e.value.reason
