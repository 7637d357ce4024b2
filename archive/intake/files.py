"""Which files an ingest takes from the paths it is given."""
from __future__ import annotations

import os
from pathlib import Path


def walk(paths, *, skip_under: Path | None = None) -> list[Path]:
    """Files named and files found in directories (recursively, sorted); hidden files, Office lock
    files (~$…) and our own temp files in directories are skipped. Missing paths are kept (rejected later)."""
    out: list[Path] = []
    skip = skip_under.resolve() if skip_under else None
    for p in map(Path, paths):
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dp = Path(dirpath)
                if skip and (dp.resolve() == skip or skip in dp.resolve().parents):
                    dirnames[:] = []
                    continue
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for fn in sorted(filenames):
                    if not fn.startswith((".", "~$")):
                        out.append(dp / fn)
        else:
            out.append(p)
    seen, uniq = set(), []
    for p in out:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            uniq.append(p)
    return uniq
