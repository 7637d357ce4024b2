"""Plumbing under every package: typed errors and exit codes, external tools (tesseract, LibreOffice,
poppler), text decoding and date parsing, CJK fonts, atomic file writes, plain-text tables.

Nothing here imports another package of the project, so `indexer`, `generators` and every
`archive` sub-package can use it.
"""
from .errors import (
                     ConfigError,
                     DataError,
                     ExitCode,
                     MinzhengError,
                     MissingToolError,
                     NotFoundError,
                     RejectedFile,
                     RootError,
)
from .files import (
                     atomic_path,
                     atomic_write_bytes,
                     atomic_write_text,
                     fsync_dir,
                     fsync_tree,
)
from .tables import display_width, format_table
from .textcodec import decode_text, parse_date

__all__ = [
    "MinzhengError", "ConfigError", "RootError", "DataError", "MissingToolError", "NotFoundError",
    "RejectedFile", "ExitCode",
    "atomic_path", "atomic_write_bytes", "atomic_write_text", "fsync_dir", "fsync_tree",
    "format_table", "display_width", "decode_text", "parse_date",
]
