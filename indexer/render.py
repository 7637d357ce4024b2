"""PDF pages to images for OCR, through poppler's pdftoppm (archive.tools.PDFTOPPM)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from archive.common.tools import PDFTOPPM
from indexer.errors import ExtractError


def render_pdf_page(path: Path, page: int, dpi: int = 300):
    """Page `page` (1-based) of the PDF as a grayscale PIL image at `dpi`."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="minzheng-page-") as tmp:
        out = Path(tmp) / "page"
        PDFTOPPM.run(["-r", str(dpi), "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                      str(path), str(out)], timeout=300)
        png = out.with_suffix(".png")
        if not png.exists():
            raise ExtractError(f"无法把 PDF 第 {page} 页转为图片做 OCR")
        img = Image.open(png)
        img.load()
        return img
