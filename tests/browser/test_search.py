"""Readers' queries find the answer, and the search box opens it.

Every query is ranked by the site's own search worker (docs/javascripts/search-worker.js), which
is what the search box shows, hundreds of queries in seconds. A sample is also
typed into the search box as a reader would: the results shown must be the worker's, and clicking
the answer must open the page at it. Queries with punctuation are typed too, and their results
compared. Typing every query took about a quarter of the suite's time.
"""

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.search import load_entries, search, worker_rankings, worker_results

TOP = 5
ENTRIES = load_entries()
QUERIES = [
    pytest.param(
        query, answers, id=query, marks=[pytest.mark.xfail(reason=miss, strict=True)] if miss else []
    )
    for query, answers, miss in ENTRIES
]
# Typed into the box: every 20th query, whose answer is then opened from the results, and every
# other query with punctuation (hyphens, slashes, apostrophes, underscores), which the worker's
# query rewriting treats specially and whose results are compared only (opening a page is most of
# a typed query's time).
TYPED = [
    pytest.param(query, answers, id=query)
    for n, (query, answers, miss) in enumerate(ENTRIES)
    if not miss and n % 20 == 0
]
PUNCTUATED = [
    pytest.param(query, id=query)
    for n, (query, _, miss) in enumerate(ENTRIES)
    if not miss and n % 20 != 0 and re.search(r"[^a-z0-9 ]", query, re.I)
]


# The same idea as an explanation and as a coding-round exercise: the query's wording decides.
CODE_INTENT = [
    ("dropout", "dropout-regularization"),
    ("implement dropout", "inverted-dropout"),
    ("ndcg", "ranking-metrics-ndcg"),
    ("ndcg from scratch", "ndcg-at-k"),
    ("non maximum suppression", "non-max-suppression"),
    ("non max suppression code", "nms-greedy"),
]
# Query words that stand together in one answer's heading, and apart or in the text of another
# that BM25F alone put first.
HEADING_PHRASES = [
    ("dynamic batching", "llm-dynamic-batching"),
    ("multi-head attention", "multi-head-attention-from-scratch"),
    ("types of generative models", "generative-model-families"),
]
# A plural query word that the answer has only in the singular ("adapters", "adapter").
PLURALS = [("how lora works low rank adapters", "lora-low-rank")]


@pytest.fixture(scope="module")
def rankings(browser, base_url) -> dict[str, list[str]]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)
    pairs = CODE_INTENT + HEADING_PHRASES + PLURALS
    ranked = worker_rankings(page, [query for query, _, _ in ENTRIES] + [query for query, _ in pairs])
    context.close()
    return ranked


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base_url)
    yield page
    context.close()


def test_queries_are_unique_and_many():
    queries = [query for query, _, _ in ENTRIES]
    assert len(queries) == len(set(queries))
    assert len(queries) >= 40
    assert len(TYPED) >= 20
    assert len(PUNCTUATED) >= 40


@pytest.mark.parametrize(("query", "answers"), QUERIES)
def test_search_finds_the_answer(rankings, query, answers):
    ranked = rankings[query]
    assert set(answers) & set(ranked[:TOP]), (
        f"{query!r}: #{answers[0]} is not in the first {TOP} results {ranked[:TOP]}"
    )


@pytest.mark.parametrize(("query", "answers"), TYPED)
def test_the_search_box_shows_that_ranking_and_opens_the_answer(search_page, rankings, query, answers):
    shown = search(search_page, query)
    assert shown[:TOP] == rankings[query][:TOP], f"{query!r}: the box shows {shown[:TOP]}"
    anchor = next(a for a in shown[:TOP] if a in answers)
    search_page.locator(f'.md-search-result__list a.md-search-result__link[href$="#{anchor}"]').first.click()
    search_page.wait_for_url(f"**#{anchor}")
    assert in_view(search_page, f"h2#{anchor}"), f"{query!r}: the page opened, but #{anchor} is not in view"


IN_VIEW = """s => {
  const heading = document.querySelector(s);  // null until instant navigation swaps the page in
  if (!heading) return false;
  const r = heading.getBoundingClientRect();
  return r.top >= 0 && r.top < innerHeight;
}"""


