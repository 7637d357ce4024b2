"""Taking files into the archive: type detection by content and size/bomb limits (detect), import
manifests (manifest), the ingest pipeline detect_type → check_limits → store_object → catalog_record
→ extract_text → index_text (ingest), and rebuilding text and index from the objects (reindex)."""
from .detect import Limits, check_limits, detect_type
from .ingest import ingest
from .manifest import ManifestRow, load_manifest
from .reindex import ReindexReport, refresh_index, reindex
from .report import STAGES, IngestReport

__all__ = [
    "ingest", "IngestReport", "STAGES", "detect_type", "check_limits", "Limits", "load_manifest",
    "ManifestRow", "reindex", "refresh_index", "ReindexReport",
]
