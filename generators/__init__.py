"""The clerk's documents and the inspectors' report files:

- ``generators.office``     the office-data model (county, offices, staff, rooms, equipment, recipients,
                            ID numbers), reading and validating the data files, and the standard check;
                            imports no document library
- ``generators.documents``  ledger, roster, wall rules, notice and inspection form per office, from .docx
                            templates (render), with xlsx ledgers and PDF (pdf)
- ``generators.reports``    completeness and standardization reports as text, csv, json, xlsx, docx, pdf

Public names are imported on first use, so loading office data never pulls in docxtpl or reportlab.
"""
from archive.common.lazy import lazy_exports

_OFFICE = "generators.office"
_EXPORTS = {
    "mask_id": _OFFICE, "validate_id_number": _OFFICE, "AID_CLASSES": _OFFICE, "County": _OFFICE,
    "Equipment": _OFFICE, "Office": _OFFICE, "Recipient": _OFFICE, "Room": _OFFICE, "Staff": _OFFICE,
    "import_office_data": _OFFICE, "load_county": _OFFICE, "load_office": _OFFICE, "Finding": _OFFICE,
    "check_office": _OFFICE, "office_check_result": _OFFICE, "office_summary": _OFFICE,
    "KIND_NAMES": "generators.documents", "KINDS": "generators.documents",
    "GenerateError": "generators.documents", "GenerateReport": "generators.documents",
    "generate_documents": "generators.documents",
    "find_template": "generators.render",
    "REPORT_FORMATS": "generators.reports", "render_report": "generators.reports",
    "summary_lines": "generators.reports",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
