"""Deep links, practice mode, the question filters, and no request to any other host."""

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from handbook import diagrams
from tests.browser.axe import next_frames
from tests.browser.search import SEARCH_INPUT, search

NUMBER = re.compile(r"\d+(\.\d+)?")


def questions(site) -> list[dict]:
    return json.loads((site / "questions.json").read_text(encoding="utf-8"))


def last_question_per_page(site) -> list[dict]:
    """The deepest answer on each page: the hardest case for landing a shared link in view."""
    last = {}
    for q in questions(site):
        last[q["url"].split("#")[0]] = q
    return list(last.values())


def heading_in_view(page, anchor: str) -> bool:
    """The heading settles below the sticky header, in the upper half of the screen (KaTeX
    renders after load)."""
    try:
        page.wait_for_function(
            "s => { const heading = document.querySelector(s); if (!heading) return false; "
            "const r = heading.getBoundingClientRect(); "
            "const header = document.querySelector('.md-header').getBoundingClientRect().bottom; "
            "return r.top >= header - 1 && r.top < innerHeight / 2; }",
            arg=f"h2#{anchor}",
            timeout=5_000,
        )
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.timeout(600)  # one page load per topic page: 85 pages and growing
def test_a_shared_deep_link_opens_at_the_answer(page, site, base_url):
    missed = []
    for q in last_question_per_page(site):
        page.goto(urljoin(base_url, q["url"]))
        page.wait_for_load_state("load")
        if not heading_in_view(page, q["id"]):
            missed.append(q["url"])
    assert not missed, f"deep links that do not show their answer: {missed}"


def test_the_permalink_copies_a_clean_link_and_says_so(page, site, base_url):
    q = questions(site)[3]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page.goto(urljoin(base_url, q["url"].split("#")[0] + "?h=attention"))
    link = page.locator(f"h2#{q['id']} a.headerlink")
    assert link.evaluate("a => a.hash") == f"#{q['id']}"
    link.click()
    expected = urljoin(base_url, q["url"])
    page.wait_for_function("() => document.querySelector('.hb-toast--on') !== null")
    assert page.locator(".hb-toast").inner_text() == "Link to this answer copied"
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert page.url == expected


def test_a_search_result_header_lands_at_the_answer_and_leaves_a_clean_address(page, site, base_url):
    q = next(q for q in questions(site) if q["id"] == "cross-validation-leakage")
    page.goto(base_url)
    search(page, "cross validation leakage")
    header = page.locator(f'.md-search-result__link[href*="?a={q["id"]}&"]:not([href*="#"])').first
    header.click()
    assert heading_in_view(page, q["id"]), "the card header opened the page away from the answer"
    page.wait_for_function("() => !location.search")
    assert page.url == urljoin(base_url, q["url"])
    assert page.locator(SEARCH_INPUT).input_value() != q["id"], "search reopened with the anchor"


def test_the_words_searched_for_are_marked_whole_in_the_answer_only(page, site, base_url):
    page.goto(base_url)
    search(page, "how is the bias variance tradeoff measured")
    page.locator('.md-search-result__link[href*="?a=bias-variance&"]').first.click()
    page.wait_for_url(lambda url: url.endswith("/#bias-variance"))
    marks = page.eval_on_selector_all(
        "article.md-content__inner mark",  # not the search results, kept in the header
        """marks => marks.map(m => {
            let el = m.closest('article > *');
            while (el && el.tagName !== 'H2') el = el.previousElementSibling;
            return [m.textContent, el && el.id, m.parentElement.textContent];
        })""",
    )
    assert marks, "no searched word is marked in the answer"
    wrong = [(text, section) for text, section, _ in marks if section != "bias-variance"]
    assert not wrong, f"marks outside the answer: {wrong[:5]}"
    words = {"bias", "variance", "tradeoff", "measured"}
    plurals = words | {w + "s" for w in words} | {w + "es" for w in words}
    partial = [(text, context[:80]) for text, _, context in marks if text.lower() not in plurals]
    assert not partial, f"marks that are not whole searched words: {partial[:5]}"


def test_an_old_link_with_the_q_key_still_lands_at_the_answer(page, site, base_url):
    q = questions(site)[5]
    page.goto(urljoin(base_url, f"{q['url'].split('#')[0]}?q={q['id']}"))
    assert heading_in_view(page, q["id"])
    page.wait_for_function("() => !location.search")
    assert not page.locator("#__search").is_checked()


