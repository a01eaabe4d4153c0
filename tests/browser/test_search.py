"""Readers' queries typed into the search box find the answer, and the result opens at it."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.search import load_entries, search

TOP = 5
QUERIES = [
    pytest.param(
        query, answers, id=query, marks=[pytest.mark.xfail(reason=miss, strict=True)] if miss else []
    )
    for query, answers, miss in load_entries()
]


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base_url)
    yield page
    context.close()


def test_queries_are_unique_and_many():
    queries = [query for query, _, _ in load_entries()]
    assert len(queries) == len(set(queries))
    assert len(queries) >= 40


@pytest.mark.parametrize(("query", "answers"), QUERIES)
def test_search_finds_the_answer(search_page, query, answers):
    ranked = search(search_page, query)
    found = [a for a in ranked[:TOP] if a in answers]
    assert found, f"{query!r}: #{answers[0]} is not in the first {TOP} results {ranked[:TOP]}"
    anchor = found[0]
    search_page.locator(f'.md-search-result__list a.md-search-result__link[href$="#{anchor}"]').first.click()
    search_page.wait_for_url(f"**#{anchor}")
    assert in_view(search_page, f"h2#{anchor}"), f"{query!r}: the page opened, but #{anchor} is not in view"


IN_VIEW = """s => {
  const r = document.querySelector(s).getBoundingClientRect();
  return r.top >= 0 && r.top < innerHeight;
}"""


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
