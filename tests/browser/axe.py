"""axe-core's WCAG 2.2 A and AA rules on a page the browser has open, as the reader sees it.

The colour rules, four fifths of axe's time on a page, look at one text element per colour
combination: axe's verdict on an element's contrast depends only on its computed text colour,
size, weight and shadow, its parent's text colour (links in text) and the backgrounds and
opacities between it and the first opaque background. Elements that match an element already
checked, on this page or an earlier one in the same scheme, would get the same verdict.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# What the colour scheme changes; the other rules look at markup, the same in both schemes.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
OUTSIDE_CODE = {"exclude": [[".highlight"]]}
# One page of each kind, checked whole in both schemes (test_accessibility.py); every other page
# is checked outside its code (test_every_page.py).
PAGE_KINDS = [
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


def violations(
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
    result = Axe().run(page, context=context, options=options)
    return [
        f"{v['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for v in result.response["violations"]
        for node in v["nodes"][:3]
    ]


def settle(page) -> None:
    """Wait until the page looks final: KaTeX and its fonts fetched (a formula widens when they
    arrive), code blocks marked, and no colour transition running."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_selector("body[data-code-focusable]", state="attached")
    # Material fades colours in over 0.125-0.25 s; axe once read a summary mid-fade (dark text on a
    # light background). Checked colours must be the final ones, so no transition is left running.
    still = "*, *::before, *::after { transition: none !important; animation: none !important; }"
    page.add_style_tag(content=still)
    next_frames(page)


def next_frames(page) -> None:
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def switch_to_dark(page) -> None:
    """The header's toggle, as a reader switches: the same page, now in the dark scheme."""
    page.click("label[for='__palette_1']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    next_frames(page)


# Marks, with data-axe-sample, the visible text elements (outside code unless `withCode`) whose
# colour combination (see the module's docstring) is not in `seen`; returns the new combinations.
MARK_NEW_COLOUR_COMBINATIONS = """([seen, withCode]) => {
  const known = new Set(seen);
  const fresh = [];
  for (const old of document.querySelectorAll("[data-axe-sample]")) old.removeAttribute("data-axe-sample");
  const opaque = (style) => style.backgroundImage === "none" && /^rgb\\(/.test(style.backgroundColor);
  for (const element of document.body.querySelectorAll("*")) {
    const hasText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!hasText || (!withCode && element.closest(".highlight")) || !element.checkVisibility()) continue;
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
SEEN_COLOURS: set[str] = set()  # combinations already checked in this process, both schemes


def colour_violations(page, with_code: bool = False) -> list[str]:
    """The colour rules on the text (outside code unless `with_code`) whose colour combination is new."""
    fresh = page.evaluate(MARK_NEW_COLOUR_COMBINATIONS, [sorted(SEEN_COLOURS), with_code])
    SEEN_COLOURS.update(fresh)
    if not fresh:
        return []
    samples = {"include": [["[data-axe-sample]"]], **({} if with_code else OUTSIDE_CODE)}
    return violations(page, context=samples, rules=COLOUR_RULES)


def outside_code_in_both_schemes(page) -> list[str]:
    """Every rule outside code in the light scheme, then the colour rules after the toggle."""
    problems = [f"light: {p}" for p in violations(page, context=OUTSIDE_CODE, without=COLOUR_RULES)]
    problems += [f"light: {p}" for p in colour_violations(page)]
    switch_to_dark(page)
    problems += [f"dark: {p}" for p in colour_violations(page)]
    return problems
