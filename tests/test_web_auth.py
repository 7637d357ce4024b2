"""The county server's accounts through Flask's test client: every route for every role (forbidden is a
403 that shows no data), login, logout, expiry, lock-out, CSRF, host names, masking and the use log."""
from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from test_web import LS_NAME, PDF_NAME, build_root, html, run_cli

import archive
from archive import accounts
from archive.accounts import sessions as sessions_mod
from archive.accounts import users as users_mod
from archive.store import catalog

PW = "青山县档案-2026"
ID_NUMBER = "439921198003150018"          # the sample county's fictional area code
ID_MASKED = "439921********0018"
ID_NAME = "青山镇低保对象身份信息.txt"
ID_BODY = f"青山镇低保对象身份信息登记\n户主：赵一民 身份证号：{ID_NUMBER}\n家庭人口 3 人\n"
ROLES = {"clerk": "QSZ", "clerk_bsx": "BSX", "archivist": None, "inspector": None, "admin": None}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("auth")
    root = build_root(base)
    extra = base / "id"
    extra.mkdir()
    (extra / ID_NAME).write_text(ID_BODY, encoding="utf-8")
    r = run_cli(root, "ingest", extra, "--office", "QSZ", "--category", "DB", "--year", "2016", "--retention",
                "D30", "--jobs", "1")
    assert r.exit_code == 0, r.stderr
    r = run_cli(root, "bind", "--office", "QSZ", "--year", "2016", "--category", "DB")
    assert r.exit_code == 0, r.stderr
    settings = archive.load_settings(root)
    for name, office in ROLES.items():
        archive.add_account(settings, name, name.split("_")[0], PW, office)
    conn = catalog.connect(settings.catalog_path)
    ids = {r["original_name"]: r["id"] for r in conn.execute("SELECT id, original_name FROM records")}
    titles = {r["id"]: r["title"] for r in conn.execute("SELECT id, title FROM records")}
    vol = conn.execute("SELECT id FROM volumes").fetchone()["id"]
    conn.close()
    return settings, ids, titles, vol


@pytest.fixture(autouse=True)
def _fast_failures(monkeypatch):
    monkeypatch.setattr("archive.web.login.FAILED_LOGIN_DELAY", 0)
    monkeypatch.setattr("archive.web.auth.FAILED_LOGIN_DELAY", 0)


