"""Content-addressed object store: objects/ab/abcdef… written temp file + fsync + rename."""
from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CHUNK = 1 << 20


def sha256_file(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def object_path(objects_dir: Path, sha256: str) -> Path:
    return Path(objects_dir) / sha256[:2] / sha256


def text_path(text_dir: Path, sha256: str) -> Path:
    return Path(text_dir) / sha256[:2] / f"{sha256}.txt"


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


def store_file(objects_dir: Path, src: Path | str, sha256: str | None = None) -> tuple[str, Path, bool]:
    """Copy `src` into the store. Returns (sha256, object path, created). Never touches `src`."""
    sha = sha256 or sha256_file(src)
    dest = object_path(objects_dir, sha)
    if dest.is_file() and dest.stat().st_size == Path(src).stat().st_size:
        return sha, dest, False
    with atomic_path(dest, mode=0o444) as tmp:
        h = hashlib.sha256()
        with open(tmp, "wb") as out, open(src, "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
                out.write(chunk)
        if h.hexdigest() != sha:
            raise OSError(f"{src} changed while it was being copied")
    return sha, dest, True


def stray_temp_files(directory: Path) -> list[Path]:
    """Temp files left by a crash (cleaned up by ingest and reported by verify)."""
    return sorted(Path(directory).rglob(".tmp-*"))
