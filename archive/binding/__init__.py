"""Binding volumes (案卷) to the municipal format: 档号 assignment (codes), municipal profiles
(profiles), cover/contents/notes/labels pages (volume_pages), the 归档章 stamp and page numbers
placed clear of the text (stamp), originals turned into PDF pages (originals_pdf), the XML
manifest and checksums (volume_manifest), and the bind pipeline that puts them together (bind)."""
from .bind import BindReport, BoundVolume, bind
from .codes import CodeReport, assign_codes, format_code, parse_code
from .profiles import A4, MM, Profile, load_profile

__all__ = ["bind", "BindReport", "BoundVolume", "assign_codes", "CodeReport", "format_code", "parse_code",
           "load_profile", "Profile", "A4", "MM"]
