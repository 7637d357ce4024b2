"""Correcting the catalog (著录): change a record's fields with the manifest's rules and clear their 待核
marks (edit), the queue of records still holding guessed fields (review), the catalog as a spreadsheet to
correct in Excel/WPS and bring back in one transaction (sheet), and who changed what and when, with the
bound volumes that need rebinding after a change (history). The command line and the web pages call these.

Errors are MinzhengError subclasses with Chinese messages fit for a page: EditError (a value a field does
not accept; `problems` lists each), BoundRecordError (the record is bound: pass force=True), NotFoundError,
DataError (a spreadsheet with wrong rows; `problems` names row and column)."""
from .edit import BoundRecordError, EditError, EditResult, edit_record
from .fields import FIELDS, LABELS, FieldError, Rules, validate
from .history import history_of as record_history
from .history import stale_volumes as volumes_needing_rebind
from .review import review_list
from .sheet import ExportResult, ImportResult, export_catalog, import_catalog

__all__ = [
    "FIELDS",
    "LABELS",
    "BoundRecordError",
    "EditError",
    "EditResult",
    "ExportResult",
    "FieldError",
    "ImportResult",
    "Rules",
    "edit_record",
    "export_catalog",
    "import_catalog",
    "record_history",
    "review_list",
    "validate",
    "volumes_needing_rebind",
]
