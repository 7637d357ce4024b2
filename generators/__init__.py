"""Documents from templates, PDF conversion, and loading/validation of office data."""
# --- office data and the standard (issue 3, office data)
from .idnumber import mask_id, validate_id_number
from .model import AID_CLASSES, County, Equipment, Office, Recipient, Room, Staff
from .officedata import import_office_data, load_county, load_office
from .standard import Finding, check_office, office_check_result, office_summary
# --- documents: generate (issue 3, generate)
from .documents import KIND_NAMES, KINDS, GenerateError, GenerateReport, generate_documents
from .render import find_template
# --- inspectors' reports (issue 6)
from .reports import FORMATS as REPORT_FORMATS, render_report
