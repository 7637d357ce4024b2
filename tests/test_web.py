"""minzheng serve: the search page's routes through Flask's test client, on a root built with the real CLI."""
from __future__ import annotations

import base64
import io
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

import archive
import cli as cli_module
from archive.store import catalog, db
from archive.store.objects import store_file
from archive.web.highlight import from_marks, marked

PDF_NAME = "青山镇李家村低保审批表.pdf"
TXT_NAME = "民政办通知（2016）.txt"
LS_NAME = "白石乡临时救助名册.txt"
TXT_BODY = ("青山镇民政办公室关于做好城乡低保年度复核工作的通知\n"
            "各村民委员会：为做好二〇一六年度低保复核，请于五月底前报送入户调查表。\n"
            "联系人：民政办公室 王小明\n")
LS_BODY = "白石乡二〇一九年临时救助发放名册\n张家湾村 刘大山 因病临时救助 2000元\n"


def make_pdf(path: Path, pages: list[list[str]]) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for lines in pages:
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 24 * i, line)
        c.showPage()
    c.save()


def run_cli(root: Path, *args) -> Result:
    result = CliRunner().invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={})
    return result


def build_root(base: Path) -> Path:
    """A sample-county root with three files ingested through `minzheng ingest`."""
    root = base / "root"
    r = run_cli(root, "init", "--sample")
    assert r.exit_code == 0, r.stderr
    src = base / "src"
    (src / "qsz").mkdir(parents=True)
    (src / "bsx").mkdir(parents=True)
    make_pdf(src / "qsz" / PDF_NAME, [
        ["青山镇李家村城乡低保审批表", "户主：李春生  家庭人口：3人", "审批意见：同意纳入城乡低保"],
        ["第二页：临时救助情况说明", "该户二〇一五年曾申请临时救助"],
    ])
    (src / "qsz" / TXT_NAME).write_text(TXT_BODY, encoding="utf-8")
    (src / "bsx" / LS_NAME).write_text(LS_BODY, encoding="utf-8")
    for sub, opts in (("qsz", ["--office", "QSZ", "--category", "DB", "--year", "2016", "--retention", "D30"]),
                      ("bsx", ["--office", "BSX", "--category", "LS", "--year", "2019", "--retention", "D10"])):
        r = run_cli(root, "ingest", src / sub, *opts, "--jobs", "1", "--json")
        assert r.exit_code == 0, f"{r.stdout}\n{r.stderr}"
    return root


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def ingested(tmp_path_factory, request):
    """The sample root with the test files; for postgres its catalog and search moved to a throw-away
    PostgreSQL database, so every page below is also tested on that engine."""
    base = tmp_path_factory.mktemp("web")
    root = build_root(base)
    settings = archive.load_settings(root)
    if request.param == "postgres":
        archive.move_catalog(settings, request.getfixturevalue("pg_cluster").new_database(), index="postgres")
        settings = archive.load_settings(root)
    conn = catalog.connect(settings.catalog_url)
    ids = {r["original_name"]: r["id"] for r in conn.execute("SELECT id, original_name FROM records")}
    conn.close()
    return settings, ids, base / "src"


@pytest.fixture(scope="module")
def client(ingested):
    settings, _, _ = ingested
    yield archive.create_app(settings).test_client()
    archive.jobs.stop_worker(settings)          # before the module's database goes away


@pytest.fixture
def plain(tmp_path):
    """An initialised sample root with no records (rows are inserted by the tests themselves)."""
    root = tmp_path / "plain"
    archive.init_root(root, sample=True)
    return archive.load_settings(root)


