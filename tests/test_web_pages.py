"""The work pages of the county server through Flask's test client, per route and per role: the clerk
generates documents, the archivist uploads, reviews and binds, the inspector reads dashboards and downloads
reports; long work runs as background jobs. Forbidden is a 403 that shows no data."""
from __future__ import annotations

import io
import re
import threading
import time

import pytest
from docx import Document
from openpyxl import load_workbook

import archive
from archive import accounts
from archive.store import catalog

PASSWORD = "correct horse battery"
USERS = {"clerk": ("qsz办事员", "clerk", "QSZ"), "clerk_bsx": ("bsx办事员", "clerk", "BSX"),
         "archivist": ("档案员甲", "archivist", None), "archivist2": ("档案员乙", "archivist", None),
         "inspector": ("检查员", "inspector", None), "admin": ("管理员", "admin", None)}
ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
LETTER = "青山镇民政办关于做好二〇一九年冬春救助工作的通知\n各村（居）：现将冬春救助有关事项通知如下。\n青山镇民政办\n2019年11月5日\n"
HTML = "<!DOCTYPE html><html><head><title>登录</title></head><body><p>请登录</p></body></html>"


def make_root(base):
    from test_web import build_root

    root = build_root(base)
    settings = archive.load_settings(root, overrides={"jobs": {"ingest_jobs": 1}})
    conn = catalog.connect(settings.catalog_path)
    try:
        for name, role, office in USERS.values():
            accounts.add_user(conn, name, role, PASSWORD, office)
    finally:
        conn.close()
    return settings


