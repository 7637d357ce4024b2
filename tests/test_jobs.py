"""Background jobs: ingest of uploaded files, generate, bind — queued in the catalog's jobs table, run by
one worker, surviving a killed server as `interrupted` and restartable."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document

import archive
from archive import jobs
from archive.store import catalog

PROJECT = Path(__file__).resolve().parent.parent

LETTER = "青山镇民政办关于做好二〇一九年冬春救助工作的通知\n各村（居）：现将冬春救助有关事项通知如下。"
LEDGER = "白石乡二〇一六年临时救助发放台账\n序号1 户主王秋生 家庭人口3人 救助金额2000元。"
HTML = "<!DOCTYPE html><html><head><title>登录</title></head><body><p>请登录</p></body></html>"


def up(name: str, text: str) -> tuple[str, io.BytesIO]:
    return name, io.BytesIO(text.encode("utf-8"))


@pytest.fixture
def settings(sample_root):
    s = archive.load_settings(sample_root)
    yield s
    jobs.stop_worker(s)


def records(settings) -> dict[str, dict]:
    conn = catalog.connect(settings.catalog_path)
    try:
        return {r["original_name"]: dict(r) for r in conn.execute("SELECT * FROM records")}
    finally:
        conn.close()


def wait_finished(settings, job_id: int, timeout: float = 60) -> jobs.Job:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = jobs.get_job(settings, job_id)
        if job.finished or job.state == "interrupted":
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job.state}")


def test_ingest_job_lists_ingested_duplicate_rejected_with_reasons(settings):
    job_id = jobs.submit_ingest(settings, [up("冬春救助通知.txt", LETTER), up("通知副本.txt", LETTER),
                                           up("下载的通知.docx", HTML)],
                                office="QSZ", category="WS", year=2019, retention="D10", user="档案员甲")
    queued = jobs.get_job(settings, job_id)
    assert queued.state == "queued" and queued.user == "档案员甲"
    assert (jobs.files_dir(settings, job_id) / "下载的通知.docx").is_file()
    [done] = jobs.Worker(settings, ingest_jobs=1).drain()
    assert done.id == job_id and done.state == "done", done.error
    res = done.result
    assert [r["original_name"] for r in res["ingested"]] == ["冬春救助通知.txt"]
    assert [r["original_name"] for r in res["duplicates"]] == ["通知副本.txt"]
    [rej] = res["rejected"]
    assert rej["original_name"] == "下载的通知.docx" and "网页" in rej["error"]
    assert done.progress["files_total"] == 3 and done.progress["files_done"] == 3 and done.progress["pages"] == 1
    assert not jobs.upload_dir(settings, job_id).exists(), "uploads are removed when the job ends"
    rec = records(settings)["冬春救助通知.txt"]
    assert (rec["office"], rec["category"], rec["year"], rec["retention"]) == ("QSZ", "WS", 2019, "D10")
    assert archive.search(settings, "冬春救助").total == 1
    assert archive.verify(settings).ok


def test_folder_upload_with_manifest(settings):
    manifest = "path,题名,机构,类别,年度,保管期限\nsub/台账.txt,白石乡2016年临时救助发放台账,BSX,LS,2016,D30\n通知.txt,冬春救助通知,QSZ,WS,2019,D10\n"
    jobs.submit_ingest(settings, [up("扫描件/sub/台账.txt", LEDGER), up("扫描件/通知.txt", LETTER),
                                           up("扫描件/清单.csv", manifest)],
                                manifest=up("清单.csv", manifest))
    [done] = jobs.Worker(settings, ingest_jobs=1).drain()
    assert done.state == "done", done.error
    assert sorted(r["original_name"] for r in done.result["ingested"]) == ["台账.txt", "通知.txt"]
    recs = records(settings)
    assert recs["台账.txt"]["title"] == "白石乡2016年临时救助发放台账"
    assert (recs["台账.txt"]["office"], recs["台账.txt"]["year"]) == ("BSX", 2016)
    assert "清单.csv" not in recs, "the manifest is not ingested as a document"


def test_bad_manifest_fails_the_job_with_a_chinese_reason(settings):
    manifest = "path,机构\n通知.txt,XYZ\n"
    job_id = jobs.submit_ingest(settings, [up("通知.txt", LETTER)], manifest=up("清单.csv", manifest))
    [done] = jobs.Worker(settings, ingest_jobs=1).drain()
    assert done.id == job_id and done.state == "failed"
    assert "XYZ" in done.error and "第 2 行" in done.error
    assert records(settings) == {}


def test_unsafe_names_stay_inside_the_upload_folder(settings):
    job_id = jobs.submit_ingest(settings, [up("../../minzheng.toml", LETTER), up("/etc/passwd", LEDGER)])
    folder = jobs.files_dir(settings, job_id)
    saved = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert saved == ["etc/passwd", "minzheng.toml"]
    assert "冬春" not in (settings.root / "minzheng.toml").read_text(encoding="utf-8")


def test_two_uploads_at_once_queue_and_neither_fails(settings):
    worker = jobs.start_worker(settings, poll=0.2, ingest_jobs=1)
    ids: list[int] = []
    errors: list = []

    def upload(n):
        try:
            ids.append(jobs.submit_ingest(settings, [up(f"文件{n}-{i}.txt", f"第{n}批第{i}份 {LETTER}")
                                                     for i in range(3)], office="QSZ", category="WS",
                                          year=2019, retention="D10", user=f"用户{n}"))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(ids) == 2
    done = [wait_finished(settings, i) for i in ids]
    assert [j.state for j in done] == ["done", "done"], [j.error for j in done]
    assert sum(len(j.result["ingested"]) for j in done) == 6
    assert len(records(settings)) == 6
    assert worker.alive
    assert archive.verify(settings).ok


def test_generate_job_keeps_each_run(settings):
    first = jobs.submit_generate(settings, "QSZ", ["roster"], year=2025, user="办事员")
    second = jobs.submit_generate(settings, "QSZ", ["roster", "inspection"], year=2025, user="办事员")
    done = jobs.Worker(settings).drain()
    assert [j.id for j in done] == [first, second] and all(j.state == "done" for j in done)
    a, b = (j.result["files"] for j in done)
    assert a == [f"out/QSZ/{Path(a[0]).parent.name}/QSZ-roster.docx"]
    assert len(b) == 2 and Path(a[0]).parent != Path(b[0]).parent, "a later run does not overwrite an earlier one"
    for f in a + b:
        assert (settings.root / f).is_file()
    text = "\n".join(c.text for t in Document(settings.root / a[0]).tables for r in t.rows for c in r.cells)
    assert "主任" in text
    assert done[0].progress["message"] == "生成完成：共 1 个文件" and done[1].result["log"][0].startswith("青山镇")


def test_bind_job_and_an_empty_selection_fails_then_can_be_restarted(settings):
    empty = jobs.submit_bind(settings, "QSZ", 2016, "LS")
    [failed] = jobs.Worker(settings).drain()
    assert failed.id == empty and failed.state == "failed" and "没有 QSZ 2016 年 LS 类的记录" in failed.error
    jobs.submit_ingest(settings, [up("台账.txt", LEDGER)], office="QSZ", category="LS", year=2016, retention="D30")
    worker = jobs.Worker(settings, ingest_jobs=1)
    assert [j.state for j in worker.drain()] == ["done"]
    again = jobs.restart_job(settings, empty)
    assert again.state == "queued" and again.restarts == 1
    assert [j.state for j in worker.drain()] == ["done"]
    bound = jobs.get_job(settings, empty)
    [vol] = bound.result["volumes"]
    assert vol["archival_code"] == "Z109-LS·2016-D30-QSZ-J001"
    assert (settings.root / vol["pdf"]).is_file() and (settings.root / vol["labels"]).is_file()
    assert vol["pdf"].startswith("volumes/QSZ/2016/")
    assert bound.result["volume_ids"]
    with pytest.raises(archive.MinzhengError, match="只有已中断或失败的任务"):
        jobs.restart_job(settings, empty)


WORKER_SCRIPT = """
import sys, archive
from archive import jobs
s = archive.load_settings(sys.argv[1])
w = jobs.Worker(s, ingest_jobs=1)
assert w.try_lock()
print("ready", flush=True)
w.run_once()
"""


def test_killed_server_leaves_job_interrupted_and_restart_finishes_it(settings):
    job_id = jobs.submit_ingest(settings, [up(f"文件{i}.txt", f"第{i}份 {LETTER}") for i in range(3)],
                                office="QSZ", category="WS", year=2019, retention="D10")
    env = {**os.environ, "MINZHENG_TEST_SLOW_STAGE": "extract_text=2"}
    proc = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(settings.root)], env=env,
                            stdout=subprocess.PIPE, text=True, cwd=PROJECT)
    try:
        assert proc.stdout.readline().strip() == "ready"
        end = time.monotonic() + 60
        while jobs.get_job(settings, job_id).state != "running" and time.monotonic() < end:
            time.sleep(0.1)
        time.sleep(2.5)                                     # inside the first file's extract_text
        # a second worker cannot take the lock while the first one lives
        assert not jobs.Worker(settings).try_lock()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    assert jobs.get_job(settings, job_id).state == "running"
    w = jobs.Worker(settings, ingest_jobs=1)
    assert w.try_lock()                                     # the new server's worker: running → interrupted
    job = jobs.get_job(settings, job_id)
    assert job.state == "interrupted" and job.restartable
    assert jobs.files_dir(settings, job_id).is_dir(), "an interrupted ingest keeps its uploads"
    jobs.restart_job(settings, job_id)
    [done] = w.drain()
    assert done.state == "done", done.error
    names = sorted(r["original_name"] for r in done.result["ingested"] + done.result["duplicates"])
    assert names == ["文件0.txt", "文件1.txt", "文件2.txt"]
    assert sorted(records(settings)) == ["文件0.txt", "文件1.txt", "文件2.txt"]
    assert archive.verify(settings).ok


def test_an_upload_that_never_finished_fails_after_hours_not_at_once(settings):
    conn = catalog.connect(settings.catalog_path)
    try:
        old = conn.execute("INSERT INTO jobs(kind, state, params, created_at) VALUES "
                           "('ingest', 'uploading', '{}', '2020-01-01T08:00:00+00:00')").lastrowid
        fresh = conn.execute("INSERT INTO jobs(kind, state, params, created_at) VALUES ('ingest', 'uploading', '{}', ?)",
                             (catalog.now(),)).lastrowid
    finally:
        conn.close()
    assert jobs.Worker(settings).try_lock()
    assert jobs.get_job(settings, old).state == "failed" and "请重新上传" in jobs.get_job(settings, old).error
    assert jobs.get_job(settings, fresh).state == "uploading", "another process may still be receiving it"


def test_results_name_files_inside_the_root_when_the_root_is_given_relative(settings, monkeypatch):
    monkeypatch.chdir(settings.root.parent)
    rel = archive.load_settings(settings.root.name)
    assert not rel.root.is_absolute()
    jobs.submit_generate(rel, "BSX", ["roster"], year=2025)
    [done] = jobs.Worker(rel).drain()
    [f] = done.result["files"]
    assert f.startswith("out/BSX/") and (settings.root / f).is_file()
