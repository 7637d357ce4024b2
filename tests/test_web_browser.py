"""End to end in real headless Chromium: the search page served by waitress on a loopback port.

Screenshots of every page go to $MZ_SCREENSHOT_DIR when set (to look at them), else to the test's tmp dir.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import archive
from archive import accounts
from archive.store import catalog

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from browser import CHROMIUM, DRIVER, chromium, served  # noqa: E402

if not (CHROMIUM and DRIVER):
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")

from test_web import PDF_NAME, build_root  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = build_root(tmp_path_factory.mktemp("browser"))
    with served(archive.load_settings(root)) as s:
        yield s


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as drv:
        yield drv


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ.get("MZ_SCREENSHOT_DIR") or tmp_path_factory.mktemp("shots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def full_shot(drv, path: Path) -> None:
    height = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(1280, min(max(height + 120, 700), 4000))
    drv.save_screenshot(str(path))
    drv.set_window_size(1280, 1000)


def test_type_a_chinese_query_and_see_the_hit(server, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    settings, base = server
    browser.get(base + "/")
    assert "全文检索" in browser.title
    full_shot(browser, shots / "1-search-empty.png")
    box = browser.find_element(By.ID, "q")
    box.send_keys("李家村城乡低保")
    browser.find_element(By.ID, "go").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "summary")))
    assert "q=" in browser.current_url
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert len(hits) == 1
    assert "李家村" in hits[0].find_element(By.CSS_SELECTOR, "mark").text or \
        any("李家村" in m.text for m in hits[0].find_elements(By.CSS_SELECTOR, "mark"))
    full_shot(browser, shots / "2-search-hit.png")

    hits[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "download")))
    assert PDF_NAME in browser.find_element(By.ID, "download").text
    img = browser.find_element(By.CSS_SELECTOR, "#p1 img")
    browser.execute_script("arguments[0].scrollIntoView()", img)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", img))
    browser.execute_script("window.scrollTo(0, 0)")
    full_shot(browser, shots / "3-record.png")


def test_other_pages_render(server, browser, shots):
    from selenium.webdriver.common.by import By

    _, base = server
    browser.get(base + "/?q=" + "火星殖民计划")
    assert browser.find_element(By.ID, "empty").is_displayed()
    full_shot(browser, shots / "4-search-none.png")
    browser.get(base + "/volumes")
    assert "案卷" in browser.find_element(By.TAG_NAME, "h1").text
    full_shot(browser, shots / "5-volumes.png")
    browser.get(base + "/overview")
    assert "完整性" in browser.find_element(By.TAG_NAME, "h1").text
    full_shot(browser, shots / "6-overview.png")
    browser.get(base + "/?year=abc")
    assert "年度" in browser.page_source
    full_shot(browser, shots / "7-bad-param.png")


# ------------------------------------------------------------------ with accounts: log in, work, be refused
PASSWORD = "青山县-档案-2026"


@pytest.fixture(scope="module")
def account_server(tmp_path_factory):
    root = build_root(tmp_path_factory.mktemp("browser-accounts"))
    settings = archive.load_settings(root)
    archive.add_account(settings, "王档案", "archivist", PASSWORD)
    archive.add_account(settings, "白石办事员", "clerk", PASSWORD, "BSX")
    archive.add_account(settings, "张管理", "admin", PASSWORD)
    with served(settings, has_accounts=True) as s:
        yield s


def log_in(browser, base, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(base + "/")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "login-button")))
    assert "/login" in browser.current_url and "登录" in browser.title
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-button").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "who")))
    assert name in browser.find_element(By.ID, "who").text


def test_archivist_logs_in_searches_and_opens_a_record(account_server, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    settings, base = account_server
    log_in(browser, base, "王档案")
    full_shot(browser, shots / "8-archivist-logged-in.png")
    browser.find_element(By.ID, "q").send_keys("李家村城乡低保")
    browser.find_element(By.ID, "go").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "summary")))
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert len(hits) == 1
    hits[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "download")))
    assert PDF_NAME in browser.find_element(By.ID, "download").text
    assert "审批意见" in browser.page_source
    full_shot(browser, shots / "9-archivist-record.png")
    conn = catalog.connect(settings.catalog_path)
    rows = accounts.use_rows(conn, accounts.UseFilter(user="王档案"))[1]
    conn.close()
    assert {"login", "search", "view"} <= {r["action"] for r in rows}


def test_clerk_gets_403_for_another_offices_record(account_server, browser, shots):
    from selenium.webdriver.common.by import By

    settings, base = account_server
    conn = catalog.connect(settings.catalog_path)
    qsz = conn.execute("SELECT id, title FROM records WHERE office='QSZ' ORDER BY id").fetchone()
    conn.close()
    log_in(browser, base, "白石办事员")
    browser.get(f"{base}/record/{qsz['id']}")
    assert "403" in browser.find_element(By.TAG_NAME, "h1").text
    assert "其他民政办" in browser.page_source and (qsz["title"] or "@@") not in browser.page_source
    full_shot(browser, shots / "10-clerk-403.png")
    browser.find_element(By.ID, "logout").click()
    assert "/login" in browser.current_url


def test_admin_reads_the_use_log(account_server, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    settings, base = account_server
    log_in(browser, base, "王档案")                    # something to find in the log
    conn = catalog.connect(settings.catalog_path)
    rid = conn.execute("SELECT id FROM records ORDER BY id").fetchone()[0]
    conn.close()
    browser.get(f"{base}/record/{rid}")
    log_in(browser, base, "张管理")
    browser.find_element(By.LINK_TEXT, "账号与利用登记").click()
    assert "白石办事员" in browser.find_element(By.ID, "users").text
    full_shot(browser, shots / "11-admin-users.png")
    browser.find_element(By.LINK_TEXT, "利用登记").click()
    browser.find_element(By.NAME, "user").send_keys("王档案")
    Select(browser.find_element(By.NAME, "action")).select_by_visible_text("查看记录")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    table = browser.find_element(By.ID, "uselog").text
    assert "王档案" in table and "查看记录" in table and f"记录 {rid}" in table and "白石办事员" not in table
    full_shot(browser, shots / "12-admin-uselog.png")
