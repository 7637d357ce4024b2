"""Text extraction (PDF, DOCX, XLSX, DOC/XLS, OFD, images, text), OCR, Chinese normalization, metadata
guessing, the full-text index (tantivy by default, whoosh selectable) and search.

Depends only on ``archive.common``. Public names are imported on first use: a search loads the index
modules, not pypdf, lxml or the OCR engines.
"""
from archive.common.lazy import lazy_exports

from .normalize import normalize  # eager: the name is also its module's

_EXPORTS = {
    "guess_metadata": ".docmeta",
    "ExtractError": ".errors", "IndexBusyError": ".errors", "SearchIndexError": ".errors",
    "KINDS": ".extraction", "Extraction": ".extraction", "extract": ".extraction", "needs_ocr": ".extraction",
    "BACKENDS": ".backends", "open_index": ".backends", "Hit": ".index", "Index": ".index", "IndexDoc": ".index",
    "DEFAULT_ENGINE": ".ocr", "ENGINES": ".ocr", "OcrEngine": ".ocr", "get_ocr_engine": ".ocr",
}
__all__ = sorted([*_EXPORTS, "normalize"])
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