def csrf_of(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert m, page[:500]
    return m.group(1)


def login(c, name, password=PW, next_="/"):
    token = csrf_of(html(c.get("/login")))
    return c.post("/login", data={"name": name, "password": password, "next": next_, "csrf_token": token})


def client_as(settings, name, **kw):
    c = archive.create_app(settings, **kw).test_client()
    r = login(c, name)
    assert r.status_code == 302, html(r)[:800]
    return c


def use_rows(settings, **flt):
    conn = catalog.connect(settings.catalog_path)
    try:
        return accounts.use_rows(conn, accounts.UseFilter(**flt), limit=1000)[1]
    finally:
        conn.close()


# ------------------------------------------------------------------ every route, every role
def routes(ids, vol):
    q, b, p = ids[ID_NAME], ids[LS_NAME], ids[PDF_NAME]
    return {
        "search": f"/?q={quote('低保')}",
        "record_qsz": f"/record/{q}",
        "record_bsx": f"/record/{b}",
        "page_qsz": f"/record/{p}/page/1.png",
        "original_qsz": f"/record/{q}/original",
        "original_bsx": f"/record/{b}/original",
        "volumes": "/volumes",
        "volume_pdf": f"/volumes/{vol}/pdf",
        "overview": "/overview",
        "overview_bsx": "/overview?office=BSX",
        "search_bsx": f"/?q={quote('救助')}&office=BSX",
        "admin_users": "/admin/users",
        "admin_uselog": "/admin/uselog",
        "admin_export": "/admin/uselog.xlsx",
    }


ALLOWED = {
    "clerk": {"search", "record_qsz", "page_qsz", "original_qsz", "volumes", "volume_pdf", "overview"},
    "clerk_bsx": {"search", "record_bsx", "original_bsx", "volumes", "overview", "overview_bsx", "search_bsx"},
    "archivist": {"search", "record_qsz", "record_bsx", "page_qsz", "original_qsz", "original_bsx", "volumes",
                  "volume_pdf", "overview", "overview_bsx", "search_bsx"},
    "inspector": {"search", "record_qsz", "record_bsx", "volumes", "overview", "overview_bsx", "search_bsx"},
    "admin": {"search", "record_qsz", "record_bsx", "page_qsz", "original_qsz", "original_bsx", "volumes",
              "volume_pdf", "overview", "overview_bsx", "search_bsx", "admin_users", "admin_uselog", "admin_export"},
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_every_route_for_every_role(site, role):
    settings, ids, titles, vol = site
    c = client_as(settings, role)
    for key, url in routes(ids, vol).items():
        r = c.get(url)
        if key in ALLOWED[role]:
            assert r.status_code == 200, (role, key, r.status_code, html(r)[:300])
        else:
            assert r.status_code == 403, (role, key, r.status_code)
            page = html(r)
            assert "禁止访问" in page
            # a forbidden page shows no data: neither the record's title, its file name nor an ID number
            for rid in (ids[ID_NAME], ids[LS_NAME]):
                assert (titles[rid] or "@@") not in page
            assert ID_NUMBER not in page and LS_NAME not in page and "刘大山" not in page


def test_anonymous_is_sent_to_login_everywhere(site):
    settings, ids, _, vol = site
    c = archive.create_app(settings).test_client()
    for url in routes(ids, vol).values():
        r = c.get(url)
        assert r.status_code == 302 and "/login?next=" in r.headers["Location"], url
    assert c.get("/static/style.css").status_code == 200      # the login page needs its style


def test_clerk_search_is_limited_to_the_own_office(site):
    settings, _ids, _, _ = site
    c = client_as(settings, "clerk_bsx")
    page = html(c.get("/?q=" + quote("救助")))
    assert "刘大山" in page or "白石乡" in page
    page = html(c.get("/?q=" + quote("低保")))          # QSZ has 低保 records: none of them shows
    assert "李家村" not in page and ID_NAME not in page
    assert 'value="QSZ"' not in page                       # the office filter offers only BSX


# ------------------------------------------------------------------ ID numbers
def test_full_ids_only_for_roles_that_need_them(site):
    settings, ids, _, _ = site
    url = f"/record/{ids[ID_NAME]}"
    for role, full in (("clerk", True), ("archivist", True), ("admin", True), ("inspector", False)):
        page = html(client_as(settings, role).get(url))
        assert (ID_NUMBER in page) is full, role
        assert (ID_MASKED in page) is not full, role
    page = html(client_as(settings, "inspector").get("/?q=" + quote("赵一民")))
    assert ID_NUMBER not in page and "赵一民" in page


def test_mask_ids_property():
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    digits = st.text(alphabet="0123456789", min_size=17, max_size=17)

    @hsettings(max_examples=200, deadline=None)
    @given(st.text(max_size=30), digits, st.sampled_from("0123456789Xx"), st.text(max_size=30))
    def prop(before, body, last, after):
        ident = body + last
        text = f"{before} {ident} {after}"
        out = accounts.mask_ids(text)
        assert ident not in out or ident in before + after
        assert len(out) == len(text)
        assert ident[:6] + "********" + ident[-4:].upper() in out
        from archive.web.auth import mask_marked
        marked = f"{before} 【{ident[:9]}】{ident[9:]} {after}"
        m = mask_marked(marked)
        assert len(m) == len(marked) and m.count("【") == marked.count("【")
        assert ident not in m.replace("【", "").replace("】", "") or ident in before + after

    prop()
    assert accounts.mask_ids("账号 6222021234567890123 不是身份证") == "账号 6222021234567890123 不是身份证"


# ------------------------------------------------------------------ login, logout, expiry, lock-out
def test_login_sets_a_safe_cookie_and_logout_ends_the_session(site):
    settings, ids, _, _ = site
    c = archive.create_app(settings).test_client()
    r = login(c, "archivist", next_=f"/record/{ids[ID_NAME]}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/record/{ids[ID_NAME]}")
    cookie = r.headers["Set-Cookie"]
    assert "mz_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    token = re.search(r"mz_session=([^;]+)", cookie).group(1)
    page = html(c.get("/"))
    assert "archivist（档案员）" in page
    r = c.post("/logout", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    c2 = archive.create_app(settings).test_client()
    c2.set_cookie("mz_session", token)                     # the old token is dead on the server too
    assert c2.get("/").status_code == 302


def test_open_redirect_is_refused(site):
    settings, *_ = site
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example"):
        c = archive.create_app(settings).test_client()
        r = login(c, "archivist", next_=evil)
        assert r.status_code == 302 and r.headers["Location"] == "/", evil


def test_secure_cookie_with_tls_or_behind_an_https_proxy(site):
    settings, *_ = site
    c = archive.create_app(settings, tls=True).test_client()
    assert "Secure" in login(c, "archivist").headers["Set-Cookie"]
    proxied = archive.load_settings(settings.root)
    proxied.data = {**proxied.data, "server": {"behind_https_proxy": True}}
    c = archive.create_app(proxied).test_client()
    token = csrf_of(html(c.get("/login", headers={"X-Forwarded-Proto": "https"})))
    r = c.post("/login", data={"name": "archivist", "password": PW, "csrf_token": token},
               headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"})
    assert "Secure" in r.headers["Set-Cookie"]
    assert use_rows(settings, action="login")[0]["address"] == "10.1.2.3"


def test_idle_session_expires(site, monkeypatch):
    settings, *_ = site
    c = client_as(settings, "inspector")
    assert c.get("/volumes").status_code == 200
    later = time.time() + sessions_mod.IDLE_SECONDS + 60
    monkeypatch.setattr(sessions_mod.time, "time", lambda: later)
    r = c.get("/volumes")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_lock_out_after_five_failures_and_each_failure_logged(site, monkeypatch):
    settings, *_ = site
    archive.add_account(settings, "locktest", "inspector", PW)
    c = archive.create_app(settings).test_client()
    for i in range(5):
        r = login(c, "locktest", "wrong-password-123")
        assert r.status_code == 401 and "用户名或密码不对" in html(r)
    r = login(c, "locktest")                                # the right password, but locked now
    assert r.status_code == 429 and "已锁定" in html(r) and "mz_session" not in r.headers.get("Set-Cookie", "")
    fails = use_rows(settings, action="login_failed", user="locktest")
    assert len(fails) >= 6 and all(f["address"] == "127.0.0.1" for f in fails)
    later = time.time() + users_mod.LOCK_SECONDS + 5
    monkeypatch.setattr(users_mod.time, "time", lambda: later)
    assert login(c, "locktest").status_code == 302           # 15 minutes later it opens again


def test_unknown_names_lock_the_same_way(site):
    settings, *_ = site
    c = archive.create_app(settings).test_client()
    for _ in range(5):
        assert login(c, "nobody-here", "x" * 12).status_code == 401
    assert login(c, "nobody-here", "x" * 12).status_code == 429


def test_disabled_user_is_logged_out(site):
    settings, *_ = site
    archive.add_account(settings, "leaver", "archivist", PW)
    c = client_as(settings, "leaver")
    assert c.get("/volumes").status_code == 200
    archive.disable_account(settings, "leaver")
    assert c.get("/volumes").status_code == 302
    r = login(c, "leaver")
    assert r.status_code == 401 and "停用" in html(r)


# ------------------------------------------------------------------ CSRF
def test_post_without_a_good_csrf_token_is_refused(site):
    settings, *_ = site
    c = client_as(settings, "admin")
    for data in ({}, {"csrf_token": "0" * 40}):
        r = c.post("/admin/users", data={"name": "x1", "role": "archivist", "password": PW, "password2": PW, **data})
        assert r.status_code == 403 and "安全校验" in html(r)
    assert archive.list_accounts(settings) and not any(u["name"] == "x1" for u in archive.list_accounts(settings))
    c2 = archive.create_app(settings).test_client()
    r = c2.post("/login", data={"name": "admin", "password": PW})
    assert r.status_code == 403


def test_admin_adds_and_disables_users_in_the_browser(site):
    settings, *_ = site
    c = client_as(settings, "admin")
    token = csrf_of(html(c.get("/admin/users")))
    r = c.post("/admin/users", data={"name": "新档案员", "role": "archivist", "password": PW, "password2": PW,
                                     "csrf_token": token})
    assert r.status_code == 302
    r = c.post("/admin/users", data={"name": "办事员二", "role": "clerk", "password": PW, "password2": PW,
                                     "csrf_token": token})
    assert r.status_code == 400 and "--office" in html(r)
    assert client_as(settings, "新档案员").get("/volumes").status_code == 200
    r = c.post(f"/admin/users/{quote('新档案员')}/disable", data={"csrf_token": token})
    assert r.status_code == 302
    assert next(u for u in archive.list_accounts(settings) if u["name"] == "新档案员")["disabled"]


# ------------------------------------------------------------------ the use log
def test_every_use_is_logged_and_exported(site):
    settings, ids, _, vol = site
    c = client_as(settings, "archivist")
    rid = ids[ID_NAME]
    c.get(f"/record/{rid}")
    c.get(f"/record/{rid}/original")
    c.get(f"/record/{ids[PDF_NAME]}/page/1.png")
    c.get(f"/volumes/{vol}/pdf")
    c.get("/?q=" + quote("复核"))
    c.get("/overview")
    rows = use_rows(settings, user="archivist")
    seen = {(r["action"], r["target"]) for r in rows}
    assert ("view", str(rid)) in seen and ("download", str(rid)) in seen and ("search", "复核") in seen
    assert ("page_image", f"{ids[PDF_NAME]} 第 1 页") in seen and any(a == "volume_pdf" for a, _ in seen)
    assert any(a == "report_view" for a, _ in seen)
    assert all(r["address"] == "127.0.0.1" and r["role"] == "archivist" for r in rows if r["action"] != "login")

    admin = client_as(settings, "admin")
    page = html(admin.get("/admin/uselog?user=archivist&action=view"))
    assert "查看记录" in page and "archivist" in page and "下载原件" not in page.split('id="uselog"')[1]
    r = admin.get("/admin/uselog.xlsx?user=archivist")
    assert r.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.data)).active
    header = [c.value for c in ws[1]]
    assert header[:6] == ["时间", "用户", "角色", "地址", "利用方式", "对象"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert any(row[4] == "下载原件" and row[5] == str(rid) for row in body)
    assert admin.get("/admin/uselog?since=yesterday").status_code == 400
    page = html(admin.get("/admin/uselog?text=" + quote("复核")))
    assert "复核" in page.split('id="uselog"')[1]
    assert "共 <b>0</b> 条" in html(admin.get("/admin/uselog?text=" + quote("复_核")))    # _ is not a wildcard


# ------------------------------------------------------------------ host names, huge ids, the index
def test_only_the_configured_host_names_are_accepted(site):
    settings, *_ = site
    c = archive.create_app(settings, allowed_hosts=["dangan.qingshan.example"]).test_client()
    for host in ("localhost", "127.0.0.1:8080", "[::1]:8080", "dangan.qingshan.example", "DANGAN.qingshan.example:443"):
        assert c.get("/login", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "dangan.qingshan.example.evil.example", "127.0.0.1.nip.io"):
        r = c.get("/login", headers={"Host": host})
        assert r.status_code == 400 and "不接受的主机名" not in html(r) and "主机名" in html(r), host


def test_huge_ids_are_never_a_500(site):
    settings, *_ = site
    app = archive.create_app(settings)
    c = client_as(settings, "admin")
    huge = ("9223372036854775808", "99999999999999999999999999", "9223372036854775807", "0")
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [a for a, conv in rule._converters.items() if type(conv).__name__ == "BoundedInt"]
        if not ints or "GET" not in rule.methods:
            continue
        for n in huge:
            url = rule.rule
            for a in ints:
                url = re.sub(rf"<int:{a}>|<int\([^)]*\):{a}>", n, url)
            url = re.sub(r"<[^>]+>", "x", url)
            r = c.get(url)
            assert r.status_code in (302, 400, 403, 404), (url, r.status_code)
            checked += 1
    assert checked >= 12


def test_missing_index_is_said_and_never_created(site, tmp_path):
    settings, *_ = site
    root = tmp_path / "copy"
    shutil.copytree(settings.root, root, ignore=shutil.ignore_patterns("index"))
    s = archive.load_settings(root)
    c = client_as(s, "archivist")
    page = html(c.get("/?q=" + quote("低保")))
    assert "index/" in page and "reindex" in page and "不存在" in page
    assert not (root / "index").exists()
    (root / "index").mkdir()
    (root / "index" / "meta.json").write_text("{ this is not json", encoding="utf-8")
    r = c.get("/?q=" + quote("低保"))
    page = html(r)
    assert r.status_code == 200 and "reindex" in page
    assert str(tmp_path) not in page and "/tmp" not in page and "Error" not in page


# ------------------------------------------------------------------ the password-less and shared-password modes
def test_loopback_without_accounts_is_read_only(tmp_path):
    root = tmp_path / "r"
    archive.init_root(root, sample=True)
    s = archive.load_settings(root)
    c = archive.create_app(s).test_client()
    page = html(c.get("/"))
    assert c.get("/").status_code == 200 and "只读" in page
    assert 'id="logout"' not in page and "mz_session" not in c.get("/").headers.get("Set-Cookie", "")
    assert c.post("/logout").status_code == 403
    assert c.get("/admin/users").status_code == 403
    far = archive.create_app(s, loopback=False).test_client()
    assert far.get("/").status_code == 302 and far.get("/login").status_code == 403


def test_shared_password_failures_are_slowed_and_logged(tmp_path, monkeypatch):
    import base64

    root = tmp_path / "r"
    archive.init_root(root, sample=True)
    s = archive.load_settings(root)
    c = archive.create_app(s, password="共用密码-青山-2026").test_client()

    def auth(pw):
        return {"Authorization": "Basic " + base64.b64encode(f"x:{pw}".encode()).decode()}

    monkeypatch.setattr("archive.web.auth.FAILED_LOGIN_DELAY", 0.2)
    t0 = time.perf_counter()
    assert c.get("/", headers=auth("guess-guess")).status_code == 401
    assert time.perf_counter() - t0 >= 0.2
    assert c.get("/", headers=auth("共用密码-青山-2026")).status_code == 200
    assert use_rows(s, action="login_failed")[0]["user_name"] == "（共用密码）"
    monkeypatch.setattr("archive.web.auth.FAILED_LOGIN_DELAY", 0)
    for _ in range(19):
        assert c.get("/", headers=auth("guess-guess")).status_code == 401
    r = c.get("/", headers=auth("共用密码-青山-2026"))        # 20 failures: even the right one waits now
    assert r.status_code == 429 and "15 分钟" in html(r)


# ------------------------------------------------------------------ TLS
def test_serve_with_cert_and_key_speaks_tls(tmp_path):
    import os
    import signal
    import socket
    import ssl
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    root = tmp_path / "r"
    archive.init_root(root, sample=True)
    r = run_cli(root, "serve", "--port", "1", "--cert", cert, "--key", tmp_path / "nokey.pem")
    assert r.exit_code == 4 and "找不到私钥文件" in r.stderr
    r = run_cli(root, "serve", "--port", "1", "--cert", key, "--key", key)
    assert r.exit_code == 4 and "无法使用" in r.stderr and "Traceback" not in r.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("minzheng")
    env = {k: v for k, v in os.environ.items() if k not in ("MINZHENG_SERVE_PASSWORD", "MINZHENG_ROOT")}
    proc = subprocess.Popen([str(exe), "--root", str(root), "serve", "--port", str(port), "--cert", str(cert),
                             "--key", str(key)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        line = proc.stdout.readline().decode("utf-8")
        assert f"https://127.0.0.1:{port}/" in line, line
        ctx = ssl.create_default_context(cafile=str(cert))
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/", context=ctx, timeout=30) as resp:
            assert resp.status == 200 and "全文检索" in resp.read().decode("utf-8")
        with urllib.request.urlopen(f"https://localhost:{port}/volumes", context=ctx, timeout=30) as resp:
            assert resp.status == 200
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):   # untrusted: refused
            urllib.request.urlopen(f"https://127.0.0.1:{port}/", context=ssl.create_default_context(), timeout=30)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0 and "服务器已停止" in err.decode("utf-8")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_behind_a_proxy_only_loopback_and_only_with_accounts():
    from archive.common.errors import ConfigError
    from archive.web.server import check_proxied

    check_proxied("127.0.0.1", True)
    with pytest.raises(ConfigError, match="只能监听本机回环地址"):
        check_proxied("0.0.0.0", True)
    with pytest.raises(ConfigError, match="必须先建立账号"):
        check_proxied("127.0.0.1", False)


def test_next_and_host_properties(tmp_path):
    """Whatever `next=` says, the login never sends the browser off this server; whatever Host says, only the
    allowed names pass (property-based)."""
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from archive.web.login import _safe_next

    root = tmp_path / "r"
    archive.init_root(root, sample=True)
    app = archive.create_app(archive.load_settings(root), allowed_hosts=["dangan.example"])
    chars = st.sampled_from(list("/\\\\:.@?#%\t\n\r ahttpsevil") + ["\u3000", "\x00", "\u200b"])

    @hsettings(max_examples=300, deadline=None)
    @given(st.text(chars, max_size=20))
    def nexts(target):
        with app.test_request_context("/login"):
            out = _safe_next(target)
        assert out == "/" or (out == target and out.startswith("/") and not out.startswith("//")
                              and not any(c.isspace() or c == "\\" or ord(c) < 32 for c in out))

    @hsettings(max_examples=300, deadline=None)
    @given(st.text(st.sampled_from(list("abcdlohstxmpe.:[]1270-")), max_size=30))
    def hosts(host):
        c = app.test_client()
        r = c.get("/login", headers={"Host": host})
        bare = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
        bare = bare[1:].split("]")[0] if bare.startswith("[") else bare
        if r.status_code != 400:
            assert bare.rstrip(".") in {"dangan.example", "localhost", "localhost.localdomain", "127.0.0.1", "::1"}

    nexts()
    hosts()
