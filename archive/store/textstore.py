"""Extracted text per object: text/ab/<sha256>.txt, UTF-8, pages separated by a form feed (\\f, U+000C).

Derived data: `minzheng reindex --extract` rebuilds it from the objects. Also builds the index
document for a catalog record, the one place catalog fields meet the index.
"""
from __future__ import annotations

from pathlib import Path

from archive.common.files import atomic_write_text
from indexer import IndexDoc

from .objects import text_path

PAGE_SEP = "\f"


def write_pages(settings, sha256: str, pages: list[str]) -> Path:
    dest = text_path(settings.text_dir, sha256)
    atomic_write_text(dest, PAGE_SEP.join(p.replace(PAGE_SEP, "\n") for p in pages))
    return dest


def read_pages(settings, sha256: str) -> list[str] | None:
    """The pages of an object's text, or None when no text file exists."""
    p = text_path(settings.text_dir, sha256)
    try:
        return p.read_text(encoding="utf-8").split(PAGE_SEP)
    except FileNotFoundError:
        return None


def index_doc(rec: dict, pages: list[str]):
    """The index document for a catalog record (dict from archive.catalog.record_dict)."""
    extra = " ".join(str(rec.get(k) or "") for k in ("original_name", "document_type", "household"))
    return IndexDoc(
        record_id=int(rec["id"]),
        title=rec.get("title") or "",
        pages=list(pages),
        doc_number=rec.get("doc_number") or "",
        office=rec.get("office") or "",
        category=rec.get("category") or "",
        year=rec.get("year"),
        retention=rec.get("retention") or "",
        archival_code=rec.get("archival_code") or "",
        extra=extra.strip(),
        author=rec.get("author") or "",
        doc_date=rec.get("doc_date") or "",
        household=rec.get("household") or "",
        document_type=rec.get("document_type") or "",
    )
