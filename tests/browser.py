"""What the real-browser tests share: finding Chromium, starting `minzheng serve` on a free loopback
port in a thread, and a headless Chromium with the flags this machine's closed network needs."""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import archive

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000")


@contextmanager
def served(settings, **options):
    """(settings, base URL) while the server runs in a thread; closed afterwards."""
    box: dict = {}
    started = threading.Event()

    def ready(srv):
        box["server"] = srv
        started.set()

    t = threading.Thread(target=archive.serve, args=(settings,), daemon=True,
                         kwargs={"host": "127.0.0.1", "port": 0, "workers": 1, "ready": ready, **options})
    t.start()
    assert started.wait(30), "server did not start"
    srv = box["server"]
    try:
        yield settings, f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()
        t.join(10)


@contextmanager
def chromium(profile_dir: Path):
    """A headless Chromium (selenium) with its own empty profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + (f"--user-data-dir={profile_dir}",):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
