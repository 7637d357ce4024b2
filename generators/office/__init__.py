"""The office-data model and its files: county, offices, staff, rooms, equipment and aid recipients
(model), ID numbers per GB 11643 (idnumber), the data files' columns, reading and validation (columns,
sheets, cells, county), importing into and loading from an archive root (data), and the check against
the standardization standard (standard). Nothing here imports a document library."""
from .data import import_office_data, load_county, load_office
from .idnumber import mask_id, validate_id_number
from .model import AID_CLASSES, County, Equipment, Office, Recipient, Room, Staff
from .standard import Finding, check_office, office_check_result, office_summary

__all__ = [
    "County", "Office", "Staff", "Room", "Equipment", "Recipient", "AID_CLASSES",
    "mask_id", "validate_id_number", "import_office_data", "load_county", "load_office",
    "Finding", "check_office", "office_check_result", "office_summary",
]
