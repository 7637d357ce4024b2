"""Check a PDF as a reader sees it on paper or screen, not as its text layer says.

Usable by any test (documents, reports, bound volumes, labels)::

    from pdfcheck import check_pdf           # tests/ is on sys.path under pytest, like the other test helpers

    problems = check_pdf(path,
                         one_line=["13900001000", "2013-02-07"],        # texts that must not wrap
                         together=[("合计", "检查人（签字）")])            # (table end, signature) on one page
    assert not problems, "\\n".join(problems)

Every function returns a list of problems in Chinese (empty: all good), each naming the file and page.

- `glyph_problems(pdf)`: every character drawn (Tj/TJ/'/", also inside form XObjects; invisible text,
  render mode 3, such as an OCR layer, is skipped) maps to a non-empty glyph of the EMBEDDED font program:
  the code is mapped to a glyph id through the font's own tables (TrueType cmap, CFF/Type 1 encoding,
  CIDToGIDMap), then the glyph's outline is read with fontTools. A missing glyph (.notdef, the "tofu"
  box) or an empty one for a visible character is a problem. Whitespace may be empty.
- `unembedded_fonts(pdf)`: every font referenced by a page or form (even unused, like reportlab's
  Helvetica) without a font program.
- `outside_printable(pdf, margin_mm=5)`: words whose box (`pdftotext -bbox-layout`, poppler) is closer than
  `margin_mm` to an edge of the page, plus characters that poppler dropped because they lie off the page
  (drawn characters per page vs. characters poppler placed on it).
- `overlapping_words(pdf)`: words drawn over one another (text wider than its column running into the next).
- `split_across_lines(pdf, texts)`: each text must appear within one line of some page; one that only
  appears when lines are joined (e.g. ``1390000100`` / ``0``) or not at all is a problem.
- `rows_of(pdf)`: the visual rows of each page (for reading a table row left to right).
- `apart(pdf, end_text, block_text)`: `block_text` must first appear on the page where `end_text` last
  appears (a signature block on the page where its table ends).
- `check_pdf(...)` runs all of them; `GlyphStats` (`glyph_stats(pdf)`) counts characters and fonts checked.

Needs pypdf, fontTools (tests/pdfglyphs.py reads the font programs) and poppler-utils (pdftotext).
"""
from __future__ import annotations

import functools
import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pdfglyphs import GlyphStats, glyph_problems, glyph_stats, stamp, unembedded_fonts

__all__ = [
    "GlyphStats",
    "apart",
    "check_pdf",
    "glyph_problems",
    "glyph_stats",
    "layout",
    "lines_of",
    "outside_printable",
    "overlapping_words",
    "pages_with",
    "rows_of",
    "split_across_lines",
    "unembedded_fonts",
]

MM = 72 / 25.4


# ---------------------------------------------------------------- positions (poppler)
@dataclass(frozen=True)
class Word:
    page: int
    line: int                   # running number of the line (poppler's layout) in the whole file
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_LINE = re.compile(r"<line\b")
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')


def layout(pdf: Path | str) -> tuple[tuple[Page, ...], tuple[Word, ...]]:
    """Pages and words with their boxes (points, origin top left), as `pdftotext -bbox-layout` places them."""
    return _layout(*stamp(pdf))


@functools.lru_cache(maxsize=64)
def _layout(pdf: Path, _mtime: int, _size: int) -> tuple[tuple[Page, ...], tuple[Word, ...]]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True,
                         timeout=120).stdout.decode("utf-8", errors="replace")
    pages: list[Page] = []
    words: list[Word] = []
    line = 0
    token = re.compile(f"{_PAGE.pattern}|{_LINE.pattern}|{_WORD.pattern}")
    for m in token.finditer(out):
        if m.group(1):
            pages.append(Page(len(pages) + 1, float(m.group(1)), float(m.group(2))))
        elif m.group(3) is None:
            line += 1
        else:
            words.append(Word(len(pages), line, float(m.group(3)), float(m.group(4)), float(m.group(5)),
                              float(m.group(6)), html.unescape(m.group(7))))
    return tuple(pages), tuple(words)


def outside_printable(pdf: Path | str, margin_mm: float = 5.0) -> list[str]:
    """Words within `margin_mm` of a page edge (or beyond it), and characters drawn off the page."""
    pdf = Path(pdf)
    pages, words = layout(pdf)
    m = margin_mm * MM
    problems = []
    for w in words:
        p = pages[w.page - 1]
        if w.x0 < m - 0.5 or w.y0 < m - 0.5 or w.x1 > p.width - m + 0.5 or w.y1 > p.height - m + 0.5:
            problems.append(f"{pdf.name} 第 {w.page} 页：“{w.text}”超出可打印范围（离纸边不足 {margin_mm:g} mm："
                            f"x {w.x0 / MM:.1f}–{w.x1 / MM:.1f} mm，y {w.y0 / MM:.1f}–{w.y1 / MM:.1f} mm，"
                            f"纸 {p.width / MM:.0f}×{p.height / MM:.0f} mm）")
    placed = [0] * len(pages)
    for w in words:
        placed[w.page - 1] += sum(1 for c in w.text if not c.isspace())
    for n, (drawn, shown) in enumerate(zip(glyph_stats(pdf).per_page, placed), 1):
        if drawn > shown:
            problems.append(f"{pdf.name} 第 {n} 页：画了 {drawn} 个字符，纸面上只有 {shown} 个（其余在纸外）")
    return problems


