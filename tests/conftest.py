"""Shared fixtures: a CliRunner and archive roots made through the real CLI."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import cli as cli_module  # noqa: E402


@pytest.fixture(autouse=True)
def _no_env_root(monkeypatch):
    monkeypatch.delenv("MINZHENG_ROOT", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """invoke(root, *args) → click Result; stdout and stderr are separate (click ≥ 8.2)."""

    def _invoke(root, *args, ok=True, input=None):
        argv = (["--root", str(root)] if root is not None else []) + [str(a) for a in args]
        result = runner.invoke(cli_module.cli, argv, obj={}, input=input, catch_exceptions=not ok)
        if ok:
            assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        return result

    return _invoke


@pytest.fixture
def root(tmp_path, invoke) -> Path:
    """An empty, initialised archive root."""
    r = tmp_path / "root"
    invoke(r, "init")
    return r


@pytest.fixture
def sample_root(tmp_path, invoke) -> Path:
    """An archive root with the sample county's office data."""
    r = tmp_path / "sample"
    invoke(r, "init", "--sample")
    return r


def as_json(result):
    return json.loads(result.stdout)


# ---------------------------------------------------------------- PostgreSQL: a throw-away cluster
@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster for the session (tests/pgcluster.py); skips, saying why, without the programs."""
    import shutil
    import tempfile

    from pgcluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("没有 PostgreSQL 服务器程序（initdb、pg_ctl）：跳过 PostgreSQL 测试。./setup.sh 会安装 postgresql")
    pytest.importorskip("psycopg", reason="没有安装 psycopg：跳过 PostgreSQL 测试")
    base = Path(tempfile.mkdtemp(prefix="mzpg-"))
    cluster = Cluster(base, bindir).start()
    yield cluster
    cluster.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A new, empty database on the session's cluster."""
    return pg_cluster.new_database()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def catalog_env(request):
    """Run a module's archive on both catalog engines: for postgresql, MINZHENG_CATALOG_URL names a new
    database for the module's duration. Use it in the module's root-building fixture."""
    with pytest.MonkeyPatch.context() as mp:
        if request.param == "postgresql":
            mp.setenv("MINZHENG_CATALOG_URL", request.getfixturevalue("pg_cluster").new_database())
        else:
            mp.delenv("MINZHENG_CATALOG_URL", raising=False)
        yield request.param
