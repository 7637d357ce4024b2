"""minzheng show: one record's metadata (inferred fields marked 待核) and its text."""
from __future__ import annotations

import shutil
from pathlib import Path

from archive.common.errors import NotFoundError
from archive.common.files import atomic_path
from archive.store import catalog
from archive.store.objects import object_path
from archive.store.textstore import read_pages

# (key, Chinese label) in display order
FIELDS = [
    ("id", "记录号"), ("archival_code", "档号"), ("title", "题名"), ("doc_number", "文号"), ("author", "责任者"),
    ("doc_date", "日期"), ("office", "机构"), ("category", "类别"), ("year", "年度"), ("retention", "保管期限"),
    ("household", "户主身份证号/户号"), ("document_type", "文件类型"),
    ("open_status", "开放标识"), ("security", "密级"), ("pages", "页数"), ("text_source", "文字来源"),
    ("original_name", "原文件名"), ("original_path", "原路径"), ("mime", "格式（按内容检测）"), ("encoding", "文字编码"), ("size", "大小（字节）"),
    ("sha256", "SHA-256"), ("state", "状态"), ("ingested_at", "导入时间"),
]
TEXT_SOURCES = {"text": "文本层", "ocr": "OCR 识别", "none": "无文字"}
STATES = {"stored": "已存储（待提取文字）", "extracted": "已提取文字（待索引）", "indexed": "已索引"}
REVIEW_MARK = "（待核）"


def _get(settings, key) -> dict:
    conn = catalog.connect(settings.catalog_url)
    try:
        rec = catalog.record(conn, str(key).strip())
    finally:
        conn.close()
    if rec is None:
        raise NotFoundError(f"找不到记录 {key}：请用记录号（数字）或档号，可先用 minzheng search 查找")
    return rec


def show_record(settings, key) -> dict:
    """The record as a dict (catalog columns, needs_review list, meta) plus `fields`: [{key, label, value,
    needs_review}] for display, where labels of inferred fields carry （待核）."""
    rec = _get(settings, key)
    review = set(rec["needs_review"])
    fields = []
    for k, label in FIELDS:
        v = rec.get(k)
        if k == "category" and v:
            v = f"{v} {settings.categories.get(v, '')}".strip()
        elif k == "retention" and v:
            v = f"{v} {settings.retentions.get(v, '')}".strip()
        elif k == "text_source" and v:
            v = TEXT_SOURCES.get(v, v)
        elif k == "state":
            v = STATES.get(v, v)
        fields.append({"key": k, "label": label + (REVIEW_MARK if k in review else ""), "value": v,
                       "needs_review": k in review})
    return {**rec, "fields": fields}


def record_text(settings, key) -> list[str]:
    """The record's extracted text, one string per page (empty list when not extracted yet)."""
    rec = _get(settings, key)
    return read_pages(settings, rec["sha256"]) or []


def original_copy(settings, key) -> Path:
    """A copy of the record's original under its original file name (ROOT/cache/open/<id>/), for
    opening in the desktop's viewer. The object in objects/ is never handed out, so it can't be edited."""
    rec = _get(settings, key)
    dest = settings.cache_dir / "open" / str(rec["id"]) / Path(rec["original_name"]).name
    if not dest.is_file():
        with atomic_path(dest) as tmp:
            shutil.copyfile(object_path(settings.objects_dir, rec["sha256"]), tmp)
    return dest
