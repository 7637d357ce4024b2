"""What each role may see: which offices' records, and whether identity numbers are shown in full.

clerk: own office only, full IDs there; archivist and admin: everything, full IDs; inspector: every
office read-only, IDs masked; the password-less reader: every record read-only, IDs masked.
"""
from __future__ import annotations

import re

from generators.office import mask_id

from .model import User

FULL_ID_ROLES = ("archivist", "admin")
ALL_OFFICE_ROLES = ("archivist", "inspector", "admin", "reader")

# An 18-character resident identity number (GB 11643) standing alone: 17 digits and a digit or X, not
# inside a longer run of digits/letters. Deliberately broad (no date or check-digit test): an OCR'd
# number with a wrong digit is still personal data. An 18-digit bank account is masked too.
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def can_see_office(user: User | None, office_code: str | None) -> bool:
    """May the user see records/data of this office? (A record with no office: not for clerks.)"""
    if user is None or user.disabled:
        return False
    if user.role in ALL_OFFICE_ROLES:
        return True
    return user.role == "clerk" and bool(office_code) and office_code == user.office


def sees_full_ids(user: User | None, office_code: str | None) -> bool:
    """Are identity numbers shown in full? Clerk of that office, archivist, admin: yes; others: masked."""
    if user is None or user.disabled:
        return False
    if user.role in FULL_ID_ROLES:
        return True
    return user.role == "clerk" and bool(office_code) and office_code == user.office


def may_open_files(user: User | None, office_code: str | None) -> bool:
    """Page images, originals and volume PDFs show ID numbers unmasked (they are pictures): only for users
    who see full IDs of that office, and for the local reader (who owns the files on that machine)."""
    if user is not None and user.role == "reader":
        return True
    return sees_full_ids(user, office_code)


def mask_ids(text):
    """Every 18-character ID number in `text` masked as 430103********1234 (None and non-strings pass)."""
    if not isinstance(text, str) or len(text) < 18:
        return text
    return ID_RE.sub(lambda m: mask_id(m.group(0)), text)


def shown_ids(user: User | None, office_code: str | None, text):
    """`text` as this user may see it."""
    return text if sees_full_ids(user, office_code) else mask_ids(text)


def mask_deep(obj):
    """A copy of a JSON-like structure (dicts, lists, strings) with every ID number masked."""
    if isinstance(obj, str):
        return mask_ids(obj)
    if isinstance(obj, dict):
        return {k: mask_deep(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [mask_deep(v) for v in obj]
    return obj
