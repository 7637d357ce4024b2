"""The full-text index: the same search tests against every backend (tantivy, whoosh, and postgres on a
throw-away PostgreSQL cluster)."""
import json
import subprocess
import sys

import pytest

from indexer import Hit, IndexDoc, open_index
from indexer.backends import EMBEDDED as BACKENDS
from indexer.errors import SearchIndexError
from indexer.query import QueryError

DOCS = [
    IndexDoc(1, "关于加强基层民政机构和队伍建设的意见",
             ["各縣區人民政府：現就加強全市鄉鎮民政機構和隊伍建設提出如下意見。",    # traditional script
              "二、加强队伍建设。各乡镇要配备专职民政助理员，2014年5月6日起施行。"],
             doc_number="青政办发〔2014〕9号", office="QSZ", category="WS", year=2014, retention="Y",
             archival_code="Z109-WS·2014-Y-QSZ-0001"),
    IndexDoc(2, "临时救助对象公示", ["李家村 张 某 某 家 庭 因 火 灾 致 房 屋 损 毁 ，经 民 政 办 审 核 给 予 临 时 救 助。"],  # OCR spacing
             office="QSZ", category="LS", year=2016, retention="D10", archival_code="Z109-LS·2016-D10-QSZ-0002"),
    IndexDoc(3, "低保核对报告", ["街道社会事务办对新申请城乡最低生\n活保障的家庭开展了经济状况核对。",   # line-broken word
                                "核对内容包括工资收入、银行存款。"],
             office="HDJ", category="DB", year=2015, retention="D30"),
    IndexDoc(4, "会议记录", ["民政工作会议上，办公室主任讲了临时工作安排，还有救助资金的事。当时救了人，救助临时安排。"],  # scattered
             office="HDJ", category="WS", year=2016, retention="D10"),
    IndexDoc(5, "全角数字文件", ["ＡＢＣ公司２０１５年度报告，合同编号ＸＹ－７７。"], office="BSX", category="WS", year=2015),
]


@pytest.fixture(params=[*BACKENDS, "postgres"])
def backend(request):
    return request.param


@pytest.fixture
def open_ix(backend, request):
    """open_ix(path) opens this test's index: a directory, or for postgres a new database of its own."""
    url = request.getfixturevalue("pg_cluster").new_database() if backend == "postgres" else None
    return lambda path: open_index(path, backend, url=url)


def directory_only(backend):
    if backend == "postgres":
        pytest.skip("索引目录本身的行为（锁、格式标记、另一种后端的目录）；postgres 的索引在数据库里")


@pytest.fixture
def ix(tmp_path, open_ix):
    index = open_ix(tmp_path / "index")
    index.add(DOCS)
    index.commit()
    yield index
    index.close()


def ids(result):
    total, hits = result
    return [h.record_id for h in hits]


def test_one_char_query(ix):
    assert set(ids(ix.search("灾"))) == {2}
    assert set(ids(ix.search("核"))) == {2, 3}


def test_two_char_query(ix):
    total, hits = ix.search("民政")
    assert {h.record_id for h in hits} == {1, 2, 4}
    assert total == 3


def test_phrase_query_finds_record_and_page(ix):
    total, hits = ix.search("专职民政助理员")
    assert [h.record_id for h in hits] == [1]
    h = hits[0]
    assert h.page == 2 and h.phrase
    assert "专职民政助理员" in h.snippet
    s, e = h.highlights[0]
    assert h.snippet[s:e] == "专职民政助理员"
    assert "【专职民政助理员】" in h.marked()
    assert "<mark>专职民政助理员</mark>" in h.marked("<mark>", "</mark>")


def test_traditional_query_finds_simplified_text(ix):
    assert ids(ix.search("臨時救助"))[:1] in ([2], [4])
    assert 2 in ids(ix.search("臨時救助"))
    assert ids(ix.search("專職民政助理員")) == [1]


def test_simplified_query_finds_traditional_text(ix):
    total, hits = ix.search("加强全市乡镇民政机构")
    assert [h.record_id for h in hits] == [1]
    assert hits[0].page == 1 and hits[0].phrase


def test_full_width_digits_and_letters(ix):
    assert ids(ix.search("2015年度")) == [5]
    assert ids(ix.search("２０１５年度")) == [5]
    assert ids(ix.search("xy-77")) == [5]
    assert ids(ix.search("abc公司")) == [5]


def test_ocr_spaced_text_found(ix):
    total, hits = ix.search("民政办")
    assert 2 in [h.record_id for h in hits]
    h = next(h for h in hits if h.record_id == 2)
    assert h.phrase and "民政办" in h.snippet


def test_line_broken_word_found(ix):
    total, hits = ix.search("最低生活保障")
    assert [h.record_id for h in hits] == [3]
    assert hits[0].phrase


