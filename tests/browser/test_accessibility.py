"""Pages pass axe-core's WCAG 2.2 A and AA rules, in the light and the dark scheme.

axe takes about 10 s on a long page, so the suite checks one page of each kind (home, the lists,
both Labs, and topic pages heavy in code, math, tables and diagrams), not all of them.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "",
    "questions/",
    "drill/",
    "tags/",
    "labs/rag-pipeline/",
    "labs/fine-tune-encoder/",
    "coding/numpy-classical-ml/",
    "transformers/attention/",
    "system-design/recommendation-search-ads/",
]


def violations(axe: Axe, page) -> list[str]:
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        f"{v['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for v in result.response["violations"]
        for node in v["nodes"][:3]
    ]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_kinds_pass_axe_wcag_22_aa(browser, base_url, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    axe, found = Axe(), {}
    for path in PAGES:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        page.wait_for_selector("body[data-code-focusable]", state="attached")
        if path == "drill/":  # built by its script: check it with an answer shown
            page.click("#hb-drill-show")
        if problems := violations(axe, page):
            found[path or "/"] = problems
    context.close()
    assert not found, "\n".join(f"{path}\n  " + "\n  ".join(p) for path, p in found.items())
