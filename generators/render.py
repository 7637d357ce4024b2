"""Template lookup (office override → county override → built-in), docxtpl rendering, atomic writes.

Every document sees the same `office` dict (office_context); each kind adds its own keys.
"""
from __future__ import annotations

import logging
import os
import tempfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from archive.config import TEMPLATES_DIR
from archive.errors import ConfigError

from .model import Office

log = logging.getLogger(__name__)

BUILTIN_DIR = TEMPLATES_DIR
KIND_LABEL = {"乡": "全乡", "镇": "全镇", "街道": "辖区"}


def find_template(settings, name: str, office_code: str | None = None) -> Path:
    """ROOT/templates/OFFICE/NAME → ROOT/templates/NAME → built-in templates/NAME (first that exists)."""
    candidates = []
    if office_code:
        candidates.append(settings.root / "templates" / office_code / name)
    candidates.append(settings.root / "templates" / name)
    candidates.append(BUILTIN_DIR / name)
    for c in candidates:
        if c.is_file():
            log.debug("模板 %s", c)
            return c
    raise ConfigError(f"找不到模板 {name}（查找过：{'、'.join(str(c) for c in candidates)}）。"
                      f"请重新安装 minzheng，或把模板放到 {settings.root / 'templates'}")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; rename it over `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def render_docx(template: Path, context: dict, target: Path) -> Path:
    """Render a docxtpl template into `target` (atomically). A broken template is a ConfigError."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        tpl = DocxTemplate(str(template))
        tpl.render(context, autoescape=True)
    except TemplateError as e:
        line = f"第 {e.lineno} 行：" if getattr(e, "lineno", None) else ""
        raise ConfigError(f"模板 {template} 有误（{line}{e}）。请在 Word 中检查 {{{{ }}}} 和 {{% %}} 标记是否完整")
    except Exception as e:   # not a zip / not a Word document
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        raise ConfigError(f"模板 {template} 无法打开（{type(e).__name__}：{e}）。请确认它是 Word .docx 文件")
    with atomic_path(target) as tmp:
        tpl.save(str(tmp))
    return target


# ---------------------------------------------------------------- shared context helpers
def money(x) -> str:
    return f"{Decimal(str(x)).quantize(Decimal('0.01')):,}"


def total(amounts) -> Decimal:
    return sum((Decimal(str(a)) for a in amounts), Decimal("0"))


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def office_context(office: Office) -> dict:
    return {
        "code": office.code, "name": office.name, "full_name": office.full_name, "kind": office.kind,
        "kind_label": KIND_LABEL.get(office.kind, "全"), "population": office.population,
        "address": office.address or "＿＿＿＿＿＿", "phone": office.phone or "＿＿＿＿＿＿",
        "complaint_phone": office.complaint_phone or office.phone or "＿＿＿＿＿＿",
        "villages": list(office.villages),
    }


def base_context(settings, office: Office, year: int, today: date) -> dict:
    director = office.director
    return {
        "county": settings.county_name, "office": office_context(office), "year": year,
        "today": cn_date(today), "director": director.name if director else "＿＿＿＿",
    }