def overlapping_words(pdf: Path | str, slack: float = 1.0) -> list[str]:
    """Words drawn over each other (more than `slack` points both ways): e.g. a header wider than its
    column running into the next one."""
    pdf = Path(pdf)
    _, words = layout(pdf)
    by_page: dict[int, list[Word]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    problems = []
    for page, ws in sorted(by_page.items()):
        ws = sorted(ws, key=lambda w: w.x0)
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b.x0 > a.x1 - slack:
                    break
                if min(a.y1, b.y1) - max(a.y0, b.y0) > slack:
                    problems.append(f"{pdf.name} 第 {page} 页：“{a.text}”和“{b.text}”叠在一起")
    return problems


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def lines_of(pdf: Path | str) -> dict[int, list[tuple[int, str]]]:
    """page → [(line number, the line's text without spaces)]."""
    _, words = layout(pdf)
    lines: dict[tuple[int, int], list[str]] = {}
    for w in words:
        lines.setdefault((w.page, w.line), []).append(w.text)
    out: dict[int, list[tuple[int, str]]] = {}
    for (page, line), parts in lines.items():
        out.setdefault(page, []).append((line, _squash("".join(parts))))
    return out


def rows_of(pdf: Path | str) -> dict[int, list[str]]:
    """page → the texts of its visual rows, top to bottom: words whose vertical middles lie within half a
    word's height of each other, left to right, joined with single spaces (a table row's first lines)."""
    _, words = layout(pdf)
    out: dict[int, list[str]] = {}
    by_page: dict[int, list[Word]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    for page, ws in sorted(by_page.items()):
        rows: list[list[Word]] = []
        for w in sorted(ws, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
            first = rows[-1][0] if rows else None
            if first and abs((first.y0 + first.y1) / 2 - (w.y0 + w.y1) / 2) <= min(first.y1 - first.y0,
                                                                                  w.y1 - w.y0) / 2:
                rows[-1].append(w)
            else:
                rows.append([w])
        out[page] = [" ".join(w.text for w in sorted(r, key=lambda w: w.x0)) for r in rows]
    return out


def split_across_lines(pdf: Path | str, texts) -> list[str]:
    """Each of `texts` (phone numbers, ID numbers, dates, amounts) must stand within one line."""
    pdf = Path(pdf)
    by_page = lines_of(pdf)
    problems = []
    for t in dict.fromkeys(_squash(str(t)) for t in texts if str(t).strip()):
        if any(t in text for lines in by_page.values() for _, text in lines):
            continue
        where = [p for p, lines in by_page.items() if t in "".join(text for _, text in lines)]
        if where:
            problems.append(f"{pdf.name} 第 {where[0]} 页：“{t}”被折成了两行")
        else:
            problems.append(f"{pdf.name}：找不到“{t}”")
    return problems


def pages_with(pdf: Path | str, text: str) -> list[int]:
    """Pages whose text (spaces removed, lines joined) contains `text`."""
    t = _squash(text)
    return [p for p, lines in sorted(lines_of(pdf).items()) if t in "".join(s for _, s in lines)]


def apart(pdf: Path | str, end_text: str, block_text: str) -> list[str]:
    """`block_text` (a signature block) must first appear on the page where `end_text` (its table's last
    row) last appears."""
    pdf = Path(pdf)
    ends, blocks = pages_with(pdf, end_text), pages_with(pdf, block_text)
    if not ends or not blocks:
        return [f"{pdf.name}：找不到“{end_text if not ends else block_text}”"]
    if blocks[0] != ends[-1]:
        return [(f"{pdf.name}：“{block_text}”在第 {blocks[0]} 页，表格结尾“{end_text}”在第 {ends[-1]} 页，"
                 f"签字栏与表格分开了")]
    return []


def check_pdf(pdf: Path | str, *, one_line=(), together=(), margin_mm: float = 5.0) -> list[str]:
    """All checks: glyphs in embedded fonts, no unembedded fonts, printable area, no overlapping words,
    one-line texts, (table end, block) pairs on one page."""
    pdf = Path(pdf)
    problems = glyph_problems(pdf)
    problems += [f"{pdf.name}：引用了未嵌入的字体 {n}" for n in unembedded_fonts(pdf)]
    problems += outside_printable(pdf, margin_mm)
    problems += overlapping_words(pdf)
    if one_line:
        problems += split_across_lines(pdf, one_line)
    for end_text, block_text in together:
        problems += apart(pdf, end_text, block_text)
    return problems
