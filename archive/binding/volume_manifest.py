"""The volume's XML manifest (validated against templates/volume-manifest.xsd) and the bag-info.txt of its
BagIt bag (archive.store.bags writes the bag)."""
from __future__ import annotations

from pathlib import Path

from archive.common.errors import MinzhengError
from archive.store.config import TEMPLATES_DIR
from archive.store.objects import sha256_file

from .volume_pages import VolumeInfo

NS = "urn:minzheng:volume-manifest:1"
XSD = TEMPLATES_DIR / "volume-manifest.xsd"


def build_manifest(vol: VolumeInfo, *, profile_key: str, profile_name: str, created_at: str, front: int, back: int,
                   blank: int, total: int, pdf: Path, labels: Path, originals: dict[int, dict]) -> bytes:
    """The manifest as UTF-8 XML bytes. `originals` maps record id → {original_name, sha256, mime, pages}.
    Pages: `total` in the PDF, `front` before the first document and `back` from the notes sheet on (both with
    their blank backs), `documents` numbered pages, `blank` unnumbered blank backs in the whole volume."""
    from lxml import etree

    E = lambda tag, text=None, **attrs: _el(etree, tag, text, attrs)
    root = etree.Element(f"{{{NS}}}volume", nsmap={None: NS}, schemaVersion="1")
    root.append(E("archivalCode", vol.archival_code))
    root.append(E("title", vol.title))
    root.append(E("fonds", vol.fonds_name, code=vol.fonds))
    root.append(E("office", vol.office_name or vol.office, code=vol.office))
    root.append(E("year", str(vol.year)))
    root.append(E("category", vol.category_name, code=vol.category))
    root.append(E("retention", vol.retention_name, code=vol.retention))
    root.append(E("seq", str(vol.seq)))
    root.append(E("version", str(vol.version)))
    root.append(E("profile", profile_name, code=profile_key))
    root.append(E("createdAt", created_at))
    root.append(E("dateFrom", vol.date_from or ""))
    root.append(E("dateTo", vol.date_to or ""))
    root.append(E("pages", total=str(total), front=str(front), documents=str(vol.pages), back=str(back),
                  blank=str(blank)))
    files = E("files")
    for tag, p in (("pdf", pdf), ("labels", labels)):
        files.append(E(tag, path=p.name, sha256=sha256_file(p), bytes=str(p.stat().st_size)))
    root.append(files)
    docs = E("documents", count=str(len(vol.documents)))
    for d in vol.documents:
        o = originals[d.record_id]
        el = E("document", position=str(d.seq), recordId=str(d.record_id))
        for tag, text in (("archivalCode", d.archival_code), ("itemNo", str(d.item_no)), ("title", d.title),
                          ("docNumber", d.doc_number), ("author", d.author), ("date", d.date or ""),
                          ("firstPage", str(d.first_page)), ("lastPage", str(d.last_page)),
                          ("pdfFirstPage", str(d.pdf_page)), ("pages", str(d.pages))):
            el.append(E(tag, text))
        attrs = {"name": o["original_name"], "sha256": o["sha256"]}
        if o.get("mime"):
            attrs["mime"] = o["mime"]
        if o.get("pages"):
            attrs["pages"] = str(o["pages"])
        el.append(E("original", **attrs))
        docs.append(el)
    root.append(docs)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate_manifest(data)
    return data


def _el(etree, tag, text, attrs):
    el = etree.Element(f"{{{NS}}}{tag}", {k: v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def validate_manifest(data: bytes) -> None:
    """Raise if the manifest does not match the XSD (a bug, not bad input)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(data)
    if not schema.validate(doc):
        raise MinzhengError(f"案卷清单不符合 {XSD.name}：{schema.error_log.last_error}")


def bag_info(vol: VolumeInfo, *, profile_key: str, profile_name: str, total: int, blank: int) -> list[tuple[str, str]]:
    """bag-info.txt's labels for a volume: RFC 8493's reserved ones where they fit, our own for the archival
    description (全宗号, 档号, 件数, 页数, 装订格式); values may be Chinese (UTF-8)."""
    dates = "～".join(d for d in (vol.date_from, vol.date_to) if d)
    return [
        ("Source-Organization", vol.fonds_name),
        ("External-Identifier", vol.archival_code),
        ("External-Description", vol.title),
        ("Fonds", vol.fonds),
        ("Fonds-Name", vol.fonds_name),
        ("Archival-Code", vol.archival_code),
        ("Office", f"{vol.office} {vol.office_name}".strip()),
        ("Year", str(vol.year)),
        ("Category", f"{vol.category} {vol.category_name}".strip()),
        ("Retention", f"{vol.retention} {vol.retention_name}".strip()),
        ("Volume-Number", str(vol.seq)),
        ("Volume-Version", str(vol.version)),
        ("Item-Count", str(len(vol.documents))),
        ("Item-Range", vol.item_range),
        ("Page-Count", str(vol.pages)),              # numbered pages of the documents (件数/页数 on the cover)
        ("PDF-Page-Count", str(total)),
        ("Blank-Page-Count", str(blank)),
        ("Date-Range", dates),
        ("Profile", f"{profile_key} {profile_name}"),
        ("Filing-Date", vol.filing_date),
    ]