def token_in(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(app, who: str):
    c = app.test_client()
    tok = token_in(c.get("/login").get_data(as_text=True))
    r = c.post("/login", data={"name": USERS[who][0], "password": PASSWORD, "csrf_token": tok})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    c.csrf = token_in(c.get("/").get_data(as_text=True))
    return c


def wait_job(c, job_id: int, timeout: float = 90) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = c.get(f"/jobs/{job_id}.json")
        assert r.status_code == 200, r.status_code
        p = r.get_json()
        if p["finished"] or p["interrupted"]:
            return p
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def job_id_of(resp) -> int:
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return int(re.search(r"/(\d+)$", resp.headers["Location"]).group(1))


def use_rows(settings, action: str) -> list[dict]:
    conn = catalog.connect(settings.catalog_path)
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM use_log WHERE action=? ORDER BY id", (action,))]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    settings = make_root(tmp_path_factory.mktemp("pages"))
    app = archive.create_app(settings)
    clients = {who: login(app, who) for who in USERS}
    yield settings, app, clients
    archive.jobs.stop_worker(settings)


# ------------------------------------------------------------------ rights per route and role
ROUTES = {
    # path: roles answered 200 (everyone else logged in: 403)
    "/clerk/QSZ": {"clerk", "admin"},
    "/clerk/BSX": {"clerk_bsx", "admin"},
    "/archivist/": {"archivist", "archivist2", "admin"},
    "/archivist/review": {"archivist", "archivist2", "admin"},
    "/inspector/": {"inspector", "archivist", "archivist2", "admin"},
    "/inspector/office/YTZ": {"inspector", "archivist", "archivist2", "admin"},
    "/inspector/?office=YTZ&year=2025&category=DB": {"inspector", "archivist", "archivist2", "admin"},
    "/inspector/report/standardization.xlsx": {"inspector", "archivist", "archivist2", "admin"},
    "/jobs/": {"archivist", "archivist2", "admin"},
}
DATA_MARKS = ["不达标", "齐全率", "待核", "导入文件", "户档", "人口"]


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_each_route_for_each_role(env, path):
    _settings, app, clients = env
    for who, c in clients.items():
        r = c.get(path)
        if who in ROUTES[path]:
            assert r.status_code == 200, (who, path, r.status_code)
        else:
            assert r.status_code == 403, (who, path, r.status_code)
            body = r.get_data(as_text=True)
            assert "禁止访问" in body
            assert not any(m in body for m in DATA_MARKS), (who, path)
            assert "26,800" not in body and not ID_RE.search(body)
    anon = app.test_client().get(path)
    assert anon.status_code == 302 and "/login" in anon.headers["Location"]


def test_unsafe_requests_need_the_csrf_token(env):
    _, _, clients = env
    r = clients["clerk"].post("/clerk/QSZ/generate", data={"kind": "roster", "year": "2025"})
    assert r.status_code == 403 and "安全校验" in r.get_data(as_text=True)


def test_clerk_office_page_shows_data_and_the_standard_check(env):
    _, _, clients = env
    html = clients["clerk"].get("/clerk/QSZ").get_data(as_text=True)
    assert "青山镇民政办（QSZ）" in html and "26,800" in html and "全部达标" in html
    ytz = clients["admin"].get("/clerk/YTZ").get_data(as_text=True)
    assert "3 项不达标" in ytz and "三室总面积" in ytz
    assert clients["clerk"].get("/clerk/").headers["Location"].endswith("/clerk/QSZ")


# ------------------------------------------------------------------ clerk: generate
def test_clerk_generates_documents_and_every_run_is_kept(env):
    settings, _, clients = env
    c = clients["clerk"]
    first = job_id_of(c.post("/clerk/QSZ/generate", data={"kind": ["ledger"], "year": "2025", "csrf_token": c.csrf}))
    second = job_id_of(c.post("/clerk/QSZ/generate", data={"kind": ["roster"], "year": "2025", "csrf_token": c.csrf}))
    assert wait_job(c, first)["state"] == "done" and wait_job(c, second)["state"] == "done"
    page = c.get(f"/clerk/QSZ/runs/{first}").get_data(as_text=True)
    links = re.findall(rf'href="(/clerk/QSZ/runs/{first}/[^"]+)"', page)
    assert any(x.endswith("QSZ-ledger-TK.xlsx") for x in links) and any(x.endswith(".docx") for x in links)
    xlsx = c.get(next(x for x in links if x.endswith("QSZ-ledger-TK.xlsx")))
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert "特困" in str(ws["A1"].value)
    assert use_rows(settings, "document_download")[-1]["target"] == "QSZ-ledger-TK.xlsx"
    office = c.get("/clerk/QSZ").get_data(as_text=True)
    assert f"/clerk/QSZ/runs/{first}/" in office and f"/clerk/QSZ/runs/{second}/QSZ-roster.docx" in office
    roster = c.get(f"/clerk/QSZ/runs/{second}/QSZ-roster.docx")
    text = "\n".join(cell.text for t in Document(io.BytesIO(roster.data)).tables for row in t.rows for cell in row.cells)
    assert "主任" in text
    # another office's clerk sees neither the run nor its files nor its progress
    other = clients["clerk_bsx"]
    assert other.get(f"/clerk/QSZ/runs/{first}").status_code == 403
    assert other.get(f"/jobs/{first}.json").status_code == 403
    assert other.get(f"/clerk/QSZ/runs/{first}/QSZ-ledger-TK.xlsx").status_code == 403
    assert c.get(f"/clerk/QSZ/runs/{first}/..%2Fminzheng.toml").status_code == 404


def test_generate_without_a_kind_is_a_chinese_400(env):
    _, _, clients = env
    c = clients["clerk"]
    r = c.post("/clerk/QSZ/generate", data={"year": "2025", "csrf_token": c.csrf})
    assert r.status_code == 400 and "请至少选择一种文书" in r.get_data(as_text=True)
    r = c.post("/clerk/QSZ/generate", data={"kind": "roster", "year": "20x5", "csrf_token": c.csrf})
    assert r.status_code == 400 and "不是" in r.get_data(as_text=True)


# ------------------------------------------------------------------ archivist: upload, review, bind
def upload(c, files, **form):
    data = {"csrf_token": c.csrf, **form, "files": [(io.BytesIO(body.encode("utf-8")), name) for name, body in files]}
    return c.post("/archivist/upload", data=data, content_type="multipart/form-data")


def test_archivist_upload_lists_ingested_duplicate_and_rejected(env):
    settings, _, clients = env
    c = clients["archivist"]
    big = LETTER + "附：冬春救助物资清单。\n" + "棉被二百床，大米五千斤。\n" * 8000     # well over the usual form limit
    job = job_id_of(upload(c, [("冬春救助通知.txt", big), ("通知副本.txt", big), ("下载的通知.docx", HTML)],
                           office="QSZ", category="WS", year="2019", retention="D10"))
    p = wait_job(c, job)
    assert p["state"] == "done" and p["files_done"] == p["files_total"] == 3
    html = c.get(f"/archivist/ingest/{job}").get_data(as_text=True)
    assert "已导入（1 件）" in html and "重复（1 件" in html and "拒收（1 件）" in html
    assert "下载的通知.docx" in html and "网页" in html
    assert archive.search(settings, "冬春救助物资").total == 1


def test_review_queue_and_edit_form(env):
    settings, _, clients = env
    c = clients["archivist"]
    job = job_id_of(upload(c, [("二〇二〇年工作总结.txt", "松桥乡民政办二〇二〇年工作总结\n今年共发放临时救助三十户。\n")],
                           office="SQX", category="WS", retention="D10"))
    assert wait_job(c, job)["state"] == "done"
    queue = c.get("/archivist/review?office=SQX").get_data(as_text=True)
    rid = int(re.search(r'href="/archivist/review/(\d+)"', queue).group(1))
    form = c.get(f"/archivist/review/{rid}").get_data(as_text=True)
    assert "待核" in form and 'name="title"' in form
    bad = c.post(f"/archivist/review/{rid}", data={"csrf_token": c.csrf, "year": "二〇二〇"})
    assert bad.status_code == 400 and "年度" in bad.get_data(as_text=True)
    ok = c.post(f"/archivist/review/{rid}", data={"csrf_token": c.csrf, "title": "松桥乡民政办2020年工作总结",
                                                  "year": "2020", "confirm": ["doc_date", "author", "doc_number"]})
    assert ok.status_code == 200
    assert "松桥乡民政办2020年工作总结" in ok.get_data(as_text=True)
    conn = catalog.connect(settings.catalog_path)
    row = dict(conn.execute("SELECT title, year, needs_review FROM records WHERE id=?", (rid,)).fetchone())
    conn.close()
    assert row["title"] == "松桥乡民政办2020年工作总结" and row["year"] == 2020
    assert "title" not in row["needs_review"] and "year" not in row["needs_review"]


def test_bind_job_then_pdf_labels_and_manifest(env):
    settings, _, clients = env
    c = clients["archivist"]
    job = job_id_of(c.post("/archivist/bind", data={"csrf_token": c.csrf, "office": "QSZ", "year": "2016",
                                                     "category": "DB", "profile": "national"}))
    assert wait_job(c, job)["state"] == "done"
    html = c.get(f"/archivist/bind/{job}").get_data(as_text=True)
    assert "Z109-DB·2016-D30-QSZ-J001" in html
    pdf = c.get(f"/archivist/bind/{job}/0/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert c.get(f"/archivist/bind/{job}/0/labels").data.startswith(b"%PDF")
    assert b"urn:minzheng:volume-manifest:1" in c.get(f"/archivist/bind/{job}/0/manifest").data
    assert c.get(f"/archivist/bind/{job}/5/pdf").status_code == 404
    assert use_rows(settings, "volume_pdf")[-1]["target"] == "Z109-DB·2016-D30-QSZ-J001"
    # a bound record corrected (forced) → the volume is listed for rebinding; the button binds version 2
    rid = int(re.search(r'/record/(\d+)"', c.get("/volumes").get_data(as_text=True)).group(1))
    r = c.post(f"/archivist/review/{rid}", data={"csrf_token": c.csrf, "title": "青山镇李家村城乡低保审批表（改）"})
    assert r.status_code == 409 and 'id="edit-bound"' in r.get_data(as_text=True), "a bound record needs a confirmation"
    r = c.post(f"/archivist/review/{rid}", data={"csrf_token": c.csrf, "title": "青山镇李家村城乡低保审批表（改）",
                                                 "force": "1"})
    assert r.status_code == 200 and "重新装订" in r.get_data(as_text=True)
    home = c.get("/archivist/").get_data(as_text=True)
    assert 'id="rebind"' in home and "Z109-DB·2016-D30-QSZ-J001" in home
    again = job_id_of(c.post("/archivist/bind", data={"csrf_token": c.csrf, "office": "QSZ", "year": "2016",
                                                       "category": "DB", "retention": "D30"}))
    assert wait_job(c, again)["state"] == "done"
    assert "第 2 版" in c.get(f"/archivist/bind/{again}").get_data(as_text=True)
    assert 'id="rebind"' not in c.get("/archivist/").get_data(as_text=True)
    empty = job_id_of(c.post("/archivist/bind", data={"csrf_token": c.csrf, "office": "QSZ", "year": "1999",
                                                       "category": "DB"}))
    p = wait_job(c, empty)
    assert p["state"] == "failed" and "没有 QSZ 1999 年 DB 类的记录" in p["error"]
    assert "重新开始" in c.get(f"/archivist/bind/{empty}").get_data(as_text=True)


# ------------------------------------------------------------------ inspector
def test_inspector_dashboard_charts_and_drill_down(env):
    _settings, _, clients = env
    c = clients["inspector"]
    html = c.get("/inspector/").get_data(as_text=True)
    assert html.count("<svg") == 3 and "各民政办户档齐全率" in html and "云台镇" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external assets"
    office = c.get("/inspector/office/YTZ?year=2025").get_data(as_text=True)
    link = re.search(r'href="(/inspector/office/YTZ/household/[A-Z]+/[0-9a-f]+[^"]*)"', office).group(1)
    assert not ID_RE.search(office), "an inspector sees ID numbers masked"
    hh = c.get(link.replace("&amp;", "&"))
    assert hh.status_code == 200
    body = hh.get_data(as_text=True)
    assert "缺少" in body and "应有材料" in body and not ID_RE.search(body)
    full = clients["archivist"].get("/inspector/office/YTZ?year=2025").get_data(as_text=True)
    assert ID_RE.search(full), "an archivist sees full ID numbers"


def test_dashboard_follows_changes_to_the_archive(env):
    """The reports are kept between requests only while the archive stays the same."""
    _, _, clients = env
    c = clients["inspector"]

    def pending():
        return int(re.search(r"待核著录 (\d+) 条", c.get("/inspector/").get_data(as_text=True)).group(1))

    before = pending()
    assert pending() == before
    a = clients["archivist"]
    job = job_id_of(upload(a, [("云台镇通知.txt", "云台镇民政办关于开展二〇二二年低保复核的通知\n各村：请做好复核。\n")],
                           office="YTZ", category="WS", retention="D10"))
    assert wait_job(a, job)["state"] == "done"
    # the first view after the change may still show the kept figures while the new ones are computed
    end = time.monotonic() + 60
    while pending() != before + 1 and time.monotonic() < end:
        time.sleep(0.3)
    assert pending() == before + 1


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_reports_download_in_each_format_masked_and_logged(env, fmt):
    settings, _, clients = env
    r = clients["inspector"].get(f"/inspector/report/completeness.{fmt}?office=YTZ")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    if fmt == "pdf":
        assert r.data.startswith(b"%PDF")
        return_text = None
    elif fmt == "xlsx":
        wb = load_workbook(io.BytesIO(r.data))
        return_text = "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v)
    else:
        doc = Document(io.BytesIO(r.data))
        return_text = "\n".join([p.text for p in doc.paragraphs] +
                                 [c.text for t in doc.tables for row in t.rows for c in row.cells])
    if return_text is not None:
        assert "云台镇" in return_text and "缺件明细" in return_text
        assert "********" in return_text and not ID_RE.search(return_text), "IDs masked in the inspector's download"
    row = use_rows(settings, "report_download")[-1]
    assert row["user_name"] == "检查员" and row["target"].endswith(f".{fmt}") and row["office"] == "YTZ"


# ------------------------------------------------------------------ jobs
def test_jobs_list_and_restart_of_a_failed_job(env):
    _, _, clients = env
    c = clients["archivist"]
    html = c.get("/jobs/").get_data(as_text=True)
    assert "装订案卷" in html and "导入档案" in html
    failed = re.findall(r'action="/jobs/(\d+)/restart"', html)
    assert failed
    r = c.post(f"/jobs/{failed[0]}/restart", data={"csrf_token": c.csrf})
    assert r.status_code == 302
    assert wait_job(c, int(failed[0]))["state"] in ("failed", "done")
    done = re.findall(r'href="/archivist/ingest/(\d+)"', html)[0]
    again = c.post(f"/jobs/{done}/restart", data={"csrf_token": c.csrf})
    assert again.status_code == 409 and "只有已中断或失败的任务" in again.get_data(as_text=True)


def test_four_users_uploading_and_searching_at_once(env):
    """Two archivists upload while a clerk and an inspector search: nothing lost, no error, verify clean."""
    settings, app, clients = env
    errors: list = []
    ids: list[int] = []

    def uploader(who):
        c = login(app, who)
        for n in range(3):
            files = [(f"{who}-{n}-{i}.txt", f"{who} 第{n}批 第{i}份 救灾救济款发放通知 编号{n}{i}\n") for i in range(3)]
            r = upload(c, files, office="LHZ", category="JZ", year="2021", retention="D10")
            if r.status_code != 302:
                errors.append((who, r.status_code))
            else:
                ids.append(job_id_of(r))

    def searcher(who):
        c = login(app, who)
        for _ in range(15):
            r = c.get("/?q=救助")
            if r.status_code != 200:
                errors.append((who, r.status_code))
            r = c.get("/inspector/" if who == "inspector" else "/clerk/QSZ")
            if r.status_code != 200:
                errors.append((who, r.status_code))

    threads = [threading.Thread(target=uploader, args=("archivist",)),
               threading.Thread(target=uploader, args=("archivist2",)),
               threading.Thread(target=searcher, args=("clerk",)),
               threading.Thread(target=searcher, args=("inspector",))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors
    assert len(ids) == 6
    c = clients["archivist"]
    states = [wait_job(c, i) for i in ids]
    assert all(p["state"] == "done" for p in states), states
    conn = catalog.connect(settings.catalog_path)
    names = {r[0] for r in conn.execute("SELECT original_name FROM records WHERE office='LHZ' AND category='JZ'")}
    conn.close()
    assert len(names) == 18
    assert archive.search(settings, "救灾救济款发放通知").total == 18
    assert archive.verify(settings).ok