def test_each_term_is_a_phrase(ix):
    # record 4 has 临时, 时救 and 救助 several times, scattered; record 2 has 临时救助 once
    total, hits = ix.search("临时救助")
    assert [h.record_id for h in hits] == [2] and total == 1
    assert hits[0].phrase and not hits[0].approximate
    assert set(ids(ix.search("临时 救助"))) == {2, 4}          # two terms: both anywhere


def test_quoted_phrase_excludes_scattered_matches(ix):
    total, hits = ix.search('"临时救助"')
    assert [h.record_id for h in hits] == [2] and total == 1
    total, hits = ix.search("“临时救助”")          # Chinese quotation marks too
    assert [h.record_id for h in hits] == [2]


def test_phrase_with_digits_at_the_edge(ix):
    assert ids(ix.search('"2014年5月6日"')) == [1]
    assert ids(ix.search("5月6日起")) == [1]


def test_title_is_boosted(ix):
    total, hits = ix.search("核对")
    assert [h.record_id for h in hits][0] == 3     # 低保核对报告 has it in the title


def test_doc_number_and_archival_code_searchable(ix):
    assert ids(ix.search("青政办发〔2014〕9号")) == [1]
    assert ids(ix.search("青政办发[2014]9号")) == [1]
    assert ids(ix.search("Z109-LS·2016-D10-QSZ-0002")) == [2]


def test_filters(ix):
    assert set(ids(ix.search("民政", office="QSZ"))) == {1, 2}
    assert set(ids(ix.search("民政", year=2016))) == {2, 4}
    assert set(ids(ix.search("民政", category="WS"))) == {1, 4}
    assert set(ids(ix.search("民政", retention="Y"))) == {1}
    assert ids(ix.search("民政", office="BSX")) == []


def test_limit_and_offset(ix):
    total, first = ix.search("民政", limit=2)
    total2, rest = ix.search("民政", limit=2, offset=2)
    assert total == total2 == 3 and len(first) == 2 and len(rest) == 1
    assert {h.record_id for h in first + rest} == {1, 2, 4}


def test_no_match_and_empty_query(ix):
    assert ix.search("火星基地") == (0, [])
    with pytest.raises(QueryError) as e:             # punctuation only: nothing to look for
        ix.search("   ，。")
    assert "第 4 个字符" in str(e.value)
    total, hits = ix.search("   ")                    # no term: every record (browse), by 档号
    assert total == 5 and [h.record_id for h in hits][:2] == [2, 1]


def test_delete_and_doc_ids(ix):
    assert ix.doc_ids() == {1, 2, 3, 4, 5}
    ix.delete([2, 4])
    ix.commit()
    assert ix.doc_ids() == {1, 3, 5}
    assert ids(ix.search("临时救助")) == []


def test_add_same_record_replaces_it(ix):
    ix.add([IndexDoc(3, "低保核对报告（更正）", ["更正后的内容：五保供养。"], office="HDJ", year=2015)])
    ix.commit()
    assert ix.doc_ids() == {1, 2, 3, 4, 5}
    assert ids(ix.search("最低生活保障")) == []
    assert ids(ix.search("五保供养")) == [3]


def test_reopen_and_clear(tmp_path, open_ix):
    with open_ix(tmp_path / "i") as ix:
        ix.add(DOCS[:2])                      # committed by the context manager
    with open_ix(tmp_path / "i") as ix:
        assert ix.doc_ids() == {1, 2}
        assert ids(ix.search("民政办")) == [2]
        ix.clear()
        assert ix.doc_ids() == set()


def test_exception_in_context_rolls_back(tmp_path, open_ix):
    with pytest.raises(RuntimeError):
        with open_ix(tmp_path / "i") as ix:
            ix.add(DOCS[:1])
            raise RuntimeError("boom")
    with open_ix(tmp_path / "i") as ix:
        assert ix.doc_ids() == set()


def test_wrong_backend_directory_is_explained(tmp_path, backend):
    directory_only(backend)
    other = [b for b in BACKENDS if b != backend][0]
    with open_index(tmp_path / "i", other) as ix:
        ix.add(DOCS[:1])
    with pytest.raises(SearchIndexError) as e:
        open_index(tmp_path / "i", backend)
    assert "reindex" in str(e.value)


def test_unknown_backend(tmp_path):
    with pytest.raises(SearchIndexError):
        open_index(tmp_path / "i", "lucene")


WRITER = r"""
import sys, time
from indexer import open_index, IndexDoc
ix = open_index(sys.argv[1], sys.argv[2])
ix.add([IndexDoc(100 + i, "写入中", ["并发写入的文件内容"]) for i in range(50)])
print("ready", flush=True)
time.sleep(float(sys.argv[3]))
ix.commit()
ix.close()
"""


