"""Durable file writes: temp file beside the target, fsync, rename; a crash leaves the old file or the new one."""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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


def _temp_name(directory: Path, prefix: str, suffix: str) -> Path:
    return Path(directory) / f"{prefix}{secrets.token_hex(6)}{suffix}"


def new_temp_file(directory: Path, *, prefix: str = ".tmp-", suffix: str = "") -> Path:
    """Create an empty file with a fresh name in `directory`, with the permissions every program gets
    (0666 less the umask: 0644 under umask 022). tempfile.mkstemp would make it 0600 whatever the umask,
    and a document renamed into place keeps that mode."""
    for _ in range(100):
        path = _temp_name(directory, prefix, suffix)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"{directory}：无法创建临时文件")


def new_temp_dir(directory: Path, *, prefix: str = ".tmp-") -> Path:
    """Create a directory with a fresh name in `directory`, 0777 less the umask (mkdtemp makes 0700)."""
    for _ in range(100):
        path = _temp_name(directory, prefix, "")
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{directory}：无法创建临时目录")


@contextmanager
def atomic_path(target: Path | str, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block succeeds it is fsynced and renamed over
    `target`, so a crash leaves either the old file or the whole new one. On error it is removed.

    The new file's mode follows the umask (0644 under umask 022) unless `mode` is given (the object
    store's read-only 0444). Writers may replace the temporary file instead of writing into it;
    the mode is set again before the rename so that it holds either way."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = new_temp_file(target.parent, suffix=target.suffix)
    want = mode if mode is not None else tmp_path.stat().st_mode & 0o777   # as the umask made it
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_path, want)
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
