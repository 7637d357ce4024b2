"""minzheng verify: fixity of every object and catalog ↔ objects ↔ text ↔ index consistency, and every bound
volume's BagIt bag (volumes bound before bags were used: their checksum file, and a note how to rebind).

Read-only (except one `verify` event in the audit log). Damage found → the CLI exits 5.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from archive.store import catalog
from indexer import open_index

from .bags import MANIFEST, PAYLOAD, check_bag, check_checksum_file, is_bag
from .objects import object_path, sha256_file, stray_temp_files, text_path
from .textstore import read_pages


@dataclass
class VerifyReport:
    records: int = 0
    objects_checked: int = 0
    index_docs: int = 0
    volumes_checked: int = 0
    seconds: float = 0.0
    problems: list[dict] = field(default_factory=list)   # kind, record_id, path, message
    notes: list[str] = field(default_factory=list)       # not damage, but something to do (old volume layout)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, message: str, *, record_id: int | None = None, path=None) -> None:
        self.problems.append({"kind": kind, "record_id": record_id, "path": str(path) if path else None,
                              "message": message})

    def to_dict(self) -> dict:
        return {"ok": self.ok, "records": self.records, "objects_checked": self.objects_checked,
                "index_docs": self.index_docs, "volumes_checked": self.volumes_checked, "problems": self.problems,
                "notes": self.notes}

    def summary(self) -> str:
        head = (f"检查了 {self.records} 条记录、{self.objects_checked} 个原件、{self.index_docs} 条索引、"
                f"{self.volumes_checked} 个案卷，用时 {self.seconds:.1f} 秒。")
        notes = [f"提示：{n}" for n in self.notes]
        if self.ok:
            return "\n".join([head + "未发现问题。", *notes])
        return "\n".join([head + f"发现 {len(self.problems)} 个问题："] + [f"  {p['message']}" for p in self.problems]
                         + notes)


def verify(settings) -> VerifyReport:
    t0 = time.perf_counter()
    rep = VerifyReport()
    rel = lambda p: p.relative_to(settings.root)  # noqa: E731
    conn = catalog.connect(settings.catalog_url)
    try:
        recs = [catalog.record_dict(r) for r in conn.execute("SELECT * FROM records ORDER BY id")]
        rep.records = len(recs)
        idx = open_index(settings.index_dir, settings.index_backend, url=settings.catalog_url)
        try:
            in_index = idx.doc_ids()
        finally:
            idx.close()
        rep.index_docs = len(in_index)
        known = set()
        for r in recs:
            rid, sha = r["id"], r["sha256"]
            known.add(sha)
            obj = object_path(settings.objects_dir, sha)
            if not obj.is_file():
                rep.add("missing_object", f"记录 {rid}（{r['original_name']}）的原件 {rel(obj)} 不见了；请从备份恢复",
                        record_id=rid, path=rel(obj))
            else:
                rep.objects_checked += 1
                actual = sha256_file(obj)
                if actual != sha:
                    rep.add("fixity", f"记录 {rid}（{r['original_name']}）的原件 {rel(obj)} 已损坏（SHA-256 与目录不符）；"
                                      "请从备份恢复该文件", record_id=rid, path=rel(obj))
            if r["state"] != "indexed":
                rep.add("incomplete", f"记录 {rid}（{r['original_name']}）导入未完成（状态 {r['state']}）；"
                                      "如没有导入正在进行，请重新运行 minzheng ingest 补完", record_id=rid)
                continue
            pages = read_pages(settings, sha)
            tp = text_path(settings.text_dir, sha)
            if pages is None:
                rep.add("missing_text", f"记录 {rid}（{r['original_name']}）缺少提取的文本 {rel(tp)}；"
                                        "请运行 minzheng reindex --extract", record_id=rid, path=rel(tp))
            elif r["pages"] is not None and len(pages) != r["pages"]:
                rep.add("text_pages", f"记录 {rid} 的文本有 {len(pages)} 页，目录记为 {r['pages']} 页；"
                                      "请运行 minzheng reindex --extract", record_id=rid, path=rel(tp))
            if rid not in in_index:
                rep.add("not_indexed", f"记录 {rid}（{r['original_name']}）不在全文索引中；请运行 minzheng reindex",
                        record_id=rid)
        ids = {r["id"] for r in recs}
        for rid in sorted(in_index - ids):
            rep.add("index_unknown", f"全文索引中有目录里没有的记录 {rid}；请运行 minzheng reindex", record_id=rid)
        for d in (settings.objects_dir, settings.text_dir):
            if not d.is_dir():
                continue
            for sub in d.iterdir():
                if not sub.is_dir():
                    continue
                for f in sub.iterdir():
                    if f.name.startswith(".tmp-"):
                        continue
                    name = f.name if d == settings.objects_dir else f.name.removesuffix(".txt")
                    if name not in known:
                        what = "原件" if d == settings.objects_dir else "文本"
                        rep.add(f"orphan_{'object' if what == '原件' else 'text'}",
                                f"{rel(f)} 是没有目录记录的{what}（可能是中断的导入留下的）；重新运行 minzheng ingest 会清理它",
                                path=rel(f))
            for t in stray_temp_files(d):
                rep.add("temp_file", f"{rel(t)} 是中断的写入留下的临时文件；重新运行 minzheng ingest 会清理它", path=rel(t))
        check_volumes(settings, conn, rep)
        rep.seconds = time.perf_counter() - t0
        catalog.log_event(conn, "verify", None, records=rep.records, problems=len(rep.problems),
                          kinds=sorted({p["kind"] for p in rep.problems}))
    finally:
        conn.close()
    return rep


def check_volumes(settings, conn, rep: VerifyReport) -> None:
    """Every bound volume in the catalog, superseded versions too (they are kept and never change): its BagIt
    bag complete and unchanged; a volume of the layout before bags is checked against its checksum file."""
    rel = lambda p: p.relative_to(settings.root) if p.is_relative_to(settings.root) else p
    rows = conn.execute("SELECT archival_code, version, superseded, pdf, office, year, category, retention "
                        "FROM volumes ORDER BY office, year, category, retention, seq, version").fetchall()
    for v in rows:
        pdf = settings.root / v["pdf"]
        bag = pdf.parent.parent if pdf.parent.name == PAYLOAD else pdf.parent
        what = f"案卷 {v['archival_code']}（第 {v['version']} 版{'，已替代' if v['superseded'] else ''}，{rel(bag)}）"
        rebind = (f"minzheng bind --office {v['office']} --year {v['year']} --category {v['category']} "
                  f"--retention {v['retention']}")
        rep.volumes_checked += 1
        if not bag.is_dir():
            rep.add("volume_missing", f"{what}不见了；请从备份恢复这个目录，或重新装订：{rebind}", path=rel(bag))
        elif pdf.parent.name == PAYLOAD or is_bag(bag):
            for problem in check_bag(bag):
                rep.add("volume_damaged", f"{what}已损坏：{problem}。请从备份恢复这个目录，或重新装订：{rebind}",
                        path=rel(bag))
        elif (bag / MANIFEST).is_file():
            for problem in check_checksum_file(bag):
                rep.add("volume_damaged", f"{what}已损坏：{problem}。请从备份恢复这个目录，或重新装订：{rebind}",
                        path=rel(bag))
            if not v["superseded"]:
                rep.notes.append(f"{what}是旧的存放格式（文件与 {MANIFEST} 并列，不是 BagIt 包）。重新装订即生成 BagIt "
                                 f"格式的新版本，旧版本原样保留：{rebind}")
        else:
            rep.add("volume_unverifiable", f"{what}没有校验和（{MANIFEST}），无法核查；请重新装订：{rebind}",
                    path=rel(bag))
