"""Durable file writes: temp file beside the target, fsync, rename; a crash leaves the old file or the new one."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def fsync_dir(d: Path) -> None:
    """Make a rename inside `d` durable (best effort: not every filesystem allows it)."""
    try:
        fd = os.open(str(d), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_tree(directory: Path) -> None:
    """fsync every file under `directory` and the directories themselves, before renaming it into place."""
    for path in sorted(Path(directory).rglob("*"), reverse=True):
        if path.is_file():
            with open(path, "rb+") as f:
                os.fsync(f.fileno())
        elif path.is_dir():
            fsync_dir(path)
    fsync_dir(Path(directory))


@contextmanager
def atomic_path(target: Path | str, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block succeeds it is fsynced and renamed over
    `target`, so a crash leaves either the old file or the whole new one. On error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
        fsync_dir(target.parent)
    finally:
        tmp_path.unlink(missing_ok=True)


def atomic_write_bytes(dest: Path, data: bytes) -> None:
    """Write `data` to `dest` so that a crash leaves either the old file or the whole new one."""
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(dest: Path, text: str) -> None:
    atomic_write_bytes(dest, text.encode("utf-8"))
