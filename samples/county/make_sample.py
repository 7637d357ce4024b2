"""Generate the fictional sample county 青山县 (samples/county/data/*.csv). Deterministic: seeded random.

Everything here is invented: the county, its offices, villages, people, ID numbers (area code 439921 is
not a real county; check digits are valid so the data passes validation), phone numbers and amounts.

    .venv/bin/python samples/county/make_sample.py      # rewrites samples/county/data/
"""
from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from generators.office.idnumber import check_digit  # noqa: E402

AREA_CODE = "439921"   # fictional: prefecture 99 does not exist in province 43
SURNAMES = ("李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴莫向汤")
GIVEN = "春秋山水云松竹梅兰菊禾苗溪岚桂荷柳杉枫石青林泉月星晨雨雪霞虹晴岩峰桃李杏芝茶麦稻谷"

# code, name, kind, population, villages, full-time staff, rooms, equipment overrides, extra
OFFICES = [
    ("QSZ", "青山镇", "镇", 26800, ["青山社区", "竹林村", "石桥村", "枫树村", "茶园村", "柏坡村"], 3,
     [("办公室", 28, True), ("接待室", 20, True), ("档案室", 18, True), ("服务大厅", 60, True), ("物资储备室", 18, True)], {}),
    ("BSX", "白石乡", "乡", 12400, ["白石村", "鹿鸣村", "杉木村", "清泉村"], 2,
     [("办公室", 24, True), ("接待室", 18, True), ("档案室", 20, True)], {}),
    ("LHZ", "柳河镇", "镇", 17900, ["柳河社区", "桃源村", "溪口村", "荷塘村", "梅岭村"], 2,
     [("办公室", 25, True), ("接待室", 18, True), ("档案室", 20, True), ("服务大厅", 30, False), ("物资储备室", 16, True)], {}),
    ("DMJD", "东门街道", "街道", 41500, ["东门社区", "文昌社区", "新街社区", "望江社区", "书院社区"], 4,
     [("办公室", 30, True), ("接待室", 25, True), ("档案室", 22, True)], {}),
    ("SQX", "松桥乡", "乡", 21300, ["松桥村", "黄土村", "龙潭村", "长冲村", "大塘村"], 3,
     [("办公室", 26, True), ("接待室", 18, True), ("档案室", 20, True)], {}),
    # deliberately short of the standard: 2 full-time staff for 23,600 people (needs 3),
    # archive room 8 m² (three rooms 52 m² < 60), no printer
    ("YTZ", "云台镇", "镇", 23600, ["云台社区", "高岭村", "云峰村", "沙湾村", "田心村", "金竹村"], 2,
     [("办公室", 26, True), ("接待室", 18, True), ("档案室", 8, True)], {"打印机": 0}),
]

# class, area, count per office (street office: all DB urban)
MIX = [("DB", "城市", 5), ("DB", "农村", 12), ("TK", "", 8), ("YL", "", 8), ("LS", "", 7), ("JZ", "", 5), ("FX", "", 5)]
REASONS = {
    "DB": ("因病致贫", "因残致贫", "缺乏劳动力", "单亲家庭", "年老体弱", "子女就学负担重"),
    "TK": ("无劳动能力、无生活来源、无法定赡养人", "无劳动能力、无生活来源、法定赡养人无履行能力"),
    "YL": ("住院治疗自付费用高", "重特大疾病", "门诊慢性病"),
    "LS": ("房屋失火", "意外伤害", "突发重病", "遭遇交通事故"),
    "JZ": ("洪涝灾害房屋受损", "冰雹灾害农作物受损", "山体滑坡房屋倒塌"),
    "FX": ("在乡老复员军人定期补助", "带病回乡退伍军人定期补助", "烈士遗属定期抚恤", "伤残军人抚恤"),
}
BIRTH_YEARS = {"DB": (1945, 2000), "TK": (1935, 1965), "YL": (1950, 2005), "LS": (1955, 2003),
               "JZ": (1945, 1995), "FX": (1930, 1975)}


class People:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set()
        self.names: set[str] = set()

    def name(self) -> str:
        while True:
            n = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            if n not in self.names:
                self.names.add(n)
                return n

    def id_number(self, y0: int, y1: int, sex: str | None = None) -> str:
        while True:
            born = date(y0, 1, 1) + timedelta(days=self.rng.randrange((date(y1, 12, 31) - date(y0, 1, 1)).days))
            seq = self.rng.randrange(1, 999)
            if sex == "男" and seq % 2 == 0 or sex == "女" and seq % 2 == 1:
                seq = seq + 1 if seq < 998 else seq - 1
            first17 = f"{AREA_CODE}{born:%Y%m%d}{seq:03d}"
            s = first17 + check_digit(first17)
            if s not in self.ids:
                self.ids.add(s)
                return s


def day(rng: random.Random, y0: int, y1: int) -> str:
    d = date(y0, 1, 1) + timedelta(days=rng.randrange((date(y1, 12, 31) - date(y0, 1, 1)).days))
    return d.isoformat()


