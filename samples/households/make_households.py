"""Generate the sample county's household files (samples/households/) and their ingest manifest.

One tiny text file per household and required document type (rule set `default`), for every recipient
in samples/county/data. Deterministic: no randomness, the same data gives the same bytes.

The truth is known: only 云台镇 (YTZ, the sample's non-compliant office) has gaps, listed in GAPS (missing
documents) and METADATA_GAPS (manifest cells left blank). The other five offices are complete.
A few rows (INFER) leave 户主身份证号 and 文件类型 blank so that ingest infers them from the text
(classify_record) and flags them needs_review; they still complete their households.

    .venv/bin/python samples/households/make_households.py      # rewrites samples/households/
"""
from __future__ import annotations

import csv
import shutil
import sys
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
sys.path.insert(0, str(PROJECT))

from archive.inspection.rules import load_rules_file  # noqa: E402
from generators.office.county import read_county  # noqa: E402

COUNTY = "青山县"
NONCOMPLIANT = "YTZ"
# (office, class, index of the household within its class in recipients.csv) → document types left out
GAPS: dict[tuple[str, str, int], tuple[str, ...]] = {
    ("YTZ", "DB", 1): ("收入证明",),
    ("YTZ", "DB", 4): ("审批表", "入户调查表"),
    ("YTZ", "DB", 9): ("身份证或户口簿复印件",),
    ("YTZ", "TK", 2): ("供养协议",),
    ("YTZ", "YL", 0): ("医疗费用票据",),
    ("YTZ", "LS", 3): ("申请书", "审批表"),
    ("YTZ", "FX", 1): ("审批表",),
}
# (office, class, index, document type) → manifest column left blank (a DA/T 18 metadata gap)
METADATA_GAPS: dict[tuple[str, str, int, str], str] = {
    ("YTZ", "DB", 0, "审批表"): "责任者",
    ("YTZ", "TK", 0, "申请书"): "日期",
}
# (office, class, index, document type) whose household and type are left for ingest to infer
INFER = {("QSZ", "DB", 0, "入户调查表"), ("BSX", "YL", 1, "申请书"), ("DMJD", "TK", 3, "审批表")}

COLUMNS = ["path", "题名", "机构", "类别", "年度", "日期", "责任者", "保管期限", "户主身份证号", "文件类型", "开放标识"]


def author(doc: str, office, recipient) -> str:
    if doc in ("申请书", "诚信承诺书"):
        return recipient.name
    if doc == "审批表":
        return f"{COUNTY}民政局"
    if doc in ("身份证或户口簿复印件", "优抚证件复印件", "医疗费用票据", "收入证明"):
        return recipient.name
    return f"{office.name}民政办公室"


def body(doc: str, cls_name: str, office, r, when) -> str:
    return (
        f"{cls_name}　{doc}\n"
        f"户主：{r.name}　身份证号：{r.id_number}\n"
        f"住址：{COUNTY}{office.name}{r.village}　家庭人口：{r.household_size} 人\n"
        f"事由：{r.reason or cls_name}\n"
        f"{office.name}民政办公室　{when.year}年{when.month}月{when.day}日\n"
    )


def main() -> None:
    county, problems, _ = read_county(PROJECT / "samples" / "county" / "data", COUNTY)
    if problems:
        raise SystemExit("示例县数据有误：\n" + "\n".join(problems))
    rules = load_rules_file(PROJECT / "templates" / "rules" / "default.toml")
    for d in HERE.iterdir():
        if d.is_dir():
            shutil.rmtree(d)
    rows = []
    for office in county.offices:
        for code, cls in rules.classes.items():
            for i, r in enumerate(office.recipients_of(code)):
                start = r.start_date
                for k, doc in enumerate(cls.required):
                    if doc in GAPS.get((office.code, code, i), ()):
                        continue
                    when = start - timedelta(days=3 * (len(cls.required) - k))
                    rel = Path(office.code) / code / f"{i + 1:02d}-{r.name}-{doc}.txt"
                    (HERE / rel).parent.mkdir(parents=True, exist_ok=True)
                    (HERE / rel).write_text(body(doc, cls.name, office, r, when), encoding="utf-8")
                    row = {"path": rel.as_posix(), "题名": f"{r.name}{cls.name}{doc}", "机构": office.code,
                           "类别": code, "年度": str(when.year), "日期": when.isoformat(),
                           "责任者": author(doc, office, r), "保管期限": cls.retention,
                           "户主身份证号": r.household or r.id_number, "文件类型": doc,
                           "开放标识": "控制"}     # household files hold personal data
                    blank = METADATA_GAPS.get((office.code, code, i, doc))
                    if blank:
                        row[blank] = ""
                    if (office.code, code, i, doc) in INFER:
                        row.update({"题名": f"{r.name}户档材料（待整理）", "户主身份证号": "", "文件类型": ""})
                    rows.append(row)
    with open(HERE / "manifest.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} 个文件，清单 {HERE / 'manifest.csv'}")


if __name__ == "__main__":
    main()
