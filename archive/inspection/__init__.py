"""What inspectors check: the rule set (required documents per aid class, standardization items and
their weights), document-type classification of records, the completeness report (which household
lacks which document, catalog gaps, overdue binding, fixity) and the year-end standardization report."""
from .classify import classify_record, document_type
from .completeness import CompletenessReport, ReportData, completeness_report
from .rules import RuleSet, StandardItem, load_rules
from .standardization import StandardizationReport, standardization_report

__all__ = [
    "load_rules", "RuleSet", "StandardItem", "classify_record", "document_type",
    "completeness_report", "CompletenessReport", "ReportData",
    "standardization_report", "StandardizationReport",
]
