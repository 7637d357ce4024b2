"""The volume's own pages, drawn with reportlab: cover, contents list (卷内文件目录), notes sheet
(卷内备考表), back cover, and the spine and box labels (a separate small PDF).

All of them follow the profile: field order and labels, columns, date styles, margins, box thickness.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .profiles import A4, MM, Profile

FIXED_TEXT = ("档案盒脊背标签盒面共件页第卷盒号起止件号保管期限全宗号年度门类机构档号范围本卷情况说明立卷人检查人时间"
              "沿虚线剪下贴于背厚度封底说明文件无法装入未在此处签名至" "民政办公室无（）／：mm"
              "档案盒脊背标签（盒厚沿框线剪下贴于盒脊面）" "双面打印另有空白背面未编页号，。")


@dataclass
class DocEntry:
    seq: int
    record_id: int
    archival_code: str
    item_no: int
    title: str
    doc_number: str = ""
    author: str = ""
    date: str = ""                # YYYY-MM-DD
    first_page: int = 0           # running page numbers in the volume (documents start at 1)
    last_page: int = 0
    pages: int = 0
    remarks: str = ""
    pdf_page: int = 0             # where the first page is in the volume's PDF (1-based; blank backs counted)


@dataclass
class VolumeInfo:
    archival_code: str
    fonds: str
    fonds_name: str
    office: str
    office_name: str
    year: int
    category: str
    category_name: str
    retention: str
    retention_name: str
    seq: int
    version: int
    title: str
    date_from: str
    date_to: str
    filing_date: str
    documents: list[DocEntry] = field(default_factory=list)
    summary: str = ""
    security: str = ""

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)

    @property
    def item_range(self) -> str:
        if not self.documents:
            return ""
        return f"{self.documents[0].item_no:04d}—{self.documents[-1].item_no:04d}"


def format_date(d: str, style: str) -> str:
    """One date: yyyymmdd → 20140207; iso → 2014-02-07."""
    if not d:
        return ""
    return d.replace("-", "") if style == "yyyymmdd" else d


def format_range(a: str, b: str, style: str) -> str:
    """Start–end: day-range → 2014-12-01～2015-12-31; month-range → 201412—201512."""
    if not a and not b:
        return ""
    if style == "month-range":
        return f"{a[:7].replace('-', '')}—{b[:7].replace('-', '')}"
    return f"{a}～{b}"


def _fit(text: str, font: str, size: float, width: float, minimum: float = 4) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > minimum and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text or "":
        if ch == "\n":
            lines.append(line)
            line = ""
            continue
        if stringWidth(line + ch, font, size) > width and line:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    return lines


def _frame(profile: Profile, recto: bool = True) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the text area in points."""
    left = profile.margin("binding") if recto or not profile.double_sided else profile.margin("outer")
    right = A4[0] - (profile.margin("outer") if recto or not profile.double_sided else profile.margin("binding"))
    return left, profile.margin("bottom"), right, A4[1] - profile.margin("top")


# ---------------------------------------------------------------- cover
def cover_value(vol: VolumeInfo, key: str, profile: Profile) -> str:
    return {
        "fonds_name": vol.fonds_name, "unit": f"{vol.office_name}民政办公室" if vol.office_name else vol.office,
        "class_name": f"{vol.category_name}（{vol.category}）", "volume_title": vol.title,
        "dates": format_range(vol.date_from, vol.date_to, profile["cover"]["date_style"]),
        "retention": vol.retention_name, "counts": f"共 {len(vol.documents)} 件  {vol.pages} 页",
        "filing_no": f"{vol.year}-{vol.category}-{vol.seq:03d}", "archival_code": vol.archival_code,
        "security": vol.security or "无",
    }[key]


def draw_cover(c, vol: VolumeInfo, profile: Profile, fonts) -> None:
    left, bottom, right, top = _frame(profile)
    width = right - left
    if profile["cover"]["code_at_top"]:
        c.setFont(fonts.serif, 11)
        c.drawRightString(right, top - 6, f"档号：{vol.archival_code}")
    title = profile["cover"]["title"].replace("{category}", vol.category_name)
    c.setFont(fonts.sans, _fit(title, fonts.sans, 26, width))
    c.drawCentredString((left + right) / 2, top - 55 * MM, title)
    y = top - 90 * MM
    label_w = 32 * MM
    for key in profile["cover"]["fields"]:
        label = profile.label("cover", key)
        value = cover_value(vol, key, profile)
        c.setFont(fonts.sans, 14)
        c.drawString(left + 8 * MM, y, label)
        vx = left + 8 * MM + label_w
        vw = right - 8 * MM - vx
        lines = _wrap(value, fonts.serif, 14, vw)[:2]
        for i, line in enumerate(lines):
            c.setFont(fonts.serif, 14)
            c.drawString(vx + 2, y - i * 20, line)
            c.setLineWidth(0.6)
            c.line(vx, y - i * 20 - 4, vx + vw, y - i * 20 - 4)
        y -= 16 * MM + (len(lines) - 1) * 20
    c.setFont(fonts.serif, 11)
    c.drawCentredString((left + right) / 2, bottom + 10 * MM, vol.fonds_name)
    c.showPage()


