"""Metadata picked out of a document's text: title, 文号, issuing body (责任者), date."""
from __future__ import annotations

import re
from typing import NamedTuple

from archive.common.textcodec import make_date
from indexer.normalize import normalize

_H = "\u4e00-\u9fff"
DOC_NUMBER = re.compile(
    rf"([{_H}]{{1,12}}?[{_H}A-Za-z]{{0,3}})\s*[〔\[［(（【]\s*((?:19|20)\d\d)\s*[〕\]］)）】]\s*(\d{{1,4}})\s*号", re.ASCII)
_GENRES = ("实施方案|实施意见|工作方案|实施细则|管理办法|暂行办法|办法|规定|意见|通知|通报|决定|报告|请示|批复|"
           "方案|函|纪要|公示|公告|通告|规划|计划|总结|细则|制度|章程|命令|议案|解释|规则|答复|复函|准则|要点|条例")
_BODY_SUFFIX = ("人民政府办公室|人民政府办公厅|人民政府|民政局|民政厅|民政部|民政办公室|民政办|社会事务办|"
                "街道办事处|办事处|委员会|办公室|办公厅|财政局|人社局|卫健委|乡政府|镇政府|局|厅|委")
TITLE = re.compile(rf"(?:^|(?<=[^{_H}《]))(([{_H}、]{{2,30}}?(?:{_BODY_SUFFIX}))?关于[^。；;！!？?\n《》]{{2,80}}?的(?:{_GENRES}))")
TITLE_PLAIN = re.compile(rf"([{_H}]{{2,30}}?(?:{_BODY_SUFFIX}))?关于[^。；;！!？?\n《》]{{2,80}}?(?:{_GENRES})")
DATE_DIGITS = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", re.ASCII)
DATE_HAN = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
DATE_ISO = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)", re.ASCII)

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
    found = make_date(y, m, d)
    return found.isoformat() if found else None


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
    for g in re.finditer(rf"(?:{_GENRES})|的|文件", prefix):
        if len(prefix) - g.end() >= 2:
            cut = g.end()
    prefix = prefix[cut:]
    return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"


class HeadLine(NamedTuple):
    """One line at the top of a document's first page as the file lays it out, before normalisation:
    its text, its type size in points (0 when the format does not say) and whether the file marks it as a
    heading (a Word heading or title style, a centred bold line)."""
    text: str
    size: float = 0.0
    heading: bool = False


HEAD_LINES = 40                 # lines of page 1 looked at for a title
_MAX_TITLE = 80
_SENTENCE_END = "。；;！!？?"
# lines that stand above a title but are not one: red-header body name, 份号, 密级, 紧急程度, 签发人, page marks
_NOT_TITLE = re.compile(
    r"^(?:[\s\d\-—－]*|.{2,30}文件|.{0,6}[★☆].*|(?:绝密|机密|秘密|特急|加急|特提|平急|急件)\b.*|签发人.*|份号.*"
    r"|目\s*录|附\s*件.*|抄送.*|抄报.*|主题词.*|.*印发$|第\s*\d+\s*页.*|共\s*\d+\s*页.*|[-—－\s]*\d+[-—－\s]*"
    r"|[（(]?\s*(?:19|20)\d\d\s*[年\-./].*(?:通过|公布|发布|施行|修正|修订)[^）)]*[）)]?)$")
_CLAUSE = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条款编]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
                     r"|\d+[、.．]\D|根据|依照|依据|参照|为了|为进一步|按照|经研究|现将|兹|各[^，。]{0,20}[:：]$)")
TITLE_LINE = re.compile(rf"^(?:[{_H}、（）()]{{2,40}}?)?关于[^{_SENTENCE_END}]{{2,90}}?的?(?:{_GENRES})"
                        r"(?:[（(][^）)]{1,12}[）)])?$")


def _as_line(h) -> HeadLine:
    """A HeadLine from what a caller passed: a HeadLine, a (text, size, heading) tuple or a plain string."""
    if isinstance(h, (tuple, list)):
        return HeadLine(*h[:3]) if h else HeadLine("")
    return HeadLine("" if h is None else str(h))


def _clean_line(text: str) -> str:
    return normalize(" ".join(str(text or "").split())).strip(" \u3000:：")


def _titleish(line: str) -> bool:
    """Could this line be a document's title on its own?"""
    han = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    return (2 <= len(line) <= _MAX_TITLE and han >= 2 and not _NOT_TITLE.match(line) and not _CLAUSE.match(line)
            and line[-1] not in _SENTENCE_END + "，,、：:" and not DOC_NUMBER.search(line)
            and "。" not in line and not re.fullmatch(r"[\d\s年月日号\-./〇○零一二三四五六七八九十]+", line))


def _continues(line: str) -> bool:
    """Could this line be the rest of a title wrapped onto it (one character is enough: 台 / 账)?"""
    return (not _NOT_TITLE.match(line) and not _CLAUSE.match(line) and not DOC_NUMBER.search(line)
            and not any(ch in line for ch in _SENTENCE_END + "，,：:"))


def _joined(lines: list[HeadLine], i: int, fits) -> str:
    """Line i with the next ones that continue it (a title wrapped over two or three lines)."""
    text = lines[i].text
    for nxt in lines[i + 1:i + 3]:
        if not fits(nxt) or not _continues(nxt.text) or len(text) + len(nxt.text) > _MAX_TITLE:
            break
        text += nxt.text
    return text


