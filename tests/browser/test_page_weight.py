"""Page weight: a page carries no search index until the reader goes to search, and stays light.

A first visit is measured over loopback with gzip (tests/browser/serve.py): every response's
encoded body and headers, until the network is idle. Every page in the navigation but the Drill
page is measured by tests/browser/test_every_page.py, in the load that also checks its
accessibility; the Drill page, which shows a random question, is measured here.
docs/javascripts/search-on-demand.js holds back Material's index request and the search worker until
search is opened; docs/javascripts/drill-on-demand.js loads drill mode only where it is used.
"""

from handbook import drill
from tests.browser.search import search
from tests.browser.weight import BUDGET, early_loads, transferred


def test_the_drill_page_stays_under_budget_with_its_heaviest_question(page, site, base_url):
    """The heaviest first question is a coding task with formulas (KaTeX's script and fonts load to
    typeset it) from the largest answers file. Math.random is fixed so that the page picks it."""
    entries = drill.read(site)
    with_math = [i for i, e in enumerate(entries) if 'class="arithmatex"' in e["task"]]
    heaviest = max(with_math, key=lambda i: (site / entries[i]["answers"]).stat().st_size)
    page.add_init_script(f"Math.random = () => {(heaviest + 0.5) / len(entries)};")
    total, urls = transferred(page, base_url + "drill/")
    assert page.get_attribute("#hb-drill-card", "data-question") == entries[heaviest]["id"]
    assert any("katex.min.js" in u for u in urls) and any(entries[heaviest]["answers"] in u for u in urls)
    assert not early_loads("drill/", urls)
    assert total <= BUDGET, f"/drill/: {total:,} bytes on a first visit (budget {BUDGET:,})"


def test_opening_search_loads_the_index_and_answers(page, base_url):
    transferred(page, base_url + "rag/pipeline/")
    with (
        page.expect_request(lambda r: r.url.endswith("search/search_index.json")),
        page.expect_request(lambda r: r.url.endswith("/javascripts/search-worker.js")),
    ):
        page.click("input.md-search__input")
    assert "rag-chunking" in search(page, "chunk size overlap")[:5]
