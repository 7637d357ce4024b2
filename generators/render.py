"""Template lookup (office override → county override → built-in), docxtpl rendering, atomic writes.

Every document sees the same `office` dict (office_context); each kind adds its own keys.
"""
from __future__ import annotations

import logging
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from archive.common.errors import ConfigError
from archive.common.files import atomic_path
from archive.store.config import TEMPLATES_DIR
from generators.office.model import Office

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


_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_TC_TAG = re.compile(r"\{%-?\s*tc\b")


def _template_class():
    """docxtpl's DocxTemplate, minus whole-document passes that a 5,000-row ledger pays for in seconds.

    - resolve_listing rewrites every run to turn \\n, \\t … into Word breaks: skipped when no text has one;
    - fix_tables repairs column counts after {%tc %} loops: skipped when the template has no {%tc %};
    - map_tree moves the freshly parsed body into the template's tree node by node (~2 s for 5,000
      rows): instead the rendered body is spliced into the template's XML text and parsed once.
    Each falls back to docxtpl's own code when needed; the document written is the same.
    """
    import copy

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsmap
    from docxtpl import DocxTemplate
    from lxml import etree

    docpr = etree.XPath("//wp:docPr", namespaces=nsmap)

    class Template(DocxTemplate):
        def build_xml(self, context, jinja_env=None):
            self._fast = not _TC_TAG.search(self.get_xml())
            return super().build_xml(context, jinja_env)

        def resolve_listing(self, xml):
            return super().resolve_listing(xml) if _LISTING.search(xml) else xml

        def fix_tables(self, xml):
            return xml if getattr(self, "_fast", False) else super().fix_tables(xml)

        def fix_docpr_ids(self, tree):
            if not isinstance(tree, str):
                super().fix_docpr_ids(tree)

        def map_tree(self, tree):
            if not isinstance(tree, str):
                return super().map_tree(tree)
            shell = copy.deepcopy(self.docx._element)          # the template's document: small
            shell.replace(shell.body, etree.Element("minzhengBody"))
            text = etree.tostring(shell, encoding="unicode").replace("<minzhengBody/>", tree, 1)
            root = parse_xml(text)
            for elt in docpr(root):
                self.docx_ids_index += 1
                elt.attrib["id"] = str(self.docx_ids_index)
            self.docx._part._element = root
            self.docx._element = root
            self.docx._Document__body = None

    return Template


def render_docx(template: Path, context: dict, target: Path) -> Path:
    """Render a docxtpl template into `target` (atomically). A broken template is a ConfigError."""
    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateError
    from lxml import etree

    try:
        tpl = _template_class()(str(template))
        tpl.render(context, autoescape=True)
    except TemplateError as e:
        line = f"第 {e.lineno} 行：" if getattr(e, "lineno", None) else ""
        raise ConfigError(f"模板 {template} 有误（{line}{e}）。请在 Word 中检查 {{{{ }}}} 和 {{% %}} 标记是否完整")
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, etree.XMLSyntaxError) as e:   # not a Word file
        log.debug("template %s: %r", template, e)
        raise ConfigError(f"模板 {template} 无法打开：它不是 Word .docx 文件，或已损坏。请用 Word 或 WPS 打开后另存为 .docx，"
                          "或删除它以改用内置模板") from None
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
