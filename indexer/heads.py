"""The top of a document's first page as its file lays it out, before the text is normalised for the index:
lines with their type size and heading style (docmeta.guess_title picks the title from them).

Only what each format tells cheaply: Word paragraph styles and run sizes, PDF and OFD font sizes, the
first rows of a workbook, the lines of a text file or of OCR output. Reading the head never fails a file:
a format that will not tell gives plain lines or nothing.
"""
from __future__ import annotations

import logging
import math

from indexer.docmeta import HEAD_LINES, HeadLine

log = logging.getLogger(__name__)

_HEADING_STYLES = ("title", "heading", "标题", "subtitle", "副标题")


def text_head(text: str) -> list[HeadLine]:
    """The first non-empty lines of a plain text (a text file, OCR output): no sizes."""
    out = []
    for line in (text or "")[:20000].splitlines():
        if line.strip():
            out.append(HeadLine(line.strip()))
            if len(out) >= HEAD_LINES:
                break
    return out


# ---------------------------------------------------------------- Word
def _style_size(style) -> float:
    while style is not None:
        try:
            if style.font.size:
                return style.font.size.pt
            style = style.base_style
        except Exception:  # noqa: BLE001 - a damaged styles part: size unknown
            return 0.0
    return 0.0


def _doc_default_size(document) -> float:
    try:
        for el in document.styles.element.iter():
            if el.tag.endswith("}rPrDefault"):
                for sz in el.iter():
                    if sz.tag.endswith("}sz"):
                        return int(sz.get(sz.tag.replace("}sz", "}val"))) / 2
    except Exception:  # no document default: Word's own
        log.debug("Word 文档的默认字号读取失败", exc_info=True)
    return 10.5


def _docx_line(p, default: float) -> HeadLine | None:
    text = p.text
    if not text.strip():
        return None
    try:
        return _docx_layout(p, text, default)
    except Exception:  # a value python-docx does not know (LibreOffice writes jc="start")
        log.debug("Word 段落的版式读取失败", exc_info=True)
        return HeadLine(text)


def _docx_layout(p, text: str, default: float) -> HeadLine:
    style = p.style
    name = (getattr(style, "name", "") or "").lower()
    runs = [r for r in p.runs if r.text.strip()]
    sizes = [r.font.size.pt for r in runs if r.font.size]
    size = max(sizes) if sizes else (_style_size(style) or default)
    bold = bool(runs) and all(r.bold or (r.bold is None and style is not None and style.font.bold) for r in runs)
    align = p.alignment
    if align is None and style is not None:
        align = style.paragraph_format.alignment
    centred = align is not None and int(align) == 1
    heading = name.startswith(_HEADING_STYLES) or (centred and (bold or size > default + 1))
    return HeadLine(text, size, heading)


def docx_head(document) -> list[HeadLine]:
    """Paragraphs (and table rows, as plain lines) at the start of a python-docx Document's body."""
    out: list[HeadLine] = []
    try:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        default = _style_size(document.styles["Normal"]) if "Normal" in document.styles else 0.0
        default = default or _doc_default_size(document)
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                line = _docx_line(Paragraph(child, document), default)
                if line:
                    out.append(line)
            elif tag == "tbl":
                for row in Table(child, document).rows[:5]:
                    cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                    if cells:
                        out.append(HeadLine("  ".join(cells)))
            if len(out) >= HEAD_LINES:
                break
    except Exception:  # a document whose body text could be read, but not its styles
        log.debug("Word 文档的版式读取失败", exc_info=True)
    return out


# ---------------------------------------------------------------- PDF
def pdf_page_text(page) -> tuple[str, list[HeadLine]]:
    """(raw text layer, head lines with font sizes) of a pypdf page, in one pass over its content."""
    chunks: list[tuple[float, str, float]] = []        # y, text, size

    def visit(text, cm, tm, font_dict, font_size):
        if text and text.strip():
            try:
                scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
                y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
                chunks.append((y, text, float(font_size or 0) * (scale or 1)))
            except Exception:  # noqa: BLE001
                chunks.append((0.0, text, 0.0))

    raw = page.extract_text(visitor_text=visit) or ""
    lines: list[list] = []                             # [y, text, size] in reading order
    for y, text, size in chunks:
        for k, part in enumerate(text.split("\n")):
            if not part.strip():
                continue
            if lines and k == 0 and abs(lines[-1][0] - y) < 2:
                lines[-1][1] += part
                lines[-1][2] = max(lines[-1][2], size)
            else:
                lines.append([y, part, size])
        if len(lines) > HEAD_LINES:
            break
    return raw, [HeadLine(t.strip(), round(s, 1)) for _, t, s in lines[:HEAD_LINES]]


# ---------------------------------------------------------------- workbook
def rows_head(rows) -> list[HeadLine]:
    """The first rows of a sheet as lines (a merged title row holds one value)."""
    out = []
    for row in rows:
        vals = [str(v).strip() for v in row if v is not None and str(v).strip()]
        if vals:
            out.append(HeadLine("  ".join(vals)))
        if len(out) >= 5:
            break
    return out