def test_practice_mode_hides_answers_and_is_remembered_across_pages(page, site, base_url):
    first, *_, last = questions(site)
    page.goto(urljoin(base_url, first["url"].split("#")[0]))
    short_answer = page.locator(f"h2#{first['id']} + .hb-meta + p")
    assert short_answer.is_visible()
    page.locator(".hb-practice-toggle input").check()
    assert not short_answer.is_visible()
    reveal = page.locator(f"h2#{first['id']} ~ .hb-reveal").first
    reveal.click()
    assert page.locator(f"h2#{first['id']} ~ .hb-answer").first.is_visible()
    assert reveal.inner_text() == "Hide answer"
    reveal.click()
    assert not page.locator(f"h2#{first['id']} ~ .hb-answer").first.is_visible(), "cannot hide again"

    # Another chapter, a full page load, from a shared link to one answer: practice mode is still
    # on, the answer the link asked for is shown, and the other answers stay hidden.
    page.goto(urljoin(base_url, last["url"]))
    assert page.locator(".hb-practice-toggle input").is_checked()
    assert page.locator(f"h2#{last['id']} ~ .hb-answer").first.is_visible()
    others = [q for q in questions(site) if q["url"].split("#")[0] == last["url"].split("#")[0]]
    assert not page.locator(f"h2#{others[0]['id']} ~ .hb-answer").first.is_visible()
    assert page.locator(f"h2#{last['id']} + .hb-meta").is_visible(), "difficulty and topics stay visible"


def test_all_questions_filters(page, site, base_url):
    total = len(questions(site))
    hard = sum(q["difficulty"] == "hard" for q in questions(site))
    page.goto(urljoin(base_url, "questions/"))
    rows = page.locator(".hb-questions tbody tr")
    assert rows.count() == total
    page.select_option("#hb-difficulty", "hard")
    assert page.locator(".hb-questions tbody tr:not([hidden])").count() == hard
    assert page.text_content("#hb-count") == f"{hard} of {total} questions"
    page.fill("#hb-text", "attention")
    shown = page.locator(".hb-questions tbody tr:not([hidden])")
    assert 0 < shown.count() < hard
    assert all("attention" in t.lower() for t in shown.all_inner_texts())


def test_on_a_phone_the_filters_hide_the_other_cards(browser, site, base_url):
    # On a phone each row is a card (display: block), which once outranked the hidden attribute:
    # the count said 33 questions while every card stayed on screen.
    rag = [q for q in questions(site) if "rag" in q["tags"]]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(urljoin(base_url, "questions/?tag=rag"))
    shown = page.locator(".hb-questions tbody tr").evaluate_all(
        "rows => rows.filter(r => r.checkVisibility()).map(r => r.cells[3].textContent)"
    )
    context.close()
    assert len(shown) == len(rag) and all("rag" in tags.split(", ") for tags in shown)


PAGE_TYPES = {
    "home": "",
    "chapter": "rag/",
    "topic page": "evaluation/llm-evaluation/",
    "all questions": "questions/",
    "topics": "tags/",
    "lab notebook": "labs/rag-pipeline/",
    "missing page (404)": "no/such/page/",
}


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_pages_request_nothing_from_another_host(page, base_url, path):
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and "404" not in m.text and errors.append(m.text))
    page.goto(urljoin(base_url, path))
    page.wait_for_load_state("networkidle")
    page.click("input.md-search__input")  # loads the search worker and its index
    page.fill("input.md-search__input", "attention")
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_load_state("networkidle")
    local = urlsplit(base_url).netloc
    foreign = [
        u
        for u in requests
        if urlsplit(u).scheme in {"http", "https", "ws", "wss"} and urlsplit(u).netloc != local
    ]
    assert not foreign, f"{path or '/'} requested other hosts: {foreign}"
    assert not errors, f"{path or '/'} logged errors: {errors}"


