"""Drill mode in Chromium: filters from the address, the answer hidden until asked, progress kept in
the browser and shown per chapter on the All-questions page, keyboard only."""

from collections import Counter
from urllib.parse import urlencode, urljoin

from handbook import drill

CARD = "#hb-drill-card"
COUNT = "#hb-drill-count"


def entries(site) -> list[dict]:
    return drill.read(site)


def small_selection(site) -> tuple[str, str, list[dict]]:
    """A chapter and difficulty that select a few questions (at least three): a short drill."""
    pairs = Counter((e["chapter"], e["difficulty"]) for e in entries(site))
    (chapter, difficulty), _ = min(((p, n) for p, n in pairs.items() if n >= 3), key=lambda item: item[1])
    chosen = [e for e in entries(site) if (e["chapter"], e["difficulty"]) == (chapter, difficulty)]
    return chapter, difficulty, chosen


def open_drill(page, base_url, **filters) -> str:
    page.goto(urljoin(base_url, "drill/") + ("?" + urlencode(filters) if filters else ""))
    page.wait_for_function(f"document.querySelector('{CARD}')?.dataset.question")
    return shown(page)


def shown(page) -> str:
    return page.get_attribute(CARD, "data-question")


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_a_drill_of_one_difficulty_hides_the_answer_until_asked(page, site, base_url):
    by_id = {e["id"]: e for e in entries(site)}
    hard = [e for e in entries(site) if e["difficulty"] == "hard"]
    for _ in range(5):  # a few random picks, all from the filter
        anchor = open_drill(page, base_url, difficulty="hard")
        assert by_id[anchor]["difficulty"] == "hard", anchor
        assert page.text_content("#hb-drill-question") == by_id[anchor]["question"]
        assert "hard" in page.text_content("#hb-drill-where")
    assert page.input_value("#hb-drill-difficulty") == "hard"
    assert page.text_content(COUNT) == f"0 of {len(hard)} known in this selection"
    answer = page.locator("#hb-drill-answer")
    assert not answer.is_visible()
    assert page.get_attribute("#hb-drill-show", "aria-expanded") == "false"
    assert not page.locator("#hb-drill-knew").is_visible(), "nothing to mark before the answer is seen"
    page.click("#hb-drill-show")
    assert answer.is_visible() and focused(page) == "hb-drill-answer", "the answer is shown and focused"
    # The short answer comes from its page's answers script, loaded when the question was shown.
    page.wait_for_function("document.querySelector('#hb-drill-answer-text').textContent.length > 20")
    link = page.get_attribute("#hb-drill-link", "href")
    assert link == urljoin(base_url, by_id[anchor]["url"])
    page.click("#hb-drill-next")
    assert shown(page) != anchor, "Next question shows another question"
    assert not answer.is_visible()


def test_knew_it_is_counted_kept_skipped_and_shown_per_chapter(page, site, base_url):
    chapter, difficulty, chosen = small_selection(site)
    anchor = open_drill(page, base_url, chapter=chapter, difficulty=difficulty)
    assert anchor in {e["id"] for e in chosen}
    assert page.text_content(COUNT) == f"0 of {len(chosen)} known in this selection"
    page.click("#hb-drill-show")
    page.click("#hb-drill-knew")
    assert page.text_content(COUNT) == f"1 of {len(chosen)} known in this selection"
    assert shown(page) != anchor, "marking moves on to another question"
    assert focused(page) == "hb-drill-question", "focus moves to the new question"

    page.reload()
    page.wait_for_function(f"document.querySelector('{CARD}')?.dataset.question")
    assert page.text_content(COUNT) == f"1 of {len(chosen)} known in this selection"

    page.check("#hb-drill-skip")
    assert "skip=known" in page.url, "the address keeps the filters"
    seen = {shown(page)}
    for _ in range(6 * len(chosen)):
        page.click("#hb-drill-next")
        seen.add(shown(page))
    assert anchor not in seen, "a question marked known came back with 'skip questions I know'"
    assert seen == {e["id"] for e in chosen} - {anchor}, "every other question of the selection comes up"

    page.goto(urljoin(base_url, "questions/"))
    row = page.locator(f'.hb-progress-chapters li[data-chapter="{chapter}"]')
    total = sum(e["chapter"] == chapter for e in entries(site))
    assert row.is_visible()
    assert row.locator(".hb-progress-count").inner_text().replace("\xa0", " ") == f"1 / {total}"
    assert "1 of" in page.text_content(".hb-progress-total")


