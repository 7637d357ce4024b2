"""Office data as loaded and validated from ROOT/data (see README, “办公室数据文件”)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# 救助类别: code → name. DB covers both urban (城市) and rural (农村) minimum allowance; Recipient.area tells which.
AID_CLASSES: dict[str, str] = {
    "DB": "城乡最低生活保障",
    "TK": "特困人员供养（五保）",
    "YL": "医疗救助",
    "LS": "临时救助",
    "JZ": "救灾救济",
    "FX": "抚恤定补",
}

# Monthly aid is paid every month from approval until it is stopped; one-off aid is paid once.
MONTHLY = ("DB", "TK", "FX")
ONE_OFF = ("YL", "LS", "JZ")
STOP_WORD = {"DB": "停保"}          # the other monthly classes say 停发

OFFICE_KINDS = ("乡", "镇", "街道")
ROOM_KINDS = ("办公室", "接待室", "档案室", "服务大厅", "物资储备室")
STAFF_ROLES = ("主任", "专职", "协理员")


@dataclass
class Staff:
    name: str
    role: str                  # 主任 / 专职 / 协理员
    id_number: str
    gender: str = ""
    phone: str = ""
    village: str = ""          # 协理员: the village (居委会) served
    certified: bool = True     # 持证上岗 (trained and passed the exam)
    hired: date | None = None
    education: str = ""


@dataclass
class Room:
    kind: str                  # one of ROOM_KINDS
    area: float                # m²
    separate: bool = True      # 服务大厅: separate room (≥50 m²) or inside a general hall (≥25 m²)


@dataclass
class Equipment:
    item: str                  # 电脑 打印机 电话 复印机 数码相机 档案柜 空调 办公桌椅 群众座椅
    count: int


@dataclass
class Recipient:
    category: str              # key of AID_CLASSES
    name: str
    id_number: str
    village: str
    household_size: int
    amount: float              # yuan: monthly for DB/TK/FX, one-off for YL/LS/JZ
    start_date: date | None = None   # monthly: approved from; one-off: the day it was paid
    area: str = ""             # DB: 城市 / 农村
    reason: str = ""           # 致贫/救助原因
    household: str = ""        # household ID used by the archive (defaults to id_number)
    phone: str = ""
    bank_account: str = ""
    end_date: date | None = None     # monthly aid only: last day paid (停发/停保); None while it goes on

    @property
    def monthly(self) -> bool:
        return self.category in MONTHLY

    def listed_in(self, year: int) -> bool:
        """Whether the recipient belongs to the year's ledger, notice and 四公开 board: one-off aid to the
        year it was paid (an undated payment to none), monthly aid to every year in which it was active
        (started on or before 31 December, not ended before 1 January)."""
        if not self.monthly:
            return self.start_date is not None and self.start_date.year == year
        started = self.start_date is None or self.start_date.year <= year
        return started and (self.end_date is None or self.end_date.year >= year)

    def changes_in(self, year: int) -> list[str]:
        """Monthly aid's changes in the year: 新增 (started that year), 停保/停发 (ended that year)."""
        if not self.monthly:
            return []
        out = []
        if self.start_date is not None and self.start_date.year == year:
            out.append("新增")
        if self.end_date is not None and self.end_date.year == year:
            out.append(STOP_WORD.get(self.category, "停发"))
        return out


@dataclass
class Office:
    code: str                  # 机构代码, e.g. QSZ
    name: str                  # 青山镇
    kind: str                  # 乡 / 镇 / 街道
    population: int
    fonds: str = ""            # 全宗号 when it differs from the county's
    address: str = ""
    phone: str = ""
    complaint_phone: str = ""  # 监督投诉电话 (notices)
    villages: list[str] = field(default_factory=list)
    signs: list[str] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.name}民政办公室"

    @property
    def director(self) -> Staff | None:
        return next((s for s in self.staff if s.role == "主任"), None)

    @property
    def full_time(self) -> list[Staff]:
        return [s for s in self.staff if s.role in ("主任", "专职")]

    @property
    def assistants(self) -> list[Staff]:
        return [s for s in self.staff if s.role == "协理员"]

    def recipients_of(self, category: str) -> list[Recipient]:
        return [r for r in self.recipients if r.category == category]


@dataclass
class County:
    name: str
    offices: list[Office] = field(default_factory=list)

    def office(self, code: str) -> Office | None:
        return next((o for o in self.offices if o.code == code.strip().upper()), None)
