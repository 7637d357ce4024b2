"""External programs, described once: tesseract, pdftotext, pdftoppm, soffice."""
from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass

from .errors import MissingToolError, MinzhengError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tool:
    program: str
    version_args: tuple[str, ...]
    version_regex: str
    package: str          # Debian package(s) to install
    purpose: str          # what minzheng uses it for (Chinese)

    def path(self) -> str | None:
        return shutil.which(self.program)

    def available(self) -> bool:
        return self.path() is not None

    def require(self) -> str:
        p = self.path()
        if p is None:
            raise MissingToolError(
                f"未找到 {self.program}（{self.purpose}）。请安装：sudo apt-get install {self.package}"
            )
        return p

    def version(self) -> str:
        return _version(self)

    def run(self, args: list[str], *, timeout: float = 600, input: bytes | None = None,
            check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run the tool with a timeout; argv and stderr go to the debug log."""
        argv = [self.require(), *args]
        log.debug("运行 %s", argv)
        try:
            proc = subprocess.run(argv, input=input, capture_output=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise MinzhengError(f"{self.program} 运行超过 {timeout:.0f} 秒未结束，已停止")
        if proc.stderr:
            log.debug("%s stderr: %s", self.program, proc.stderr[-2000:].decode("utf-8", "replace"))
        if check and proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise MinzhengError(f"{self.program} 出错（退出码 {proc.returncode}）：{err[-1] if err else ''}")
        return proc


@functools.cache
def _version(tool: Tool) -> str:
    proc = tool.run(list(tool.version_args), check=False, timeout=60)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")   # poppler prints -v on stderr
    m = re.search(tool.version_regex, out)
    return m.group(1) if m else "unknown"


TESSERACT = Tool("tesseract", ("--version",), r"tesseract\s+v?(\S+)",
                 "tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra", "扫描件文字识别 OCR")
PDFTOTEXT = Tool("pdftotext", ("-v",), r"pdftotext version (\S+)", "poppler-utils poppler-data", "PDF 文本提取")
PDFTOPPM = Tool("pdftoppm", ("-v",), r"pdftoppm version (\S+)", "poppler-utils poppler-data", "PDF 页面转图片")
SOFFICE = Tool("soffice", ("--version",), r"LibreOffice\s+(\S+)", "libreoffice-writer-nogui fonts-noto-cjk",
               "Word 文档转 PDF、读取旧版 DOC/XLS")
