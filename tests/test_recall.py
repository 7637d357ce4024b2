"""Recall: queries taken from the documents' own text — phrases of 2–8
characters, titles, document numbers — must find the right file in the top 10 for ≥98% of
queries on born-digital files and ≥95% on scans (OCR by the default engine), on both backends."""
import random
import re

import pytest
from corpus import extracted, shared_corpus

from archive.common.tools import TESSERACT
from indexer import IndexDoc, get_ocr_engine, normalize, open_index
from indexer.backends import EMBEDDED as BACKENDS
from indexer.tokens import squash

pytestmark = pytest.mark.slow
QUERIES_PER_DOC = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return shared_corpus(tmp_path_factory.getbasetemp() / "corpus")


@pytest.fixture(scope="module")
def engine():
    if not TESSERACT.available():
        return None
    return get_ocr_engine("tesseract-hybrid")


@pytest.fixture(scope="module", params=[*BACKENDS, "postgres"])
def index(request, corpus, engine, tmp_path_factory):
    docs = [d for d in corpus if not d.scanned or engine is not None]
    url = request.getfixturevalue("pg_cluster").new_database() if request.param == "postgres" else None
    ix = open_index(tmp_path_factory.mktemp(f"recall-{request.param}"), request.param, url=url)
    ix.add(IndexDoc(i, d.title, extracted(d, engine if d.scanned else None).pages, doc_number=d.doc_number)
           for i, d in enumerate(corpus) if d in docs)
    ix.commit()
    yield ix, docs
    ix.close()


def queries_for(doc, corpus, rnd: random.Random) -> list[str]:
    """Phrases of 2–8 characters from the document's text (as written), its title and 文号 —
    each found (as an exact phrase) in at most 10 documents, so a top-10 answer is possible."""
    texts = {id(d): squash(normalize(d.text + d.title + d.doc_number)) for d in corpus}
    mine = normalize(doc.text)
    out = []
    tries = 0
    while len(out) < QUERIES_PER_DOC and tries < 500:
        tries += 1
        n = rnd.randint(2, 8)
        if len(mine) <= n:
            break
        start = rnd.randrange(0, len(mine) - n)
        q = mine[start:start + n]
        sq = squash(q)
        if len(sq) < 2:
            continue
        if sum(1 for t in texts.values() if sq in t) <= 10:
            out.append(q)
    if doc.title and not doc.scanned:
        out.append(doc.title)
    if doc.doc_number:
        out.append(doc.doc_number)
    return out


_OPERATORS = re.compile(r'[:：|｜"“”「」『』]')


def typed(q: str) -> str:
    """The phrase as a person types it into the search box: operator characters (quotes, colons, |)
    become spaces, and no word starts with a minus sign (that would exclude it)."""
    return " ".join(w.lstrip("-－—") for w in _OPERATORS.sub(" ", q).split())


def recall(index, corpus, scanned: bool):
    ix, docs = index
    rnd = random.Random(4)
    found = total = 0
    misses = []
    for i, doc in enumerate(corpus):
        if doc not in docs or doc.scanned != scanned:
            continue
        for q in queries_for(doc, corpus, rnd):
            total += 1
            _, hits = ix.search(typed(q), limit=10)
            if i in [h.record_id for h in hits]:
                found += 1
            else:
                misses.append((doc.path.name, q))
    return found, total, misses


def test_recall_born_digital(index, corpus):
    found, total, misses = recall(index, corpus, scanned=False)
    assert total >= 200
    assert found / total >= 0.98, f"{found}/{total}; misses: {misses[:20]}"


@pytest.mark.tesseract
@pytest.mark.skipif(not TESSERACT.available(), reason="needs tesseract")
def test_recall_scans(index, corpus):
    found, total, misses = recall(index, corpus, scanned=True)
    assert total >= 60
    assert found / total >= 0.95, f"{found}/{total}; misses: {misses[:20]}"


@pytest.mark.skipif(not TESSERACT.available(), reason="needs tesseract")
def test_traditional_scan_found_by_simplified_and_traditional_queries(index, corpus):
    ix, _ = index
    i, doc = next((i, d) for i, d in enumerate(corpus) if d.traditional)
    for q in ["青山县人民政府办公室", "青山縣人民政府辦公室", "關於加強鄉鎮", "关于加强乡镇"]:
        _, hits = ix.search(q)
        assert i in [h.record_id for h in hits], q
