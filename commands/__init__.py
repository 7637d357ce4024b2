"""The commands of `minzheng`, one module per command group; `cli.py` adds them to the root group."""
from .backup import backup
from .bind import bind
from .catalog import catalog, edit, review
from .generate import generate
from .migrate import migrate as _migrate  # noqa: F401  (adds `catalog migrate`)
from .office import init, office
from .records import ingest, reindex, search, show, verify
from .report import report
from .serve import demo, serve
from .user import user

COMMANDS = (init, office, generate, ingest, search, show, edit, review, catalog, verify, reindex, bind, report, serve, user, backup, demo)

__all__ = ["COMMANDS"]
