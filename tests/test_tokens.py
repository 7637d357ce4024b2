"""indexer.tokens: bigrams, single characters and words; what a query requires."""
from indexer.tokens import query_terms, squash, stream, unigrams


def test_stream_bigrams_words_and_single_runs():
    assert stream("民政办公室") == ["民政", "政办", "办公", "公室"]
    assert stream("2014年5月6日") == ["20", "01", "14", "4年", "年5", "5月", "月6", "6日"]   # digits too
    assert stream("XY-77") == ["xy", "77"]
    assert stream("使用Word文档") == ["使用", "word", "文档"]
    assert stream("民，政") == ["民", "政"]          # punctuation separates runs


def test_unigrams_are_every_cjk_character():
    assert unigrams("民政 ok 办 5") == ["民", "政", "办", "5"]


def test_query_terms_two_chars():
    q = query_terms("民政")
    assert q.body == ("民政",) and q.chars == () and q.squashed == "民政"


def test_query_terms_one_char_and_edges():
    q = query_terms("民")
    assert q.body == () and q.chars == ("民",)
    q = query_terms("年")
    assert q.body == () and q.chars == ("年",)
    q = query_terms("xy年")
    assert q.body == ("xy",) and q.chars == ("年",)
    # an edge one-character run is not a positional phrase token (the document may continue it)
    assert [t for _, t in q.phrase] == ["xy"] and not q.complete
    q = query_terms("a年b")
    assert [t for _, t in q.phrase] == ["a", "年", "b"]


def test_query_phrase_offsets_are_consecutive():
    q = query_terms("基层民政办")
    assert q.phrase == ((0, "基层"), (1, "层民"), (2, "民政"), (3, "政办"))


def test_squash_keeps_only_searchable_characters():
    assert squash("永民发〔2014〕12号") == "永民发201412号"
    assert squash("ABC-def") == "abcdef"


def test_phrase_cover_keeps_every_character_at_fixed_offsets():
    q = query_terms("基层民政办公室")
    assert q.phrase_cover() == [(0, "基层"), (2, "民政"), (4, "办公"), (5, "公室")]
    assert query_terms("民政").phrase_cover() == [(0, "民政")]
    # words and separate runs are always kept
    assert query_terms("xy基层民政办").phrase_cover() == [(0, "xy"), (1, "基层"), (3, "民政"), (4, "政办")]
