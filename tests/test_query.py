"""The query language: what people type parses into terms, fields, exclusions, alternatives and date
ranges; anything else is the project's own error, in Chinese, naming the character where it went wrong."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.common.errors import ExitCode, MinzhengError
from indexer.normalize import fold_width, to_simplified
from indexer.query import Query, QueryError, Term, parse_query


def terms(q: Query) -> list[list[tuple[str, str, bool]]]:
    return [[(t.field, t.text, t.exact) for t in g] for g in q.groups]


def test_space_separated_terms_are_all_required():
    q = parse_query("临时救助 张大山")
    assert terms(q) == [[("", "临时救助", False)], [("", "张大山", False)]]
    assert terms(parse_query("临时救助\u3000张大山")) == terms(q)         # full-width space too


def test_quotes_make_one_exact_phrase():
    for s in ['"城乡 低保"', "“城乡 低保”", "「城乡低保」"]:
        assert terms(parse_query(s)) == [[("", "城乡低保", True)]], s


def test_exclusion_and_alternatives():
    q = parse_query("低保 | 特困 -退出 救助")
    assert terms(q) == [[("", "低保", False), ("", "特困", False)], [("", "救助", False)]]
    assert q.exclude == (Term("", "退出"),)
    assert terms(parse_query("低保 或 特困")) == terms(parse_query("低保｜特困"))
    assert parse_query('-"临时救助"').exclude == (Term("", "临时救助", True),)


def test_fields():
    q = parse_query("题名:低保 文号：青民发〔2016〕3号 责任者:民政办 档号:z109-ls 户号:43992119900101123x")
    assert terms(q) == [[("title", "低保", False)], [("doc_number", "青民发20163号", False)],
                        [("author", "民政办", False)], [("code", "Z109-LS", False)],
                        [("household", "43992119900101123X", False)]]
    # every bracket style of a 文号 is the same number
    for s in ["青民发[2016]3号", "青民发(2016)3号", "青民发【2016】3号", "青民发（2016）3号", "青民发〔2016〕3号"]:
        assert terms(parse_query(f"文号:{s}")) == [[("doc_number", "青民发20163号", False)]], s


def test_an_id_number_is_the_household_or_the_number_in_the_text():
    q = parse_query("439921199001011234")
    assert terms(q) == [[("household", "439921199001011234", False), ("", "439921199001011234", False)]]


@pytest.mark.parametrize("s,lo,hi", [
    ("日期:2016", 20160000, 20169999),
    ("日期:2016-01..2016-06", 20160100, 20160699),
    ("日期:2016..2018", 20160000, 20189999),
    ("日期:2016-03-01..", 20160301, None),
    ("日期:..2018-02", None, 20180299),
    ("日期:2016年3月", 20160300, 20160399),
    ("日期:２０１６-０３-０１", 20160301, 20160301),
    ("低保 日期:2015..2018 日期:2016..", 20160000, 20189999),     # two ranges: both hold
])
def test_date_ranges(s, lo, hi):
    q = parse_query(s)
    assert (q.date_from, q.date_to) == (lo, hi)


def test_traditional_and_full_width_fold():
    assert terms(parse_query("臨時救助 題名:低保")) == terms(parse_query("临时救助 题名:低保"))
    assert terms(parse_query("２０１６年 ＡＢＣ")) == [[("", "2016年", False)], [("", "ABC", False)]]


def test_empty_query_browses():
    for s in ["", "   ", "日期:2016"]:
        assert parse_query(s).browse
    assert not parse_query("-低保").browse


@pytest.mark.parametrize("s,pos,words", [
    ('低保 "城乡', 4, "引号没有配对"),
    ("日期:2016-13", 4, "月份"),
    ("日期:2016-02-30", 4, "29 天"),
    ("日期:2018..2016", 4, "起点晚于终点"),
    ("日期:去年", 4, "不是日期"),
    ("低保 -", 4, "后面缺少要排除的词"),
    ("低保 - 特困", 4, "后面缺少要排除的词"),
    ("事由:火灾", 1, "没有“事由”这个字段"),
    ("题名: 低保", 3, "后面缺少内容"),
    ("| 低保", 1, "前后都要有检索词"),
    ("低保 |", 4, "后面缺少检索词"),
    ("低保 | | 特困", 6, "前后都要有检索词"),
    ("低保 | -特困", 6, "不能用“|”"),
    ("-日期:2016", 1, "日期条件不能排除"),
    ("，。", 1, "没有可检索的字"),
    ('""', 1, "没有可检索的字"),
])
def test_errors_name_the_position(s, pos, words):
    with pytest.raises(QueryError) as e:
        parse_query(s)
    msg = str(e.value)
    assert f"第 {pos} 个字符" in msg and words in msg, msg
    assert e.value.position == pos and e.value.exit_code == ExitCode.usage


# ---------------------------------------------------------------- properties

ALPHABET = st.sampled_from(list("临时救助低保特困民政办張大山臨時題名文号档號户日期年月-－|｜:：\"“”「」 　"
                                "0123456789０１２３.~（）〔〕[]ABCxyz，。、或") + ["..", "题名:", "日期:", "档号:"])
QUERIES = st.lists(ALPHABET, max_size=14).map("".join)


def well_formed(q: Query) -> bool:
    ok = all(g and all(isinstance(t, Term) and t.text for t in g) for g in q.groups)
    ok &= all(t.text for t in q.exclude)
    if q.date_from is not None and q.date_to is not None:
        ok &= q.date_from <= q.date_to
    return ok


@settings(max_examples=400, deadline=None)
@given(QUERIES | st.text(max_size=20))
def test_any_string_parses_or_says_where_in_chinese(s):
    try:
        q = parse_query(s)
    except MinzhengError as e:
        assert isinstance(e, QueryError)
        m = re.search(r"第 (\d+) 个字符", str(e))
        assert m and 1 <= int(m.group(1)) <= max(1, len(s) + 1), str(e)
        assert re.search(r"[\u4e00-\u9fff]{4}", str(e))          # a Chinese sentence, not a traceback
        return
    assert well_formed(q)


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_parsing_is_stable_under_width_and_script_folding(s):
    folded = to_simplified(fold_width(s))
    try:
        q = parse_query(s)
    except QueryError:
        with pytest.raises(QueryError):
            parse_query(folded)
        return
    assert parse_query(folded) == q
