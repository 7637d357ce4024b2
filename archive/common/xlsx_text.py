"""Text in .xlsx cells: what a user typed stays text. openpyxl turns any string that starts with "=" into
a formula that Excel runs when the file is opened (a title like =HYPERLINK(…) would become a live link
and its text would be lost); `keep_text` writes such a cell as the string it is."""
from __future__ import annotations


def keep_text(cell):
    """Make a cell whose string value openpyxl took for a formula a plain text cell again; returns the cell."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def is_formula(cell) -> bool:
    """True for a cell read (with data_only=False) that holds a formula rather than a value."""
    return getattr(cell, "data_type", None) == "f"
