"""The columns of each office-data file, defined once (FILES); README “办公室数据文件” documents them."""
from __future__ import annotations

from dataclasses import dataclass

from .model import AID_CLASSES, OFFICE_KINDS, ROOM_KINDS, STAFF_ROLES


@dataclass(frozen=True)
class Column:
    header: str                    # Chinese header as written in the file
    key: str                       # attribute it fills
    kind: str = "text"             # text int area amount date id bool
    required: bool = True          # the column must exist and every cell be filled
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 10**9           # numbers: anything larger is a typing slip (or a cell in the wrong column)


OFFICE = Column("机构代码", "office", aliases=("代码",))
VILLAGE_ALIASES = ("村（居）委会", "村居", "村", "社区", "村（社区）")

FILES: dict[str, tuple[Column, ...]] = {
    "offices": (
        Column("机构代码", "code", aliases=("代码",)),
        Column("名称", "name", aliases=("机构名称",)),
        Column("类型", "kind", choices=OFFICE_KINDS),
        Column("人口", "population", "int", aliases=("总人口",)),
        Column("全宗号", "fonds", required=False),
        Column("地址", "address", required=False),
        Column("电话", "phone", required=False, aliases=("办公电话",)),
        Column("监督电话", "complaint_phone", required=False, aliases=("投诉电话", "监督投诉电话")),
    ),
    "villages": (
        OFFICE,
        Column("村（居）", "village", aliases=VILLAGE_ALIASES + ("名称",)),
    ),
    "staff": (
        OFFICE,
        Column("姓名", "name"),
        Column("职务", "role", choices=STAFF_ROLES, aliases=("岗位",)),
        Column("身份证号", "id_number", "id", aliases=("身份证号码", "公民身份号码")),
        Column("性别", "gender", required=False, choices=("男", "女")),
        Column("电话", "phone", required=False, aliases=("联系电话",)),
        Column("村（居）", "village", required=False, aliases=VILLAGE_ALIASES),
        Column("持证上岗", "certified", "bool", required=False),
        Column("任职日期", "hired", "date", required=False, aliases=("任职时间",)),
        Column("学历", "education", required=False),
    ),
    "rooms": (
        OFFICE,
        Column("用房", "kind", choices=ROOM_KINDS, aliases=("房间",)),
        Column("面积", "area", "area", aliases=("面积（㎡）", "面积（平方米）")),
        Column("单独设立", "separate", "bool", required=False),
    ),
    "equipment": (
        OFFICE,
        Column("设备", "item", aliases=("名称", "设施")),
        Column("数量", "count", "int"),
    ),
    "signs": (
        OFFICE,
        Column("牌子", "text", aliases=("名称", "牌匾")),
    ),
    "recipients": (
        OFFICE,
        Column("类别", "category", choices=tuple(AID_CLASSES), aliases=("救助类别",)),
        Column("姓名", "name", aliases=("户主姓名",)),
        Column("身份证号", "id_number", "id", aliases=("身份证号码", "公民身份号码")),
        Column("村（居）", "village", aliases=VILLAGE_ALIASES),
        Column("家庭人口", "household_size", "int", minimum=1, maximum=99, aliases=("保障人口", "人口")),
        Column("金额", "amount", "amount", aliases=("金额（元）", "救助金额", "保障金额")),
        Column("起始日期", "start_date", "date", required=False, aliases=("起始时间", "批准日期", "发放日期")),
        Column("终止日期", "end_date", "date", required=False,
               aliases=("终止时间", "停发日期", "停保日期", "停止日期")),
        Column("城乡", "area", required=False, choices=("城市", "农村"), aliases=("城乡类别",)),
        Column("原因", "reason", required=False, aliases=("救助原因", "致贫原因")),
        Column("户号", "household", required=False),
        Column("电话", "phone", required=False, aliases=("联系电话",)),
        Column("银行账号", "bank_account", required=False, aliases=("账号",)),
    ),
}

AREA_ALIASES = {"城": "城市", "城镇": "城市", "乡": "农村", "农": "农村", "乡村": "农村"}
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已持证"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×", "✗", "未持证"}
UNIT_SUFFIXES = ("平方米", "㎡", "m²", "m2", "元", "人", "个", "台", "套")
