"""What each kind of job does: the same library calls as the command line (ingest, bind,
generate_documents), with their progress turned into the job's progress and their report into its result.

Uploaded files live in ROOT/uploads/JOBID/files/ (a manifest beside them, hidden from the walk) until
the job ends; an interrupted ingest keeps them, so restarting it resumes safely."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path, PurePosixPath

from archive.binding.bind import bind
from archive.common.errors import MinzhengError
from archive.intake.ingest import ingest
from generators.documents import generate_documents

UPLOADS = "uploads"
MANIFEST_PREFIX = ".manifest-"          # hidden: not ingested as a document
_BAD = re.compile(r"[\x00-\x1f\\:*?\"<>|]")


def upload_dir(settings, job_id: int) -> Path:
    return settings.root / UPLOADS / str(int(job_id))


def files_dir(settings, job_id: int) -> Path:
    return upload_dir(settings, job_id) / "files"


def safe_relpath(name: str) -> PurePosixPath:
    """A browser's file name (maybe `folder/sub/file.pdf` from a folder upload) as a harmless relative path."""
    parts = [p for p in re.split(r"[\\/]+", name or "") if p not in ("", ".", "..")]
    parts = [_BAD.sub("_", p).lstrip(".") or "_" for p in parts]
    if not parts:
        raise MinzhengError("上传的文件没有文件名；请重新选择文件", exit_code=2)
    return PurePosixPath(*parts)


def strip_common_top(paths: list[PurePosixPath]) -> list[PurePosixPath]:
    """A whole folder uploaded arrives as `folder/…`: drop that one common top folder, so manifest paths
    written relative to the folder resolve."""
    tops = {p.parts[0] for p in paths}
    if len(tops) == 1 and all(len(p.parts) > 1 for p in paths):
        return [PurePosixPath(*p.parts[1:]) for p in paths]
    return paths


def save_uploads(settings, job_id: int, files: list[tuple[str, object]], manifest: tuple[str, object] | None) -> dict:
    """Write uploaded (name, readable) pairs under the job's folder. Returns the saved names."""
    target = files_dir(settings, job_id)
    target.mkdir(parents=True, exist_ok=True)
    rels = strip_common_top([safe_relpath(n) for n, _ in files])
    manifest_name = None
    if manifest is not None:
        manifest_name = safe_relpath(manifest[0]).name
        rels_files = [(r, f) for r, (_, f) in zip(rels, files) if r.name != manifest_name]
    else:
        rels_files = [(r, f) for r, (_, f) in zip(rels, files)]
    seen: set = set()
    names = []
    for rel, stream in rels_files:
        if rel in seen:                     # the same name twice: keep both
            rel = rel.with_name(f"{rel.stem}-{len(seen)}{rel.suffix}")
        seen.add(rel)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        names.append(str(rel))
    if manifest is not None:
        with open(target / (MANIFEST_PREFIX + manifest_name), "wb") as out:
            shutil.copyfileobj(manifest[1], out, 1 << 20)
    return {"files": names, "manifest": manifest_name}


def in_root(settings, path) -> str:
    """A file the job wrote, as a path relative to the root (the root may be given relative to the cwd)."""
    return Path(path).resolve().relative_to(settings.root.resolve()).as_posix()


def remove_uploads(settings, job_id: int) -> None:
    shutil.rmtree(upload_dir(settings, job_id), ignore_errors=True)


def run_ingest(settings, job, report, *, jobs: int | None = None) -> dict:
    folder = files_dir(settings, job.id)
    if not folder.is_dir():
        raise MinzhengError(f"任务 {job.id} 上传的文件已不在服务器上（{folder}）；请重新上传")
    p = job.params
    files = [folder / n for n in p.get("files", []) if (folder / n).is_file()]
    manifest = folder / (MANIFEST_PREFIX + p["manifest"]) if p.get("manifest") else None

    def progress(counts: dict) -> None:
        report({**counts, "message": f"已处理 {counts['files_done']}/{counts['files_total']} 个文件，"
                                      f"读取 {counts['pages']} 页（OCR {counts['ocr_pages']} 页）"})

    report({"files_done": 0, "files_total": len(files), "pages": 0, "ocr_pages": 0, "message": "开始导入"})
    rep = ingest(settings, files, office=p.get("office"), category=p.get("category"), year=p.get("year"),
                 retention=p.get("retention"), manifest=manifest, jobs=jobs, progress=progress)
    handled = len(rep.ingested) + len(rep.duplicates) + len(rep.rejected)
    report({"files_done": handled, "files_total": max(handled, len(files)), "pages": rep.pages,
            "message": rep.summary().splitlines()[0]})
    return {**rep.to_dict(), "summary": rep.summary(), "pages": rep.pages, "resumed": rep.resumed,
            "seconds": round(rep.seconds, 1)}


def run_generate(settings, job, report) -> dict:
    p = job.params
    out = settings.out_dir / job.office / f"{date.today().isoformat()}-job{job.id}"
    lines: list[str] = []

    def say(msg: str) -> None:
        lines.append(msg)
        report({"message": msg, "steps": len(lines)})

    rep = generate_documents(settings, job.office, p.get("kinds") or ["all"], year=p.get("year"), out_dir=out,
                             pdf=bool(p.get("pdf")), progress=say)
    report({"message": f"生成完成：共 {len(rep.files)} 个文件"})
    return {"directory": in_root(settings, out), "files": [in_root(settings, f) for f in rep.files], "log": lines}


def run_bind(settings, job, report) -> dict:
    p = job.params
    lines: list[str] = []

    def say(msg: str) -> None:
        lines.append(msg)
        report({"message": msg, "steps": len(lines)})

    rep = bind(settings, office=job.office, year=int(p["year"]), category=p["category"],
               retention=p.get("retention") or None, profile=p.get("profile") or None, progress=say)
    report({"message": f"装订完成：{len(rep.volumes)} 卷，共 {sum(v.pages for v in rep.volumes)} 页"
                       + (f"；{len(rep.failed)} 件未能装入" if rep.failed else "")})
    d = rep.to_dict()
    for v in d["volumes"]:
        for key in ("pdf", "manifest", "labels", "checksums"):
            v[key] = in_root(settings, v[key])
    d["volume_ids"] = [v.volume_id for v in rep.volumes]
    d["log"] = lines
    return d


def run(settings, job, report, *, ingest_jobs: int | None = None) -> dict:
    if job.kind == "ingest":
        return run_ingest(settings, job, report, jobs=ingest_jobs)
    if job.kind == "generate":
        return run_generate(settings, job, report)
    if job.kind == "bind":
        return run_bind(settings, job, report)
    raise MinzhengError(f"未知的任务种类 {job.kind}")
