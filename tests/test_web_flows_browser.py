"""Each role's main flow in real headless Chromium against waitress: log in → do the job → see the result.
The clerk generates ledgers and downloads one, the archivist uploads two files and sees them ingested, the
inspector opens the completeness dashboard and drills into a household. The job pages update themselves
(static/jobs.js polls the job's JSON) — no reload by the test.

Screenshots go to $MZ_SCREENSHOT_DIR when set, else to the test's tmp dir."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import archive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from browser import CHROMIUM, DRIVER, chromium, served  # noqa: E402

if not (CHROMIUM and DRIVER):
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from test_web_browser import full_shot
from test_web_pages import PASSWORD, USERS, make_root


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = make_root(tmp_path_factory.mktemp("flows"))
    with served(settings, has_accounts=True) as srv:
        yield srv
    archive.jobs.stop_worker(settings)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ.get("MZ_SCREENSHOT_DIR") or tmp_path_factory.mktemp("shots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def browser(tmp_path):
    with chromium(tmp_path / "profile") as drv:
        yield drv


def log_in(drv, base: str, who: str, start: str) -> None:
    drv.get(base + start)
    WebDriverWait(drv, 30).until(EC.presence_of_element_located((By.ID, "login-button")))
    drv.find_element(By.NAME, "name").send_keys(USERS[who][0])
    drv.find_element(By.NAME, "password").send_keys(PASSWORD)
    drv.find_element(By.ID, "login-button").click()
    WebDriverWait(drv, 30).until(EC.presence_of_element_located((By.ID, "who")))
    assert drv.current_url.endswith(start), drv.current_url


def test_clerk_generates_ledgers_and_sees_the_download_links(server, browser, shots):
    _settings, base = server
    log_in(browser, base, "clerk", "/clerk/QSZ")
    assert "青山镇民政办" in browser.find_element(By.TAG_NAME, "h1").text
    full_shot(browser, shots / "clerk-1-office.png")
    assert browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=ledger]").is_selected()
    browser.find_element(By.ID, "generate-button").click()
    WebDriverWait(browser, 120).until(EC.presence_of_element_located((By.ID, "files")))   # appears by itself
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#files a.download")}
    assert "QSZ-ledger-TK.xlsx" in links and "QSZ-ledger-TK.docx" in links
    assert "已完成" in browser.find_element(By.CSS_SELECTOR, ".job-state").text
    full_shot(browser, shots / "clerk-2-run.png")
    # the link serves the file to this session (fetched in the page, same origin)
    size = browser.execute_script(
        "var r = new XMLHttpRequest(); r.open('GET', arguments[0], false); r.send(); return [r.status, r.getResponseHeader('Content-Disposition')];",
        links["QSZ-ledger-TK.xlsx"])
    assert size[0] == 200 and "QSZ-ledger-TK.xlsx" in size[1]


def test_archivist_uploads_two_files_and_sees_them_ingested(server, browser, shots, tmp_path):
    settings, base = server
    a = tmp_path / "柳河镇2021年救灾款发放通知.txt"
    b = tmp_path / "柳河镇2021年灾情核查表.txt"
    a.write_text("柳河镇人民政府关于发放二〇二一年救灾救济款的通知\n各村：经县民政局批准，现发放救灾款。\n", encoding="utf-8")
    b.write_text("柳河镇二〇二一年灾情核查表\n受灾户 王大春 房屋倒塌 二间\n", encoding="utf-8")
    log_in(browser, base, "archivist", "/archivist/")
    full_shot(browser, shots / "archivist-1-home.png")
    browser.find_element(By.ID, "files").send_keys(f"{a}\n{b}")
    form = browser.find_element(By.ID, "upload")
    form.find_element(By.CSS_SELECTOR, "select[name=office] option[value=LHZ]").click()
    form.find_element(By.CSS_SELECTOR, "select[name=category] option[value=JZ]").click()
    form.find_element(By.NAME, "year").send_keys("2021")
    form.find_element(By.CSS_SELECTOR, "select[name=retention] option[value=D10]").click()
    browser.find_element(By.ID, "upload-button").click()
    WebDriverWait(browser, 120).until(EC.presence_of_element_located((By.ID, "ingested")))
    section = browser.find_element(By.ID, "ingested")
    assert "已导入（2 件）" in section.text and a.name in section.text and b.name in section.text
    assert "拒收（0 件）" in browser.find_element(By.ID, "rejected").text
    full_shot(browser, shots / "archivist-2-ingested.png")
    assert archive.search(settings, "灾情核查表").total == 1
    # a whole folder with a manifest whose paths are relative to that folder
    folder = tmp_path / "扫描件"
    (folder / "sub").mkdir(parents=True)
    (folder / "通知.txt").write_text("松桥乡民政办冬春救助通知 正文\n", encoding="utf-8")
    (folder / "sub" / "台账.txt").write_text("松桥乡临时救助台账 正文\n", encoding="utf-8")
    manifest = tmp_path / "清单.csv"
    manifest.write_text("path,题名,机构,类别,年度,保管期限\nsub/台账.txt,松桥乡2016年临时救助台账,SQX,LS,2016,D30\n"
                        "通知.txt,松桥乡冬春救助通知,SQX,WS,2019,D10\n", encoding="utf-8")
    browser.get(base + "/archivist/")
    browser.find_element(By.ID, "folder").send_keys(str(folder))
    browser.find_element(By.ID, "manifest").send_keys(str(manifest))
    browser.find_element(By.ID, "upload-button").click()
    WebDriverWait(browser, 120).until(EC.presence_of_element_located((By.ID, "ingested")))
    assert "已导入（2 件）" in browser.find_element(By.ID, "ingested").text
    hits = archive.search(settings, "松桥乡临时救助台账", office="SQX").hits
    assert [(h["title"], h["year"], h["category"]) for h in hits] == [("松桥乡2016年临时救助台账", 2016, "LS")]


def test_inspector_opens_the_dashboard_and_drills_into_a_household(server, browser, shots):
    _, base = server
    log_in(browser, base, "inspector", "/inspector/")
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 3 and charts[0].size["width"] > 300
    assert "云台镇" in browser.find_element(By.ID, "completeness-table").text
    full_shot(browser, shots / "inspector-1-dashboard.png")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#completeness-table tbody tr") if "云台镇" in r.text)
    row.find_element(By.LINK_TEXT, "缺件明细").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "households")))
    assert "云台镇" in browser.find_element(By.TAG_NAME, "h1").text
    full_shot(browser, shots / "inspector-2-office.png")
    first = browser.find_element(By.CSS_SELECTOR, "#households tbody tr")
    name = first.find_elements(By.TAG_NAME, "td")[1].text
    first.find_element(By.CSS_SELECTOR, "a.household-link").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "required")))
    assert name in browser.find_element(By.TAG_NAME, "h1").text
    assert "缺少" in browser.find_element(By.ID, "required").text
    assert "********" in browser.page_source              # the inspector sees the household's ID masked
    full_shot(browser, shots / "inspector-3-household.png")
