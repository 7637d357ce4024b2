"""Text extraction (PDF, DOCX, XLSX, DOC/XLS, OFD, images, text), OCR, Chinese normalization,
the full-text index (tantivy by default, whoosh selectable) and search."""
from .docmeta import guess_metadata
from .errors import ExtractError, IndexBusyError, SearchIndexError
from .extract import KINDS, Extraction, extract, needs_ocr
from .index import BACKENDS, Hit, Index, IndexDoc, open_index
from .normalize import normalize
from .ocr import DEFAULT_ENGINE, ENGINES, OcrEngine, get_ocr_engine

__all__ = [
    "extract", "Extraction", "ExtractError", "needs_ocr", "KINDS",
    "get_ocr_engine", "OcrEngine", "ENGINES", "DEFAULT_ENGINE",
    "guess_metadata", "normalize",
    "open_index", "Index", "IndexDoc", "Hit", "BACKENDS", "SearchIndexError", "IndexBusyError",
]
