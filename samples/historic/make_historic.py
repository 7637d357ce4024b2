"""Generate the sample county's historic files (samples/historic/) and their ingest manifest.

Run once from the project root: .venv/bin/python samples/historic/make_historic.py
Everything here is fictional. The files are small on purpose (the whole folder stays well under 2 MB):
scans of ledgers and notices (image-only PDF, G4 TIFF, a photographed JPEG, a traditional-script scan),
a born-digital PDF with a CID-font text layer, a DOCX, a GB18030 text file and an OFD. The renderers
come from tests/corpus.py (Chinese text typeset with Noto CJK).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))

from corpus import (  # noqa: E402
    render_page,
    write_docx,
    write_gb18030,
    write_ofd,
    write_photo,
    write_scanned_pdf,
    write_text_pdf,
    write_tiff,
)

LEDGER_2016 = ("青山镇李家村2016年临时救助发放台账。"
               "序号1，户主张大山，家庭人口4人，救助原因火灾致房屋损毁，救助金额3000元，发放日期2016年4月20日。"
               "序号2，户主王秀英，家庭人口2人，救助原因重病住院自付费用高，救助金额3000元，发放日期2016年4月20日。"
               "序号3，户主李福生，家庭人口5人，救助原因子女上学负担重，救助金额1500元，发放日期2016年9月1日。"
               "经办人刘晓梅，审核人陈建国。")
LEDGER_2016_P2 = ("青山镇李家村2016年临时救助发放台账（续）。"
                  "序号4，户主赵春花，家庭人口3人，救助原因洪涝灾害农作物绝收，救助金额2000元，发放日期2016年7月15日。"
                  "以上救助资金均已通过一卡通发放到户，并在村务公开栏公示七天，无异议。")
NOTICE_2017 = ("柳河镇民政办公室关于开展2017年城乡低保年审工作的通知。"
               "各村（居）委会：根据县民政局统一部署，现开展2017年度城乡最低生活保障对象年审工作。"
               "一、年审范围为全镇在册低保家庭；二、各村民政协理员须逐户入户核查家庭收入和财产变化；"
               "三、对收入超过标准的家庭按程序停发，对新增困难家庭及时纳入。请于2017年6月30日前报送年审汇总表。"
               "柳河镇民政办公室二〇一七年五月八日")
TRAD_1998 = ("松橋鄉人民政府關於發放一九九八年救災救濟款物的通知。"
             "各村民委員會：今年夏季洪澇災害造成我鄉部分農戶房屋倒塌、糧食減產。經縣民政局批准，"
             "現撥付救災救濟款三萬元、棉被二百床，請各村按照公開、公平、公正的原則評議發放，"
             "發放名冊報鄉民政辦備案。松橋鄉人民政府一九九八年八月十日")
OPINION_2014_TITLE = "青山县人民政府关于加强乡镇民政办公室建设的意见"
OPINION_2014 = ["青政发〔2014〕12号。各乡镇人民政府、街道办事处：为加强基层民政能力建设，现提出如下意见。"
                "一、各乡镇（街道）设立民政办公室，加挂社会救助工作站牌子；人口二万以下的乡镇配备专职民政工作人员二名，"
                "二万以上的配备三名，街道不少于四名。二、各村（居）委会明确一名民政协理员。",
                "三、民政办公室应有办公室、接待室和档案室，总面积不少于六十平方米，配备电脑、打印机、电话、复印机、"
                "数码相机、档案柜和空调。四、民政工作人员实行持证上岗。青山县人民政府二〇一四年五月六日"]
SUMMARY_2018 = ["白石乡2018年特困供养人员年度核查工作总结",
                "按照县民政局的要求，乡民政办于2018年5月至6月对全乡分散供养和集中供养的特困人员开展了年度核查。"
                "全乡在册特困供养人员四十六人，核查中发现两人已有赡养人具备赡养能力，已按程序终止供养；"
                "新纳入一人。敬老院集中供养十八人，生活自理能力评估已全部完成。",
                "白石乡民政办公室　2018年7月2日"]
MEMO_2015 = ("东门街道社会事务办2015年城乡低保家庭经济状况核对备忘\n"
             "根据申请人授权，街道对新申请低保的二十三户家庭开展了经济状况核对，"
             "核对内容包括工资收入、银行存款、房产和车辆登记信息。"
             "十九户符合条件，四户因拥有机动车辆不予纳入。\n2015年9月18日\n")
OFD_2020 = ["云台镇人民政府关于2020年救灾物资发放情况的公告",
            "今年七月强降雨过后，镇政府向受灾群众发放大米二千公斤、食用油三百桶、棉被一百五十床。"
            "发放对象经村民代表评议并公示，发放情况接受群众监督，监督电话0700-5550206。"]
PHOTO_2019 = ("松桥乡敬老院2019年第三季度消防安全检查记录。检查日期2019年9月12日。"
              "检查内容：灭火器压力正常，安全出口畅通，电线无私拉乱接，厨房燃气阀门完好。"
              "发现问题：二楼走廊应急照明灯损坏一盏，已责成院长三日内更换。检查人：周明、孙丽。")


def main() -> None:
    out = HERE / "files"
    out.mkdir(exist_ok=True)
    rows = []

    def add(path: Path, **meta):
        rows.append({"path": f"files/{path.name}", **meta})

    p1 = render_page(LEDGER_2016, width=1000, font_size=28, noise=0.12, angle=0.3, seed=1)
    p2 = render_page(LEDGER_2016_P2, width=1000, font_size=28, noise=0.12, seed=2)
    pdf = write_scanned_pdf(out / "李家村2016年临时救助台账（扫描件）.pdf", [p1, p2], dpi=150)
    add(pdf, 题名="青山镇李家村2016年临时救助发放台账", 责任者="青山镇民政办公室", 日期="2016-09-01", 机构="QSZ",
        类别="LS", 年度="2016", 保管期限="D30", 文件类型="台账")
    tif = write_tiff(out / "柳河镇2017年低保年审通知.tif",
                     [render_page(NOTICE_2017, width=1000, font_size=28, noise=0.12, seed=3)], g4=True)
    add(tif, 题名="柳河镇民政办公室关于开展2017年城乡低保年审工作的通知", 责任者="柳河镇民政办公室",
        日期="2017-05-08", 机构="LHZ", 类别="DB", 年度="2017", 保管期限="D30", 文件类型="通知")
    trad = write_tiff(out / "松桥乡1998年救灾通知（繁体）.tif",
                      [render_page(TRAD_1998, width=1000, font_size=28, script="tc", face="serif", noise=0.12, seed=4)],
                      g4=True)
    add(trad, 题名="松桥乡人民政府关于发放一九九八年救灾救济款物的通知", 责任者="松桥乡人民政府",
        日期="1998-08-10", 机构="SQX", 类别="JZ", 年度="1998", 保管期限="Y", 文件类型="通知")
    photo = write_photo(out / "敬老院消防检查记录（照片）.jpg",
                        render_page(PHOTO_2019, width=800, font_size=24, seed=5))
    add(photo, 题名="松桥乡敬老院2019年第三季度消防安全检查记录", 机构="SQX", 类别="TK", 年度="2019",
        保管期限="D10", 文件类型="检查记录")
    textpdf = write_text_pdf(out / "青政发〔2014〕12号 关于加强乡镇民政办公室建设的意见.pdf", OPINION_2014_TITLE,
                             OPINION_2014)
    add(textpdf, 题名=OPINION_2014_TITLE, 文号="青政发〔2014〕12号", 责任者="青山县人民政府", 日期="2014-05-06",
        机构="QSZ", 类别="WS", 年度="2014", 保管期限="Y", 文件类型="意见")
    docx = write_docx(out / "白石乡2018年特困供养核查总结.docx", SUMMARY_2018[0], SUMMARY_2018[1:])
    add(docx, 题名=SUMMARY_2018[0], 责任者="白石乡民政办公室", 日期="2018-07-02", 机构="BSX", 类别="TK",
        年度="2018", 保管期限="D10", 文件类型="总结")
    memo = write_gb18030(out / "东门街道2015年低保核对备忘（GB18030）.txt", MEMO_2015)
    add(memo, 题名="东门街道2015年城乡低保家庭经济状况核对备忘", 责任者="东门街道社会事务办",
        日期="2015-09-18", 机构="DMJD", 类别="DB", 年度="2015", 保管期限="D30", 文件类型="备忘")
    ofd = write_ofd(out / "云台镇2020年救灾物资发放公告.ofd", OFD_2020)
    add(ofd, 题名=OFD_2020[0], 责任者="云台镇人民政府", 机构="YTZ", 类别="JZ", 年度="2020", 保管期限="D30",
        文件类型="公告")

    cols = ["path", "题名", "文号", "责任者", "日期", "机构", "类别", "年度", "保管期限", "户主身份证号/户号", "文件类型"]
    with open(HERE / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {len(rows)} files, {total / 1024:.0f} KiB, and manifest.csv")


if __name__ == "__main__":
    main()