def test_search_while_another_process_writes(ix, tmp_path, backend):
    """A writer in another process holds the index; searches keep answering from the last commit."""
    directory_only(backend)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(ix.index_dir), backend, "2"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        reader = open_index(ix.index_dir, backend)
        assert ids(reader.search("专职民政助理员")) == [1]
        assert ids(reader.search("并发写入")) == []
        reader.close()
    finally:
        assert proc.wait(timeout=60) == 0
    reader = open_index(ix.index_dir, backend)
    assert len(ids(reader.search("并发写入", limit=100))) == 50
    reader.close()


def test_killed_writer_leaves_no_stale_lock(tmp_path, backend):
    directory_only(backend)
    d = tmp_path / "i"
    open_index(d, backend).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(d), backend, "60"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.kill()
    proc.wait()
    with open_index(d, backend) as ix:           # the writer lock is free again
        ix.add(DOCS[:1])
    with open_index(d, backend) as ix:
        assert ix.doc_ids() == {1}


def test_hit_to_dict_is_json():
    h = Hit(7, 1.23456, 2, "民政办公室", [(0, 3)], True)
    d = json.loads(json.dumps(h.to_dict(), ensure_ascii=False))
    assert d == {"record_id": 7, "score": 1.2346, "page": 2, "snippet": "民政办公室", "highlights": [[0, 3]],
                 "phrase": True, "approximate": False}


def test_phrase_across_a_page_break(tmp_path, open_ix):
    with open_ix(tmp_path / "i") as ix:
        ix.add([IndexDoc(9, "两页", ["可由县区民政部", "门会同当地人社部门统一组织"])])
    with open_ix(tmp_path / "i") as ix:
        total, hits = ix.search("民政部门会同")
        assert [h.record_id for h in hits] == [9]


def test_title_and_doc_number_matches_first_across_pages(tmp_path, open_ix):
    # body-only records repeat the phrase many times (a higher BM25 score); every record holding it
    # in its title or 文号 still comes first, page after page
    docs = [IndexDoc(i, f"关于临时救助的通知{i}", ["会议讨论了很多事项。" * 20 + "给予救济。"]) for i in range(1, 7)]
    docs += [IndexDoc(i, "通知", ["会议讨论了很多事项。"], doc_number=f"青临时救助〔2016〕{i}号") for i in range(7, 10)]
    docs += [IndexDoc(i, "会议记录", ["对困难户给予临时救助。" * 8]) for i in range(10, 31)]
    with open_ix(tmp_path / "index") as index:
        index.add(docs)
        index.commit()
        pages = [index.search("临时救助", limit=5, offset=o) for o in range(0, 35, 5)]
    assert {t for t, _ in pages} == {30}
    order = [h.record_id for _, hits in pages for h in hits]
    assert len(order) == 30 and len(set(order)) == 30
    assert set(order[:9]) == set(range(1, 10))


# ---------------------------------------------------------------- the query language, sorting, 近似
RICH = [
    IndexDoc(11, "青山镇李家村2016年临时救助发放台账",
             ["青山镇李家村2016年临时救助发放台账。序号1，户主张大山，家庭人口4人，救助原因火灾致房屋损毁。"],
             office="QSZ", category="LS", year=2016, retention="D30", author="青山镇民政办公室", doc_date="2016-09-01"),
    IndexDoc(12, "张大山临时救助申请书", ["临时救助申请书。户主：张大山。事由：火灾。"], office="QSZ", category="LS",
             year=2019, household="439921197001011234", document_type="申请书", doc_date="2019-02-03"),
    IndexDoc(13, "关于做好冬春救助工作的通知", ["各村：做好困难群众冬春生活救助，落实临时救助政策。"],
             doc_number="青民发〔2016〕3号", office="QSZ", category="WS", year=2016, author="青山镇民政办公室",
             doc_date="2016-03-05", archival_code="Z109-WS·2016-D10-QSZ-0001"),
    IndexDoc(14, "低保审批表", ["城乡最低生活保障审批表。户主：李四。"], office="BSX", category="DB", year=2016,
             doc_date="2016-03-05", archival_code="Z109-DB·2016-D30-BSX-0002"),
    IndexDoc(15, "会议记录", ["研究临时救助资金。张大山家的情况另议。"], office="BSX", category="WS", year=2017),
    IndexDoc(16, "扫描件", ["青山镇李家村2016年临时敉助发放台账，户主王五。"], office="QSZ", category="LS", year=2016),
]


@pytest.fixture
def rich(tmp_path, open_ix):
    index = open_ix(tmp_path / "rich")
    index.add(RICH)
    index.commit()
    yield index
    index.close()


def test_terms_and_or_not(rich):
    assert set(ids(rich.search("临时救助 张大山"))) == {11, 12, 15}
    assert set(ids(rich.search("临时救助 张大山 -火灾"))) == {15}
    assert set(ids(rich.search("低保 | 冬春"))) == {13, 14}
    assert set(ids(rich.search('"张大山家"'))) == {15}


