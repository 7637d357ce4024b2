"""After a crash: temp files and objects or texts without a record are removed before an ingest admits
anything (it holds the writer lock, so nothing is in flight), and records left short of `indexed` are
handed back to the pipeline to be finished."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from archive.store import catalog
from archive.store.lock import CLAIMS_DIR
from archive.store.objects import object_path


@dataclass
class Job:
    """One stored file on its way through extract_text and index_text."""
    record_id: int
    sha256: str
    kind: str
    name: str                     # original name
    report: bool = True           # appears under `ingested` (False: an old unfinished record from elsewhere)
    dup_names: list = field(default_factory=list)
    flushed: bool = False         # indexed and reported


def unfinished_jobs(conn, objects_dir: Path) -> list[Job]:
    """Records an interrupted (or deferred) ingest left short of `indexed`, whose object is in place."""
    rows = conn.execute("SELECT id FROM records WHERE state != 'indexed' ORDER BY id").fetchall()
    jobs = []
    for r in rows:
        rec = catalog.record(conn, r["id"])
        if not object_path(objects_dir, rec["sha256"]).is_file():
            continue          # damage, not an interrupted ingest: verify reports it
        jobs.append(Job(rec["id"], rec["sha256"], rec["meta"].get("kind") or "pdf", rec["original_name"],
                        report=False))
    return jobs


def unlink_quietly(p: Path) -> None:
    try:
        p.unlink()
    except FileNotFoundError:
        pass


def clean_crash_leftovers(settings, conn, report) -> None:
    """Temp files and objects/text without a record, left by a process killed mid-write (we hold the lock).
    Walks one objects/ab/ folder at a time against the catalog's sha256 index, so memory stays small."""
    shutil.rmtree(settings.root / CLAIMS_DIR, ignore_errors=True)    # claims of killed ingests
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