def test_on_a_phone_the_page_starts_with_its_title_not_its_tag_cloud(browser, site, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    q = questions(site)[0]
    page.goto(urljoin(base_url, q["url"].split("#")[0]))
    assert not page.locator(".md-content .md-tags").is_visible()
    assert page.locator(f"h2#{q['id']} + .hb-meta").is_visible(), "each question still shows its topics"
    context.close()


def test_on_a_phone_a_long_list_of_other_wordings_does_not_push_the_answer_down(browser, site, base_url):
    wordiest = max(questions(site), key=lambda q: len(q.get("keywords", [])))
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(urljoin(base_url, wordiest["url"]))
    meta = page.locator(f"h2#{wordiest['id']} + .hb-meta")
    lines = meta.evaluate(
        "p => p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)"
    )
    level_shown = meta.locator(".hb-level").is_visible()
    context.close()
    assert level_shown, "the difficulty stays visible"
    assert lines <= 2.05, f"the line under {wordiest['id']} takes {lines:.1f} lines on a phone"


def test_on_a_phone_code_in_a_collapsed_solution_is_as_large_as_code_outside(browser, base_url):
    # Material sets admonitions and details in a smaller font; code sized in em shrank with it
    # (9.6 px code, 8.7 px outputs in a coding exercise's solution). 12 px is the smallest size
    # Lighthouse counts as legible.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + "coding/transformers-llms/")
    sizes = page.evaluate(
        """() => {
          const px = (s) => [...document.querySelectorAll(s)].map((e) => getComputedStyle(e).fontSize);
          return {
            code: px(".md-content .language-python:not(details *) pre > code"),
            solution_code: px("details .language-python pre > code"),
            output: px(".md-content .language-text:not(details *) pre > code"),
            solution_output: px("details .language-text pre > code"),
          };
        }"""
    )
    context.close()
    assert all(sizes.values()), f"a kind of block is missing from the page: {sizes}"
    assert set(sizes["code"]) == set(sizes["solution_code"]) == {"12px"}, sizes
    assert set(sizes["output"]) == set(sizes["solution_output"]) == {"12px"}, sizes


def test_on_a_phone_a_table_is_a_tab_stop_only_where_it_scrolls_sideways(browser, base_url):
    # Material's table wrapper scrolls sideways when the table is wider than the text, without a
    # tab stop: a keyboard reader could not scroll it (axe: scrollable-region-focusable).
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + "transformers/architectures/")
    page.wait_for_selector("body[data-code-focusable]", state="attached")
    tables = page.locator(".md-typeset__scrollwrap")
    states = []
    for n in range(tables.count()):
        tables.nth(n).scroll_into_view_if_needed()
        next_frames(page)  # the table is measured two frames after it comes on screen
        states.append(tables.nth(n).evaluate("w => [w.scrollWidth > w.clientWidth, w.tabIndex === 0]"))
    context.close()
    scrolls = [tab_stop for scrolls_sideways, tab_stop in states if scrolls_sideways]
    fits = [tab_stop for scrolls_sideways, tab_stop in states if not scrolls_sideways]
    assert scrolls and fits, f"the page no longer has tables of both kinds on a phone: {states}"
    assert all(scrolls), f"tables that scroll sideways without a tab stop: {states}"
    assert not any(fits), f"tables that fit but are tab stops: {states}"


def diagram_pages(site) -> list:
    pages = sorted(
        p for p in site.rglob("index.html") if 'class="hb-diagram"' in p.read_text(encoding="utf-8")
    )
    assert pages, "no page holds a diagram: has the mermaid fence configuration changed?"
    return pages


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_diagram_is_shown_in_the_readers_colour_scheme(browser, site, base_url, scheme):
    """Each diagram is drawn at a readable size in the reader's scheme, and no script draws it."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    scripts = []
    page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
    # Mermaid's light and dark themes fill a node #ececff and #1f2020.
    fill = {"light": "rgb(236, 236, 255)", "dark": "rgb(31, 32, 32)"}[scheme]
    for built in diagram_pages(site):
        page.goto(urljoin(base_url, built.parent.relative_to(site).as_posix() + "/"))
        figures = page.locator("figure.hb-diagram")
        for i in range(figures.count()):
            svg = figures.nth(i).locator("svg")
            svg.scroll_into_view_if_needed()
            box, natural = svg.bounding_box(), svg.evaluate("s => s.viewBox.baseVal.width")
            assert box["width"] >= min(natural, 600) * 0.95, f"{built}: diagram {i + 1} is shrunk"
            node = svg.locator(".node rect, .node polygon").first
            assert node.evaluate("n => getComputedStyle(n).fill") == fill, f"{built}: diagram {i + 1}"
    assert not [u for u in scripts if "mermaid" in u], "a page loaded Mermaid: diagrams are drawn ahead"
    context.close()


def test_every_stored_drawing_is_what_mermaid_draws(page):
    """Each stored SVG equals a fresh drawing of its source by the vendored Mermaid, up to the
    numbers (positions and sizes depend on the fonts of the machine that draws)."""
    diagrams.load_mermaid(page)
    sources = diagrams.all_sources()
    assert sources, "no page holds a diagram"
    stale = []
    for where, source in sources.values():
        if not diagrams.stored(source).exists():
            stale.append(f"{where} (not drawn)")
            continue
        drawn = diagrams.draw(page, source)
        if NUMBER.sub("0", drawn) != NUMBER.sub("0", diagrams.stored(source).read_text(encoding="utf-8")):
            stale.append(where)
    assert not stale, f"stored drawings differ from Mermaid's (run make diagrams ARGS=--all): {stale}"