@pytest.mark.parametrize("query", PUNCTUATED)
def test_the_search_box_shows_the_workers_ranking_for_punctuated_queries(search_page, rankings, query):
    shown = search(search_page, query)
    assert shown[:TOP] == rankings[query][:TOP], f"{query!r}: the box shows {shown[:TOP]}"


def in_view(page, selector: str) -> bool:
    """The element's top comes into the viewport (instant navigation scrolls after the URL changes)."""
    try:
        page.wait_for_function(IN_VIEW, arg=selector, timeout=5_000)
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.parametrize("query", ["graph neural network message passing", "speech recognition ctc loss"])
def test_a_topic_the_handbook_lacks_lists_few_answers(search_page, query):
    # Each shares a common word ("network", "loss") with hundreds of answers and none holds them all.
    assert search(search_page, query)
    meta = search_page.locator(".md-search-result__meta").text_content()
    assert int(meta.split()[0]) <= 10, meta  # "10 matching documents" (Material renders 10 at a time)


@pytest.mark.parametrize(
    "pairs",
    [CODE_INTENT, HEADING_PHRASES, PLURALS],
    ids=[
        "asking for code gets the exercise, others the explanation",
        "words side by side in a heading",
        "a plural finds the singular",
    ],
)
def test_the_re_ranking_puts_the_intended_answer_first(rankings, pairs):
    firsts = {query: rankings[query][:1] for query, _ in pairs}
    assert firsts == {query: [answer] for query, answer in pairs}


# Stop words of one or two letters: the worker drops them from a query that has other words.
SHORT_STOP_WORDS = {"a", "am", "an", "as", "at", "be", "by", "do", "he", "i", "if", "in", "is", "it"}
SHORT_STOP_WORDS |= {"me", "my", "no", "of", "on", "or", "so", "to", "us", "we"}


def test_every_short_word_of_the_index_finds_answers(site, browser, base_url):
    # Once the handbook grew, the lunr index of Material's search held words the index did not,
    # and queries for "b", "w", "bi" or "1" failed inside it and listed nothing. Words of one or
    # two characters are also the ones the worker matches whole rather than as a prefix.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    words = set()
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", f"{doc['title']} {doc['text']}")
        words |= {w.lower() for w in separator.split(text) if re.fullmatch(r"[A-Za-z0-9]{1,2}", w)}
    # an answer's text is its opening only; the rest of its words come in the postings
    words |= {w for w in index["config"]["postings"] if re.fullmatch(r"[a-z0-9]{1,2}", w)}
    words -= SHORT_STOP_WORDS
    assert len(words) > 200
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)  # the worker and the index are fetched relative to the home page
    ranked = worker_rankings(page, sorted(words))
    context.close()
    assert not [word for word, found in ranked.items() if not found]


def test_the_worker_highlights_reads_query_syntax_and_suggests(site, browser, base_url):
    """What the box shows besides the order: marked words in titles and teasers (whole, not inside
    an entity), results without an excluded word, quoted words all required, words that are
    missing from a result, and the word that completes the query."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    words = {d["location"]: set(re.findall(r"[a-z0-9]+", d["title"].lower())) for d in docs}
    for word, found in index["config"]["postings"].items():
        for position in found[::3]:
            words[docs[position]["location"]].add(word)
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)
    queries = ["xgboost", "amp", "lora", "lora -rank", "kv zebra", '"kv zebra"', "transfor"]
    got = worker_results(page, queries)
    context.close()
    answers = {q: [group[0] for group in got[q]["items"]] for q in queries}

    assert "<mark>XGBoost</mark>" in answers["xgboost"][0]["title"]
    shown = [d[f] for q in queries for group in got[q]["items"] for d in group for f in ("title", "text")]
    assert all(html.count("<mark>") == html.count("</mark>") for html in shown)
    assert not [html for html in shown if "&<mark>" in html]
    assert any("<mark>" in d["text"] for d in answers["lora"])

    assert any("rank" in words[d["location"]] for d in answers["lora"])
    assert answers["lora -rank"]
    assert not [d["location"] for d in answers["lora -rank"] if "rank" in words[d["location"]]]

    assert answers["kv zebra"]
    assert all(d["terms"] == {"kv": True, "zebra": False} for d in answers["kv zebra"])
    assert answers['"kv zebra"'] == []

    assert got["transfor"]["suggest"][-1].startswith("transfor")