def insert_record(settings, src: Path, *, mime: str, pages: int, **fields) -> int:
    sha, _, _ = store_file(settings.objects_dir, src)
    conn = catalog.connect(settings.catalog_path)
    try:
        cols = {"sha256": sha, "original_name": src.name, "mime": mime, "pages": pages, "size": src.stat().st_size,
                "ingested_at": catalog.now(), **fields}
        cur = conn.execute(f"INSERT INTO records({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                           list(cols.values()))
        return cur.lastrowid
    finally:
        conn.close()


def html(resp) -> str:
    return resp.get_data(as_text=True)


# ---------------------------------------------------------------- search
def test_search_finds_the_record_for_a_chinese_query(client, ingested):
    _, ids, _ = ingested
    r = client.get("/?q=" + quote("李家村城乡低保"))
    assert r.status_code == 200
    page = html(r)
    assert f'/record/{ids[PDF_NAME]}#p1' in page
    assert "<mark>" in page and "李家村" in page
    assert "找到 <b>1</b> 件档案" in page
    assert "用时" in page and "第 1 页" in page
    assert f"/record/{ids[TXT_NAME]}" not in page


def test_hit_on_second_page_names_that_page(client, ingested):
    _, ids, _ = ingested
    page = html(client.get("/?q=" + quote("临时救助情况说明")))
    assert f'/record/{ids[PDF_NAME]}#p2' in page
    assert "第 2 页" in page


def test_filters_narrow_the_results(client, ingested):
    _, ids, _ = ingested
    both = html(client.get("/?q=" + quote("临时救助")))
    assert f"/record/{ids[PDF_NAME]}#" in both and f"/record/{ids[LS_NAME]}#" in both
    only_bsx = html(client.get("/?q=" + quote("临时救助") + "&office=BSX"))
    assert f"/record/{ids[LS_NAME]}#" in only_bsx and f"/record/{ids[PDF_NAME]}#" not in only_bsx
    assert '<option value="BSX" selected>' in only_bsx
    by_year = html(client.get("/?q=" + quote("临时救助") + "&year=2016"))
    assert f"/record/{ids[PDF_NAME]}#" in by_year and f"/record/{ids[LS_NAME]}#" not in by_year
    by_cat = html(client.get("/?q=" + quote("临时救助") + "&category=LS&retention=D10"))
    assert f"/record/{ids[LS_NAME]}#" in by_cat and f"/record/{ids[PDF_NAME]}#" not in by_cat
    none = html(client.get("/?q=" + quote("临时救助") + "&office=QSZ&category=LS"))
    assert "没有找到" in none and "去掉筛选条件" in none


def test_traditional_query_finds_simplified_text(client, ingested):
    _, ids, _ = ingested
    page = html(client.get("/?q=" + quote("民政辦公室")))
    assert f"/record/{ids[TXT_NAME]}#" in page
    assert "<mark>" in page


def test_empty_state_says_what_to_try(client):
    page = html(client.get("/?q=" + quote("火星殖民计划")))
    assert "没有找到与“火星殖民计划”相符的档案" in page
    assert "少输几个字" in page and "简体、繁体都能检索" in page


def test_paging_links_keep_query_and_filters(client, ingested):
    r = client.get("/?q=" + quote("救助") + "&limit=1")
    page = html(r)
    assert "第 1/2 页" in page
    assert "下一页" in page and "page=2" in page and "limit=1" in page
    page2 = html(client.get("/?q=" + quote("救助") + "&limit=1&page=2"))
    assert "上一页" in page2 and '<ol class="hits" start="2">' in page2


def test_search_escapes_query_and_snippets(client):
    page = html(client.get("/?q=" + quote("<script>alert(1)</script>")))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_highlight_escapes_every_piece():
    assert str(from_marks("<b>【民政】办</b>")) == "&lt;b&gt;<mark>民政</mark>办&lt;/b&gt;"
    assert str(from_marks("只有【一半")) == "只有【一半"
    assert str(marked("a<b>c", [(1, 4), (2, 3), (9, 12)])) == "a<mark>&lt;b&gt;</mark>c"


# ---------------------------------------------------------------- record, pages, download
def test_record_page_shows_metadata_text_and_page_images(client, ingested):
    settings, ids, _ = ingested
    rid = ids[PDF_NAME]
    page = html(client.get(f"/record/{rid}"))
    assert "青山镇" in page and "城乡低保" in page and "定期30年" in page
    assert "户主：李春生" in page                      # extracted text, page 1
    assert f'src="/record/{rid}/page/1.png"' in page and f'src="/record/{rid}/page/2.png"' in page
    assert f'href="/record/{rid}/original"' in page
    rec = archive.show_record(settings, rid)
    if rec["needs_review"]:
        assert "待核" in page
    r = client.get(f"/record/{rid}/page/2.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert r.data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(io.BytesIO(r.data)) as im:
        assert max(im.size) == 1400 and im.size[1] > im.size[0]       # A4 portrait, modest size
    sha = rec["sha256"]
    assert (settings.cache_dir / "pages" / sha / "2.png").is_file()
    assert client.get(f"/record/{rid}/page/3.png").status_code == 404
    assert client.get(f"/record/{rid}/page/0.png").status_code == 400          # a bad parameter, not a missing page


def test_needs_review_fields_are_marked(client, ingested):
    settings, ids, _ = ingested
    for name, rid in ids.items():
        rec = archive.show_record(settings, rid)
        if rec["needs_review"]:
            page = html(client.get(f"/record/{rid}"))
            assert page.count('class="needs-review"') >= 1
            assert '<span class="review"' in page
            return
    pytest.fail("the fixture's files come without a manifest, so ingest must mark inferred fields 待核")


def test_download_returns_original_bytes_and_name(client, ingested):
    _, ids, src = ingested
    r = client.get(f"/record/{ids[PDF_NAME]}/original")
    assert r.status_code == 200
    assert r.data == (src / "qsz" / PDF_NAME).read_bytes()
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("attachment")
    assert "filename*=UTF-8''" + quote(PDF_NAME) in cd
    r = client.get(f"/record/{ids[TXT_NAME]}/original")
    assert r.data == (src / "qsz" / TXT_NAME).read_bytes()
    assert quote(TXT_NAME) in r.headers["Content-Disposition"]


def test_image_records_render_every_frame(plain, tmp_path):
    from PIL import Image, ImageDraw

    tif = tmp_path / "扫描件.tif"
    frames = [Image.new("L", (800, 1100), 255), Image.new("L", (800, 1100), 255)]
    ImageDraw.Draw(frames[1]).rectangle((100, 100, 700, 200), fill=0)
    frames[0].save(tif, save_all=True, append_images=frames[1:])
    png = tmp_path / "照片.png"
    Image.new("RGB", (3000, 2000), (200, 180, 160)).save(png)
    tid = insert_record(plain, tif, mime="image/tiff", pages=2, title="扫描件")
    pid = insert_record(plain, png, mime="image/png", pages=1, title="照片")
    c = archive.create_app(plain).test_client()
    r = c.get(f"/record/{tid}/page/2.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    with Image.open(io.BytesIO(r.data)) as im:
        assert im.size == (800, 1100)
        assert im.getpixel((400, 150)) == 0 and im.getpixel((400, 600)) == 255    # the second frame
    with Image.open(io.BytesIO(c.get(f"/record/{pid}/page/1.png").data)) as im:
        assert max(im.size) == 1400
    assert c.get(f"/record/{pid}/page/2.png").status_code == 404
    page = html(c.get(f"/record/{tid}"))
    assert f'src="/record/{tid}/page/2.png"' in page


def test_record_without_page_images_says_so(plain, tmp_path):
    f = tmp_path / "说明.txt"
    f.write_text("只有文字", encoding="utf-8")
    rid = insert_record(plain, f, mime="text/plain", pages=1, title="说明")
    c = archive.create_app(plain).test_client()
    page = html(c.get(f"/record/{rid}"))
    assert "没有页面图像" in page and ".png" not in page
    r = c.get(f"/record/{rid}/page/1.png")
    assert r.status_code == 404 and "没有页面图像" in html(r)


# ---------------------------------------------------------------- safety
@pytest.mark.parametrize("url,codes", [
    ("/record/../../etc/passwd", (404,)),
    ("/record/%2e%2e/%2e%2e/etc/passwd", (404,)),
    ("/record?id=../x", (400,)),
    ("/record?id=1%20OR%201=1", (400,)),
    ("/record/abc", (404,)),
    ("/record/999999", (404,)),
    ("/record/999999/original", (404,)),
    ("/record/999999/page/1.png", (404,)),
    ("/record/1/page/../../../etc/passwd", (404,)),
    ("/static/../../../../etc/passwd", (404,)),
    ("/volumes/999/pdf", (404,)),
    ("/?year=abc", (400,)),
    ("/?year=3000", (400,)),
    ("/?year=2016&year=2017", (400,)),
    ("/?office=../x", (400,)),
    ("/?office=NOPE", (400,)),
    ("/?category=ZZ", (400,)),
    ("/?retention=forever", (400,)),
    ("/?page=0", (400,)),
    ("/?page=-1", (400,)),
    ("/?limit=100000", (400,)),
    ("/?path=/etc/passwd", (400,)),
    ("/?q=" + "长" * 300, (400,)),
    ("/overview?year=x", (400,)),
    ("/volumes?id=1", (400,)),
])
def test_bad_paths_and_parameters(plain, url, codes):
    c = archive.create_app(plain).test_client()
    r = c.get(url)
    assert r.status_code in codes, (url, r.status_code)
    page = html(r)
    assert "root:" not in page
    assert r.mimetype == "text/html" and "返回检索页" in page
    assert any("\u4e00" <= ch <= "\u9fff" for ch in page)


def test_bad_parameter_page_names_the_problem(plain):
    c = archive.create_app(plain).test_client()
    assert "年度（year）应为整数" in html(c.get("/?year=abc"))
    assert "没有代码为 “NOPE” 的机构" in html(c.get("/?office=NOPE"))


def test_writes_are_refused(plain):
    c = archive.create_app(plain).test_client()
    assert c.post("/", data={"q": "x"}).status_code == 405
    assert c.delete("/record/1").status_code == 405


def test_volume_pdf_served_by_id_only(plain):
    vol_dir = plain.volumes_dir / "QSZ"
    vol_dir.mkdir(parents=True)
    make_pdf(vol_dir / "v1.pdf", [["案卷封面"]])
    src = plain.root / "item.txt"
    src.write_text("卷内文件", encoding="utf-8")
    rid = insert_record(plain, src, mime="text/plain", pages=1, title="低保审批表（李春生）",
                        doc_date="2016-05-06", office="QSZ", category="DB", year=2016, retention="D30")
    conn = catalog.connect(plain.catalog_path)
    for pdf, code in (("volumes/QSZ/v1.pdf", "Z109-DB·2016-D30-QSZ-001"), ("../../../etc/passwd", "Z109-X")):
        cur = conn.execute(
            "INSERT INTO volumes(office, year, category, retention, seq, version, archival_code, pdf, manifest, "
            "pages, profile, created_at) VALUES ('QSZ', 2016, 'DB', 'D30', 1, 1, ?, ?, 'm.xml', 3, 'national', ?)",
            (code, pdf, catalog.now()))
        if code.endswith("001"):
            good = cur.lastrowid
            conn.execute("INSERT INTO volume_items VALUES (?, ?, 1, 1, 2)", (good, rid))
        else:
            bad = cur.lastrowid
    conn.close()
    c = archive.create_app(plain).test_client()
    page = html(c.get("/volumes"))
    assert "Z109-DB·2016-D30-QSZ-001" in page and "低保审批表（李春生）" in page and "2016-05-06" in page
    assert f'href="/volumes/{good}/pdf"' in page and f'href="/record/{rid}"' in page
    r = c.get(f"/volumes/{good}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data == (vol_dir / "v1.pdf").read_bytes()
    r = c.get(f"/volumes/{bad}/pdf")
    assert r.status_code == 404 and "root:" not in html(r)


def test_volumes_page_after_real_binding(tmp_path):
    root = build_root(tmp_path)
    r = run_cli(root, "bind", "--office", "QSZ", "--year", "2016", "--category", "DB", "--json")
    assert r.exit_code == 0, r.stderr
    settings = archive.load_settings(root)
    conn = catalog.connect(settings.catalog_path)
    vol = dict(conn.execute("SELECT * FROM volumes").fetchone())
    conn.close()
    c = archive.create_app(settings).test_client()
    page = html(c.get("/volumes"))
    assert vol["archival_code"] in page and "青山镇李家村" in page and "审批表" in page
    r = c.get(f"/volumes/{vol['id']}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data == (settings.root / vol["pdf"]).read_bytes()
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(r.data)).pages) == vol["pages"]


def test_volumes_page_before_any_binding(plain):
    page = html(archive.create_app(plain).test_client().get("/volumes"))
    assert "尚未装订任何案卷" in page


def test_overview_page(plain):
    c = archive.create_app(plain).test_client()
    r = c.get("/overview")
    assert r.status_code == 200
    page = html(r)
    matrix = page[page.index('<table class="matrix">'):]
    assert "<th>青山镇<br>" in matrix and "<th>云台镇<br>" in matrix and "城乡低保" in matrix
    assert "缺 " in matrix                                  # the sample county's files are not ingested here
    one = html(c.get("/overview?office=QSZ&category=DB"))
    one = one[one.index('<table class="matrix">'):]
    assert "<th>青山镇<br>" in one and "云台镇" not in one and "特困供养" not in one
    assert "无法生成完整性总览" in html(c.get("/overview?category=WS"))     # not an aid class of the rules


def test_password_required_when_set(plain):
    c = archive.create_app(plain, password="青山2024").test_client()
    for url in ("/", "/?q=x", "/volumes", "/overview", "/record/1", "/record/1/original", "/static/style.css"):
        r = c.get(url)
        assert r.status_code == 401, url
        assert r.headers["WWW-Authenticate"].startswith("Basic")
        assert "需要密码" in html(r)

    def auth(pw):
        return {"Authorization": "Basic " + base64.b64encode(f"档案员:{pw}".encode()).decode()}

    assert c.get("/", headers=auth("wrong")).status_code == 401
    assert c.get("/", headers={"Authorization": "Basic !!!"}).status_code == 401
    assert c.get("/", headers=auth("青山2024")).status_code == 200
    assert c.get("/static/style.css", headers=auth("青山2024")).status_code == 200


def test_serve_refuses_other_hosts_without_accounts(plain, monkeypatch):
    monkeypatch.delenv("MINZHENG_SERVE_PASSWORD", raising=False)
    r = run_cli(plain.root, "serve", "--host", "0.0.0.0", "--port", "1")
    assert r.exit_code == 4
    assert "minzheng user add" in r.stderr and "0.0.0.0" in r.stderr
    r = run_cli(plain.root, "serve", "--host", "0.0.0.0", "--port", "1", "--password", "a-long-password-2026")
    assert r.exit_code == 4 and "minzheng user add" in r.stderr       # a shared password is not enough
    r = run_cli(plain.root, "serve", "--port", "1", "--password", "1")
    assert r.exit_code == 4 and "至少要 10 个字符" in r.stderr
    from archive.common.errors import ConfigError
    from archive.web.server import check_bind, is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    check_bind("0.0.0.0", None, has_accounts=True, allowed_hosts=["192.168.1.5"])
    check_bind("192.168.1.5", None, has_accounts=True)
    check_bind("127.0.0.1", None)
    check_bind("127.0.0.1", "a-long-password-2026")
    with pytest.raises(ConfigError, match="--allowed-host"):
        check_bind("0.0.0.0", None, has_accounts=True)
    with pytest.raises(ConfigError, match="已经建立了账号"):
        check_bind("127.0.0.1", "a-long-password-2026", has_accounts=True)


def test_search_failure_or_timeout_is_a_message(plain, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("index is on fire")

    def slow(*a, **k):
        time.sleep(1.0)

    (plain.index_dir / "meta.json").write_text("{}")       # an index is there: the page asks it
    monkeypatch.setattr(archive, "search", broken, raising=False)
    c = archive.create_app(plain, search_timeout=0.2).test_client()
    r = c.get("/?q=" + quote("低保"))
    assert r.status_code == 200 and "检索时出现意外错误" in html(r) and "on fire" not in html(r)
    monkeypatch.setattr(archive, "search", slow, raising=False)
    r = c.get("/?q=" + quote("低保"))
    assert r.status_code == 200 and "检索超过" in html(r)
    assert c.get("/volumes").status_code == 200          # and the app keeps serving


def test_unexpected_error_is_a_chinese_page_and_app_keeps_running(plain, monkeypatch):
    from archive.web import catalog_read

    def boom(conn, **k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(catalog_read, "volumes", boom)
    c = archive.create_app(plain).test_client()
    r = c.get("/volumes")
    assert r.status_code == 500 and "服务器内部错误" in html(r) and "disk I/O" not in html(r)
    monkeypatch.undo()
    assert c.get("/volumes").status_code == 200


def test_pages_wait_out_a_writer_holding_the_catalog(client, ingested):
    """An ingest holds the catalog's write lock only briefly; a page (which writes the use log) waits for it
    and answers, with no error."""
    import threading

    settings, ids, _ = ingested
    if db.is_postgres(settings.catalog_url):
        pytest.skip("SQLite 的写锁；PostgreSQL 按行加锁，页面不用等")
    writer = sqlite3.connect(settings.catalog_path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO events(at, kind) VALUES ('now', 'test.lock')")
    release = threading.Timer(1.0, lambda: (writer.execute("ROLLBACK"), writer.close()))
    release.start()
    try:
        t0 = time.perf_counter()
        assert client.get("/?q=" + quote("李家村")).status_code == 200
        assert client.get(f"/record/{ids[PDF_NAME]}").status_code == 200
        assert time.perf_counter() - t0 < 10
    finally:
        release.join()


def _catalog_dump(settings) -> dict:
    conn = sqlite3.connect(settings.catalog_path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("offices", "records", "volumes", "volume_items", "events", "users")}
    finally:
        conn.close()


def test_app_writes_only_the_use_log(plain):
    """The pages change nothing in the archive: the catalog's records, volumes, events and users stay as
    they were; the only rows added are the use log's (利用登记). No index/ is created."""
    before = _catalog_dump(plain)
    had_index = plain.index_dir.exists()
    c = archive.create_app(plain).test_client()
    for url in ("/", "/?q=x", "/volumes", "/overview", "/record/5"):
        c.get(url)
    from archive.web.catalog_read import connect_readonly

    conn = connect_readonly(plain)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO events(at, kind) VALUES ('x', 'y')")
    conn.close()
    assert _catalog_dump(plain) == before
    assert plain.index_dir.exists() == had_index


def test_serve_reports_a_busy_port(plain):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = run_cli(plain.root, "serve", "--port", port)
    assert r.exit_code == 4
    assert f"无法在 127.0.0.1:{port} 上监听" in r.stderr and "--port" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


@pytest.mark.slow
def test_serve_command_with_worker_processes(plain):
    """The real `minzheng serve` in a subprocess: two workers answer, Ctrl+C stops them all."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("minzheng")
    env = {k: v for k, v in os.environ.items() if k not in ("MINZHENG_SERVE_PASSWORD", "MINZHENG_ROOT")}
    proc = subprocess.Popen([str(exe), "--root", str(plain.root), "serve", "--port", str(port), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        line = proc.stdout.readline().decode("utf-8")
        assert f"http://127.0.0.1:{port}/" in line
        children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == proc.pid]
        assert len(children) == 1
        for _ in range(6):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=" + quote("低保"), timeout=30) as r:
                assert r.status == 200 and "全文检索" in r.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert "服务器已停止" in err.decode("utf-8")
        time.sleep(0.2)
        assert not any(Path(f"/proc/{c}").exists() for c in children)      # stopped and reaped
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _ppid(pid: str) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