def test_review_again_and_reset_progress(page, site, base_url):
    chapter, difficulty, chosen = small_selection(site)
    open_drill(page, base_url, chapter=chapter, difficulty=difficulty, skip="known")
    page.click("#hb-drill-show")
    page.click("#hb-drill-knew")
    page.click("#hb-drill-show")
    page.click("#hb-drill-review")
    assert page.text_content(COUNT) == f"1 of {len(chosen)} known in this selection"
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#hb-drill-reset")
    assert page.text_content(COUNT).startswith("1 of"), "cancelling the confirmation keeps the progress"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#hb-drill-reset")
    assert page.text_content(COUNT) == f"0 of {len(chosen)} known in this selection"


def test_the_drill_works_with_the_keyboard_alone(page, site, base_url):
    open_drill(page, base_url, difficulty="easy")
    page.focus("#hb-drill-next")
    page.keyboard.press("Enter")
    assert focused(page) == "hb-drill-question"
    page.keyboard.press("Tab")
    assert focused(page) == "hb-drill-show"
    page.keyboard.press("Enter")
    assert focused(page) == "hb-drill-answer" and page.locator("#hb-drill-answer").is_visible()
    page.keyboard.press("Tab")
    assert focused(page) == "hb-drill-link"
    page.keyboard.press("Tab")
    assert focused(page) == "hb-drill-knew"
    page.keyboard.press("Enter")
    assert page.text_content(COUNT).startswith("1 of")
    assert focused(page) == "hb-drill-question"


def test_answers_with_formulas_are_typeset(page, site, base_url):
    with_math = [e for e in entries(site) if 'class="arithmatex"' in e["answer"]]
    chapter = Counter(e["chapter"] for e in with_math).most_common(1)[0][0]
    in_chapter = [e for e in entries(site) if e["chapter"] == chapter]
    share = sum(e in with_math for e in in_chapter) / len(in_chapter)
    anchor = open_drill(page, base_url, chapter=chapter)
    for _ in range(int(20 / share)):  # a question with math comes up soon
        if anchor in {e["id"] for e in with_math}:
            break
        page.click("#hb-drill-next")
        anchor = shown(page)
    assert anchor in {e["id"] for e in with_math}
    page.click("#hb-drill-show")
    page.wait_for_selector("#hb-drill-answer .arithmatex .katex")
    assert "\\(" not in page.inner_text("#hb-drill-answer"), "raw TeX left in the answer"


def test_all_questions_links_to_a_drill_of_its_filters(page, site, base_url):
    page.goto(urljoin(base_url, "questions/"))
    link = page.locator(".hb-drill-these")
    assert link.get_attribute("href") == urljoin(base_url, "drill/")
    page.select_option("#hb-difficulty", "medium")
    tag = entries(site)[0]["tags"][0]
    page.select_option("#hb-tag", tag)
    link.click()
    page.wait_for_function(f"document.querySelector('{CARD}')?.dataset.question")
    assert page.input_value("#hb-drill-difficulty") == "medium"
    assert page.input_value("#hb-drill-tag") == tag
    expected = sum(e["difficulty"] == "medium" and tag in e["tags"] for e in entries(site))
    assert page.text_content(COUNT) == f"0 of {expected} known in this selection"


def test_the_progress_fits_a_phone(browser, site, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    chapter, difficulty, _ = small_selection(site)
    open_drill(page, base_url, chapter=chapter, difficulty=difficulty)
    page.click("#hb-drill-show")
    page.click("#hb-drill-knew")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the drill page scrolls sideways"
    page.goto(urljoin(base_url, "questions/"))
    page.wait_for_selector(".hb-progress-chapters")
    # Off-screen cards are not laid out (content-visibility): lay them all out to measure them.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
