"""The README documents every command, and CI runs exactly the README's test command."""
import re
from pathlib import Path

import click
import pytest

import cli

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from command_paths(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


@pytest.mark.parametrize("path", sorted(command_paths(cli.cli)), ids=" ".join)
def test_every_command_is_in_readme(path):
    pattern = r"minzheng(?: --root \S+)? " + r"\s+".join(map(re.escape, path)) + r"\b"
    assert re.search(pattern, README), f"README has no example of `minzheng {' '.join(path)}`"


def quick_start_commands() -> list[str]:
    block = README.split("## 快速开始", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_quick_start_has_exactly_two_commands():
    setup, test = quick_start_commands()
    assert setup == "./setup.sh"
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_exactly():
    _, test = quick_start_commands()
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in [line.strip() for line in ci]
