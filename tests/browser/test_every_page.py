"""Every page in the navigation, on a first visit: light, and accessible in both colour schemes.

One load per page, in a fresh browser context (gzip over loopback), checked two ways:

- weight: what the first visit transferred until the network was idle stays within the budget,
  and the search index, the search workers and drill mode's script wait until the reader asks
  for them (tests/browser/weight.py);
- accessibility: axe-core's WCAG 2.2 A and AA rules outside code blocks in the light scheme, then
  the colour rules again after the header's toggle switches to the dark one
  (tests/browser/axe.py). The page kinds of tests/browser/test_accessibility.py are checked whole
  there instead, in both schemes.

Measuring both on one load saves a page load per page (about 1.4 s each). The Drill page shows a
random question; its weight and accessibility have their own tests. Deep links are checked by
tests/browser/test_pages_in_browser.py.
"""

import pytest

from handbook.pages import mkdocs_config
from handbook.questions import nav_urls
from tests.browser import axe
from tests.browser.weight import BUDGET, early_loads, transferred

PAGES = [path for path in nav_urls(mkdocs_config()["nav"]) if path != "drill/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_first_visit_is_light_and_passes_axe_in_both_schemes(browser, base_url, path):
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    total, urls = transferred(page, base_url + path)
    problems = early_loads(path, urls)
    if total > BUDGET:
        problems.append(f"{total:,} bytes on a first visit (budget {BUDGET:,})")
    if path not in axe.PAGE_KINDS:
        axe.settle(page)
        problems += axe.outside_code_in_both_schemes(page)
    context.close()
    assert not problems, f"/{path}\n  " + "\n  ".join(problems)
