"""External programs, described once: tesseract, pdftotext, pdftoppm, soffice."""
from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import MinzhengError, MissingToolError

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


# Word's Chinese font names → the Noto CJK SC fonts (fonts-noto-cjk). Without this, fontconfig has no
# match for 宋体/黑体 and LibreOffice falls back to Noto Sans CJK **JP** (Japanese glyph forms).
CJK_ALIASES = {
    "Noto Serif CJK SC": ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "仿宋_GB2312", "FangSong_GB2312",
                          "楷体", "KaiTi", "楷体_GB2312", "方正小标宋简体", "华文中宋", "STZhongsong"),
    "Noto Sans CJK SC": ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian"),
}
FONTS_CONF = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
    + "".join(f'  <alias binding="same"><family>{name}</family><prefer><family>{noto}</family></prefer></alias>\n'
              for noto, names in CJK_ALIASES.items() for name in names)
    + "</fontconfig>\n"
)


def soffice_convert(inputs: list[Path], target: str, outdir: Path, *, timeout: float | None = None) -> dict:
    """Convert files with ONE headless LibreOffice run (a batch costs one start-up), in a profile of its
    own so that runs never collide, with Chinese font names mapped to Noto CJK SC.

    `target` is LibreOffice's filter name: "pdf", "docx", "xlsx" … Returns {input: output path or None
    when LibreOffice produced nothing for it}. Raises MissingToolError without soffice, MinzhengError when
    the run itself fails."""
    SOFFICE.require()
    inputs = [Path(p) for p in inputs]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    if not inputs:
        return {}
    with tempfile.TemporaryDirectory(prefix="minzheng-soffice-") as work:
        fonts_conf = Path(work) / "fonts.conf"
        fonts_conf.write_text(FONTS_CONF, encoding="utf-8")
        env = dict(os.environ, HOME=work, FONTCONFIG_FILE=str(fonts_conf))
        SOFFICE.run(["--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                     f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}",
                     "--convert-to", target, "--outdir", str(outdir), *map(str, inputs)],
                    timeout=timeout or 120 + 30 * len(inputs), env=env)
    ext = target.split(":", 1)[0]
    out = {}
    for src in inputs:
        made = outdir / f"{src.stem}.{ext}"
        out[src] = made if made.is_file() and made.stat().st_size > 0 else None
    return out
