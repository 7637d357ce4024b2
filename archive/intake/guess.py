"""Stage catalog_record's second half: the fields that the manifest and the options left empty, guessed
from the extracted text (题名, 文号, 责任者, 日期, 年度, household, document type) and marked 待核."""
from __future__ import annotations

import logging
from pathlib import Path

from archive.inspection.classify import classify_record
from generators.office import load_county
from indexer import guess_metadata

log = logging.getLogger(__name__)

GUESSED_FIELDS = ("title", "doc_number", "author", "doc_date")


def _households(settings) -> dict[str, dict[str, str]]:
    """{office code: {id_number: name}} of the county's aid recipients, for classify_record; {} when there is
    no office data. A record's household is looked for among its own office's recipients only."""
    try:
        county = load_county(settings)
        by_office: dict[str, dict[str, str]] = {}
        for o in county.offices:
            by_office.setdefault(o.code.upper(), {}).update({r.id_number: r.name for r in o.recipients})
        return by_office
    except Exception as e:   # noqa: BLE001 - no office data: classification without names
        log.debug("未载入救助对象名单：%s", e)
        return {}


def _safely(what: str, rec: dict, fn, empty):
    """A guess that fails is logged and left empty: guessing never fails an ingest."""
    try:
        return fn()
    except Exception:   # any bug in a guess: the file is still ingested, the field stays empty
        log.warning("推断%s失败（%s），该项留空", what, rec.get("original_name"), exc_info=True)
        return empty


class Guesser:
    """Guesses for the records of one ingest run; the county's recipients are loaded once, when first needed."""

    def __init__(self, settings):
        self.settings = settings
        self.households: dict[str, dict[str, str]] | None = None

    def fill(self, rec: dict, pages: list[str], head: list | None = None) -> tuple[dict, list[str]]:
        """Fields the manifest and options left empty, guessed from the text and from page 1's layout
        (`head`: its top lines with type size and heading style, before normalisation) and marked needs_review."""
        text = "\n".join(pages)
        updates, review = {}, []
        guessed = _safely("题名、文号、日期", rec,
                          lambda: guess_metadata(text[:20000], head=head or None) if text.strip() else {}, {})
        for k in GUESSED_FIELDS:
            if not rec.get(k) and guessed.get(k):
                updates[k] = guessed[k]
                review.append(k)
        title = rec.get("title") or updates.get("title")
        if not title:
            updates["title"] = title = Path(rec["original_name"]).stem
            review.append("title")
        date = rec.get("doc_date") or updates.get("doc_date")
        if not rec.get("year") and date and str(date)[:4].isdigit():
            updates["year"] = int(str(date)[:4])
            review.append("year")
        if not rec.get("household") or not rec.get("document_type"):
            if self.households is None:
                self.households = _households(self.settings)
            # never a recipient of another office; a record without an office gets no household guess
            office = str(rec.get("office") or "").upper()
            own = self.households.get(office, {}) if office else {}
            household, doc_type = _safely("户和文件类型", rec, lambda: classify_record(title, text, own), (None, None))
            if household and not rec.get("household"):
                updates["household"] = household
                review.append("household")
            if doc_type and not rec.get("document_type"):
                updates["document_type"] = doc_type
                review.append("document_type")
        return updates, review

