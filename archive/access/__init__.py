"""Using the archive (档案利用): full-text search with catalog filters (or browsing by the filters
alone, with facet counts), exporting what a search finds to CSV/Excel, showing a record with its
fields and text, and handing out a copy of an original (never the original itself)."""
from .records import (
           FIELDS,
           REVIEW_MARK,
           TEXT_SOURCES,
           original_copy,
           record_text,
           show_record,
)
from .export import export_search
from .search import SearchResult, search

__all__ = ["search", "SearchResult", "export_search", "show_record", "record_text", "original_copy", "FIELDS", "REVIEW_MARK",
           "TEXT_SOURCES"]
