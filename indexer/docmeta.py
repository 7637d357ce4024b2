"""Metadata picked out of a document's text: title, 文号, issuing body (责任者), date."""
from __future__ import annotations

import re
from datetime import date

from indexer.normalize import normalize

_H = "\u4e00-\u9fff"
DOC_NUMBER = re.compile(
    rf"([{_H}]{{1,12}}?[{_H}A-Za-z]{{0,3}})\s*[〔\[［(（【]\s*((?:19|20)\d\d)\s*[〕\]］)）】]\s*(\d{{1,4}})\s*号")
_GENRES = ("实施方案|实施意见|工作方案|实施细则|管理办法|暂行办法|办法|规定|意见|通知|通报|决定|报告|请示|批复|"
           "方案|函|纪要|公示|公告|通告|规划|计划|总结|细则|制度|章程|命令|议案")
_BODY_SUFFIX = ("人民政府办公室|人民政府办公厅|人民政府|民政局|民政厅|民政部|民政办公室|民政办|社会事务办|"
                "街道办事处|办事处|委员会|办公室|办公厅|财政局|人社局|卫健委|乡政府|镇政府|局|厅|委")
TITLE = re.compile(rf"(?:^|(?<=[^{_H}《]))(([{_H}、]{{2,30}}?(?:{_BODY_SUFFIX}))?关于[^。；;！!？?\n《》]{{2,80}}?的(?:{_GENRES}))")
TITLE_PLAIN = re.compile(rf"([{_H}]{{2,30}}?(?:{_BODY_SUFFIX}))?关于[^。；;！!？?\n《》]{{2,80}}?(?:{_GENRES})")
DATE_DIGITS = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_HAN = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
DATE_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)[-./](\d{1,2})[-./](\d{1,2})(?!\d)")

_HAN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}
_HAN_DIGIT.update({"〇": 0, "○": 0})


def _han_number(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        return (_HAN_DIGIT[a] if a else 1) * 10 + (_HAN_DIGIT[b] if b else 0)
    n = 0
    for ch in s:
        n = n * 10 + _HAN_DIGIT[ch]
    return n


def _date(y: int, m: int, d: int) -> str | None:
    """YYYY-MM-DD for a real calendar date in 1900–2100 (2016-02-30 and 2016年13月 are not dates)."""
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _find_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, YYYY-MM-DD) for every date in the text, in order."""
    out = []
    for m in DATE_DIGITS.finditer(text):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append((m.start(), m.end(), d))
    for m in DATE_HAN.finditer(text):
        try:
            y = int("".join(str(_HAN_DIGIT[c]) for c in m.group(1)))
            d = _date(y, _han_number(m.group(2)), _han_number(m.group(3)))
        except KeyError:
            d = None
        if d:
            out.append((m.start(), m.end(), d))
    for m in DATE_ISO.finditer(text):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append((m.start(), m.end(), d))
    return sorted(out)


def find_dates(text: str) -> list[tuple[int, str]]:
    """(position, YYYY-MM-DD) for every date in the text."""
    return [(start, d) for start, _, d in _find_dates(text)]


def find_doc_number(text: str) -> str | None:
    """The first 文号, written with 〔〕 whatever brackets the text used: 永民发〔2014〕12号."""
    m = DOC_NUMBER.search(text)
    if not m:
        return None
    prefix = m.group(1)
    # keep only the issuer abbreviation ending in 发/字/函/办… (drop text run into it)
    short = re.search(rf"[{_H}]{{1,8}}(?:发|字|函|办|文|电|令|告)$", prefix)
    if short:
        prefix = short.group(0)
    # a title printed just above the 文号 runs into it once lines are joined (“…的通知青民发”):
    # cut after the last 文种 word or 的 that leaves an abbreviation of two characters or more
    cut = 0
    for g in re.finditer(rf"(?:{_GENRES})|的", prefix):
        if len(prefix) - g.end() >= 2:
            cut = g.end()
    prefix = prefix[cut:]
    return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"


def guess_metadata(text: str) -> dict:
    """{"title", "doc_number", "author", "doc_date"} from a document's text; None where not found.

    The date is the last one in the text (a 公文's 成文日期 stands at its end, before 抄送);
    the title is the first "…关于…的<文种>" outside 《》, with its issuing body when it leads the title."""
    text = normalize(text or "")
    head = text[:4000]
    title = author = None
    m = TITLE.search(head) or TITLE_PLAIN.search(head)
    if m:
        title = m.group(1) if m.re is TITLE else m.group(0)
        body = m.group(2) if m.re is TITLE else m.group(1)
        if body:
            # the body may have the 文号 or a heading run into it: keep its tail after the last 号
            body = re.split(rf"号|{_GENRES}|[a-zA-Z0-9]", body)[-1]
            if len(body) < 2:
                body = None
            title = (body or "") + title[title.index("关于"):]
            author = body
    if title is None:
        for line in text.splitlines():
            line = line.strip()
            if 4 <= len(line) <= 40 and not DOC_NUMBER.search(line):
                title = line
                break
    dates = _find_dates(text)
    # the 成文日期, not the 印发 date of the printing office's footer
    while len(dates) > 1 and re.match(r"\s*印发", text[dates[-1][1]:dates[-1][1] + 6]):
        dates.pop()
    return {"title": title, "doc_number": find_doc_number(head), "author": author,
            "doc_date": dates[-1][2] if dates else None}