def test_field_terms(rich):
    assert ids(rich.search("题名:低保")) == [14]
    assert ids(rich.search("题名:张大山")) == [12]                      # not the records holding him in the body
    for s in ("青民发〔2016〕3号", "青民发[2016]3号", "青民发(2016)3号"):
        assert ids(rich.search(f"文号:{s}")) == [13], s
    assert ids(rich.search("文号:青民发〔2016〕13号")) == []
    assert set(ids(rich.search("责任者:民政办公室"))) == {11, 13}
    assert ids(rich.search("档号:z109-ws")) == [13]
    assert set(ids(rich.search("档号:Z109"))) == {13, 14}
    assert ids(rich.search("户号:439921197001011234")) == [12]
    assert ids(rich.search("439921197001011234")) == [12]
    assert ids(rich.search("临时救助", household="439921197001011234")) == [12]
    assert ids(rich.search("张大山", document_type="申请书")) == [12]


def test_date_ranges(rich):
    assert set(ids(rich.search("日期:2016"))) == {11, 13, 14, 16}       # 16 has only its year
    assert set(ids(rich.search("日期:2016-03"))) == {13, 14}
    assert set(ids(rich.search("临时救助 日期:2016-01..2016-06"))) == {13}
    assert set(ids(rich.search("日期:2017.."))) == {12, 15}
    assert ids(rich.search("日期:..2015")) == []


def test_title_and_doc_number_rank_above_body(rich):
    order = ids(rich.search("临时救助"))
    assert set(order[:2]) == {11, 12} and set(order[2:4]) == {13, 15}
    assert order[:2] == [11, 12]                                       # title matches: by date
    assert ids(rich.search("冬春"))[0] == 13


def test_sorting_with_ties_by_date_then_code(rich):
    # 16 has only its year (month and day 00); 13 and 14 share 2016-03-05: 档号 Z109-DB… before Z109-WS…
    assert ids(rich.search("", sort="date", limit=10)) == [16, 14, 13, 11, 15, 12]
    assert ids(rich.search("", sort="-date", limit=10)) == [12, 15, 11, 14, 13, 16]
    assert ids(rich.search("", sort="code", limit=10))[:2] == [14, 13]
    # equal dates stay in 档号 order on every page size
    for n in (1, 2, 3):
        pages = [h for o in range(0, 6, n) for h in ids(rich.search("", sort="date", limit=n, offset=o))]
        assert pages == [16, 14, 13, 11, 15, 12], n
    with pytest.raises(ValueError):
        rich.search("救助", sort="title")


def test_filters_only_browse(rich):
    total, hits = rich.search("", office="QSZ", year=2016)
    assert total == 3 and set(h.record_id for h in hits) == {11, 13, 16}


def test_approximate_matches_follow_strict_ones(rich):
    r = rich.query("李家村2016年临时救助发放台账")
    assert [h.record_id for h in r.hits] == [11, 16]
    assert [h.approximate for h in r.hits] == [False, True] and r.strict == 1 and r.approximate == 1
    assert "临时敉助" in r.hits[1].snippet
    s, e = r.hits[1].highlights[0]
    assert "敉" in r.hits[1].snippet[s:e]
    assert ids(rich.search("李家村2016年临时救助发放台账", sort="date")) == [11, 16]
    assert rich.query("李家村2016年临时救助发放台账", approximate=False).total == 1
    assert ids(rich.search('"李家村2016年临时救助发放台账"')) == [11]   # quoted: exact only
    assert rich.query("临时救").approximate == 0                        # 3 characters: strict only
    assert ids(rich.search("火星基地救助")) == []


def test_no_approximate_matches_when_enough_strict_ones(tmp_path, open_ix):
    docs = [IndexDoc(i, "记录", ["发放临时救助资金。"]) for i in range(1, 13)] + \
           [IndexDoc(99, "扫描件", ["发放临时敉助资金。"])]
    with open_ix(tmp_path / "i") as ix:
        ix.add(docs)
    with open_ix(tmp_path / "i") as ix:
        r = ix.query("临时救助资金", limit=20)
        assert r.total == 12 and r.approximate == 0 and 99 not in [h.record_id for h in r.hits]
        r = ix.query("临时救助资金", limit=20, office="none")
        assert r.total == 0


def test_old_index_must_be_rebuilt(tmp_path, backend):
    directory_only(backend)
    with open_index(tmp_path / "i", backend) as ix:
        ix.add(DOCS[:1])
    (tmp_path / "i" / "minzheng-schema.txt").unlink()           # as an index made by the previous version
    with pytest.raises(SearchIndexError) as e:
        open_index(tmp_path / "i", backend)
    assert "minzheng reindex" in str(e.value)
