"""Synthetic civil-affairs records for the benchmarks (search.py and serve.py share this one generator).

A record is built like a real file from a township civil-affairs office: a household form (低保审批表,
临时救助申请, 特困供养调查表, 抚恤年审表, 医疗救助名册) or a notice/report with a document number, whose
fixed wording is a run of consecutive sentences from one of the seed documents in tests/data (all four
of them, simplified and traditional), filled in with what differs from file to file: names, villages,
towns, dates, amounts, household sizes, document numbers and ID-card-like numbers. So a name, village
or document number matches a handful of records, a phrase of the fixed wording a share of them, and a
common term (临时救助, 最低生活保障) a large part — as in a real archive. Everything is deterministic in
the record number, so records can be made in any order or in parallel.

    from synthetic import record, index_doc, build_root, typical_queries, COMMON_QUERIES
"""
from __future__ import annotations

import random
import sys
import time
from functools import lru_cache
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
for p in (PROJECT, PROJECT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

OFFICES = ["QSZ", "BSX", "LHZ", "DMJD", "SQX", "YTZ"]
CATEGORIES = ["WS", "DB", "TK", "YL", "LS", "JZ", "FX", "TZ"]
RETENTIONS = ["Y", "D30", "D10"]
TOWNS = ["松桥乡", "青山镇", "白沙镇", "柳林乡", "东山乡", "河口镇", "石门乡", "龙华镇", "大梅街道", "杨柳乡",
         "新田镇", "双河乡", "高岭镇", "黄土铺乡", "桃源镇", "金盆乡", "水口镇", "太平乡", "长乐镇", "凤凰乡"]
_VPRE = ["李家", "张家", "王家", "石桥", "柳林", "东山", "河口", "杨树", "白沙", "新民", "城关", "黄泥", "枫木",
         "竹山", "大塘", "上坪", "下湾", "茶园", "双井", "桥头", "沙洲", "梅花", "莲塘", "青龙", "五里", "马鞍",
         "松树", "田心", "石门", "龙潭", "高桥", "坳头", "长冲", "麻田", "杉木", "水口", "樟树", "岭脚"]
_VSUF = ["村", "村", "湾村", "坪村", "社区"]
VILLAGES = [p + s for p in _VPRE for s in dict.fromkeys(_VSUF)]
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
            "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = "建国志强秀英桂兰明华玉珍春生海燕红梅庆永福德胜丽娟金凤小淑芬文秋菊长青大山满仓翠花振军凤英运来"
RELATIONS = ["配偶", "长子", "次子", "长女", "次女", "孙子", "孙女", "母亲", "父亲", "儿媳"]
REASONS = ["因病致贫", "因残致贫", "因灾倒房", "突发重大疾病", "家庭主要劳动力死亡", "缺乏劳动能力", "子女就学负担重",
           "遭遇交通事故", "火灾造成财产损失", "无固定收入来源"]
DOC_PREFIX = ["青民发", "青政办发", "青民函", "松政发", "青山民办", "青财社", "青民救"]
FORMS = ["城乡最低生活保障审批表", "临时救助申请审批表", "特困人员供养入户调查表", "重点优抚对象年审登记表",
         "医疗救助对象登记表", "困难群众走访慰问登记表"]
NOTICE_TITLES = ["关于做好{y}年度城乡低保复核工作的通知", "关于{t}{y}年临时救助资金发放情况的报告",
                 "关于下达{y}年第{q}季度最低生活保障资金的通知", "关于{t}民政办公室规范化建设情况的报告",
                 "{t}{y}年救灾救济物资发放花名册", "关于{y}年重点优抚对象走访慰问情况的报告",
                 "关于调整{y}年城乡低保标准的通知", "{t}{y}年医疗救助对象名册"]
# queries with a term that most civil-affairs files share; reported apart from the typical ones
COMMON_QUERIES = ["临时救助", "最低生活保障", "低保", "民政", "救助", "民政办公室", "困难群众", "审批表",
                  "家庭人口", "\"临时救助\""]


@lru_cache(maxsize=1)
def seed_passages() -> list[list[str]]:
    """The sentences of each seed document (tests/data), in order, normalized."""
    from corpus import seed_texts, sentences

    from indexer import normalize
    return [[normalize(s) for s in sentences(t)] for t in seed_texts().values()]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _date(rng: random.Random, year: int) -> str:
    return f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def _idno(rng: random.Random, year: int) -> str:
    born = rng.randint(1935, year - 1)
    return f"4311{rng.randint(20, 29)}{born}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}" \
           f"{rng.choice('0123456789X')}"


def _passage(rng: random.Random, chars: int) -> str:
    """A run of consecutive sentences of one seed document, about `chars` long."""
    doc = rng.choice(seed_passages())
    i = rng.randrange(len(doc))
    out = ""
    while len(out) < chars:
        out += doc[i % len(doc)]
        i += 1
    return out


def _household(rng: random.Random, year: int, town: str, village: str) -> str:
    head = person(rng)
    n = rng.randint(1, 6)
    members = "；".join(f"{rng.choice(RELATIONS)}{person(rng)}，{rng.randint(1, 85)}岁" for _ in range(n - 1))
    income = rng.randint(80, 900)
    return (f"户主姓名{head}，身份证号{_idno(rng, year)}，住址{town}{village}{rng.randint(1, 12)}组{rng.randint(1, 60)}号，"
            f"家庭人口{n}人。{members + '。' if members else ''}"
            f"申请原因：{rng.choice(REASONS)}，{rng.choice(REASONS)}，家庭年人均收入{income * 12}元。"
            f"村民委员会于{_date(rng, year)}入户调查，经民主评议，同意上报。"
            f"{town}人民政府于{_date(rng, year)}审核，拟每月救助{rng.randint(3, 90) * 10}元，经办人{person(rng)}。")


def _roster(rng: random.Random, year: int, town: str, rows: int) -> str:
    return "".join(f"{i + 1}.{rng.choice(VILLAGES)}{person(rng)}，家庭人口{rng.randint(1, 6)}人，"
                   f"{rng.choice(['月救助金额', '发放金额', '慰问金', '补助资金'])}{rng.randint(2, 300) * 10}元，"
                   f"{_date(rng, year)}领取。" for i in range(rows))


def record(i: int, size: int = 1500) -> dict:
    """Record number i (deterministic): id, title, pages (about `size` characters in all), doc_number,
    office, category, year, retention, doc_date."""
    rng = random.Random(i * 7919 + 17)
    year = rng.randint(2005, 2024)
    town, village = rng.choice(TOWNS), rng.choice(VILLAGES)
    docno = f"{rng.choice(DOC_PREFIX)}〔{year}〕{rng.randint(1, 120)}号"
    if rng.random() < 0.5:
        name = person(rng)
        title = f"{town}{village}{name}{rng.choice(FORMS)}"
        text = f"{title}。编号{year}{rng.randint(1, 9999):04d}。"
        while len(text) < size:
            text += _household(rng, year, town, village)
            text += _passage(rng, rng.randint(60, 200))
    else:
        title = rng.choice(NOTICE_TITLES).format(y=year, t=town, q=rng.randint(1, 4))
        text = f"{docno}。{town}人民政府民政办公室。{title}。各村（社区）：" + _passage(rng, rng.randint(250, 600))
        while len(text) < size:
            text += _roster(rng, year, town, rng.randint(2, 6))
            if rng.random() < 0.4:
                text += _passage(rng, rng.randint(80, 250))
        text += f"{town}人民政府民政办公室，{_date(rng, year)}。"
    text = text[:size + 100]
    npages = rng.choice((1, 2, 2, 3))
    step = -(-len(text) // npages)
    pages = [text[k:k + step] for k in range(0, len(text), step)]
    return {"id": i, "title": title, "pages": pages, "doc_number": docno,
            "office": OFFICES[i % len(OFFICES)], "category": rng.choice(CATEGORIES), "year": year,
            "retention": rng.choice(RETENTIONS), "doc_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}


def index_doc(r: dict):
    from indexer import IndexDoc
    return IndexDoc(record_id=r["id"], title=r["title"], pages=r["pages"], doc_number=r["doc_number"],
                    office=r["office"], category=r["category"], year=r["year"], retention=r["retention"],
                    doc_date=r["doc_date"])


def typical_queries(n: int, corpus_size: int, seed: int = 99) -> list[str]:
    """n queries a user would type: half are what differs from file to file, taken from a random record
    (a name, a village, town + village, village + name, a date, a document number), half 2–8 characters of
    the fixed wording (a seed sentence, cut where a word starts); every 10th in double quotes. Words that
    every form carries (家庭人口, 身份证号) are in COMMON_QUERIES instead."""
    from indexer.tokens import squash
    rnd = random.Random(seed)
    wording = [s for doc in seed_passages() for s in doc]
    out: list[str] = []
    while len(out) < n:
        if len(out) % 2 == 0:
            r = record(rnd.randrange(1, corpus_size + 1))
            text = "".join(r["pages"])
            rr = random.Random(r["id"] * 7919 + 17)
            names = [text[m:m + 3] for m in range(1, len(text) - 3)
                     if text[m] in SURNAMES and text[m - 1] in "名人子女亲偶媳"] or [person(rnd)]
            villages = [v for v in VILLAGES if v in text] or [rnd.choice(VILLAGES)]
            q = rnd.choice([rnd.choice(names), rnd.choice(villages), rnd.choice(TOWNS) + rnd.choice(villages),
                            rnd.choice(villages) + rnd.choice(names), _date(rr, r["year"]), r["doc_number"]])
        else:
            text = rnd.choice(wording)
            k = rnd.choice([2, 3, 3, 4, 4, 5, 6, 8])
            starts = [m for m in range(0, len(text) - k) if (m == 0 or text[m - 1] in "，。；：、（）,")
                      and "\u4e00" <= text[m] <= "\u9fff"]
            if not starts:
                continue
            st = rnd.choice(starts)
            q = text[st:st + k]
            if any(c in q for c in "，。；：（）〔〕、,"):
                continue
        if len(squash(q)) >= 2:
            out.append(q)
    out[::10] = [f'"{q}"' for q in out[::10]]
    return out


def build_root(root: Path, n: int, *, jobs: int = 1, commit_every: int = 10_000, backend: str | None = None,
               size: int = 1500) -> dict:
    """An archive root with n catalog rows (records 1…n) and their index documents. Returns timings:
    build_s (all), index_s (index add + commit), index_mb."""
    import archive
    from archive.store import catalog
    from indexer import open_index

    t0 = time.perf_counter()
    settings = archive.init_root(root, sample=True)
    backend = backend or settings.index_backend
    conn = catalog.connect(settings.catalog_url)
    idx = open_index(settings.index_dir, backend, url=settings.catalog_url)
    now = catalog.now()
    t_index = 0.0
    try:
        for lo in range(1, n + 1, commit_every):
            recs = [record(i, size) for i in range(lo, min(n, lo + commit_every - 1) + 1)]
            rows = [(r["id"], f"{r['id']:064x}", "indexed", f"{r['title']}.pdf", "application/pdf", 1000,
                     len(r["pages"]), "text", r["title"], r["doc_date"], r["office"], r["category"], r["year"],
                     r["retention"], now) for r in recs]
            with catalog.transaction(conn):
                conn.executemany(
                    "INSERT INTO records(id, sha256, state, original_name, mime, size, pages, text_source, title, "
                    "doc_date, office, category, year, retention, ingested_at) VALUES "
                    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            t1 = time.perf_counter()
            idx.add((index_doc(r) for r in recs), jobs=jobs)
            idx.commit()                       # commit every `commit_every`, as a reindex would
            t_index += time.perf_counter() - t1
            print(f"  已生成 {recs[-1]['id']:,}/{n:,} 条记录，索引用时 {t_index:.0f} 秒", file=sys.stderr, flush=True)
    finally:
        idx.close()
        conn.close()
    size_b = sum(f.stat().st_size for f in settings.index_dir.rglob("*") if f.is_file())
    (root / "bench-records.txt").write_text(str(n))
    return {"build_s": time.perf_counter() - t0, "index_s": t_index, "index_mb": size_b / 2**20}
