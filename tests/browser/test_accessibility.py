"""Pages pass axe-core's WCAG 2.2 A and AA rules, in the light and the dark scheme.

One page of each kind (home, the lists, both Labs, and topic pages heavy in code, math, tables and
diagrams) is checked whole here, code included, loaded in each scheme from the start: every rule but
the colour ones on the whole page, and the colour rules on one element per colour combination
(tests/browser/axe.py). Every other page is checked outside its code blocks by
tests/browser/test_every_page.py, in the load that measures its weight: the code palette is the same
on every page, checked on the code-heavy pages here.
"""

import pytest

from tests.browser.axe import PAGE_KINDS, mark_new_colours, settle, violations


@pytest.mark.timeout(900)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_kinds_pass_axe_wcag_22_aa(browser, base_url, scheme):
    found = {}
    for path in PAGE_KINDS:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base_url + path)
        settle(page)
        if path == "drill/":  # built by its script: check it with an answer shown
            page.click("#hb-drill-show")
            page.wait_for_function("document.querySelector('#hb-drill-answer-text').textContent")
        mark_new_colours(page, with_code=True)
        if problems := violations(page):
            found[path or "/"] = problems
        context.close()
    assert not found, "\n".join(f"{path}\n  " + "\n  ".join(p) for path, p in found.items())
