"""Using the archive (档案利用): full-text search with catalog filters (or browsing by the filters
alone, with facet counts), exporting what a search finds to CSV/Excel, showing a record with its
fields and text, and handing out a copy of an original (never the original itself).

Names are imported on first use: a search loads the search modules only."""
from archive.common.lazy import lazy_exports

_EXPORTS = {
    "search": ".search", "SearchResult": ".search", "export_search": ".export",
    "show_record": ".records", "record_text": ".records", "original_copy": ".records",
    "FIELDS": ".records", "REVIEW_MARK": ".records", "TEXT_SOURCES": ".records",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
