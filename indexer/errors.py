"""Errors raised by indexer/: each carries a Chinese message that says what to do."""
from __future__ import annotations

from archive.common.errors import ExitCode, MinzhengError, MissingToolError


class ExtractError(MinzhengError):
    """A file whose text cannot be extracted (encrypted, corrupt, too large …)."""

    exit_code = ExitCode.rejected


class SearchIndexError(MinzhengError):
    """The full-text index cannot be opened or written."""

    exit_code = ExitCode.config


class IndexBusyError(SearchIndexError):
    """Another process holds the index writer."""


__all__ = ["ExtractError", "SearchIndexError", "IndexBusyError", "MissingToolError"]
