"""Pages pass axe-core's WCAG 2.2 A and AA rules, in the light and the dark scheme.

One page of each kind (home, the lists, both Labs, and topic pages heavy in code, math, tables
and diagrams) is checked whole. Every other page is checked too, except inside its code blocks:
the code palette is the same on every page, checked on the code-heavy pages above. The other
pages are loaded once: all rules run in the light scheme, then the header's toggle switches to
the dark one and the colour rules run again (the markup is the same in both; the page kinds above
are loaded in each scheme from the start).

On those pages the colour rules, four fifths of axe's time, look at one text element per colour
combination: axe's verdict on an element's contrast depends only on its computed text colour,
size, weight and shadow, its parent's text colour (links in text) and the backgrounds and
opacities between it and the first opaque background. Elements that match an element already
checked, on this page or an earlier one in the same scheme, would get the same verdict.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from handbook.pages import mkdocs_config
from handbook.questions import nav_urls

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


def every_other_page() -> list[str]:
    return [url for url in nav_urls(mkdocs_config()["nav"]) if url not in PAGES]


# What the colour scheme changes; the other rules look at markup, the same in both schemes.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def violations(
    axe: Axe,
    page,
    context: dict | None = None,
    rules: list[str] | None = None,
    without: list[str] | None = None,
) -> list[str]:
    """axe's WCAG rules (or only `rules`), less the rules in `without`."""
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG}
    options = {"runOnly": run_only, "resultTypes": ["violations"]}
    if without:
        options["rules"] = {rule: {"enabled": False} for rule in without}
    result = axe.run(page, context=context, options=options)
    return [
        f"{v['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for v in result.response["violations"]
        for node in v["nodes"][:3]
    ]


def open_page(browser, url: str, scheme: str):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    # Settled: KaTeX and its fonts fetched (a formula widens when they arrive), code blocks marked.
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_selector("body[data-code-focusable]", state="attached")
    # Material fades colours in over 0.125-0.25 s; axe once read a summary mid-fade (dark text on a
    # light background). Checked colours must be the final ones, so no transition is left running.
    still = "*, *::before, *::after { transition: none !important; animation: none !important; }"
    page.add_style_tag(content=still)
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return context, page


@pytest.mark.timeout(900)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_kinds_pass_axe_wcag_22_aa(browser, base_url, scheme):
    axe, found = Axe(), {}
    for path in PAGES:
        context, page = open_page(browser, base_url + path, scheme)
        if path == "drill/":  # built by its script: check it with an answer shown
            page.click("#hb-drill-show")
            page.wait_for_function("document.querySelector('#hb-drill-answer-text').textContent")
        if problems := violations(axe, page):
            found[path or "/"] = problems
        context.close()
    assert not found, "\n".join(f"{path}\n  " + "\n  ".join(p) for path, p in found.items())


def switch_to_dark(page) -> None:
    """The header's toggle, as a reader switches: the same page, now in the dark scheme."""
    page.click("label[for='__palette_1']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


# Marks, with data-axe-sample, the visible text elements outside code whose colour combination
# (see the module's docstring) is not in `seen`; returns the new combinations.
MARK_NEW_COLOUR_COMBINATIONS = """(seen) => {
  const known = new Set(seen);
  const fresh = [];
  for (const old of document.querySelectorAll("[data-axe-sample]")) old.removeAttribute("data-axe-sample");
  const opaque = (style) => style.backgroundImage === "none" && /^rgb\\(/.test(style.backgroundColor);
  for (const element of document.body.querySelectorAll("*")) {
    const hasText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!hasText || element.closest(".highlight") || !element.checkVisibility()) continue;
    const own = getComputedStyle(element);
    const parts = [own.color, own.fontSize, own.fontWeight, own.textShadow];
    parts.push(getComputedStyle(element.parentElement).color);
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      parts.push(style.backgroundColor, style.backgroundImage, style.opacity, style.filter);
      if (opaque(style) && style.opacity === "1") break;
    }
    const combination = parts.join("|");
    if (known.has(combination)) continue;
    known.add(combination);
    fresh.push(combination);
    element.setAttribute("data-axe-sample", "");
  }
  return fresh;
}"""
SEEN_COLOURS: set[str] = set()  # combinations already checked in this session, both schemes


def colour_violations(page) -> list[str]:
    fresh = page.evaluate(MARK_NEW_COLOUR_COMBINATIONS, sorted(SEEN_COLOURS))
    SEEN_COLOURS.update(fresh)
    if not fresh:
        return []
    samples = {"include": [["[data-axe-sample]"]], "exclude": [[".highlight"]]}
    return violations(Axe(), page, context=samples, rules=COLOUR_RULES)


@pytest.mark.parametrize("path", every_other_page())
def test_every_page_passes_axe_outside_its_code_in_both_schemes(browser, base_url, path):
    # One load per page: every rule in the light scheme, then the colour rules after the toggle.
    context, page = open_page(browser, base_url + path, "light")
    outside_code = {"exclude": [[".highlight"]]}
    problems = [f"light: {p}" for p in violations(Axe(), page, context=outside_code, without=COLOUR_RULES)]
    problems += [f"light: {p}" for p in colour_violations(page)]
    switch_to_dark(page)
    problems += [f"dark: {p}" for p in colour_violations(page)]
    context.close()
    assert not problems, f"{path}\n  " + "\n  ".join(problems)
