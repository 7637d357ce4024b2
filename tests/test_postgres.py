"""The catalog on PostgreSQL: the archive's jobs through the real CLI on a throw-away cluster, migration
both ways with counts and checksums, and concurrent writers (nothing lost, nothing doubled)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive.store import catalog, db
from archive.store.config import load_settings

PROJECT = Path(__file__).resolve().parent.parent

TEXTS = {
    "申请.txt": "临时救助申请书\n申请人张大山，青山镇东村，因病致贫，申请临时救助。\n2016年3月5日",
    "通知.txt": "青山县民政局关于做好2016年低保年审工作的通知\n青民发〔2016〕3号\n各乡镇民政办：请做好年审。",
    "台账.txt": "2016年临时救助台账\n序号 姓名 金额\n1 张大山 800.00\n2 李小花 600.00",
}


def mz(root, *args, env_url=None, code=0, check=True):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "LANG": "C.UTF-8"}
    if env_url:
        env["MINZHENG_CATALOG_URL"] = env_url
    r = subprocess.run([sys.executable, str(PROJECT / "cli.py"), "--root", str(root), *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert r.returncode == code, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    return r


def texts(tmp_path: Path, names=TEXTS) -> Path:
    d = tmp_path / "in"
    d.mkdir(parents=True, exist_ok=True)
    for name, text in names.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.fixture
def pg_root(tmp_path, pg_url):
    root = tmp_path / "root"
    mz(root, "init", "--sample", env_url=pg_url)
    return root, pg_url


def test_every_job_on_postgres(pg_root, tmp_path):
    root, url = pg_root
    assert not (root / "catalog.sqlite3").exists()          # the catalog lives in PostgreSQL, not in the root
    got = json.loads(mz(root, "ingest", texts(tmp_path), "--office", "QSZ", "--category", "LS", "--year", "2016",
                        "--retention", "D10", "--json", env_url=url).stdout)
    assert len(got["ingested"]) == 3 and not got["rejected"]
    again = json.loads(mz(root, "ingest", texts(tmp_path), "--office", "QSZ", "--json", env_url=url).stdout)
    assert len(again["duplicates"]) == 3 and not again["ingested"]
    hits = json.loads(mz(root, "search", "张大山", "--json", env_url=url).stdout)["hits"]
    assert {h["original_name"] for h in hits} == {"申请.txt", "台账.txt"}
    rid = next(h["record_id"] for h in hits if h["original_name"] == "申请.txt")
    assert "临时救助申请书" in mz(root, "show", rid, "--text", env_url=url).stdout
    bound = json.loads(mz(root, "bind", "--office", "QSZ", "--year", "2016", "--category", "LS", "--json",
                          env_url=url).stdout)
    assert bound["volumes"] and len(bound["volumes"][0]["documents"]) == 3
    comp = json.loads(mz(root, "report", "completeness", "--json", env_url=url).stdout)
    assert comp["summary"]["offices"] == 6
    std = json.loads(mz(root, "report", "standardization", "--json", env_url=url).stdout)
    assert {o["code"] for o in std["offices"]} >= {"QSZ", "YTZ"}
    assert "未发现问题" in mz(root, "verify", env_url=url).stdout
    mz(root, "reindex", env_url=url)
    assert json.loads(mz(root, "search", "年审", "--json", env_url=url).stdout)["total"] == 1
    with catalog.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM events WHERE kind='bind'").fetchone()[0] >= 1


def test_unreachable_database_is_a_chinese_error(tmp_path):
    root = tmp_path / "root"
    r = mz(root, "init", env_url="postgresql://nobody@/nowhere?host=/nonexistent-socket-dir", check=False)
    assert r.returncode != 0 and "连接不上目录库" in r.stderr and "MINZHENG_CATALOG_URL" in r.stderr


def test_migrate_to_postgres_and_back(tmp_path, pg_url):
    root = tmp_path / "root"
    mz(root, "init", "--sample")
    mz(root, "ingest", texts(tmp_path), "--office", "QSZ", "--category", "LS", "--year", "2016", "--retention", "D10")
    mz(root, "bind", "--office", "QSZ", "--year", "2016", "--category", "LS")
    before = mz(root, "search", "张大山", "--json").stdout
    rep = json.loads(mz(root, "catalog", "migrate", "--to", pg_url, "--json").stdout)
    assert rep["tables"]["records"] == 3 and rep["tables"]["volumes"] == 1 and rep["tables"]["offices"] == 6
    assert set(rep["checksums"]) >= {"records", "volumes", "volume_items", "events", "offices"}
    settings = load_settings(root)
    assert db.is_postgres(settings.catalog_url)                   # minzheng.toml now points at PostgreSQL
    assert json.loads(mz(root, "search", "张大山", "--json").stdout) == json.loads(before)
    assert "未发现问题" in mz(root, "verify").stdout
    # new rows get new ids after the copied ones (the identity sequence was moved on)
    mz(root, "ingest", texts(tmp_path, {"新.txt": "二〇一六年救灾物资发放登记"}), "--office", "QSZ")
    with catalog.connect(pg_url) as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM records ORDER BY id")] == [1, 2, 3, 4]
    # refusing to overwrite: the same database again
    r = mz(root, "catalog", "migrate", "--to", pg_url, check=False)
    assert r.returncode != 0 and "已经" in r.stderr
    back = tmp_path / "back.sqlite3"
    rep2 = json.loads(mz(root, "catalog", "migrate", "--to", f"sqlite:{back}", "--json").stdout)
    assert rep2["tables"]["records"] == 4 and back.is_file()
    assert str(load_settings(root).catalog_url) == f"sqlite:{back}"
    assert json.loads(mz(root, "search", "救灾物资", "--json").stdout)["total"] == 1
    assert "未发现问题" in mz(root, "verify").stdout


def test_migrate_refuses_a_database_with_records(tmp_path, pg_root):
    other, url = pg_root
    mz(other, "ingest", texts(tmp_path), "--office", "QSZ", env_url=url)
    root = tmp_path / "second"
    mz(root, "init")
    r = mz(root, "catalog", "migrate", "--to", url, check=False)
    assert r.returncode != 0 and "不会覆盖" in r.stderr
    assert not db.is_postgres(load_settings(root).catalog_url)     # settings untouched


def test_concurrent_ingests_and_searches_lose_and_double_nothing(pg_root, tmp_path):
    """Four ingests at once (the same file sent by two offices among them) while searches run."""
    root, url = pg_root
    batches = []
    for b in range(4):
        files = {f"b{b}-{i}.txt": f"第{b}批第{i}份 民政救助登记 编号{b}-{i}" for i in range(5)}
        files["共同.txt"] = "同一份文件：临时救助审批表 共同件"
        batches.append(texts(tmp_path / f"batch{b}", files))
    results, errors = [], []

    def ingest(d, office):
        try:
            results.append(json.loads(mz(root, "ingest", d, "--office", office, "--json", env_url=url).stdout))
        except AssertionError as e:
            errors.append(str(e))

    def search():
        for _ in range(5):
            try:
                mz(root, "search", "民政救助", "--json", env_url=url)
            except AssertionError as e:
                errors.append(str(e))

    threads = [threading.Thread(target=ingest, args=(d, o)) for d, o in zip(batches, ["QSZ", "LHZ", "QSZ", "BSX"])]
    threads += [threading.Thread(target=search)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with catalog.connect(url) as conn:
        names = [r[0] for r in conn.execute("SELECT original_name FROM records")]
        states = {r[0] for r in conn.execute("SELECT state FROM records")}
    assert len(names) == 21 and names.count("共同.txt") == 1 and states == {"indexed"}
    ingested = sum(len(r["ingested"]) for r in results)
    dups = sum(len(r["duplicates"]) for r in results)
    assert ingested == 21 and dups == 3
    assert json.loads(mz(root, "search", "民政救助", "--json", env_url=url).stdout)["total"] == 20
    assert "未发现问题" in mz(root, "verify", env_url=url).stdout


def test_search_in_postgres_and_back_to_tantivy(tmp_path, pg_url):
    """catalog migrate --index postgres puts search in the database; the query language works the same;
    going back to SQLite rebuilds a tantivy index."""
    root = tmp_path / "root"
    mz(root, "init", "--sample")
    mz(root, "ingest", texts(tmp_path), "--office", "QSZ", "--category", "LS", "--year", "2016", "--retention", "D10")
    queries = ["张大山", "临时救助 张大山", '"低保年审"', "文号:青民发[2016]3号", "题名:台账", "救助 -张大山",
               "年审 | 台账", "日期:2016-03..2016-03", "临时救渍申请"]

    def answers():
        out = {}
        for q in queries:
            r = json.loads(mz(root, "search", q, "--json").stdout)
            out[q] = [(h["original_name"], h.get("approximate")) for h in r["hits"]]
        out["browse"] = [h["original_name"] for h in json.loads(
            mz(root, "search", "--office", "QSZ", "--sort", "code", "--json").stdout)["hits"]]
        return out

    on_tantivy = answers()
    assert {n for n, _ in on_tantivy["临时救助 张大山"]} == {"申请.txt", "台账.txt"}
    rep = json.loads(mz(root, "catalog", "migrate", "--to", pg_url, "--index", "postgres", "--json").stdout)
    assert rep["index_backend"] == "postgres" and rep["reindexed"] == 3
    assert load_settings(root).index_backend == "postgres"
    assert answers() == on_tantivy
    with catalog.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM search_docs").fetchone()[0] == 3
    mz(root, "ingest", texts(tmp_path, {"补.txt": "补充材料：张大山的收入证明"}), "--office", "QSZ")
    assert json.loads(mz(root, "search", "收入证明", "--json").stdout)["total"] == 1
    assert "未发现问题" in mz(root, "verify").stdout
    back = json.loads(mz(root, "catalog", "migrate", "--to", f"sqlite:{tmp_path / 'back.sqlite3'}", "--json").stdout)
    assert back["index_backend"] == "tantivy" and load_settings(root).index_backend == "tantivy"
    assert json.loads(mz(root, "search", "收入证明", "--json").stdout)["total"] == 1


def test_postgres_search_needs_a_postgres_catalog(tmp_path):
    root = tmp_path / "root"
    mz(root, "init")
    r = mz(root, "reindex", "--backend", "postgres", check=False)
    assert r.returncode != 0 and "PostgreSQL" in r.stderr and "catalog migrate" in r.stderr


def test_migrate_targets_typed_wrong_are_usage_errors(tmp_path):
    """No PostgreSQL needed: a target that cannot be a new catalog says why, exit 2, and nothing is created."""
    root = tmp_path / "root"
    mz(root, "init")
    afile = tmp_path / "afile"
    afile.write_text("x")
    for to, says in ((f"sqlite:{afile / 'x.db'}", "不是已有的目录"), (f"sqlite:{tmp_path / 'nodir' / 'x.db'}", "不是已有的目录"),
                     ("sqlite:", "sqlite: 后面要写"), (f"sqlite:{tmp_path}", "是一个目录"), ("foo", "不认识的目标")):
        r = mz(root, "catalog", "migrate", "--to", to, code=2)
        assert says in r.stderr, (to, r.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "root"]


def test_a_failed_migration_leaves_no_new_sqlite_file(tmp_path, monkeypatch):
    from archive.common.errors import ConfigError
    from archive.store import migrate

    root = tmp_path / "root"
    mz(root, "init")
    settings = load_settings(root)
    real = migrate.checksum
    calls = []

    def damaged(conn, table, cols):               # the copy reads back different from the source
        calls.append(table)
        n, h = real(conn, table, cols)
        return (n, h if len(calls) % 2 else "0" * 64)

    monkeypatch.setattr(migrate, "checksum", damaged)
    dest = tmp_path / "back.sqlite3"
    with pytest.raises(ConfigError, match="核对不一致"):
        migrate.migrate_catalog(settings, f"sqlite:{dest}")
    assert not list(tmp_path.glob("back.sqlite3*"))             # so the same command can simply be run again
    assert "back.sqlite3" not in (root / "minzheng.toml").read_text(encoding="utf-8")
    monkeypatch.setattr(migrate, "checksum", real)
    rep = migrate.migrate_catalog(settings, f"sqlite:{dest}")
    assert rep.tables["offices"] == 0 and dest.is_file()


def test_migrate_to_an_unreachable_database_points_at_to(tmp_path):
    """The address came from --to, so the advice names --to (not minzheng.toml's [catalog] url)."""
    root = tmp_path / "root"
    mz(root, "init")
    r = mz(root, "catalog", "migrate", "--to", "postgresql://nobody@/x?host=/nonexistent-socket-dir", code=4)
    assert "连接不上目录库" in r.stderr and "--to" in r.stderr and "[catalog] url" not in r.stderr
    assert 'url = "postgresql' not in (root / "minzheng.toml").read_text(encoding="utf-8")
