"""The records archive of a county's civil-affairs offices, one sub-package per concern:

- ``archive.common``     plumbing under everything: errors and exit codes, external tools, text decoding
                         and dates, CJK fonts, atomic writes
- ``archive.store``      the archive root: settings (minzheng.toml), catalog, object store, text store,
                         the writer lock, fixity checks (verify)
- ``archive.intake``     taking files in: type detection and limits, manifests, the ingest pipeline,
                         rebuilding the index (reindex)
- ``archive.access``     using the archive (利用): search, show a record, a copy of an original
- ``archive.inspection`` rule sets, document-type classification, completeness and standardization reports
- ``archive.binding``    档号, municipal profiles, volume pages, the 归档章 stamp, manifests, the bind pipeline
- ``archive.web``        the county server's pages
- ``archive.rootdir``, ``archive.demo``   creating a root, and the demo on the sample county

The names below are the public API (what ``cli.py`` and the web app call); each is imported on first
use, so ``import archive`` costs almost nothing.
"""
from archive.common.lazy import lazy_exports

_EXPORTS = {
    # plumbing
    "MinzhengError": "archive.common.errors", "ConfigError": "archive.common.errors",
    "RootError": "archive.common.errors", "DataError": "archive.common.errors",
    "MissingToolError": "archive.common.errors", "NotFoundError": "archive.common.errors",
    "RejectedFile": "archive.common.errors", "ExitCode": "archive.common.errors",
    "format_table": "archive.common.tables",
    # the root
    "Settings": "archive.store.config", "load_settings": "archive.store.config",
    "default_root": "archive.store.config", "init_root": "archive.rootdir",
    "verify": "archive.store.verify", "VerifyReport": "archive.store.verify",
    "migrate_catalog": "archive.store.migrate", "MigrationReport": "archive.store.migrate",
    "move_catalog": "archive.rootdir",
    "run_demo": "archive.demo",
    # intake
    "ingest": "archive.intake.ingest", "IngestReport": "archive.intake.ingest",
    "reindex": "archive.intake.reindex", "ReindexReport": "archive.intake.reindex",
    "refresh_index": "archive.intake.reindex",
    # access
    "search": "archive.access.search", "SearchResult": "archive.access.search",
    "SEARCH_MAX_PAGE": "archive.access.search",
    "export_search": "archive.access.export", "QueryError": "indexer.query",
    "show_record": "archive.access.records", "record_text": "archive.access.records",
    "original_copy": "archive.access.records",
    # inspection
    "load_rules": "archive.inspection.rules", "RuleSet": "archive.inspection.rules",
    "classify_record": "archive.inspection.classify",
    "completeness_report": "archive.inspection.completeness",
    "CompletenessReport": "archive.inspection.completeness",
    "standardization_report": "archive.inspection.standardization",
    "StandardizationReport": "archive.inspection.standardization",
    # binding
    "bind": "archive.binding.bind", "BindReport": "archive.binding.bind",
    "assign_codes": "archive.binding.codes", "CodeReport": "archive.binding.codes",
    "load_profile": "archive.binding.profiles", "Profile": "archive.binding.profiles",
    # description (著录): correcting the catalog
    "edit_record": "archive.description", "EditResult": "archive.description",
    "review_list": "archive.description", "record_history": "archive.description",
    "volumes_needing_rebind": "archive.description", "export_catalog": "archive.description",
    "import_catalog": "archive.description",
    # the server
    "create_app": "archive.web", "serve": "archive.web",
    # accounts of the server, and backup
    "add_account": "archive.accounts", "list_accounts": "archive.accounts",
    "change_password": "archive.accounts", "disable_account": "archive.accounts", "check_account": "archive.accounts",
    "has_accounts": "archive.accounts", "ROLES": "archive.accounts", "check_strength": "archive.accounts",
    "backup": "archive.store.backup", "BackupReport": "archive.store.backup",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
