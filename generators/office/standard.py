"""The standardization checklist for a civil-affairs office (seed 002, the city bureau's plan; seed 000).

`check_office` is pure: an Office in, a list of Findings out. `office check`, the inspection form and
the standardization report all use it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .model import Office

PLAN = "市民政局实施方案"
OPINION = "市政府意见"

# equipment item → (rule id, names that count for it, minimum)
BASIC_EQUIPMENT = (
    ("equipment.computer", "电脑", ("电脑", "计算机", "台式电脑", "笔记本电脑"), 1),
    ("equipment.printer", "打印机", ("打印机", "一体机"), 1),
    ("equipment.phone", "电话", ("电话", "电话机", "固定电话"), 1),
    ("equipment.copier", "复印机", ("复印机", "一体机"), 1),
    ("equipment.camera", "数码相机", ("数码相机", "相机"), 1),
    ("equipment.air_conditioner", "空调", ("空调",), 1),
    ("equipment.cabinets", "档案柜", ("档案柜", "档案密集柜"), 2),
)
DESK_NAMES = ("办公桌椅", "办公桌")
SEAT_NAMES = ("群众座椅", "接待座椅", "座椅", "候办座椅")
THREE_ROOMS = ("办公室", "接待室", "档案室")


@dataclass
class Finding:
    rule: str          # short id, e.g. staffing.full_time
    item: str          # 检查项目 (Chinese)
    passed: bool
    expected: str      # 要求
    actual: str        # 实际
    basis: str         # the seed's figure and where it comes from
    message: str       # one Chinese sentence
    bonus: bool = False  # 加分/高标准 item (only checked when the office has it)

    def to_dict(self) -> dict:
        return asdict(self)


def required_full_time(office: Office) -> tuple[int, str]:
    """(minimum full-time staff, basis) by population and kind."""
    if office.kind == "街道":
        return 4, f"街道办事处民政专职工作人员不少于4名（{PLAN}）"
    if office.population >= 20000:
        return 3, f"2万人以上乡（镇、办）配置3名民政专职工作人员（{PLAN}）"
    return 2, f"2万人以下乡（镇、办）配备2名民政专职工作人员（{PLAN}）"


def _count(office: Office, names: tuple[str, ...]) -> int:
    return sum(e.count for e in office.equipment if e.item in names)


def _area(x: float) -> str:
    return f"{x:g} ㎡"


def check_staffing(office: Office) -> list[Finding]:
    out = []
    need, basis = required_full_time(office)
    have = len(office.full_time)
    ok = have >= need
    out.append(Finding(
        "staffing.full_time", "专职工作人员", ok, f"≥ {need} 名", f"{have} 名", basis,
        f"专职工作人员 {have} 名（含主任），{'符合' if ok else '少于'}人口 {office.population:,} 的{office.kind}应配的 {need} 名"))

    directors = [s.name for s in office.staff if s.role == "主任"]
    ok = len(directors) == 1
    out.append(Finding(
        "staffing.director", "民政办主任", ok, "1 名", f"{len(directors)} 名", f"民政办公室设主任1名（{PLAN}）",
        f"主任：{directors[0]}" if ok else ("未设主任" if not directors else f"设了 {len(directors)} 名主任：{'、'.join(directors)}")))

    per_village = {v: [s.name for s in office.assistants if s.village == v] for v in office.villages}
    missing = [v for v, names in per_village.items() if not names]
    extra = [v for v, names in per_village.items() if len(names) > 1]
    ok = not missing and not extra
    parts = []
    if missing:
        parts.append(f"缺协理员：{'、'.join(missing)}")
    if extra:
        parts.append(f"多于1名：{'、'.join(extra)}")
    out.append(Finding(
        "staffing.assistants", "村（居）民政协理员", ok, f"{len(office.villages)} 个村（居）各 1 名",
        "；".join(parts) or f"{len(office.villages)} 个村（居）各 1 名",
        f"每个村（居委会）确定一名民政协理员（{PLAN}）",
        "每个村（居）都有一名民政协理员" if ok else "；".join(parts)))

    uncertified = [s.name for s in office.full_time if not s.certified]
    ok = not uncertified
    out.append(Finding(
        "staffing.certified", "持证上岗", ok, "专职工作人员全部持证", "全部持证" if ok else f"未持证：{'、'.join(uncertified)}",
        f"新进民政工作人员须经岗前培训、考试合格后持证上岗（{OPINION}）",
        "专职工作人员全部持证上岗" if ok else f"{'、'.join(uncertified)} 尚未持证上岗"))
    return out


def check_premises(office: Office) -> list[Finding]:
    out = []
    kinds = {r.kind for r in office.rooms}
    missing = [k for k in THREE_ROOMS if k not in kinds]
    out.append(Finding(
        "premises.rooms", "三室（办公室、接待室、档案室）", not missing, "、".join(THREE_ROOMS),
        f"缺：{'、'.join(missing)}" if missing else "齐全", f"须配备三室：办公室、接待室、档案室（{PLAN}）",
        f"缺少{'、'.join(missing)}" if missing else "办公室、接待室、档案室齐全"))

    by_kind = {k: sum(r.area for r in office.rooms if r.kind == k) for k in THREE_ROOMS}
    total = sum(by_kind.values())
    ok = total >= 60
    detail = "，".join(f"{k} {_area(a)}" for k, a in by_kind.items())
    out.append(Finding(
        "premises.area", "三室总面积", ok, "≥ 60 ㎡", _area(total), f"三室总面积不得少于60㎡（{PLAN}）",
        f"三室共 {_area(total)}（{detail}），{'达到' if ok else '不足'} 60 ㎡"))

    halls = [r for r in office.rooms if r.kind == "服务大厅"]
    if halls:
        hall = max(halls, key=lambda r: r.area)
        need = 50 if hall.separate else 25
        where = "单独设立" if hall.separate else "设在综合大厅内"
        ok = hall.area >= need
        out.append(Finding(
            "premises.service_hall", "服务大厅（高标准）", ok, f"{where} ≥ {need} ㎡", _area(hall.area),
            f"单独设立的办事大厅不少于50平方米，综合大厅所占面积不少于25平方米（{PLAN}，高标准民政室）",
            f"服务大厅{where}，{_area(hall.area)}，{'达到' if ok else '不足'} {need} ㎡", bonus=True))
    stores = [r for r in office.rooms if r.kind == "物资储备室"]
    if stores:
        area = sum(r.area for r in stores)
        ok = area >= 15
        out.append(Finding(
            "premises.store", "物资储备室（高标准）", ok, "≥ 15 ㎡", _area(area),
            f"物资储备库不少于15平方米（{PLAN}，高标准民政室）",
            f"物资储备室 {_area(area)}，{'达到' if ok else '不足'} 15 ㎡", bonus=True))
    return out


def check_equipment(office: Office) -> list[Finding]:
    out = []
    basis = f"民政办配备电脑、打印机、电话、复印机、数码相机、档案柜、空调，档案柜不少于2个（{PLAN}）"
    for rule, item, names, need in BASIC_EQUIPMENT:
        have = _count(office, names)
        ok = have >= need
        out.append(Finding(rule, item, ok, f"≥ {need}", str(have), basis,
                           f"{item} {have}" + ("" if ok else f"，应至少 {need}")))
    staff = len(office.full_time)
    desks = _count(office, DESK_NAMES)
    ok = desks >= staff and desks > 0
    out.append(Finding(
        "equipment.desks", "办公桌椅", ok, f"≥ {max(staff, 1)} 套（每名专职工作人员 1 套）", f"{desks} 套",
        f"每个工作人员在民政办应配备办公桌椅（{PLAN}）",
        f"办公桌椅 {desks} 套，专职工作人员 {staff} 名" + ("" if ok else "，不够每人一套")))
    seats = _count(office, SEAT_NAMES)
    ok = seats > 0
    out.append(Finding(
        "equipment.seats", "群众座椅", ok, "≥ 1", str(seats),
        f"有接待群众来访和办事时方便群众就坐的基本设施（{PLAN}）",
        f"群众座椅 {seats}" if ok else "没有供来访群众就坐的座椅"))
    return out


def _norm(s: str) -> str:
    return "".join(s.split()).replace("(", "（").replace(")", "）")


def check_signs(office: Office) -> list[Finding]:
    signs = {_norm(s) for s in office.signs}
    out = []
    for rule, item, suffix, basis in (
        ("signs.office", "民政办公室牌子", "民政办公室", f"名称统一为“某某乡（镇、办）民政办公室”（{PLAN}）"),
        ("signs.aid_station", "社会救助工作站牌子", "社会救助工作站", f"同时加挂“某某乡（镇、办）社会救助工作站”的牌子（{PLAN}）"),
    ):
        want = f"{office.name}{suffix}"
        ok = want in signs or f"{office.name}办事处{suffix}" in signs
        out.append(Finding(rule, item, ok, want, want if ok else "未挂", basis,
                           f"已挂“{want}”牌子" if ok else f"缺少“{want}”牌子"))
    return out


def check_office(office: Office) -> list[Finding]:
    """Every rule of the standard for one office, in checklist order (staffing, premises, equipment, signs)."""
    return check_staffing(office) + check_premises(office) + check_equipment(office) + check_signs(office)


def failed(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.passed]


def office_summary(office: Office) -> dict:
    """One row of `office list`: the office's size at a glance (JSON keys are a contract)."""
    return {"code": office.code, "name": office.name, "kind": office.kind, "population": office.population,
            "fonds": office.fonds or None, "villages": len(office.villages), "full_time": len(office.full_time),
            "assistants": len(office.assistants), "recipients": len(office.recipients)}


def office_check_result(office: Office) -> dict:
    """`office check` for one office: its findings, failed ones first (otherwise in rule order)."""
    findings = sorted(check_office(office), key=lambda f: f.passed)
    return {"code": office.code, "name": office.name, "kind": office.kind, "population": office.population,
            "failed": sum(not f.passed for f in findings), "findings": [f.to_dict() for f in findings]}