def guess_title(head) -> str | None:
    """The title of a document from the lines at the top of its first page (HeadLine or plain strings).

    In order: a `…关于…的<文种>` line (or two or three lines that make one); the line in the largest type,
    with the lines in the same type that continue it; the first line styled as a heading; the first line
    that could be a title (not a 文号, date, 密级, red-header name, salutation, clause or sentence)."""
    lines = []
    for h in list(head or [])[:HEAD_LINES]:
        h = _as_line(h)
        t = _clean_line(h.text)
        try:
            size = float(h.size or 0)
        except (TypeError, ValueError):
            size = 0.0
        if t:
            lines.append(HeadLine(t, size, bool(h.heading)))
    if not lines:
        return None
    sized = [ln for ln in lines if ln.size > 0]
    body = big = 0.0
    if sized:
        chars = sorted(ln.size for ln in sized for _ in ln.text)
        body = chars[len(chars) // 2]
        big = max((ln.size for ln in sized if _titleish(ln.text)), default=0)
    emphasis = big >= body * 1.15 and big - body >= 1      # the layout sets some line apart from the body
    for i in range(len(lines)):                              # the 公文 pattern, possibly wrapped
        if _CLAUSE.match(lines[i].text) or (emphasis and lines[i].size < body * 1.15):
            continue                                         # body type: a sentence that mentions a 通知
        text, found = "", None
        for k, nxt in enumerate(lines[i:i + 3]):
            if k and found and (not _continues(nxt.text) or nxt.text in found):
                break         # the body, or the title printed twice
            text += nxt.text
            if len(text) > _MAX_TITLE + 20:
                break
            if TITLE_LINE.match(text):
                found = text          # go on: "…关于转发…的通知" / "的通知" wraps after a 文种 word
        if found:
            return found
    if emphasis:
        i = next(i for i, ln in enumerate(lines) if ln.size == big and _titleish(ln.text))
        return _joined(lines, i, lambda n: abs(n.size - big) < 0.6)
    for i, ln in enumerate(lines):
        if ln.heading and _titleish(ln.text):
            return _joined(lines, i, lambda n: n.heading)
    for ln in lines:
        if _titleish(ln.text):
            return ln.text
    return None


_CITING = re.compile(r"依照|依据|根据|按照|参照|执行|贯彻|落实|[、，,；;：:和与及《]$")


def _in_sentence(text: str, start: int) -> bool:
    """Does the text before `start` (back to the last sentence end or line break) cite what follows?"""
    before = re.split(r"[。！？!?\n]", text[max(0, start - 40):start])[-1]
    return bool(_CITING.search(before))


def _author(title: str) -> str | None:
    """The issuing body that leads a `…关于…` title: 青山县民政局关于… → 青山县民政局."""
    m = re.match(rf"([{_H}、]{{2,30}}?(?:{_BODY_SUFFIX}))关于", title)
    if not m:
        return None
    body = re.split(rf"号|{_GENRES}|[a-zA-Z0-9]", m.group(1))[-1]
    return body if len(body) >= 2 else None


def guess_metadata(text: str, head=None) -> dict:
    """{"title", "doc_number", "author", "doc_date"} from a document's text; None where not found.

    `head`: the first page's lines as the file lays them out (HeadLine: text, type size, heading style),
    from extraction; without it the text's own lines are used, before normalisation. The title comes
    from that structure first (guess_title), else the first "…关于…的<文种>" outside 《》 in the text;
    the author is the issuing body leading such a title. The date is the last one in the text (a 公文's
    成文日期 stands at its end, before 抄送) that is not the printing office's 印发 date.
    Never raises for any string: what cannot be found is None."""
    raw = text if isinstance(text, str) else ""
    if head is None:
        head = [ln for ln in raw[:8000].splitlines() if ln.strip()][:HEAD_LINES]
    text = normalize(raw)
    start = text[:4000]
    title = guess_title(head)
    if title is None or not TITLE_LINE.match(title):
        # not a sentence of the body that names a document (第四条 依照国务院、中央军事委员会关于…的规定)
        m = next((m for pattern in (TITLE, TITLE_PLAIN) for m in pattern.finditer(start)
                  if not _CLAUSE.match(m.group(0)) and not _in_sentence(start, m.start())), None)
        # a plain first line that holds a 关于 title and more ("…的通知 正文") gives way to that title
        if m and (title is None or (not head_has_structure(head) and title.startswith(m.group(0)))):
            found = m.group(1) if m.re is TITLE else m.group(0)
            body = m.group(2) if m.re is TITLE else m.group(1)
            if body:
                # the body may have the 文号 or a heading run into it: keep its tail after the last 号
                body = re.split(rf"号|{_GENRES}|[a-zA-Z0-9]", body)[-1]
                found = (body if len(body) >= 2 else "") + found[found.index("关于"):]
            title = found
    if title is None:
        for line in text.splitlines():
            line = line.strip()
            if 4 <= len(line) <= 40 and _titleish(line):
                title = line
                break
    author = _author(title) if title else None
    dates = _find_dates(text)
    # the 成文日期, not the 印发 date of the printing office's footer
    while len(dates) > 1 and re.match(r"\s*印发", text[dates[-1][1]:dates[-1][1] + 6]):
        dates.pop()
    number = None
    for h in list(head or [])[:HEAD_LINES]:        # the 文号 on its own line, before lines are joined
        number = find_doc_number(_clean_line(_as_line(h).text))
        if number:
            break
    return {"title": title[:200] if title else None, "doc_number": number or find_doc_number(start), "author": author,
            "doc_date": dates[-1][2] if dates else None}


def head_has_structure(head) -> bool:
    """Whether the head lines carry layout (type sizes or heading styles), not just text lines."""
    return any(isinstance(h, (tuple, list)) and len(h) > 1 and (h[1] or (len(h) > 2 and h[2])) for h in head or [])
