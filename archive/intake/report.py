"""What an ingest reports: files ingested, duplicates, rejected with their reasons, and timings."""
from __future__ import annotations

from dataclasses import dataclass, field

DUPLICATES_SHOWN = 10          # the text summary names this many duplicates, then counts the rest
STAGES = ("detect_type", "check_limits", "store_object", "catalog_record", "extract_text", "index_text")


@dataclass
class IngestReport:
    ingested: list[dict] = field(default_factory=list)    # original_name, sha256, record_id, pages, text_source
    duplicates: list[dict] = field(default_factory=list)  # original_name, sha256, record_id
    rejected: list[dict] = field(default_factory=list)    # original_name, error
    resumed: int = 0              # records left unfinished by an earlier, interrupted ingest and completed now
    orphans_removed: int = 0      # objects without a record (interrupted ingest), removed
    temp_removed: int = 0         # temp files left by a crash, removed
    pages: int = 0
    seconds: float = 0.0
    stage_seconds: dict = field(default_factory=lambda: {s: 0.0 for s in STAGES})
    duplicate_codes: dict = field(default_factory=dict)   # record_id → 档号 of the records duplicates repeat

    def to_dict(self) -> dict:
        return {"ingested": self.ingested, "duplicates": self.duplicates, "rejected": self.rejected}

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def summary(self) -> str:
        """Readable Chinese summary, then each rejected file as 文件名：原因."""
        by_source = {}
        for r in self.ingested:
            by_source[r["text_source"]] = by_source.get(r["text_source"], 0) + 1
        src = "，".join(f"{ {'text': '文本层', 'ocr': 'OCR 识别', 'none': '无文字'}.get(k, k)} {v} 件"
                       for k, v in sorted(by_source.items()))
        lines = [f"导入 {len(self.ingested)} 件（共 {self.pages} 页{'；' + src if src else ''}），"
                 f"重复 {len(self.duplicates)} 件，拒收 {len(self.rejected)} 件，用时 {self.seconds:.1f} 秒。"]
        if self.duplicates:
            lines.append("重复的文件（档案中已有内容完全相同的记录，未再导入）：")
            for d in self.duplicates[:DUPLICATES_SHOWN]:
                rid = d.get("record_id")
                same = self.duplicate_codes.get(rid) or (f"#{rid}" if rid is not None else "已有的记录")
                lines.append(f"  {d['original_name']}：与 {same} 相同")
            if len(self.duplicates) > DUPLICATES_SHOWN:
                lines.append(f"  ……另有 {len(self.duplicates) - DUPLICATES_SHOWN} 件")
        if self.resumed:
            lines.append(f"补完上次中断的导入 {self.resumed} 件。")
        if self.orphans_removed or self.temp_removed:
            lines.append(f"清理上次中断留下的文件 {self.orphans_removed + self.temp_removed} 个。")
        if self.rejected:
            lines.append("拒收的文件：")
            lines += [f"  {r['original_name']}：{r['error']}" for r in self.rejected]
        return "\n".join(lines)