def build(rng: random.Random) -> dict[str, list[list]]:
    people = People(rng)
    files = {
        "offices": [["机构代码", "名称", "类型", "人口", "全宗号", "地址", "电话", "监督电话"]],
        "villages": [["机构代码", "村（居）"]],
        "staff": [["机构代码", "姓名", "职务", "身份证号", "性别", "电话", "村（居）", "持证上岗", "任职日期", "学历"]],
        "rooms": [["机构代码", "用房", "面积", "单独设立"]],
        "equipment": [["机构代码", "设备", "数量"]],
        "signs": [["机构代码", "牌子"]],
        "recipients": [["机构代码", "类别", "姓名", "身份证号", "村（居）", "家庭人口", "金额", "起始日期", "城乡", "原因", "户号",
                        "终止日期"]],
    }
    dates = Dates(random.Random(2026))
    for n, (code, name, kind, pop, villages, full_time, rooms, overrides) in enumerate(OFFICES, start=1):
        seat = "人民路" if kind == "街道" else "政府大院"
        files["offices"].append([code, name, kind, pop, "", f"青山县{name}{seat}{n}号", f"0700-55501{n:02d}", f"0700-55502{n:02d}"])
        for v in villages:
            files["villages"].append([code, v])
        for i in range(full_time):
            sex = rng.choice("男女")
            files["staff"].append([code, people.name(), "主任" if i == 0 else "专职", people.id_number(1965, 1998, sex), sex,
                                   f"139000{n:02d}{i:03d}", "", "是", day(rng, 2008, 2023), rng.choice(("大专", "本科"))])
        for j, v in enumerate(villages):
            sex = rng.choice("男女")
            files["staff"].append([code, people.name(), "协理员", people.id_number(1960, 1995, sex), sex,
                                   f"139100{n:02d}{j:03d}", v, "是", day(rng, 2012, 2024), rng.choice(("高中", "大专", "中专"))])
        for kind_, area, separate in rooms:
            files["rooms"].append([code, kind_, area, "是" if separate else "否"])
        equipment = {"电脑": full_time + 1, "打印机": 1, "电话": 2, "复印机": 1, "数码相机": 1, "档案柜": 3 + n % 3,
                     "空调": 2, "办公桌椅": full_time, "群众座椅": 6}
        equipment.update(overrides)
        for item, count in equipment.items():
            if count:
                files["equipment"].append([code, item, count])
        files["signs"].append([code, f"{name}民政办公室"])
        files["signs"].append([code, f"{name}社会救助工作站"])
        if code == "QSZ":
            files["signs"].append([code, f"{name}低收入家庭核对站"])
        for cat, area, count in MIX:
            if kind == "街道" and cat == "DB":
                area, count = "城市", (17 if area == "城市" else 0)
            for _ in range(count):
                size = 1 if cat == "TK" else rng.choice((1, 2, 2, 3, 3, 4, 5))
                y0, y1 = BIRTH_YEARS[cat]
                if cat == "DB":
                    amount = size * (560 if area == "城市" else 390) - rng.choice((0, 20, 40, 60))
                elif cat == "TK":
                    amount = rng.choice((930, 980, 1050))
                elif cat == "YL":
                    amount = round(rng.uniform(800, 20000), -1)
                elif cat == "LS":
                    amount = rng.choice((500, 800, 1000, 1500, 2000, 3000))
                elif cat == "JZ":
                    amount = rng.choice((1000, 2000, 3000, 5000))
                else:
                    amount = rng.choice((680, 760, 850, 1120, 1680))
                pid = people.id_number(y0, y1)
                row = [code, cat, people.name(), pid, rng.choice(villages), size,
                       f"{amount:.2f}", day(rng, 2018, 2024), area, rng.choice(REASONS[cat]), ""]
                row[7], end = dates.of(code, cat, row[7])
                files["recipients"].append(row + [end])
    return files


class Dates:
    """When aid was paid (one-off) or started and stopped (monthly): drawn from a second random stream so
    that the first one, and with it every name, ID number and amount, stays as it was.

    One-off payments (YL LS JZ): of each office's payments of a class, every fourth is paid in 2026 and
    every fourth in 2025; the others between 2019 and 2024. Monthly aid (DB TK FX) keeps its start, except
    that some TK and FX start in 2025 or 2026 (新增); about one in four stops (终止日期), some in 2026."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: dict[tuple[str, str], int] = {}

    def of(self, code: str, cat: str, start: str) -> tuple[str, str]:
        i = self.seen[(code, cat)] = self.seen.get((code, cat), -1) + 1
        rng = self.rng
        if cat in ("YL", "LS", "JZ"):
            if i % 4 == 0:
                return day_between(rng, date(2026, 1, 5), date(2026, 10, 31)), ""
            if i % 4 == 1:
                return day_between(rng, date(2025, 1, 5), date(2025, 12, 20)), ""
            return day(rng, 2019, 2024), ""
        begin = date.fromisoformat(start)
        if cat in ("TK", "FX") and i % 4 == 3:
            begin = date.fromisoformat(day_between(rng, date(2025, 3, 1), date(2026, 9, 30)))
        end = ""
        if i % 4 == 1 and begin < date(2025, 1, 1):
            end = day_between(rng, max(begin + timedelta(days=200), date(2022, 1, 1)), date(2026, 10, 31))
        return begin.isoformat(), end


def day_between(rng: random.Random, first: date, last: date) -> str:
    return (first + timedelta(days=rng.randrange((last - first).days + 1))).isoformat()


def main() -> None:
    out = HERE / "data"
    out.mkdir(exist_ok=True)
    for stem, rows in build(random.Random(109)).items():
        with open(out / f"{stem}.csv", "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        print(f"{stem}.csv：{len(rows) - 1} 行")


if __name__ == "__main__":
    main()
