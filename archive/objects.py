"""Content-addressed object store: objects/ab/abcdef… written temp file + fsync + rename."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

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


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(str(d), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(dest: Path, data: bytes) -> None:
    """Write `data` to `dest` so that a crash leaves either the old file or the whole new one."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=dest.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(dest: Path, text: str) -> None:
    atomic_write_bytes(dest, text.encode("utf-8"))


def store_file(objects_dir: Path, src: Path | str, sha256: str | None = None) -> tuple[str, Path, bool]:
    """Copy `src` into the store. Returns (sha256, object path, created). Never touches `src`."""
    sha = sha256 or sha256_file(src)
    dest = object_path(objects_dir, sha)
    if dest.is_file() and dest.stat().st_size == Path(src).stat().st_size:
        return sha, dest, False
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != sha:
            raise OSError(f"{src} changed while it was being copied")
        os.chmod(tmp, 0o444)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return sha, dest, True


def stray_temp_files(directory: Path) -> list[Path]:
    """Temp files left by a crash (cleaned up by ingest and reported by verify)."""
    return sorted(Path(directory).rglob(".tmp-*"))
