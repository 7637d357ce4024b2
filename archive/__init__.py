"""The records archive: config, catalog, object store, ingest, codes, binding, completeness, fixity."""
from .config import Settings, default_root, load_settings
from .demo import run_demo
from .errors import (ConfigError, DataError, ExitCode, MinzhengError, MissingToolError, NotFoundError,
                     RejectedFile, RootError)
from .rootdir import init_root
from .tables import format_table
from .web import create_app, serve  # issue 7: light wrappers, Flask is imported on first use

__all__ = [
    "Settings", "load_settings", "default_root", "init_root", "run_demo", "format_table",
    "MinzhengError", "ConfigError", "RootError", "DataError", "MissingToolError", "NotFoundError",
    "RejectedFile", "ExitCode",
    "create_app", "serve",
]
