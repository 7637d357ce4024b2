"""Content-addressed object store: objects/ab/abcdef… written temp file + fsync + rename."""
from __future__ import annotations

import hashlib
from pathlib import Path

from archive.common.files import atomic_path

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
