"""Map a record to a household and a document type (completeness reports). Filled in by issue 6."""
from __future__ import annotations


def classify_record(title: str, text: str, households: dict[str, str]) -> tuple[str | None, str | None]:
    """Return (household, document_type) inferred from title and text, or None where unknown.

    `households` maps household IDs (ID numbers) to the recipient's name.
    """
    return None, None