def draw_back_cover(c, vol: VolumeInfo, profile: Profile, fonts) -> None:
    left, bottom, right, top = _frame(profile, recto=False)
    c.setFont(fonts.serif, 9)
    c.drawCentredString((left + right) / 2, bottom + 5 * MM, f"{vol.archival_code}（封底）")
    c.showPage()


# ---------------------------------------------------------------- contents list
COLUMN_WEIGHTS = {"seq": 1.1, "archival_code": 4.2, "doc_number": 3.3, "author": 3.0, "title": 6.4,
                  "date": 2.2, "page_range": 1.7, "pages": 1.3, "remarks": 1.6}


def contents_cell(doc: DocEntry, key: str, profile: Profile) -> str:
    if key == "page_range":
        return str(doc.first_page) if doc.first_page == doc.last_page else f"{doc.first_page}-{doc.last_page}"
    return {"seq": str(doc.seq), "archival_code": doc.archival_code, "doc_number": doc.doc_number,
            "author": doc.author, "title": doc.title,
            "date": format_date(doc.date, profile["contents"]["date_style"]), "pages": str(doc.pages),
            "remarks": doc.remarks}[key]


def draw_contents(c, vol: VolumeInfo, profile: Profile, fonts) -> int:
    """Draws the contents list over as many pages as it needs; returns the number of pages."""
    size = float(profile["font"]["size"])
    font = fonts.family(profile["font"]["family"])
    cols = profile["contents"]["columns"]
    left, bottom, right, top = _frame(profile)
    total = sum(COLUMN_WEIGHTS[k] for k in cols)
    widths = [(right - left) * COLUMN_WEIGHTS[k] / total for k in cols]
    lead = size * 1.35
    pages = 0

    def header() -> float:
        nonlocal pages, left, right
        pages += 1
        left, _, right, _ = _frame(profile, recto=pages % 2 == 1)     # double-sided: binding edge on the right
        c.setFont(fonts.sans, 18)
        c.drawCentredString((left + right) / 2, top - 18, profile["contents"]["title"])
        c.setFont(fonts.serif, 9)
        c.drawString(left, top - 34, f"档号：{vol.archival_code}")
        c.drawRightString(right, top - 34, f"第 {pages} 页")
        y = top - 40
        h = 9 * MM
        x = left
        c.setLineWidth(0.7)
        for k, w in zip(cols, widths):
            c.rect(x, y - h, w, h)
            label = profile.label("contents", k)
            c.setFont(fonts.sans, _fit(label, fonts.sans, size, w - 3))
            c.drawCentredString(x + w / 2, y - h / 2 - size * 0.35, label)
            x += w
        return y - h

    y = header()
    for doc in vol.documents:
        cells = [_wrap(contents_cell(doc, k, profile), font, size, w - 4) for k, w in zip(cols, widths)]
        h = max(8 * MM, max(len(x) for x in cells) * lead + 3 * MM)
        if y - h < bottom:
            c.showPage()
            y = header()
        x = left
        for k, w, lines in zip(cols, widths, cells):
            c.rect(x, y - h, w, h)
            c.setFont(font, size)
            ty = y - (h - len(lines) * lead) / 2 - size * 0.9
            for line in lines:
                if k == "title":
                    c.drawString(x + 2, ty, line)
                else:
                    c.drawCentredString(x + w / 2, ty, line)
                ty -= lead
            x += w
        y -= h
    c.showPage()
    return pages


