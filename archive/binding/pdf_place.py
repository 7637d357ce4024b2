"""Put one PDF page onto another as a Form XObject, without parsing either page's content stream.

pypdf's merge_page parses both content streams (≈15 ms a page); a bound volume only needs to draw an
overlay (page number, stamp) over a document page, or a document page scaled onto an A4 page. Wrapping
the page as a form and adding `q … cm /Name Do Q` does the same at a fraction of the cost, and leaves
the original page's content bytes untouched.
"""
from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)


def page_as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A Form XObject (added to `writer`) that draws `page` in its own coordinates."""
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([FloatObject(float(v)) for v in page.mediabox])
    res = page.get("/Resources")
    if res is not None:
        form[NameObject("/Resources")] = res.get_object().clone(writer)
    form = form.flate_encode()
    return writer._add_object(form)


def draw_form(writer: PdfWriter, page: PageObject, form: IndirectObject, name: str,
              matrix: tuple[float, float, float, float, float, float] = (1, 0, 0, 1, 0, 0)) -> None:
    """Draw `form` on `page` (a page of `writer`) after its existing content, in a saved graphics state."""
    res = page.get("/Resources")
    res = DictionaryObject(res.get_object()) if res is not None else DictionaryObject()   # never edit shared dicts
    xobj = res.get("/XObject")
    xobj = DictionaryObject(xobj.get_object()) if xobj is not None else DictionaryObject()
    xobj[NameObject(name)] = form
    res[NameObject("/XObject")] = xobj
    page[NameObject("/Resources")] = res

    old = page.get("/Contents")
    parts: list = []
    if old is not None:
        old_obj = old.get_object()
        parts = list(old_obj) if isinstance(old_obj, ArrayObject) else [old]
    head = DecodedStreamObject()
    head.set_data(b"q\n")
    tail = DecodedStreamObject()
    m = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in matrix)
    tail.set_data(f"\nQ\nq {m} cm {name} Do Q\n".encode("ascii"))
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(head), *parts, writer._add_object(tail)])
