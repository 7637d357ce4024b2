"""The records archive: config, catalog, object store, ingest, codes, binding, completeness, fixity."""
from .config import Settings, default_root, load_settings
from .demo import run_demo
from .errors import (ConfigError, DataError, ExitCode, MinzhengError, MissingToolError, NotFoundError,
                     RejectedFile, RootError)
from .rootdir import init_root
from .tables import format_table
from .classify import classify_record  # issue 6
from .completeness import CompletenessReport, completeness_report  # issue 6
from .rules import RuleSet, load_rules  # issue 6
from .standardization import StandardizationReport, standardization_report  # issue 6
from .web import create_app, serve  # issue 7: light wrappers, Flask is imported on first use
from .ingest import IngestReport, ingest  # issue 4
from .records import original_copy, record_text, show_record  # issue 4
from .reindex import ReindexReport, refresh_index, reindex  # issue 4
from .search import SearchResult, search  # issue 4
from .verify import VerifyReport, verify  # issue 4
from .bind import BindReport, bind  # issue 5
from .codes import CodeReport, assign_codes  # issue 5
from .profiles import Profile, load_profile  # issue 5

__all__ = [
    "Settings", "load_settings", "default_root", "init_root", "run_demo", "format_table",
    "MinzhengError", "ConfigError", "RootError", "DataError", "MissingToolError", "NotFoundError",
    "RejectedFile", "ExitCode",
    "classify_record", "completeness_report", "CompletenessReport", "load_rules", "RuleSet",
    "standardization_report", "StandardizationReport",
    "create_app", "serve",
    "ingest", "IngestReport", "search", "SearchResult", "show_record", "original_copy", "record_text", "verify", "VerifyReport",
    "reindex", "ReindexReport", "refresh_index",
    "bind", "BindReport", "assign_codes", "CodeReport", "load_profile", "Profile",
]