# ---------------------------------------------------------------- notes sheet
def draw_notes(c, vol: VolumeInfo, profile: Profile, fonts) -> None:
    size = float(profile["font"]["size"]) + 1.5
    font = fonts.family(profile["font"]["family"])
    left, bottom, right, top = _frame(profile)
    c.setFont(fonts.sans, 18)
    c.drawCentredString((left + right) / 2, top - 18, profile["notes"]["title"])
    c.setFont(fonts.serif, 9)
    c.drawString(left, top - 34, f"档号：{vol.archival_code}")
    fields = profile["notes"]["fields"]
    box_top = top - 42
    box_bottom = bottom + 20 * MM
    c.setLineWidth(0.8)
    c.rect(left, box_bottom, right - left, box_top - box_bottom)
    y = box_top - 10 * MM
    if "summary" in fields:
        c.setFont(fonts.sans, size)
        c.drawString(left + 6 * MM, y, profile.label("notes", "summary"))
        y -= 10 * MM
        for line in _wrap(vol.summary, font, size, right - left - 20 * MM):
            c.setFont(font, size)
            c.drawString(left + 14 * MM, y, line)
            y -= size * 1.8
    values = {"filer": "", "checker": "", "filing_date": vol.filing_date}
    sy = box_bottom + 45 * MM
    for key in ("filer", "checker", "filing_date"):
        if key not in fields:
            continue
        c.setFont(fonts.sans, size)
        x = left + (right - left) * 0.45
        c.drawString(x, sy, profile.label("notes", key) + "：")
        c.setFont(font, size)
        c.drawString(x + 26 * MM, sy, values[key])
        c.setLineWidth(0.5)
        c.line(x + 24 * MM, sy - 3, right - 8 * MM, sy - 3)
        sy -= 13 * MM
    c.showPage()


# ---------------------------------------------------------------- spine and box labels
def draw_labels(path, vol: VolumeInfo, profile: Profile, fonts) -> None:
    """labels.pdf: page 1 the spine label at the box's real thickness, page 2 the box label; with cut marks."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, initialFontName=fonts.serif)   # else Helvetica is referenced
    c.setTitle(f"{vol.archival_code} 脊背和盒面标签")
    thick = int(profile["volume"]["box_thickness"]) * MM
    h = 270 * MM
    x0, y0 = (A4[0] - thick) / 2, (A4[1] - h) / 2
    c.setFont(fonts.serif, 8)
    c.drawString(15 * MM, A4[1] - 12 * MM, f"档案盒脊背标签（盒厚 {profile['volume']['box_thickness']} mm），沿框线剪下贴于盒脊")
    c.setDash(3, 2)
    c.rect(x0, y0, thick, h)
    c.setDash()
    fields = [("全宗号", vol.fonds), ("年度", str(vol.year)), ("门类", vol.category_name),
              ("保管期限", vol.retention_name), ("机构", vol.office_name or vol.office),
              ("起止件号", vol.item_range), ("盒号", f"{vol.seq}")]
    slot = h / len(fields)
    pad = 2 * MM
    for i, (label, value) in enumerate(fields):
        top = y0 + h - i * slot
        c.setLineWidth(0.4)
        if i:
            c.line(x0, top, x0 + thick, top)
        ls = _fit(label, fonts.sans, 9, thick - 2 * pad)
        c.setFont(fonts.sans, ls)
        c.drawCentredString(x0 + thick / 2, top - 6 * MM, label)
        if label == "起止件号" and "—" in value:
            parts = [value.split("—")[0], "—", value.split("—")[1]]
        else:
            parts = [value]
        vs = min(_fit(p, fonts.serif, 16, thick - 2 * pad) for p in parts)
        c.setFont(fonts.serif, vs)
        vy = top - 6 * MM - (slot - 6 * MM) / 2 + (len(parts) - 1) * vs * 0.6
        for p in parts:
            c.drawCentredString(x0 + thick / 2, vy, p)
            vy -= vs * 1.2
    c.showPage()

    bw, bh = 180 * MM, 130 * MM
    bx, by = (A4[0] - bw) / 2, A4[1] - 30 * MM - bh
    c.setFont(fonts.serif, 8)
    c.drawString(15 * MM, A4[1] - 12 * MM, "档案盒盒面标签，沿框线剪下贴于盒面")
    c.setDash(3, 2)
    c.rect(bx, by, bw, bh)
    c.setDash()
    c.setFont(fonts.sans, 20)
    c.drawCentredString(bx + bw / 2, by + bh - 18 * MM, vol.fonds_name)
    rows = [("机构", f"{vol.office_name}（{vol.office}）"), ("年度", str(vol.year)),
            ("门类", f"{vol.category_name}（{vol.category}）"), ("保管期限", vol.retention_name),
            ("档号", vol.archival_code), ("起止件号", vol.item_range),
            ("件数/页数", f"{len(vol.documents)} 件 / {vol.pages} 页"), ("盒号", str(vol.seq))]
    y = by + bh - 32 * MM
    for label, value in rows:
        c.setFont(fonts.sans, 12)
        c.drawString(bx + 15 * MM, y, label)
        c.setFont(fonts.serif, 12)
        c.drawString(bx + 50 * MM, y, value)
        c.setLineWidth(0.4)
        c.line(bx + 48 * MM, y - 3, bx + bw - 15 * MM, y - 3)
        y -= 11 * MM
    c.showPage()
    c.save()
