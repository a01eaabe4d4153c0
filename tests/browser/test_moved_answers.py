"""A link published before its answer moved to another page still opens that answer.

moved-answers.js looks the anchor up in the question index the build writes (drill-data.js), the
same lookup for every anchor: every moved anchor is checked in that index, and one per pair of old
and new page is followed in the browser.
"""

from urllib.parse import urlsplit

import pytest

from handbook import drill
from tests import anchors

MOVED = anchors.moved_answers(anchors.published(), anchors.current())


def page_url(entry: str) -> str:
    """`chapter/page.md#anchor` -> the served `chapter/page/#anchor`."""
    page, anchor = entry.split("#", 1)
    return page.removesuffix(".md") + "/#" + anchor


def test_some_published_answers_have_moved():
    # Pages were split in December 2026; if this fails, the moved links below test nothing.
    assert len(MOVED) >= 70


def test_the_question_index_sends_every_moved_answer_to_its_new_page(site):
    index = drill.payload(site / drill.FILE, drill.INDEX_START, ";\n")
    url = {question["id"]: question["url"] for question in index}
    wrong = {}
    for entry, new_page in MOVED.items():
        anchor = entry.split("#", 1)[1]
        if url.get(anchor) != page_url(f"{new_page}#{anchor}"):
            wrong[entry] = url.get(anchor)
    assert not wrong, wrong


def one_per_move(moved: dict[str, str]) -> list[str]:
    """The first moved anchor of each pair of old and new page."""
    first: dict[tuple[str, str], str] = {}
    for entry in sorted(moved):
        first.setdefault((entry.split("#", 1)[0], moved[entry]), entry)
    return sorted(first.values())


@pytest.mark.parametrize("entry", one_per_move(MOVED), ids=lambda e: e)
def test_an_old_link_to_a_moved_answer_opens_it_on_its_new_page(page, base_url, entry):
    anchor = entry.split("#", 1)[1]
    new = page_url(f"{MOVED[entry]}#{anchor}")
    page.goto(base_url + page_url(entry))
    page.wait_for_url(base_url + new)
    assert page.locator(f"h2#{anchor}").count() == 1
    # The old page was replaced, not stacked (history: the blank tab, then the answer), so Back
    # does not return to the old page, which would forward the reader again.
    assert page.evaluate("history.length") == 2


def test_an_unknown_anchor_leaves_the_reader_on_the_page(page, base_url):
    requests = []
    page.on("request", lambda r: requests.append(urlsplit(r.url).path))
    page.goto(base_url + "generative-models/diffusion/#no-such-answer")
    page.wait_for_function("Array.isArray(window.HANDBOOK_DRILL)")
    page.wait_for_timeout(300)
    assert urlsplit(page.url).path == "/generative-models/diffusion/"
    assert "/drill-data.js" in requests


def test_a_page_with_its_anchor_does_not_load_the_question_index(page, base_url):
    requests = []
    page.on("request", lambda r: requests.append(urlsplit(r.url).path))
    page.goto(base_url + "generative-models/diffusion/#ddpm-vs-ddim")
    page.wait_for_load_state("networkidle")
    assert "/drill-data.js" not in requests
