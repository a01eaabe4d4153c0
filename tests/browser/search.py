"""Drive Material's search box the way a reader does, and read back the ranked answers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

QUERIES = Path(__file__).with_name("search_queries.yml")
UNSEEN = Path(__file__).with_name("search_queries_unseen.yml")  # never tuned on: make bench only
SEARCH_INPUT = "input.md-search__input"


def load_queries(path: Path = QUERIES) -> list[tuple[str, list[str]]]:
    """(query, answers): a query that two questions answer equally well lists both."""
    return [(query, answers) for query, answers, _ in load_entries(path)]


def load_entries(path: Path = QUERIES) -> list[tuple[str, list[str], str | None]]:
    """(query, answers, why it is a known miss or None)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (str(e[0]), e[1] if isinstance(e[1], list) else [e[1]], e[2] if len(e) > 2 else None) for e in entries
    ]


def search(page, query: str) -> list[str]:
    """Type `query` into the search box; return the anchors of the results a reader sees, in order.

    Material folds a group's weaker entries under "N more on this page"; folded results are not
    counted (a reader does not see them without a click). Material answers on keyup (not on
    input), so the text is filled and then a key is pressed. The results' meta line and list are
    cleared first, so the waits below see this query's results and not the previous query's.
    """
    page.click(SEARCH_INPUT)
    page.evaluate(
        "document.querySelector('.md-search-result__meta').textContent = '';"
        "document.querySelector('.md-search-result__list').replaceChildren();"
    )
    page.fill(SEARCH_INPUT, query)
    page.press(SEARCH_INPUT, "End")
    page.wait_for_function(
        "(() => { const meta = document.querySelector('.md-search-result__meta').textContent;"
        " return meta.includes('No matching') ||"
        " (meta.trim() !== '' && document.querySelector('.md-search-result__list li') !== null); })()"
    )
    # Material renders the list in steps; read it until two readings agree.
    hrefs, previous = None, []
    while hrefs != previous:
        previous = hrefs
        page.wait_for_timeout(150)
        hrefs = page.locator(".md-search-result__list a.md-search-result__link").evaluate_all(
            "links => links.filter(a => a.checkVisibility()).map(a => a.href)"
        )
    return [urlsplit(h).fragment for h in hrefs if urlsplit(h).fragment]


# The site's search worker (docs/javascripts/search-worker.js) driven directly with Material's
# messages (SETUP = 0, QUERY = 2): the same replies the search box gets, for
# hundreds of queries in seconds. Each result group is one question; its entry with a fragment
# is the answer.
WORKER_REPLIES = """async ([queries, whole]) => {
  const index = await (await fetch("search/search_index.json")).json();
  const worker = new Worker("javascripts/search-worker.js");
  const reply = () =>
    new Promise((done) => worker.addEventListener("message", (e) => done(e.data), { once: true }));
  const { config, docs } = index;
  worker.postMessage({ type: 0, data: { config, docs, options: { suggest: true } } });
  await reply();
  const ranked = [];
  for (const query of queries) {
    worker.postMessage({ type: 2, data: query });
    const { data } = await reply();
    ranked.push(whole ? data : data.items.map((group) => group.map((doc) => doc.location)));
  }
  worker.terminate();
  return ranked;
}"""


def worker_rankings(page, queries: list[str]) -> dict[str, list[str]]:
    """The anchors each query ranks, in order; `page` is any page of the served site."""
    # Search workers start once the reader goes to search (docs/javascripts/search-on-demand.js).
    page.click(SEARCH_INPUT)
    groups = page.evaluate(WORKER_REPLIES, [queries, False])
    ranked = {}
    for query, found in zip(queries, groups, strict=True):
        anchors = (
            next((urlsplit(loc).fragment for loc in group if urlsplit(loc).fragment), None) for group in found
        )
        ranked[query] = [a for a in anchors if a]
    return ranked


def worker_results(page, queries: list[str]) -> dict[str, dict]:
    """What the worker sends the search box for each query: its groups of results (each document's
    location, highlighted title and teaser, score and which query words it holds) and suggestions."""
    page.click(SEARCH_INPUT)
    return dict(zip(queries, page.evaluate(WORKER_REPLIES, [queries, True]), strict=True))


def recall_at(ranked: dict[str, list[str]], expected: dict[str, list[str]], k: int) -> float:
    """Share of queries with an expected answer among the first k results."""
    return sum(bool(set(expected[q]) & set(ranked[q][:k])) for q in expected) / len(expected)
