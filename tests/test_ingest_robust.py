"""Ingest never stops on one file: a failing guess leaves the field empty, a failure in any stage rejects or
defers that file only, an unfinished record is finished by the next run, and one that keeps failing is
rejected after a few attempts instead of blocking every later ingest."""
from __future__ import annotations

import importlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli as cli_module

guess_module = importlib.import_module("archive.intake.guess")
ingest_module = importlib.import_module("archive.intake.ingest")   # the package's `ingest` is the function

INGEST = ("ingest", "--office", "QSZ", "--category", "WS", "--year", "2024", "--retention", "D10", "--jobs", "1",
          "--no-ocr", "--json")


def mz(root, *args):
    return CliRunner().invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={})


def ingest(root, *paths):
    r = mz(root, *INGEST, *paths)
    assert "Traceback" not in r.output and not (r.exception and not isinstance(r.exception, SystemExit)), r.output
    return json.loads(r.stdout) if r.stdout.strip().startswith("{") else None


def records(root) -> list[dict]:
    conn = sqlite3.connect(Path(root) / "catalog.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM records ORDER BY id")]
    finally:
        conn.close()


def verify_clean(root):
    r = mz(root, "verify", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["problems"] == []


def texts(tmp_path, **named) -> list[Path]:
    out = []
    for name, body in named.items():
        p = tmp_path / f"{name}.txt"
        p.write_text(body, encoding="utf-8")
        out.append(p)
    return out


def test_text_with_two_iso_dates_is_ingested(sample_root, tmp_path):
    (a,) = texts(tmp_path, a="说明\n2024-01-02 至 2024-03-04\n")
    out = ingest(sample_root, a)
    assert [r["original_name"] for r in out["ingested"]] == ["a.txt"] and out["rejected"] == []
    (rec,) = records(sample_root)
    assert rec["state"] == "indexed" and rec["doc_date"] == "2024-03-04"
    verify_clean(sample_root)


def test_generated_ledgers_are_ingested(sample_root, tmp_path):
    r = mz(sample_root, "generate", "ledger", "--office", "QSZ", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    made = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert any(n.endswith(".docx") for n in made) and any(n.endswith(".xlsx") for n in made)
    out = ingest(sample_root, tmp_path / "out")
    assert sorted(r["original_name"] for r in out["ingested"]) == made and out["rejected"] == []
    assert all(r["state"] == "indexed" and r["title"] for r in records(sample_root))
    verify_clean(sample_root)


def test_a_failing_guess_leaves_the_fields_empty(root, tmp_path, monkeypatch):
    def broken(text):
        raise IndexError("list index out of range")

    monkeypatch.setattr(guess_module, "guess_metadata", broken)
    (a,) = texts(tmp_path, 通知="青山县民政局关于做好救助工作的通知\n青民发〔2016〕3号\n2016年1月2日")
    out = ingest(root, a)
    assert len(out["ingested"]) == 1 and out["rejected"] == []
    (rec,) = records(root)
    assert rec["state"] == "indexed" and rec["doc_number"] is None and rec["doc_date"] is None
    assert rec["title"] == "通知"                     # the file's name stands in, marked 待核
    verify_clean(root)


def test_a_failure_in_one_file_rejects_only_that_file(root, tmp_path, monkeypatch):
    real = ingest_module.write_pages

    def write_pages(settings, sha, pages):
        if "坏" in pages[0]:
            raise ValueError("boom")
        return real(settings, sha, pages)

    monkeypatch.setattr(ingest_module, "write_pages", write_pages)
    files = texts(tmp_path, 一="第一份好文件", 二="这一份是坏文件", 三="第三份好文件")
    out = ingest(root, *files)
    assert sorted(r["original_name"] for r in out["ingested"]) == ["一.txt", "三.txt"]
    (rej,) = out["rejected"]
    assert rej["original_name"] == "二.txt" and "出错" in rej["error"] and "ValueError" in rej["error"]
    assert [r["state"] for r in records(root)] == ["indexed", "indexed"]
    verify_clean(root)


def test_a_full_disk_defers_the_file_to_the_next_run(root, tmp_path, monkeypatch):
    real = ingest_module.write_pages

    def full(settings, sha, pages):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest_module, "write_pages", full)
    (a,) = texts(tmp_path, 台账="临时救助台账")
    out = ingest(root, a)
    (rej,) = out["rejected"]
    assert "下次运行 minzheng ingest 时会补完" in rej["error"]
    assert [r["state"] for r in records(root)] == ["stored"]
    monkeypatch.setattr(ingest_module, "write_pages", real)
    (b,) = texts(tmp_path, 花名册="花名册")
    out = ingest(root, b)
    assert [r["original_name"] for r in out["ingested"]] == ["花名册.txt"]
    assert [r["state"] for r in records(root)] == ["indexed", "indexed"]
    verify_clean(root)


def _crash_on(monkeypatch, marker: str):
    """A process killed while finishing the file whose text holds `marker` (the record stays unfinished)."""
    real = ingest_module.write_pages

    def write_pages(settings, sha, pages):
        if marker in pages[0]:
            raise KeyboardInterrupt
        return real(settings, sha, pages)

    monkeypatch.setattr(ingest_module, "write_pages", write_pages)


def test_unfinished_record_is_finished_by_the_next_run(root, tmp_path, monkeypatch):
    (a,) = texts(tmp_path, 中断="说明\n2024-01-02 至 2024-03-04\n")
    with monkeypatch.context() as m:
        _crash_on(m, "说明")
        ingest(root, a)
    assert [r["state"] for r in records(root)] == ["stored"]
    (b,) = texts(tmp_path, 其他="另一份文件")
    out = ingest(root, b)
    assert [r["original_name"] for r in out["ingested"]] == ["其他.txt"] and out["rejected"] == []
    assert [(r["original_name"], r["state"]) for r in records(root)] == [("中断.txt", "indexed"),
                                                                           ("其他.txt", "indexed")]
    verify_clean(root)


def test_a_record_that_keeps_failing_does_not_block_later_ingests(root, tmp_path, monkeypatch):
    _crash_on(monkeypatch, "卡住")
    (stuck,) = texts(tmp_path, 卡住="卡住的文件")
    ingest(root, stuck)
    for i in range(ingest_module.MAX_RESUME):            # every later run tries to finish it and is killed again
        (f,) = texts(tmp_path, **{f"第{i}份": f"第{i}份正常文件"})
        ingest(root, f)
        assert records(root)[0]["state"] == "stored"
    (last,) = texts(tmp_path, 最后="最后一份正常文件")
    out = ingest(root, last)
    assert [r["original_name"] for r in out["ingested"]] == ["最后.txt"]
    (rej,) = out["rejected"]
    assert rej["original_name"] == "卡住.txt" and "已尝试补完" in rej["error"]
    states = {r["original_name"]: r["state"] for r in records(root)}
    assert "卡住.txt" not in states and set(states.values()) == {"indexed"} and len(states) == 4
    verify_clean(root)


@pytest.mark.parametrize("body", [
    "2016-02-30 至 2016年13月5日",
    "二〇一六年十三月三十二日\n2016.1.2",
    "日期：\n印发\n2016-01-02印发",
    "关于的通知〔〕号",
])
def test_odd_dates_and_numbers_do_not_stop_ingest(root, tmp_path, body):
    (a,) = texts(tmp_path, 奇怪=body)
    out = ingest(root, a)
    assert len(out["ingested"]) == 1 and out["rejected"] == []
    verify_clean(root)


# ---------------------------------------------------------------- household guesses stay in the record's office
def _recipient(root, office: str):
    from archive.store.config import load_settings
    from generators.office import load_county

    county = load_county(load_settings(root))
    others = {r.name for o in county.offices if o.code != office for r in o.recipients}
    own = county.office(office).recipients
    # a recipient whose name no other office has, so that a name match alone would find them
    return next(r for r in own if r.name not in others and len(r.name) >= 2)


@pytest.mark.parametrize("by", ["id", "name"])
def test_household_guess_stays_within_the_records_office(sample_root, tmp_path, by):
    lhz = _recipient(sample_root, "LHZ")
    who = f"申请人：{lhz.name}  身份证号：{lhz.id_number}" if by == "id" else f"申请人：{lhz.name}"
    p = tmp_path / "申请书.txt"
    p.write_text(f"最低生活保障申请书\n{who}\n", encoding="utf-8")
    out = ingest(sample_root, p)                                  # --office QSZ
    assert len(out["ingested"]) == 1
    (rec,) = records(sample_root)
    assert rec["office"] == "QSZ" and rec["household"] is None
    assert rec["document_type"] == "申请书"                        # the rest is still guessed
    # the same text filed under the recipient's own office finds the household
    q = tmp_path / "申请书（龙湖）.txt"
    q.write_text(f"最低生活保障申请书\n{who}\n龙湖镇\n", encoding="utf-8")
    r = mz(sample_root, *[a if a != "QSZ" else "LHZ" for a in INGEST], q)
    assert r.exit_code == 0, r.output
    rec = records(sample_root)[-1]
    assert rec["office"] == "LHZ" and rec["household"] == lhz.id_number and "household" in rec["needs_review"]


def test_no_office_no_household_guess(sample_root, tmp_path):
    lhz = _recipient(sample_root, "LHZ")
    p = tmp_path / "申请书.txt"
    p.write_text(f"申请书\n申请人：{lhz.name}  身份证号：{lhz.id_number}\n", encoding="utf-8")
    r = mz(sample_root, "ingest", "--jobs", "1", "--no-ocr", p)
    assert r.exit_code == 0, r.output
    (rec,) = records(sample_root)
    assert rec["office"] is None and rec["household"] is None
