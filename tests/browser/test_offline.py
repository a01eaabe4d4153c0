"""`make offline`: the site opened from file:// works, search included, with no request anywhere."""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.search import search
from tests.conftest import run


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site-offline")
    os.environ["OFFLINE"] = "true"
    try:
        result = run(["mkdocs", "build", "--strict", "--site-dir", str(out)])
    finally:
        del os.environ["OFFLINE"]
    assert result.returncode == 0, result.stdout
    return out


def test_offline_build_has_file_urls_and_inlined_search(offline_site):
    assert (offline_site / "search" / "search_index.js").is_file()
    home = (offline_site / "index.html").read_text(encoding="utf-8")
    assert 'href="questions.html"' in home, "links must name .html files to work from file://"
    assert "unpkg.com" not in home


def test_offline_site_searches_and_navigates_from_file_urls(page, offline_site):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((offline_site / "index.html").as_uri())
    assert "lora-low-rank" in search(page, "lora low-rank adaptation")
    page.locator('.md-search-result__list a.md-search-result__link[href$="#lora-low-rank"]').first.click()
    page.wait_for_url(lambda url: url.endswith("/efficient-fine-tuning.html#lora-low-rank"))
    assert page.locator("h2#lora-low-rank").is_visible()
    # The page's own scripts ran (they start from Material's document$, which instant loading
    # would end before the page loads): the formulas near the answer are typeset.
    page.wait_for_selector("h2#lora-low-rank ~ p .katex", state="attached")
    page.goto((offline_site / "questions.html").as_uri())
    assert page.locator(".hb-questions tbody tr").count() > 100
    elsewhere = [u for u in requests if urlsplit(u).scheme not in {"file", "data", "blob", "about"}]
    assert not elsewhere, f"the offline site made requests: {elsewhere}"


def test_offline_drill_loads_its_questions_and_links_answers_from_file_urls(page, offline_site):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((offline_site / "drill.html").as_uri() + "?difficulty=hard")
    page.wait_for_function("document.querySelector('#hb-drill-card')?.dataset.question")
    page.click("#hb-drill-show")
    page.click("#hb-drill-knew")
    assert page.text_content("#hb-drill-count").startswith("1 of")
    link = page.get_attribute("#hb-drill-link", "href")
    path, anchor = urlsplit(link).path, urlsplit(link).fragment
    assert path.endswith(".html") and Path(path).is_file(), link
    assert f'id="{anchor}"' in Path(path).read_text(encoding="utf-8"), link
    page.goto((offline_site / "questions.html").as_uri())
    assert page.locator(".hb-progress-chapters li").count() == 1
    assert page.get_attribute(".hb-drill-these", "href") == (offline_site / "drill.html").as_uri()
    elsewhere = [u for u in requests if urlsplit(u).scheme not in {"file", "data", "blob", "about"}]
    assert not elsewhere, f"the offline drill made requests: {elsewhere}"


def test_offline_topics_link_every_tag_to_the_filtered_question_list(offline_site):
    html = (offline_site / "tags.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'<a href="questions\.html\?tag=([^"]+)">', html))
    questions = json.loads((offline_site / "questions.json").read_text(encoding="utf-8"))
    assert linked == {tag for q in questions for tag in q["tags"]}
    assert (offline_site / "questions.html").is_file()


def test_offline_question_list_links_to_existing_answers(offline_site):
    html = (offline_site / "questions.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"#]+\.html)#([^"]+)">', html)
    assert len(links) > 300, f"questions.html: expected a link to every question, found {len(links)}"
    pages = {}
    for path, anchor in links:
        target = offline_site / path
        assert target.is_file(), f"questions.html links to {path}, which the offline copy lacks"
        pages.setdefault(path, target.read_text(encoding="utf-8"))
        assert f'id="{anchor}"' in pages[path], f"questions.html links to {path}#{anchor}: no such anchor"


def test_offline_old_link_to_a_moved_answer_opens_it_from_file_urls(page, offline_site):
    # latent-diffusion moved from diffusion.md to diffusion-applications.md (tests/anchors.txt).
    page.goto((offline_site / "generative-models" / "diffusion.html").as_uri() + "#latent-diffusion")
    new = "/generative-models/diffusion-applications.html#latent-diffusion"
    page.wait_for_url(lambda url: url.endswith(new))
    assert page.locator("h2#latent-diffusion").count() == 1
