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
