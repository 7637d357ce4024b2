"""OCR engines behind one protocol: tesseract (CLI) with chi_sim, chi_sim+chi_tra, or the hybrid;
rapidocr (optional extra). Output is raw text; `indexer.normalize` folds and joins it later."""
from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from archive.common.errors import ConfigError, MissingToolError
from archive.common.tools import TESSERACT

from .normalize import is_cjk, to_simplified
from .preprocess import DEFAULT as DEFAULT_STEPS
from .preprocess import prepare

ENGINES = ("tesseract-hybrid", "tesseract-sim", "tesseract-simtra", "rapidocr")
DEFAULT_ENGINE = "tesseract-hybrid"


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def version(self) -> str: ...

    def recognize(self, image) -> str:
        """Text of one page image (PIL.Image)."""
        ...


@dataclass
class OcrResult:
    text: str
    confidence: float      # mean word confidence 0–100, weighted by length
    chars: int             # recognized non-space characters


@functools.cache
def tesseract_langs() -> frozenset[str]:
    TESSERACT.require()
    proc = TESSERACT.run(["--list-langs"], check=False, timeout=60)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace").split()
    return frozenset(out)


def _require_langs(langs: str) -> None:
    have = tesseract_langs()
    missing = [l for l in langs.split("+") if l not in have]
    if missing:
        pkgs = " ".join("tesseract-ocr-" + l.replace("_", "-") for l in missing)
        raise MissingToolError(f"tesseract 缺少语言包 {', '.join(missing)}（用于中文扫描件 OCR）。"
                               f"请安装：sudo apt-get install {pkgs}")


def _png(image) -> bytes:
    if image.mode not in ("L", "1", "RGB"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _parse_tsv(tsv: str) -> OcrResult:
    lines: dict[tuple, list[str]] = {}
    conf_sum = 0.0
    weight = 0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        if not word:
            continue
        key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))   # page, block, par, line
        lines.setdefault(key, []).append(word)
        try:
            c = float(cols[10])
        except ValueError:
            continue
        if c >= 0:
            conf_sum += c * len(word)
            weight += len(word)
    # a paragraph break between blocks/paragraphs, a line break within one (normalize joins CJK)
    out, prev = [], None
    for key in sorted(lines):
        if prev is not None:
            out.append("\n\n" if key[:3] != prev[:3] else "\n")
        out.append(" ".join(lines[key]))
        prev = key
    return OcrResult("".join(out), conf_sum / weight if weight else 0.0, weight)


class TesseractEngine:
    """tesseract through its CLI (archive.tools.TESSERACT), one page per call, one thread each.

    psm 6 (one uniform block of text): on our scans it halves the time of the automatic layout
    analysis (psm 3) and avoids its false columns on short or widely spaced Chinese pages."""

    def __init__(self, langs: str = "chi_sim", *, name: str | None = None, psm: int = 6, steps=DEFAULT_STEPS):
        self.langs = langs
        self.psm = psm
        self.name = name or f"tesseract-{langs}"
        self.steps = steps          # indexer.preprocess: what is done to a page before recognition

    def version(self) -> str:
        return f"tesseract {TESSERACT.version()} ({self.langs})"

    def run(self, image, langs: str | None = None) -> OcrResult:
        langs = langs or self.langs
        _require_langs(langs)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")    # pages run in parallel, one core each
        proc = TESSERACT.run(["stdin", "stdout", "-l", langs, "--psm", str(self.psm), "tsv"],
                             input=_png(image), env=env, timeout=600)
        return _parse_tsv(proc.stdout.decode("utf-8", "replace"))

    def recognize(self, image) -> str:
        return self.run(prepare(image, self.steps)).text


class HybridTesseractEngine(TesseractEngine):
    """chi_sim first (fast, best on simplified pages); a page it reads with a mean word confidence
    below `threshold` — on our pages simplified scans score 88–94, traditional ones 86–89, since
    chi_sim maps traditional glyphs to simplified characters with less certainty — is read again
    with chi_tra+chi_sim, and that reading wins when it shows the page is in traditional script
    (or is clearly more confident); otherwise chi_sim's reading stands (folded to simplified later by
    normalize)."""

    def __init__(self, *, threshold: float = 90.0, by_script: bool = True):
        super().__init__("chi_sim", name="tesseract-hybrid")
        self.threshold = threshold
        self.second = "chi_tra+chi_sim"
        self.by_script = by_script    # False: the second reading wins unless clearly less confident (the old rule)

    def version(self) -> str:
        return f"tesseract {TESSERACT.version()} (chi_sim, chi_tra+chi_sim below confidence {self.threshold:.0f})"

    def recognize(self, image) -> str:
        image = prepare(image, self.steps)
        first = self.run(image)
        if first.chars and first.confidence >= self.threshold:
            return first.text
        second = self.run(image, self.second)
        if not self.by_script:
            return second.text if second.confidence >= first.confidence - 3 else first.text
        if not first.chars or traditional_share(second.text) >= TRADITIONAL_PAGE or \
                second.confidence > first.confidence + 3:
            return second.text
        return first.text


TRADITIONAL_PAGE = 0.05


def traditional_share(text: str) -> float:
    """Share of the CJK characters that are traditional forms. chi_tra+chi_sim keeps a traditional page's
    forms and reads a simplified page as simplified, so a reading with few traditional forms is of a
    simplified page — where chi_sim alone reads better (measured: 乡 → 多, 湾 → 济 with chi_tra)."""
    cjk = [c for c in text if is_cjk(c)]
    if not cjk:
        return 0.0
    simp = to_simplified("".join(cjk))
    if len(simp) != len(cjk):
        return 1.0
    return sum(a != b for a, b in zip(cjk, simp)) / len(cjk)


class RapidOcrEngine:
    """PP-OCR models through rapidocr-onnxruntime (optional: pip install 'minzheng-archive[rapidocr]')."""

    name = "rapidocr"

    def __init__(self):
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise MissingToolError("未安装 rapidocr-onnxruntime（可选的 OCR 引擎）。"
                                   "请安装：pip install 'minzheng-archive[rapidocr]'，或改用 tesseract-hybrid")
        self._engine = RapidOCR()

    def version(self) -> str:
        import importlib.metadata
        return f"rapidocr-onnxruntime {importlib.metadata.version('rapidocr-onnxruntime')}"

    def recognize(self, image) -> str:
        import numpy as np
        result, _ = self._engine(np.asarray(image.convert("RGB")))
        if not result:
            return ""
        # result: [box, text, score]; order lines top-to-bottom, then left-to-right
        rows = sorted(result, key=lambda r: (round(min(p[1] for p in r[0]) / 20), min(p[0] for p in r[0])))
        return "\n".join(r[1] for r in rows)


def get_ocr_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """An OCR engine by name: tesseract-hybrid (default), tesseract-sim, tesseract-simtra, rapidocr."""
    if name == "tesseract-hybrid":
        eng = HybridTesseractEngine()
        _require_langs("chi_sim+chi_tra")
        return eng
    if name == "tesseract-sim":
        eng = TesseractEngine("chi_sim", name=name)
        _require_langs("chi_sim")
        return eng
    if name == "tesseract-simtra":
        eng = TesseractEngine("chi_sim+chi_tra", name=name)
        _require_langs("chi_sim+chi_tra")
        return eng
    if name == "rapidocr":
        return RapidOcrEngine()
    raise ConfigError(f"未知的 OCR 引擎 “{name}”：可选 {', '.join(ENGINES)}")
