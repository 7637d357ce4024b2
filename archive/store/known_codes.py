"""The office, category and retention codes the archive knows (settings, office data, records), and the
check that a code a user typed is one of them: a typo is a usage error listing the known codes, instead
of an empty selection."""
from __future__ import annotations

from archive.common.errors import UnknownCodeError


def _listing(known: dict) -> str:
    return "、".join(f"{k}（{v}）" if v else k for k, v in known.items())


def known_codes(settings, conn) -> tuple[dict, dict, dict]:
    """({office: name}, {category: name}, {retention: name}) from the settings, the office data and the records."""
    offices = {r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM offices")}
    categories, retentions = dict(settings.categories), dict(settings.retentions)
    for r in conn.execute("SELECT DISTINCT office, category, retention FROM records"):
        for known, code in ((offices, r["office"]), (categories, r["category"]), (retentions, r["retention"])):
            if code:
                known.setdefault(code, "")
    return offices, categories, retentions


def check_codes(settings, conn, *, office=None, category=None, retention=None) -> None:
    """Raise UnknownCodeError (exit 2) naming a given code that the archive does not know and listing the
    known ones; codes not given (None or empty) are not checked."""
    office, category, retention = (str(c).strip().upper() if c not in (None, "") else None
                                   for c in (office, category, retention))
    if office is None and category is None and retention is None:
        return
    offices, categories, retentions = known_codes(settings, conn)
    if office is not None and office not in offices:
        known = f"已有：{_listing(offices)}。请用 --office 指定其中之一" if offices else \
            "档案中还没有任何民政办：请先用 minzheng office import 导入办公室数据，或导入文件时用 --office 指定机构"
        raise UnknownCodeError(f"没有机构代码为 “{office}” 的民政办。{known}")
    if category is not None and category not in categories:
        raise UnknownCodeError(f"没有门类代码 “{category}”。可用的门类：{_listing(categories) or '（未设置）'}。"
                               "请用 --category 指定其中之一（门类在 minzheng.toml 的 [categories] 中设置）")
    if retention is not None and retention not in retentions:
        raise UnknownCodeError(f"没有保管期限代码 “{retention}”。可用的保管期限：{_listing(retentions) or '（未设置）'}。"
                               "请用 --retention 指定其中之一（保管期限在 minzheng.toml 的 [retention] 中设置）")
