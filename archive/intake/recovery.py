"""After a crash: temp files and objects or texts without a record are removed before an ingest admits
anything (it holds the writer lock, so nothing is in flight)."""
from __future__ import annotations

from pathlib import Path


def unlink_quietly(p: Path) -> None:
    try:
        p.unlink()
    except FileNotFoundError:
        pass


def clean_crash_leftovers(settings, conn, report) -> None:
    """Temp files and objects/text without a record, left by a process killed mid-write (we hold the lock).
    Walks one objects/ab/ folder at a time against the catalog's sha256 index, so memory stays small."""
    for d in (settings.objects_dir, settings.text_dir):
        if not d.is_dir():
            continue
        for sub in sorted(p for p in d.iterdir() if p.is_dir()):
            names = [f for f in sub.iterdir()]
            if not names:
                continue
            lo, hi = sub.name, sub.name[:-1] + chr(ord(sub.name[-1]) + 1)
            known = {r[0] for r in conn.execute("SELECT sha256 FROM records WHERE sha256 >= ? AND sha256 < ?",
                                                (lo, hi))}
            for f in names:
                if f.name.startswith(".tmp-"):
                    unlink_quietly(f)
                    report.temp_removed += 1
                elif (f.name if d == settings.objects_dir else f.name.removesuffix(".txt")) not in known:
                    unlink_quietly(f)
                    if d == settings.objects_dir:
                        report.orphans_removed += 1
